"""Issue 14, finding 2 (renderer side): one officer typo in a meeting's date must not take
down the calendars, the feeds or the API. Every renderer survives any stored datetime."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from meetings.models import Meeting
from tests.factories import CommitteeFactory
from tests.factories.meetings import AgendaItemFactory, PublishedMeetingFactory, ReportFactory

LONDON = ZoneInfo("Europe/London")

EXTREMES = [
    pytest.param(dt.datetime(9999, 12, 31, 23, 59, tzinfo=LONDON), None, id="9999-12-31T23:59"),
    pytest.param(dt.datetime(1, 1, 1, 0, 0, tzinfo=LONDON), None, id="0001-01-01T00:00-local"),
    pytest.param(dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC), None, id="0001-01-01T00:00Z"),
    pytest.param(
        dt.datetime(9999, 12, 31, 22, 0, tzinfo=dt.UTC),
        dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC),
        id="9999-with-end",
    ),
]


@pytest.fixture(autouse=True)
def _whole_history_in_subscribed_calendars(settings):
    """Meetings in year 1 and 9999: the subscribed calendars' window (issue 20) would leave
    the year-1 meeting out; these tests are about rendering any stored time."""
    settings.CALENDAR_WINDOW_DAYS = 365 * 10_000


@pytest.mark.parametrize(("start", "end"), EXTREMES)
def test_every_public_renderer_survives_any_stored_meeting_time(db, client, start, end):
    committee = CommitteeFactory(slug="extreme")
    normal = PublishedMeetingFactory(committee=committee)
    meeting = PublishedMeetingFactory(committee=committee)
    # Stored as it would be by a form that accepted it (the bound is the input helper's).
    Meeting.all_objects.filter(pk=meeting.pk).update(
        start=start, end=end, published_at=dt.datetime(2017, 1, 1, tzinfo=dt.UTC)
    )
    item = AgendaItemFactory(meeting=meeting, title="An item")
    ReportFactory(agenda_item=item, title="A report")
    urls = [
        reverse("meetings-ics"),
        reverse("committee-ics", args=[committee.slug]),
        reverse("meeting-ics", args=[meeting.pk]),
        reverse("papers-feed"),
        reverse("committee-papers-feed", args=[committee.slug]),
        reverse("minutes-feed"),
        reverse("oparl-body-collection", args=[0, "meeting"]),
        reverse("oparl-body-collection", args=[0, "paper"]),
        reverse("oparl-object", args=["meeting", meeting.pk]),
        reverse("oparl-object", args=["location", meeting.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
    cal = Calendar.from_ical(client.get(reverse("meetings-ics")).content)
    uids = {str(e["UID"]).split("@")[0] for e in cal.walk("VEVENT")}
    assert uids == {f"meeting-{normal.pk}", f"meeting-{meeting.pk}"}
    for event in cal.walk("VEVENT"):
        assert event.decoded("DTEND") >= event.decoded("DTSTART")
