"""The calendars' events are written as plain strings (issue 20: icalendar took 180 ms for a
year of meetings): byte for byte what icalendar writes for ``meeting_event``, whatever the
text (escapes, non-ASCII, lines folded at an escape) and status."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from meetings.models import Meeting, MeetingStatus
from opendata import ics
from scrutiny.models import Committee

AWKWARD = [
    "Plain",
    "Commas, semicolons; and a back\\slash",
    "A literal \\N and \\n, a CR\r, a CRLF\r\n and a LF\n",
    "Café – naïve “quotes” and ẞ " * 4,
    "x" * 73 + "\\;" + "y" * 80,
    "z" * 72 + ",^" * 40,
    "é" * 37 + ";" + "ü" * 60,
]


def _meeting(n: int, text: str, status: str) -> Meeting:
    committee = Committee(name=f"{text} committee"[:200], slug=f"c-{n}")
    start = dt.datetime(2026, 3 + n % 8, 1 + n, 18, 30, tzinfo=dt.UTC)
    return Meeting(
        pk=1000 + n,
        committee=committee,
        start=start,
        end=None if n % 2 else start + dt.timedelta(hours=3, minutes=7),
        venue=text if n % 3 else "",
        status=status,
        status_notice=f"Notice: {text}",
        webcast_url="https://example.org/webcast?a=1,b=2" if n % 2 else "",
        modified_at=dt.datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=dt.UTC),
    )


@pytest.mark.parametrize("status", [s.value for s in MeetingStatus])
def test_event_strings_are_what_icalendar_writes(status):
    for n, text in enumerate(AWKWARD):
        meeting = _meeting(n, text, status)
        titles = [f"{k}. {t}" for k, t in enumerate(AWKWARD, 1)][: n + 1]
        for base_url in ("", "http://127.0.0.1:8000"):
            kwargs = {"sequence": n, "item_titles": titles, "base_url": base_url}
            expected = ics.meeting_event(meeting, **kwargs).to_ical().decode()
            assert ics._event_lines(meeting, **kwargs) == expected


@pytest.mark.django_db
def test_a_time_london_cannot_express_falls_back_to_icalendar():
    meeting = _meeting(0, "Plain", MeetingStatus.SCHEDULED)
    meeting.start = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
    assert ics._event_lines(meeting, sequence=0, item_titles=[]) is None
    body = ics.build_calendar([meeting], name="Edge")
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert event.decoded("dtstart") == meeting.start
