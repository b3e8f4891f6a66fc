"""Panels this app adds to pages of earlier apps (registered in ``apps.py``)."""

from __future__ import annotations

from django.urls import reverse

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


def meeting_minutes_links(request, meetings):
    """ "Read the minutes" for each meeting summarised elsewhere, one query for all: public
    minutes only (``selectors.public_minutes_sets``)."""
    ids = [m.pk for m in meetings]
    with_minutes = selectors.public_minutes_sets().filter(meeting_id__in=ids)
    return {
        pk: [("Read the minutes", reverse("meeting-minutes", args=[pk]))]
        for pk in with_minutes.values_list("meeting_id", flat=True)
    }


def meeting_minutes_panel(request, meeting):
    # One query for both this meeting's own minutes and those approved at it: a UNION of two
    # indexed lookups (by meeting, and by the approving item's meeting). An OR across the
    # LEFT JOIN made PostgreSQL scan every agenda item, slower the more meetings there are.
    related = ("meeting", "approved_at_item__meeting")
    own = MinutesSet.all_objects.filter(meeting_id=meeting.pk).select_related(*related)
    approved_here = MinutesSet.all_objects.filter(
        approved_at_item__meeting_id=meeting.pk
    ).select_related(*related)
    # UNION ALL: a set of minutes is never approved at its own meeting.
    sets = sorted(own.union(approved_here, all=True), key=lambda m: m.pk)
    own = next((m for m in sets if m.meeting_id == meeting.pk), None)
    minutes = selectors.visible_minutes(own, meeting, request.user)
    approves = next((m for m in sets if m.meeting_id != meeting.pk), None)
    if approves is not None:
        approves = selectors.visible_minutes(approves, approves.meeting, request.user)
    if minutes is None and approves is None:
        return None
    return "minutes/panels/meeting_minutes.html", {
        "minutes": minutes,
        "meeting": meeting,
        "approves": approves,
    }


def officer_meeting_minutes_panel(request, meeting):
    minutes = MinutesSet.all_objects.filter(meeting=meeting).first()
    return "minutes/panels/officer_meeting_minutes.html", {"minutes": minutes, "meeting": meeting}


MINUTES_GENERATOR = "minutes.previous"


def render_previous_minutes(report, *, for_print: bool = False) -> str:
    """A generated report that prints the public minutes of an earlier meeting, so that the
    "minutes of the previous meeting" item carries them into the agenda pack.

    ``Report.generator_params``: ``{"meeting": <pk>}``; without it, the agenda item's
    ``previous_meeting``. Only published or approved minutes, and never exempt text."""
    from django.template.loader import render_to_string

    params = report.generator_params or {}
    meeting_id = params.get("meeting") or report.agenda_item.previous_meeting_id
    minutes = (
        MinutesSet.all_objects.public()
        .filter(meeting_id=meeting_id)
        .select_related("meeting__committee", "approved_at_item__meeting")
        .first()
    )
    if minutes is None:
        return "<p>The minutes of the previous meeting have not been published yet.</p>"
    view = selectors.minutes_view(minutes, may_read_exempt=False)
    return render_to_string(
        "minutes/_generated_minutes.html",
        {"view": view, "minutes": minutes, "meeting": minutes.meeting, "for_print": for_print},
    )
