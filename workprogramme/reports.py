"""Hooks into the meetings app: a tracker as a generated report on an agenda, the note under
an agenda item that came from the work programme, and a panel on the meeting page."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.html import escape

from workprogramme import trackers
from workprogramme.models import Consideration

GENERATOR = "workprogramme.tracker"


def render_tracker(report, *, for_print: bool = False) -> str:
    """``Report.generator_params``: ``{"tracker": "workprogramme"|"improvement-plan"|
    "review", "key": <programme id | plan slug | review slug>}``."""
    params = report.generator_params or {}
    try:
        tracker = trackers.load(params.get("tracker", ""), params.get("key"))
    except trackers.TrackerNotFound as exc:
        return f"<p>The tracker for this report could not be found ({escape(str(exc))}).</p>"
    return render_to_string(
        "workprogramme/print/_tracker_body.html",
        {"tracker": tracker, "for_print": for_print, "heading_level": 2},
    )


def _considerations(request, meeting) -> list[Consideration]:
    """The meeting's work-programme considerations, read once per request (the item notes
    and the meeting panel both need them)."""
    memo = request.__dict__.setdefault("_wp_considerations", {}) if request else {}
    if meeting.pk not in memo:
        memo[meeting.pk] = list(
            Consideration.objects.filter(meeting=meeting)
            .select_related("item__programme__committee", "item__programme__year")
            .order_by("item__number")
        )
    return memo[meeting.pk]


def agenda_item_notes(request, meeting) -> dict[int, list[str]]:
    notes: dict[int, list[str]] = {}
    for c in _considerations(request, meeting):
        if c.agenda_item_id is None:
            continue
        programme = c.item.programme
        notes.setdefault(c.agenda_item_id, []).append(
            f"Work programme item {c.item.number} of the {programme.committee.name} "
            f"work programme {programme.year.name}: {c.item.issue}"
        )
    return notes


def meeting_panel(request, meeting):
    considerations = _considerations(request, meeting)
    if not considerations:
        return None
    return "workprogramme/_meeting_panel.html", {"wp_considerations": considerations}
