"""Panels this app adds to pages of earlier apps (registered in ``apps.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import CharField, F, IntegerField, TextField, Value
from django.db.models.functions import Cast
from django.urls import reverse

from meetings.extensions import ItemOutcome
from meetings.minutes import selectors
from meetings.minutes.models import MinuteOutcome, MinutesSet
from scrutiny import visibility


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


@dataclass
class PublicDecision:
    """One open item's minute in public minutes: its outcome and resolutions (plain text)."""

    minute_id: int
    item_id: int
    item_title: str
    outcome: str
    outcome_label: str
    minutes_status: str
    resolutions: list[str] = field(default_factory=list)


# Columns each row of the meeting page's one minutes query carries besides the set itself:
# which part of the UNION it comes from, and for "decision" rows one open item's minute and
# one of its resolutions (NULL in the other parts).
_DECISION_COLUMNS = {
    "row_part": CharField(),
    "d_minute": IntegerField(),
    "d_item": IntegerField(),
    "d_title": CharField(),
    "d_outcome": CharField(),
    "d_order": IntegerField(),
    "d_number": IntegerField(),
    "d_text": TextField(),
}


def _blank(part: str) -> dict:
    # Typed NULLs: PostgreSQL takes an untyped NULL in a UNION's first part as text.
    return {
        name: Value(part, output_field=field)
        if name == "row_part"
        else Cast(Value(None), output_field=field)
        for name, field in _DECISION_COLUMNS.items()
    }


def _meeting_minutes_rows(meeting) -> list[MinutesSet]:
    """One query for the meeting page: this meeting's own minutes, those approved at it, and
    the public decisions on its open items. A UNION ALL of three indexed lookups (by meeting,
    by the approving item's meeting, and the open minutes of the public minutes by meeting,
    one row per resolution). An OR across the LEFT JOIN made PostgreSQL scan every agenda
    item, slower the more meetings there are; a separate decisions query cost the page one
    query more than its target."""
    related = ("meeting", "approved_at_item__meeting")
    own = (
        MinutesSet.all_objects.filter(meeting_id=meeting.pk)
        .select_related(*related)
        .annotate(**_blank("own"))
    )
    approved_here = (
        MinutesSet.all_objects.filter(approved_at_item__meeting_id=meeting.pk)
        .select_related(*related)
        .annotate(**_blank("approves"))
    )
    # The one public rule on the minute (``visibility.minute_public``): public minutes, open
    # items. The annotations reuse the filter's join, so only open items' rows are read.
    decisions = (
        MinutesSet.all_objects.filter(meeting_id=meeting.pk)
        .filter(visibility.minute_public("items"))
        .select_related(*related)
        .annotate(
            row_part=Value("decision", output_field=CharField()),
            d_minute=F("items__pk"),
            d_item=F("items__agenda_item_id"),
            d_title=F("items__agenda_item__title"),
            d_outcome=F("items__outcome"),
            d_order=F("items__agenda_item__order"),
            d_number=F("items__resolutions__number"),
            d_text=F("items__resolutions__text"),
        )
    )
    # UNION ALL: a set of minutes is never approved at its own meeting.
    return list(own.union(approved_here, decisions, all=True))


def _minutes_of_meeting(request, meeting) -> dict:
    """The rows of ``_meeting_minutes_rows``, read once per request and meeting (the minutes
    panel, the decisions summary and the item outcomes all use them)."""
    cache = request.__dict__.setdefault("_meeting_minutes", {})
    if meeting.pk not in cache:
        rows = _meeting_minutes_rows(meeting)
        own = next((r for r in rows if r.row_part == "own"), None)
        approves = next((r for r in rows if r.row_part == "approves"), None)
        cache[meeting.pk] = {
            "own": own,
            "approves": approves,
            "decisions": _decisions(r for r in rows if r.row_part == "decision"),
        }
    return cache[meeting.pk]


def _decisions(rows) -> list[PublicDecision]:
    labels = dict(MinuteOutcome.choices)
    found: dict[int, PublicDecision] = {}
    ordered = sorted(rows, key=lambda r: (r.d_order or 0, r.d_item, r.d_number or 0))
    for row in ordered:
        decision = found.get(row.d_minute)
        if decision is None:
            decision = found[row.d_minute] = PublicDecision(
                minute_id=row.d_minute,
                item_id=row.d_item,
                item_title=row.d_title,
                outcome=row.d_outcome,
                outcome_label=labels.get(row.d_outcome, row.d_outcome),
                minutes_status=row.status,
            )
        if row.d_text:
            decision.resolutions.append(" ".join(row.d_text.split()))
    return [d for d in found.values() if d.resolutions or d.outcome != MinuteOutcome.CONSIDERED]


def meeting_minutes_panel(request, meeting):
    found = _minutes_of_meeting(request, meeting)
    minutes = selectors.visible_minutes(found["own"], meeting, request.user)
    approves = found["approves"]
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


# --- What was decided, on the public meeting page (issue 16, finding 8) --------------------


def public_decisions(request, meeting) -> list[PublicDecision]:
    """The public minutes' decisions on ``meeting``'s open items, in agenda order, read in
    the minutes panel's one query (``_meeting_minutes_rows``).

    The one public rule (``visibility.minute_public``): published or approved minutes of a
    published meeting, open items only. Exempt and confidential items are never read, and
    neither are draft minutes, whoever is signed in (members read them on the minutes page).
    """
    return _minutes_of_meeting(request, meeting)["decisions"]


def item_outcomes(request, meeting) -> dict[int, list[ItemOutcome]]:
    """Under each open agenda item: "Resolved" and its resolutions, or "Deferred"/"Withdrawn",
    linking to the minute on the minutes page."""
    minutes_url = reverse("meeting-minutes", args=[meeting.pk])
    out: dict[int, list[ItemOutcome]] = {}
    for d in public_decisions(request, meeting):
        label = "Resolved" if d.outcome == "considered" else f"Item {d.outcome_label.lower()}"
        out[d.item_id] = [
            ItemOutcome(
                label=label,
                lines=tuple(d.resolutions),
                url=f"{minutes_url}#minute-{d.minute_id}",
                link_text="Read the minute",
            )
        ]
    return out


def meeting_decisions_panel(request, meeting):
    """Before the agenda: a short "What the panel decided" once public minutes record a
    decision, so the answer is not below the whole agenda."""
    decisions = public_decisions(request, meeting)
    if not decisions:
        return None
    return "minutes/panels/meeting_decisions.html", {
        "decisions": decisions,
        "meeting": meeting,
        "approved": all(d.minutes_status == "approved" for d in decisions),
    }
