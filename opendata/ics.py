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


def _event_text(
    meeting: Meeting, item_titles: list[str], base_url: str
) -> tuple[str, bool, str, list[str]]:
    """An event's summary, whether it is cancelled, its address and its description's lines:
    the same for ``meeting_event`` (icalendar) and ``_event_lines`` (plain strings)."""
    summary = meeting.committee.name
    if meeting.status == MeetingStatus.POSTPONED:
        summary = f"Postponed: {summary}"
    elif meeting.status == MeetingStatus.CANCELLED:
        summary = f"Cancelled: {summary}"
    cancelled = meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED)
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
        lines.append(f"Papers: {url}")
    return summary, cancelled, url, lines


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
    summary, cancelled, url, lines = _event_text(meeting, item_titles, base_url)
    event.add("summary", summary)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if meeting.venue:
        event.add("location", meeting.venue)
    if url:
        event.add("url", url)
    if lines:
        event.add("description", "\n".join(lines))
    return event


# --- Plain string building (issue 20) ---------------------------------------------------------
#
# ``icalendar`` builds a component, its typed values and parameters for every property, and
# took 180 ms for a year of 600 meetings. The events are written here as strings instead,
# byte for byte what ``meeting_event`` and ``Calendar.to_ical`` give (the properties in
# icalendar's order, its TEXT escaping and its line folding): ``build_calendar`` falls back
# to ``icalendar`` for a meeting whose times London's zone cannot express.


def _ical_text(value: str) -> str:
    """TEXT escaping (RFC 5545 3.3.11), in icalendar's order of replacements."""
    return (
        value.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


FOLD_LIMIT = 75  # octets a line, the line break excluded


def _fold(line: str) -> str:
    """Fold a content line as icalendar does: at most 74 octets a line, and an escape's
    backslash (or ^) not left at the end of one."""
    if line.isascii():
        if len(line) < FOLD_LIMIT:
            return line
        parts, i, width = [], 0, FOLD_LIMIT - 1
        while len(line) - i > width:
            j = i + width
            if line[j - 1] in "\\^":
                j -= 1
            parts.append(line[i:j])
            i = j
        parts.append(line[i:])
        return "\r\n ".join(parts)
    folded: list[str] = []
    current: list[str] = []
    count = 0
    for char in line:
        size = len(char.encode())
        if current and count + size >= FOLD_LIMIT:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                folded.append("".join(current))
                current, count = [carried], len(carried.encode())
            else:
                folded.append("".join(current))
                current, count = [], 0
        current.append(char)
        count += size
    if current:
        folded.append("".join(current))
    return "\r\n ".join(folded)


def _ical_time(value: dt.datetime) -> str:
    return (
        f"{value.year:04}{value.month:02}{value.day:02}"
        f"T{value.hour:02}{value.minute:02}{value.second:02}"
    )


def _event_lines(
    meeting: Meeting, *, sequence: int, item_titles: list[str], base_url: str = ""
) -> str | None:
    """``meeting_event(...)`` as icalendar writes it, or None when a time is not in London's
    zone (then the whole calendar is built by icalendar)."""
    start = _local(meeting.start)
    end = _local(meeting_end(meeting))
    if start.tzinfo is not LONDON or end.tzinfo is not LONDON:
        return None
    stamp = meeting.modified_at.astimezone(dt.UTC)
    summary, cancelled, url, lines = _event_text(meeting, item_titles, base_url)
    tzid = f"TZID={settings.TIME_ZONE}"
    # icalendar's order: its canonical properties first, then the others by name.
    content = [
        "BEGIN:VEVENT",
        f"SUMMARY:{_ical_text(summary)}",
        f"DTSTART;{tzid}:{_ical_time(start)}",
        f"DTEND;{tzid}:{_ical_time(end)}",
        f"DTSTAMP:{_ical_time(stamp)}Z",
        f"UID:{_ical_text(meeting_uid(meeting))}",
        f"SEQUENCE:{int(sequence)}",
    ]
    if lines:
        content.append(f"DESCRIPTION:{_ical_text(chr(10).join(lines))}")
    if meeting.venue:
        content.append(f"LOCATION:{_ical_text(meeting.venue)}")
    content.append(f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}")
    if url:
        content.append(f"URL:{url}")
    content.append("END:VEVENT")
    return "".join(_fold(line) + "\r\n" for line in content)


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
    events = [
        _event_lines(
            meeting,
            sequence=sequences.get(meeting.pk, 0),
            item_titles=titles.get(meeting.pk, []),
            base_url=base_url,
        )
        for meeting in meetings
    ]
    if None not in events:
        # Every event is in London's zone, the one VTIMEZONE either way (below): the
        # calendar's head and time zone from icalendar, the events as strings.
        cal.add_component(Timezone.from_tzid(settings.TIME_ZONE))
        end = b"END:VCALENDAR\r\n"
        head = cal.to_ical().removesuffix(end)
        return head + "".join(events).encode() + end
    for meeting in meetings:
        cal.add_component(
            meeting_event(
                meeting,
                sequence=sequences.get(meeting.pk, 0),
                item_titles=titles.get(meeting.pk, []),
                base_url=base_url,
            )
        )
    cal.add_missing_timezones()
    return cal.to_ical()
