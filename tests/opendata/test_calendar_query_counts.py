"""The calendars' query counts: the same for no meeting, one or many (issue 20: the demo
data and the ten-year council must make the same number). The calendar sequences join the
meetings' query, and the agenda titles are one query for all meetings, selected by a
subquery, so it runs for an empty calendar too. The council-wide calendars (the window and
each year) are rendered once per content generation and kept in the cache: a change to a
meeting shows in the next download."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from tests.factories import CommitteeFactory
from tests.factories.meetings import AgendaItemFactory, PublishedMeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _whole_history_in_subscribed_calendars(settings):
    """These tests are about what a calendar says of a meeting (the factories' meetings are
    in 2017); the window of subscribed calendars has its own test."""
    settings.CALENDAR_WINDOW_DAYS = 365 * 30


def _ics(client, committee) -> tuple[int, int]:
    url = reverse("committee-ics", args=[committee.slug])
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(Calendar.from_ical(response.content).walk("VEVENT"))


def test_committee_calendar_query_count_does_not_grow_with_meetings(client):
    empty, one, many = CommitteeFactory(), CommitteeFactory(), CommitteeFactory()
    AgendaItemFactory(meeting=PublishedMeetingFactory(committee=one))
    for _ in range(20):
        meeting = PublishedMeetingFactory(committee=many)
        for _ in range(4):
            AgendaItemFactory(meeting=meeting)
    queries, events = _ics(client, one)
    assert events == 1 and queries <= 10
    assert _ics(client, many) == (queries, 20)
    assert _ics(client, empty) == (queries, 0)


def _council_ics(client, url: str) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content


@pytest.mark.parametrize("url", ["/feeds/meetings.ics", "/feeds/meetings-2017.ics"])
def test_council_calendar_query_count_does_not_grow_with_meetings(client, url):
    from scrutiny.cache import bump_generation

    def rendered() -> tuple[int, bytes]:
        client.get(url)  # warm-up: the public records are brought up to date
        bump_generation()  # render it again, not from the cache
        return _council_ics(client, url)

    empty_queries, body = rendered()
    assert b"BEGIN:VEVENT" not in body
    for _ in range(10):
        meeting = PublishedMeetingFactory(start=dt.datetime(2017, 3, 1, 18, tzinfo=dt.UTC))
        AgendaItemFactory(meeting=meeting)
    queries, body = rendered()
    assert queries == empty_queries <= 10
    assert len(Calendar.from_ical(body).walk("VEVENT")) == 10


@pytest.mark.parametrize("url", ["/feeds/meetings.ics", "/feeds/meetings-2017.ics"])
def test_council_calendar_is_stored_once_per_content_generation(client, url, fragments_on):
    # Stored only where every process shares the generation (Redis; scrutiny.cache).
    meeting = PublishedMeetingFactory(
        start=dt.datetime(2017, 3, 1, 18, tzinfo=dt.UTC), venue="Committee Room 1"
    )
    from scrutiny.cache import bump_generation

    client.get(url)  # warm-up: the public records are brought up to date
    meeting.refresh_from_db()
    bump_generation()
    first_queries, first = _council_ics(client, url)
    stored_queries, stored = _council_ics(client, url)
    assert stored == first and b"Committee Room 1" in first
    assert stored_queries < first_queries  # from the cache: no meeting query

    meeting.venue = "Council Chamber"
    meeting.save()  # bumps the content generation
    _, changed = _council_ics(client, url)
    assert b"Council Chamber" in changed and b"Committee Room 1" not in changed
    assert changed != first


def test_an_empty_year_is_not_stored(client):
    """Any year from 1900 to 9998 may be asked for: an empty one far from today is not kept (a
    stored calendar is answered without its meeting queries)."""
    client.get("/feeds/meetings-3001.ics")  # warm-up
    first, body = _council_ics(client, "/feeds/meetings-3001.ics")
    again, _ = _council_ics(client, "/feeds/meetings-3001.ics")
    assert b"BEGIN:VEVENT" not in body and again == first
