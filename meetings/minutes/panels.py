"""Panels this app adds to pages of earlier apps (registered in ``apps.py``)."""

from __future__ import annotations

from meetings.minutes import selectors
from meetings.minutes.models import MinutesSet


def person_attendance_panel(request, person):
    stats = selectors.attendance_stats(person)
    if not stats:
        return None
    return "minutes/panels/person_attendance.html", {"stats": stats, "person": person}


def person_declarations_panel(request, person):
    declarations = list(selectors.declarations_for_person(person)[:50])
    if not declarations:
        return None
    return "minutes/panels/person_declarations.html", {
        "declarations": declarations,
        "person": person,
    }


def meeting_minutes_panel(request, meeting):
    minutes = selectors.minutes_for_meeting(meeting, request.user)
    approves = (
        MinutesSet.objects.filter(approved_at_item__meeting=meeting)
        .select_related("meeting")
        .first()
    )
    if minutes is None and approves is None:
        return None
    return "minutes/panels/meeting_minutes.html", {
        "minutes": minutes,
        "meeting": meeting,
        "approves": approves,
    }


def officer_meeting_minutes_panel(request, meeting):
    minutes = MinutesSet.objects.filter(meeting=meeting).first()
    return "minutes/panels/officer_meeting_minutes.html", {"minutes": minutes, "meeting": meeting}
