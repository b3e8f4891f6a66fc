"""The committee calendar's query count: the same for one meeting as for many. A committee
with no meetings skips the two lookups that decorate its meetings (calendar sequences and
agenda titles), each one query for all meetings, so it makes two fewer."""

from __future__ import annotations

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
    assert _ics(client, empty) == (queries - 2, 0)
