"""iCalendar (RFC 5545) files of published meetings, built with the ``icalendar`` package.

- UID: ``meeting-<pk>@<site host>``: stable for the life of the meeting, whatever changes.
- SEQUENCE: ``CalendarEntry.sequence``, bumped by ``opendata.services.record_calendar_state``
  whenever the time, place, status, notice or a public item's title changes (0 for a meeting
  never changed; the titles are in DESCRIPTION, so a retitle must bump it: issue 23).
- URL and the "Papers:" line: on the host (and port) the request came through, like the Atom
  feed and the API (``Vary: Host``); ``SITE_URL`` only when there is no request.
- STATUS: CANCELLED for a cancelled or postponed meeting (the slot will not happen; a
  postponed meeting's summary says "Postponed"), CONFIRMED otherwise.
- DTSTAMP: the meeting's ``modified_at``, so an unchanged feed is byte-for-byte the same
  (and its ETag stays valid).
- DTEND: the meeting's end, or two hours after the start when no end is recorded.
- Any stored time renders, however unlikely (year 1, year 9999): times that London's zone
  cannot express are written in UTC, and an end that would overflow is the last second of
  year 9999. Entering such dates is refused by the forms; the calendar never fails on them.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from icalendar import Calendar, Event, Timezone

from meetings.models import AgendaItem, Meeting, MeetingStatus
from opendata.models import CalendarEntry

DEFAULT_LENGTH = dt.timedelta(hours=2)
LONDON = ZoneInfo(settings.TIME_ZONE)


def uid_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "scrutiny-portal.invalid"


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@{uid_host()}"


def _absolute(path: str, base_url: str = "") -> str:
    return (base_url or settings.SITE_URL).rstrip("/") + path if path else ""


def public_item_titles(meeting_ids: list[int] | QuerySet) -> dict[int, list[str]]:
    """The public agenda item lines ("3. Title") of each meeting, in agenda order: what the
    calendar's DESCRIPTION shows, and so part of ``services.calendar_fingerprint``."""
    titles: dict[int, list[str]] = {}
    for meeting_id, number, title in (
        AgendaItem.objects.public()
        .filter(meeting_id__in=meeting_ids)
        .order_by("meeting_id", "order", "pk")
        .values_list("meeting_id", "number", "title")
    ):
        titles.setdefault(meeting_id, []).append(f"{number}. {title}" if number else title)
    return titles


def _local(value: dt.datetime) -> dt.datetime:
    """In London time, or in UTC where London time would leave the calendar (year 1 in
    London is a minute behind UTC): a stored value is never an error here."""
    try:
        return value.astimezone(LONDON)
    except (OverflowError, ValueError):
        return value.astimezone(dt.UTC)


def meeting_end(meeting: Meeting) -> dt.datetime:
    """The recorded end, or two hours after the start (the last moment of year 9999 when
    that would overflow)."""
    if meeting.end is not None:
        return meeting.end
    try:
        return meeting.start + DEFAULT_LENGTH
    except OverflowError:
        return dt.datetime.max.replace(microsecond=0, tzinfo=dt.UTC)


def meeting_event(
    meeting: Meeting, *, sequence: int, item_titles: list[str], base_url: str = ""
) -> Event:
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", meeting.modified_at)
    event.add("sequence", sequence)
    start = _local(meeting.start)
    end = _local(meeting_end(meeting))
    event.add("dtstart", start)
    event.add("dtend", end)
    summary = meeting.committee.name
    if meeting.status == MeetingStatus.POSTPONED:
        summary = f"Postponed: {summary}"
    elif meeting.status == MeetingStatus.CANCELLED:
        summary = f"Cancelled: {summary}"
    event.add("summary", summary)
    cancelled = meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if meeting.venue:
        event.add("location", meeting.venue)
    url = _absolute(meeting.get_absolute_url(), base_url)
    lines = []
    if meeting.status_notice and cancelled:
        lines.append(meeting.status_notice)
    if item_titles:
        lines.append("Agenda:")
        lines.extend(f"- {title}" for title in item_titles)
    if meeting.webcast_url:
        lines.append(f"Webcast: {meeting.webcast_url}")
    if url:
        event.add("url", url)
        lines.append(f"Papers: {url}")
    if lines:
        event.add("description", "\n".join(lines))
    return event


def build_calendar(
    meetings: list[Meeting] | QuerySet[Meeting], *, name: str, base_url: str = ""
) -> bytes:
    """A VCALENDAR of ``meetings`` (already public: pass ``Meeting.objects`` rows only, in
    order), its links on ``base_url`` (the request's scheme, host and port; ``SITE_URL`` if
    empty)."""
    cal = Calendar()
    cal.add("prodid", "-//Scrutiny portal//Committee meetings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add("refresh-interval", dt.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT6H")
    if isinstance(meetings, QuerySet):
        # The sequences join the meetings' query, and the titles' query selects its
        # meetings by a subquery, so it runs even for none: the same number of queries for
        # an empty calendar as for ten years of meetings (issue 20).
        ids = meetings.values("pk")
        meetings = list(
            meetings.annotate(
                calendar_sequence=Subquery(
                    CalendarEntry.objects.filter(meeting=OuterRef("pk")).values("sequence")[:1]
                )
            )
        )
        sequences = {m.pk: m.calendar_sequence or 0 for m in meetings}
    else:
        ids = [m.pk for m in meetings]
        sequences = dict(
            CalendarEntry.objects.filter(meeting_id__in=ids).values_list("meeting_id", "sequence")
        )
    titles = public_item_titles(ids)
    for meeting in meetings:
        cal.add_component(
            meeting_event(
                meeting,
                sequence=sequences.get(meeting.pk, 0),
                item_titles=titles.get(meeting.pk, []),
                base_url=base_url,
            )
        )
    if meetings:
        cal.add_missing_timezones()
    else:
        # RFC 5545 wants at least one component: an empty committee calendar still carries
        # its time zone, so calendar apps accept the subscription.
        cal.add_component(Timezone.from_tzid(settings.TIME_ZONE))
    return cal.to_ical()
