"""The audit trail: officers see who changed what and when on every record with history."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from meetings.models import Meeting
from scrutiny import audit
from tests.factories import OfficerFactory, make_user
from tests.factories.meetings import AgendaItemFactory, PublishedMeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return make_user("officer", username="clerk", person=OfficerFactory(name="Richard Dunne"))


def history_path(obj) -> str:
    meta = obj._meta
    return f"/officer/history/{meta.app_label}/{meta.model_name}/{obj.pk}/"


def test_every_audited_kind_of_record_keeps_history():
    labels = {m._meta.label_lower for m in audit.tracked_models()}
    assert {
        "meetings.meeting",
        "meetings.agendaitem",
        "meetings.report",
        "meetings.document",
    } <= labels
    # Minutes, actions, KPI figures and recommendations, as the other apps define them.
    for app in ("minutes", "performance", "workprogramme"):
        assert any(label.startswith(app + ".") for label in labels), app


def test_history_page_shows_who_when_and_field_diffs(client, officer):
    meeting = PublishedMeetingFactory(venue="Meeting Room 4")
    meeting._history_user = officer
    meeting.venue = "Council Chamber, Huddersfield Town Hall"
    meeting.status = "held"
    meeting.save()

    client.force_login(officer)
    response = client.get(history_path(meeting))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Changed" in html and "Created" in html
    assert "Richard Dunne (clerk)" in html
    assert "Meeting Room 4" in html and "Council Chamber, Huddersfield Town Hall" in html
    assert "Agenda published" in html and "Held" in html  # choice labels, not codes
    entries = response.context["entries"]
    assert entries[0].kind == "Changed"
    assert {c.name for c in entries[0].changes} == {"venue", "status"}
    assert entries[-1].kind == "Created"


def test_foreign_keys_show_names_and_deleted_records_keep_history(client, officer):
    item = AgendaItemFactory(title="Budget monitoring")
    old_meeting = item.meeting
    new_meeting = PublishedMeetingFactory(committee=old_meeting.committee)
    item.meeting = new_meeting
    item.save()
    client.force_login(officer)
    entries = client.get(history_path(item)).context["entries"]
    change = next(c for c in entries[0].changes if c.name == "meeting")
    assert change.old == str(old_meeting) and change.new == str(new_meeting)

    pk = item.pk
    item.delete()
    response = client.get(f"/officer/history/meetings/agendaitem/{pk}/")
    assert response.status_code == 200
    assert response.context["deleted"] is True
    assert response.context["entries"][0].kind == "Deleted"


def test_history_is_for_officers_only(client, db):
    meeting = PublishedMeetingFactory()
    path = history_path(meeting)
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(make_user("councillor"))
    assert client.get(path).status_code == 403
    assert client.get("/officer/history/").status_code == 403


def test_unknown_models_and_records_are_404(client, officer):
    client.force_login(officer)
    assert client.get("/officer/history/auth/user/1/").status_code == 404
    assert client.get("/officer/history/scrutiny/committee/1/").status_code == 404
    assert client.get("/officer/history/meetings/meeting/999999/").status_code == 404


def test_recent_changes_lists_changes_across_models(client, officer):
    meeting = PublishedMeetingFactory()
    AgendaItemFactory(meeting=meeting, title="Children's social care improvement plan")
    client.force_login(officer)
    response = client.get("/officer/history/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Children&#x27;s social care improvement plan" in html
    assert history_path(meeting) in html


def test_history_page_is_paged_and_keeps_diffs_across_pages(client, officer):
    meeting = PublishedMeetingFactory()
    for n in range(30):
        meeting.venue = f"Room {n}"
        meeting.save()
    client.force_login(officer)
    first = client.get(history_path(meeting))
    second = client.get(history_path(meeting) + "?page=2")
    assert len(first.context["entries"]) == 25
    last_on_second = second.context["entries"]
    assert last_on_second[-1].kind == "Created"
    # The oldest entry on page one still shows its change (diffed against page two's first).
    assert first.context["entries"][-1].changes


def test_history_link_include_is_for_officers_only(officer):
    meeting = PublishedMeetingFactory()
    template = Template('{% include "includes/history_link.html" with object=meeting %}')
    request = RequestFactory().get("/")
    request.user = officer
    html = template.render(Context({"request": request, "meeting": meeting}))
    assert history_path(meeting) in html
    request.user = make_user("councillor")
    assert template.render(Context({"request": request, "meeting": meeting})).strip() == ""
    assert Meeting.history.model.objects.filter(id=meeting.pk).exists()


def test_history_link_include_ignores_missing_or_unsaved_objects(officer):
    from meetings.models import Meeting as MeetingModel

    template = Template('{% include "includes/history_link.html" with object=thing %}')
    request = RequestFactory().get("/")
    request.user = officer
    for thing in ("", None, MeetingModel(), object()):
        assert template.render(Context({"request": request, "thing": thing})).strip() == ""


def test_officer_record_pages_link_to_the_history(client, officer):
    item = AgendaItemFactory()
    client.force_login(officer)
    meeting_page = client.get(f"/officer/meetings/{item.meeting_id}/").content.decode()
    assert history_path(item.meeting) in meeting_page
    item_page = client.get(f"/officer/items/{item.pk}/edit/").content.decode()
    assert history_path(item) in item_page
