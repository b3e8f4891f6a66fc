"""The sitemap index and its paginated section pages: what they list (everything public,
nothing exempt, confidential, unpublished or private), how they page, and a query count that
does not grow with the data."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.minutes import services as minutes_services
from scrutiny.sitemap_index import PortalSitemap
from tests.factories import CommitteeFactory, OfficerFactory, PersonFactory
from tests.factories.meetings import (
    LONDON,
    AgendaItemFactory,
    ExemptAgendaItemFactory,
    MeetingFactory,
    ReportFactory,
)
from tests.factories.minutes import ActionFactory, make_meeting_with_items
from tests.factories.performance import KPIFactory
from tests.factories.workprogramme import (
    InspectionFactory,
    ReviewRecommendationFactory,
    WorkProgrammeFactory,
    WorkProgrammeItemFactory,
)
from tests.site.test_guards import SITEMAP_NS, sitemap_paths, sitemap_section_paths

pytestmark = pytest.mark.django_db


def add_council(n: int, start: int = 0) -> dict[str, list[str]]:
    """``n`` of each kind of public record, each with its private twin; returns the URLs the
    sitemap must list (``public``) and must never list (``private``)."""
    public, private = [], []
    for i in range(start, start + n):
        committee = CommitteeFactory()
        day = dt.datetime(2017, 6, 1, 10, tzinfo=LONDON) + dt.timedelta(days=7 * i)
        meeting = make_meeting_with_items(committee=committee, start=day, exempt=True)
        minutes = minutes_services.start_minutes(meeting=meeting)
        minutes_services.publish_minutes(minutes=minutes)
        web = ReportFactory(agenda_item=AgendaItemFactory(meeting=meeting))
        exempt = ReportFactory(agenda_item=ExemptAgendaItemFactory(meeting=meeting))
        confidential = ReportFactory(
            agenda_item=AgendaItemFactory(meeting=meeting, is_confidential=True)
        )
        draft = make_meeting_with_items(committee=committee, start=day + dt.timedelta(days=3))
        draft.published_at = None
        draft.save()
        draft_report = ReportFactory(agenda_item=AgendaItemFactory(meeting=draft))
        unpublished = MeetingFactory(committee=committee)
        held = make_meeting_with_items(committee=committee, start=day + dt.timedelta(days=1))
        minutes_services.start_minutes(meeting=held)  # draft minutes: not public
        action = ActionFactory(committee=committee)
        hidden_action = ActionFactory(committee=CommitteeFactory(), is_public=False)
        councillor, officer = PersonFactory(), OfficerFactory()
        kpi = KPIFactory()
        programme = WorkProgrammeFactory(committee=committee)
        item = WorkProgrammeItemFactory(programme=programme)
        recommendation = ReviewRecommendationFactory()
        public += [
            meeting.get_absolute_url(),
            reverse("meeting-minutes", args=[meeting.pk]),
            web.get_absolute_url(),
            committee.get_absolute_url(),
            reverse("committee-meetings", args=[committee.slug]),
            reverse("committee-actions", args=[committee.slug]),
            action.get_absolute_url(),
            councillor.get_absolute_url(),
            kpi.get_absolute_url(),
            programme.get_absolute_url(),
            item.get_absolute_url(),
            recommendation.get_absolute_url(),
            recommendation.review.get_absolute_url(),
        ]
        private += [
            exempt.get_absolute_url(),
            confidential.get_absolute_url(),
            draft.get_absolute_url(),
            draft_report.get_absolute_url(),
            unpublished.get_absolute_url(),
            reverse("meeting-minutes", args=[draft.pk]),
            reverse("meeting-minutes", args=[held.pk]),
            reverse("meeting-minutes", args=[unpublished.pk]),
            hidden_action.get_absolute_url(),
            reverse("committee-actions", args=[hidden_action.committee.slug]),
            officer.get_absolute_url(),
        ]
    return {"public": public, "private": private}


def test_index_lists_sections_and_robots_points_at_it(client):
    add_council(1)
    sections = sitemap_section_paths(client)
    assert "sitemap-meetings.xml" in sections and "sitemap-minutes.xml" in sections
    assert "sitemap-pages.xml" in sections and "sitemap-actions.xml" in sections
    # Sections with nothing to list are left out (there are no inspections).
    assert "sitemap-inspections.xml" not in sections
    assert client.get("/sitemap-inspections.xml").status_code == 200  # still a valid page
    assert client.get("/sitemap-nonsense.xml").status_code == 404
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots


def test_lists_everything_public_and_nothing_private(client):
    urls = add_council(2)
    listed = ["/" + p for p in sitemap_paths(client)]
    assert len(listed) == len(set(listed)), "a URL is listed twice"
    assert set(urls["public"]) <= set(listed), set(urls["public"]) - set(listed)
    assert not set(urls["private"]) & set(listed), set(urls["private"]) & set(listed)
    for path in ["/", reverse("meeting-calendar"), reverse("action-tracker"), "/open-data/"]:
        assert path in listed


def test_sections_are_paginated(client, monkeypatch):
    monkeypatch.setattr(PortalSitemap, "limit", 3)
    urls = add_council(4)
    sections = sitemap_section_paths(client)
    meeting_pages = [s for s in sections if s.startswith("sitemap-meetings.xml")]
    # 4 published meetings with agendas + 4 held ones = 8 meetings: three pages of three.
    assert meeting_pages == [
        "sitemap-meetings.xml",
        "sitemap-meetings.xml?p=2",
        "sitemap-meetings.xml?p=3",
    ]
    listed = ["/" + p for p in sitemap_paths(client)]
    assert set(urls["public"]) <= set(listed)
    assert len(listed) == len(set(listed))
    assert client.get("/sitemap-meetings.xml?p=4").status_code == 404
    assert client.get("/sitemap-meetings.xml?p=x").status_code == 404


def _section_queries(client) -> dict[str, int]:
    counts = {}
    for section in sitemap_section_paths(client):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/" + section)
        assert response.status_code == 200
        root = ElementTree.fromstring(response.content)
        assert root.findall("s:url", SITEMAP_NS), f"{section} lists nothing"
        counts[section.split("?")[0]] = max(
            counts.get(section.split("?")[0], 0), len(ctx.captured_queries)
        )
    return counts


def test_query_counts_do_not_grow_with_the_data(client, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(PortalSitemap, "limit", 4)
    add_council(1)
    client.get("/")  # the council's name is cached by the first page of a process
    with django_assert_num_queries(1):  # every section's count, in one statement
        assert client.get("/sitemap.xml").status_code == 200
    small = _section_queries(client)
    assert max(small.values()) <= 2, small  # a count and a page of rows
    add_council(7, start=1)  # eight times the data: most sections now have several pages
    with django_assert_num_queries(1):
        assert client.get("/sitemap.xml").status_code == 200
    assert len(sitemap_section_paths(client)) > len(small) + 10
    assert _section_queries(client) == small


def test_a_section_is_rendered_once_per_content_generation(
    client, django_assert_num_queries, fragments_on
):
    """Issue 20: a section page is kept until something changes; a change shows at once."""
    urls = add_council(1)
    first = client.get("/sitemap-meetings.xml")
    with django_assert_num_queries(0):
        again = client.get("/sitemap-meetings.xml")
    assert again.content == first.content
    assert again["X-Robots-Tag"] == first["X-Robots-Tag"]
    # Another host gets its own copy (the URLs carry the host).
    other = client.get("/sitemap-meetings.xml", HTTP_HOST="127.0.0.1")
    assert b"http://127.0.0.1/" in other.content and b"http://testserver/" not in other.content
    added = add_council(1, start=5)
    root = ElementTree.fromstring(client.get("/sitemap-meetings.xml").content)
    listed = {
        loc.text.removeprefix("http://testserver") for loc in root.iter(f"{{{SITEMAP_NS['s']}}}loc")
    }
    new_meetings = {u for u in added["public"] if u.rstrip("/").split("/")[-2:-1] == ["meetings"]}
    assert new_meetings and new_meetings <= listed
    assert not listed & set(added["private"] + urls["private"])


def test_the_index_is_rendered_once_per_content_generation(
    client, django_assert_num_queries, fragments_on
):
    """Issue 20: the index's count of every section is kept until something changes."""
    add_council(1)
    client.get("/")  # the council's name is cached by the first page of a process
    first = client.get("/sitemap.xml")
    with django_assert_num_queries(0):
        again = client.get("/sitemap.xml")
    assert again.content == first.content
    assert again["X-Robots-Tag"] == first["X-Robots-Tag"]
    other = client.get("/sitemap.xml", HTTP_HOST="127.0.0.1")
    assert b"http://127.0.0.1/" in other.content and b"http://testserver/" not in other.content
    # A change shows at once: the first inspection brings its section into the index.
    assert b"sitemap-inspections.xml" not in first.content
    InspectionFactory()
    assert b"sitemap-inspections.xml" in client.get("/sitemap.xml").content


def test_without_a_shared_cache_nothing_is_kept_between_requests(client, settings):
    """The embedded default (no Redis): each process has its own content generation, so a
    section kept by the web process would not see a change made by the task worker. Nothing
    is kept: every request renders (scrutiny.cache.generation_is_shared)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.FRAGMENT_CACHE_SECONDS = 0
    add_council(1)
    client.get("/sitemap-meetings.xml")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/sitemap-meetings.xml").status_code == 200
    assert len(ctx.captured_queries) > 0
