"""A canary planted in exempt and unpublished papers never appears in any public response:
pages, the sitemap and every page it lists, guessed report and document URLs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import Document, Report
from tests.factories import MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    ExemptAgendaItemFactory,
    MeetingFactory,
    PublishedMeetingFactory,
    ReportFactory,
)
from tests.site.test_guards import sitemap_paths, sitemap_section_paths

pytestmark = pytest.mark.django_db
CANARY = "CANARY-7f3a9e"


@pytest.fixture
def planted():
    meeting = PublishedMeetingFactory()
    AgendaItemFactory(meeting=meeting, title="Public business")
    exempt = ExemptAgendaItemFactory(meeting=meeting, title="Missing Children Report")
    ReportFactory(
        agenda_item=exempt,
        title=f"Report {CANARY}",
        purpose=CANARY,
        sections=[("Summary", f"<p>{CANARY} names a child.</p>")],
    )
    DocumentFactory(
        agenda_item=exempt,
        title=f"Appendix {CANARY}",
        original_filename=f"{CANARY}.pdf",
        text=f"Appendix text {CANARY} secret",
        pages=1,
    )
    confidential = AgendaItemFactory(meeting=meeting, is_confidential=True, title="Item")
    ReportFactory(agenda_item=confidential, title=f"Confidential {CANARY}")
    draft = MeetingFactory(committee=meeting.committee)
    draft_item = AgendaItemFactory(meeting=draft, title=f"Draft {CANARY}")
    ReportFactory(agenda_item=draft_item, title=f"Draft report {CANARY}")
    DocumentFactory(agenda_item=draft_item, title=f"Draft doc {CANARY}")
    return meeting


# What a leak would show. A search page echoes the query, so for searches that contain the
# canary only these planted phrases (never typed by the searcher) count.
PLANTED = [
    f"Report {CANARY}",
    f"{CANARY} names a child",
    f"Appendix {CANARY}",
    f"text {CANARY}",
    f"Confidential {CANARY}",
    f"Draft {CANARY}",
    f"Draft report {CANARY}",
    f"Draft doc {CANARY}",
    f"{CANARY}.pdf",
]


def assert_clean(response, where):
    if hasattr(response, "streaming_content"):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if CANARY in where:
        text = body.decode("utf-8", "replace")
        assert not [p for p in PLANTED if p in text], where
    else:
        assert CANARY.encode() not in body, where


def public_urls(meeting):
    return [
        reverse("meeting-calendar"),
        reverse("meeting-calendar") + f"?committee={meeting.committee.slug}",
        meeting.get_absolute_url(),
        reverse("committee-meetings", args=[meeting.committee.slug]),
        reverse("committee-detail", args=[meeting.committee.slug]),
        "/sitemap.xml",
        "/",
        *optional_urls(meeting),
    ]


def optional_urls(meeting) -> list[str]:
    """Surfaces of later apps that read meetings papers (search, calendar feeds), if present."""
    from django.urls import NoReverseMatch

    urls = []
    for name, args, query in [
        ("search", [], f"?q={CANARY}"),
        ("search", [], "?q=Missing+Children"),
        ("committee-ics", [meeting.committee.slug], ""),
    ]:
        try:
            urls.append(reverse(name, args=args) + query)
        except NoReverseMatch:
            continue
    return urls


def test_canary_never_reaches_the_public(client, planted):
    for url in public_urls(planted):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_clean(response, url)
    # The sitemap index's section pages, then every URL they list.
    for path in sitemap_section_paths(client) + sitemap_paths(client):
        assert_clean(client.get("/" + path), path)
    # Guessed URLs: every report and document that exists, and some that do not.
    for pk in list(Report.all_objects.values_list("pk", flat=True)) + [999999]:
        response = client.get(reverse("report-detail", args=[pk]))
        assert_clean(response, f"report {pk}")
    for pk in list(Document.all_objects.values_list("pk", flat=True)) + [999999]:
        response = client.get(reverse("document-download", args=[pk]))
        assert_clean(response, f"document {pk}")
        response = client.get(reverse("document-html", args=[pk]))
        assert_clean(response, f"document {pk} as a web page")
    private_reports = Report.all_objects.exclude(pk__in=Report.objects.values("pk"))
    for report in private_reports:
        assert client.get(report.get_absolute_url()).status_code == 404
    private_docs = Document.all_objects.exclude(pk__in=Document.objects.values("pk"))
    assert private_docs.count() == 2
    for doc in private_docs:
        assert client.get(doc.get_absolute_url()).status_code == 404
        assert client.get(doc.get_absolute_url() + "?view=1").status_code == 404
        assert client.get(reverse("document-html", args=[doc.pk])).status_code == 404


def test_canary_hidden_from_signed_in_non_members(client, planted):
    outsider = make_user("councillor", person=PersonFactory())
    MembershipFactory(person=outsider.person, start_date=dt.date(2017, 1, 1))  # other committee
    client.force_login(outsider)
    for url in public_urls(planted) + [reverse("my-portal")]:
        assert_clean(client.get(url), url)
    for doc in Document.all_objects.exclude(pk__in=Document.objects.values("pk")):
        assert client.get(doc.get_absolute_url()).status_code == 404


def test_members_do_see_exempt_papers(client, planted):
    member = make_user("councillor", person=PersonFactory())
    MembershipFactory(
        person=member.person, committee=planted.committee, start_date=dt.date(2017, 1, 1)
    )
    client.force_login(member)
    assert CANARY in client.get(planted.get_absolute_url()).content.decode()
    report = Report.all_objects.get(title=f"Report {CANARY}")
    assert CANARY in client.get(report.get_absolute_url()).content.decode()
    # Unpublished meetings stay hidden from members too (officers only).
    draft = Report.all_objects.get(title=f"Draft report {CANARY}")
    assert client.get(draft.get_absolute_url()).status_code == 404
