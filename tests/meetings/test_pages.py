"""Public and officer pages render the right things for the right people, with flat query
counts as meetings and items grow."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from meetings.models import MeetingStatus
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import (
    LONDON,
    AgendaItemFactory,
    DocumentFactory,
    ExemptAgendaItemFactory,
    MeetingFactory,
    PublishedMeetingFactory,
    ReportFactory,
)

pytestmark = pytest.mark.django_db
H1 = re.compile(r"<h1[\s>]")


def one_h1(response) -> str:
    html = response.content.decode()
    assert len(H1.findall(html)) == 1
    return html


def make_meeting(committee=None, n_items=3, **kwargs):
    meeting = PublishedMeetingFactory(committee=committee or CommitteeFactory(), **kwargs)
    for _ in range(n_items):
        item = AgendaItemFactory(meeting=meeting)
        ReportFactory(agenda_item=item)
        DocumentFactory(agenda_item=item)
    return meeting


def test_calendar_lists_published_meetings_only(client):
    published = make_meeting(n_items=1)
    hidden = MeetingFactory(committee=published.committee)
    html = one_h1(client.get(reverse("meeting-calendar")))
    assert published.get_absolute_url() in html
    assert hidden.get_absolute_url() not in html
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_calendar_filters_by_committee_year_and_month(client):
    from tests.factories import MunicipalYearFactory

    MunicipalYearFactory()  # 2017/18
    a = make_meeting(n_items=0, start=dt.datetime(2017, 10, 9, 10, tzinfo=LONDON))
    b = make_meeting(n_items=0, start=dt.datetime(2017, 2, 20, 10, tzinfo=LONDON))
    url = reverse("meeting-calendar")
    html = client.get(url, {"committee": a.committee.slug}).content.decode()
    assert a.get_absolute_url() in html and b.get_absolute_url() not in html
    html = client.get(url, {"year": "2017/18"}).content.decode()
    assert a.get_absolute_url() in html and b.get_absolute_url() not in html
    html = client.get(url, {"month": "2017-02"}).content.decode()
    assert b.get_absolute_url() in html and a.get_absolute_url() not in html
    assert "October 2017" in client.get(url).content.decode()


def test_meeting_page_shows_agenda_papers_and_publication(client):
    meeting = make_meeting(n_items=2)
    html = one_h1(client.get(meeting.get_absolute_url()))
    assert "Agenda published" in html
    for item in meeting.items.all():
        assert item.title in html
        for r in item.reports.all():
            assert reverse("report-detail", args=[r.pk]) in html
        for d in item.documents.all():
            assert reverse("document-download", args=[d.pk]) in html
            assert f"{d.page_count} pages" in html


def test_exempt_item_listed_by_title_and_paragraph_never_content(client):
    meeting = make_meeting(n_items=1)
    item = ExemptAgendaItemFactory(meeting=meeting, title="Missing Children Report")
    report = ReportFactory(agenda_item=item, title="SECRET-REPORT-TITLE")
    doc = DocumentFactory(agenda_item=item, title="SECRET-DOC-TITLE")
    html = one_h1(client.get(meeting.get_absolute_url()))
    assert "Missing Children Report" in html
    assert "Exempt – Schedule 12A paragraph 6" in html
    assert item.exempt_reasons in html
    assert "SECRET" not in html
    assert client.get(reverse("report-detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("document-download", args=[doc.pk])).status_code == 404


def test_report_page_renders_cover_sheet_and_numbered_sections(client):
    report = ReportFactory(
        sections=[("Summary", "<p>The summary.</p>"), ("Next steps", "<p>Then this.</p>")]
    )
    html = one_h1(client.get(report.get_absolute_url()))
    assert "Cover sheet" in html and "Steve Walker, Strategic Director" in html
    assert "1. Summary" in html and "2. Next steps" in html and "<p>Then this.</p>" in html


def test_generated_report_uses_registered_generator(client):
    from meetings.extensions import report_generators

    report_generators.register("test-gen", lambda report, for_print=False: "<p>GENERATED</p>")
    report = ReportFactory(source="generated", generator="test-gen")
    assert "<p>GENERATED</p>" in one_h1(client.get(report.get_absolute_url()))


def test_cancelled_meeting_shows_the_notice(client):
    meeting = make_meeting(
        n_items=0, status=MeetingStatus.CANCELLED, status_notice="Cancelled for lack of business."
    )
    html = one_h1(client.get(meeting.get_absolute_url()))
    assert "cancelled" in html and "Cancelled for lack of business." in html


def test_committee_meetings_page(client):
    meeting = make_meeting(n_items=0)
    html = one_h1(client.get(reverse("committee-meetings", args=[meeting.committee.slug])))
    assert meeting.get_absolute_url() in html


def test_member_sees_exempt_papers_and_access_is_logged(client):
    from meetings.models import ExemptAccess

    meeting = make_meeting(n_items=0)
    item = ExemptAgendaItemFactory(meeting=meeting)
    doc = DocumentFactory(agenda_item=item, title="Members only appendix")
    person = PersonFactory()
    MembershipFactory(person=person, committee=meeting.committee, start_date=dt.date(2017, 1, 1))
    user = make_user("councillor", person=person)
    client.force_login(user)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Members only appendix" in html
    response = client.get(reverse("document-download", args=[doc.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")  # stamped NOT FOR PUBLICATION (issue 23)
    assert ExemptAccess.objects.filter(user=user, document=doc).count() == 1

    outsider = make_user("councillor", person=PersonFactory())
    client.force_login(outsider)
    assert client.get(reverse("document-download", args=[doc.pk])).status_code == 404
    assert ExemptAccess.objects.filter(refused=False).count() == 1


def test_document_download_headers(client):
    doc = DocumentFactory(title="Appendix A – plan", original_filename="Appendix A – plan.pdf")
    response = client.get(doc.get_absolute_url())
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(body)) == str(doc.size)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["ETag"] == f'"{doc.sha256}"'
    assert "Last-Modified" in response
    # Opens in the browser; saved (``?download=1``) under the meeting's date and the title.
    name = f"{doc.agenda_item.meeting.date:%Y-%m-%d}-appendix-a-plan.pdf"
    assert response["Content-Disposition"] == f'inline; filename="{name}"'
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    saved = client.get(doc.get_absolute_url() + "?download=1")
    assert saved["Content-Disposition"] == f'attachment; filename="{name}"'
    assert "sandbox" in saved["Content-Security-Policy"]
    assert saved["X-Content-Type-Options"] == "nosniff"
    again = client.get(doc.get_absolute_url(), HTTP_IF_NONE_MATCH=f'"{doc.sha256}"')
    assert again.status_code == 304
    since = client.get(doc.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304


def test_officer_pages_need_an_officer(client):
    meeting = MeetingFactory()
    url = reverse("officer-meeting", args=[meeting.pk])
    assert client.get(url).status_code == 302
    client.force_login(make_user("councillor", person=PersonFactory()))
    assert client.get(url).status_code == 403
    client.force_login(make_user("officer"))
    one_h1(client.get(url))
    for name in ("officer-meetings", "officer-meeting-add"):
        one_h1(client.get(reverse(name)))
    for name in (
        "officer-meeting-edit",
        "officer-meeting-publish",
        "officer-item-add",
        "officer-meeting-cancel",
        "officer-meeting-postpone",
    ):
        one_h1(client.get(reverse(name, args=[meeting.pk])))
    item = AgendaItemFactory(meeting=meeting)
    for name in ("officer-item-edit", "officer-report-add", "officer-document-add"):
        one_h1(client.get(reverse(name, args=[item.pk])))
    for audience in ("public", "member"):
        one_h1(client.get(reverse("officer-meeting-preview", args=[meeting.pk, audience])))
    one_h1(client.get(reverse("officer-standard-items", args=[meeting.committee.slug])))


@pytest.mark.parametrize("n", [1, 8])
def test_calendar_query_count_is_flat(client, django_assert_max_num_queries, n):
    committee = CommitteeFactory()
    for _ in range(n):
        make_meeting(committee=committee, n_items=1)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("meeting-calendar")).status_code == 200


@pytest.mark.parametrize("n", [1, 12])
def test_meeting_page_query_count_is_flat(client, django_assert_max_num_queries, n):
    meeting = make_meeting(n_items=n)
    ExemptAgendaItemFactory(meeting=meeting)
    # 12, and 2 for the notes of withdrawn reports and PDFs (issue 15): flat in n.
    with django_assert_max_num_queries(12):
        assert client.get(meeting.get_absolute_url()).status_code == 200
