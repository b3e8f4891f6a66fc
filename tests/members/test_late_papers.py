"""Issue 23 finding 5: the chair's reasons for urgency on a late document are shown publicly (as
for late items and reports), never for an exempt item's paper; a meeting recorded as held takes
no late paper, with a clear message to the officer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings import services
from meetings.models import Document, MeetingStatus
from tests.factories import MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    ExemptAgendaItemFactory,
    PublishedMeetingFactory,
    make_pdf_bytes,
)

pytestmark = pytest.mark.django_db
CANARY = "CANARY-9a8b7c"


def test_late_document_reasons_are_public(client):
    meeting = PublishedMeetingFactory()
    item = AgendaItemFactory(meeting=meeting)
    doc = DocumentFactory(
        agenda_item=item, is_late=True, urgency_reasons="The Ofsted letter arrived on Monday."
    )
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "reasons for urgency: The Ofsted letter arrived on Monday." in html
    html = client.get(reverse("document-html", args=[doc.pk])).content.decode()
    assert "The Ofsted letter arrived on Monday." in html


def test_exempt_late_document_reasons_stay_with_members(client):
    meeting = PublishedMeetingFactory()
    item = ExemptAgendaItemFactory(meeting=meeting)
    DocumentFactory(agenda_item=item, is_late=True, urgency_reasons=f"Reasons {CANARY}")
    assert CANARY not in client.get(meeting.get_absolute_url()).content.decode()
    client.force_login(make_user("councillor", person=PersonFactory()))
    assert CANARY not in client.get(meeting.get_absolute_url()).content.decode()
    person = PersonFactory()
    MembershipFactory(person=person, committee=meeting.committee, start_date=dt.date(2000, 1, 1))
    client.force_login(make_user("councillor", person=person))
    assert f"Reasons {CANARY}" in client.get(meeting.get_absolute_url()).content.decode()


@pytest.fixture
def held():
    officer = make_user("officer")
    meeting = PublishedMeetingFactory(start=dt.datetime(2017, 10, 9, 9, 0, tzinfo=dt.UTC))
    item = AgendaItemFactory(meeting=meeting)
    draft = services.add_document(
        agenda_item=item,
        uploaded_file=SimpleUploadedFile("late.pdf", make_pdf_bytes(1)),
        title="Late paper drafted before the meeting",
        by=officer,
    )
    services.mark_held(meeting=meeting, by=officer)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    return officer, meeting, item, draft


def test_held_meeting_takes_no_late_paper(held):
    officer, meeting, item, draft = held
    with pytest.raises(ValidationError) as exc:
        services.add_document(
            agenda_item=item,
            uploaded_file=SimpleUploadedFile("late.pdf", make_pdf_bytes(1)),
            title="Too late",
            urgency_reasons="Tabled.",
            by=officer,
        )
    assert "recorded as held" in exc.value.message_dict["__all__"][0]
    with pytest.raises(ValidationError) as exc:
        services.add_report(agenda_item=item, title="Too late", by=officer)
    assert "recorded as held" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.publish_late_paper(paper=draft, urgency_reasons="Tabled.", by=officer)
    assert "recorded as held" in str(exc.value)
    draft.refresh_from_db()
    assert draft.is_draft
    assert not Document.all_objects.filter(title="Too late").exists()


def test_officer_sees_a_clear_message_when_uploading_to_a_held_meeting(client, held):
    officer, meeting, item, draft = held
    client.force_login(officer)
    response = client.post(
        reverse("officer-document-add", args=[item.pk]),
        {
            "title": "Too late",
            "urgency_reasons": "Tabled at the meeting.",
            "uploaded_file": SimpleUploadedFile(
                "late.pdf", make_pdf_bytes(1), content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and "recorded as held" in html
    assert not Document.all_objects.filter(title="Too late").exists()
