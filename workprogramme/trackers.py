"""Trackers as tables: one definition feeds the CSV export, the printable PDF and the report
generator that puts a tracker on a meeting agenda (``workprogramme.reports``).

A tracker is a list of groups (a work programme; each priority of an improvement plan; a
review's recommendations), each a list of rows; columns say whether they are printed (the PDF
is A4 portrait, so the long text columns go only to the CSV).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from workprogramme import selectors
from workprogramme.models import (
    RAG_SYMBOLS,
    ImprovementPlan,
    ScrutinyReview,
    WorkProgramme,
    today,
)

KINDS = {
    "workprogramme": "Work programme",
    "improvement-plan": "Improvement plan",
    "review": "Scrutiny review recommendations",
}


class TrackerNotFound(LookupError):
    pass


@dataclass
class Column:
    key: str
    label: str
    printed: bool = True


@dataclass
class Group:
    title: str
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Tracker:
    kind: str
    key: str
    title: str
    columns: list[Column]
    groups: list[Group]
    intro: str = ""
    notes: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    url: str = ""
    generated_on: dt.date = field(default_factory=today)

    @property
    def printed_columns(self) -> list[Column]:
        return [c for c in self.columns if c.printed]

    @property
    def row_count(self) -> int:
        return sum(len(g.rows) for g in self.groups)

    def printed_groups(self) -> list[tuple[str, list[list[str]]]]:
        cols = self.printed_columns
        return [
            (g.title, [[row.get(c.key, "") for c in cols] for row in g.rows]) for g in self.groups
        ]

    def csv_header(self) -> list[str]:
        return ["Group", *[c.label for c in self.columns]]

    def csv_rows(self):
        """Every row, with its group, for ``scrutiny.csvexport`` (which escapes formulas)."""
        for group in self.groups:
            for row in group.rows:
                yield [group.title, *[row.get(c.key, "") for c in self.columns]]


def _date(value: dt.date | None) -> str:
    return f"{value:%-d %b %Y}" if value else ""


def _overdue(flag: bool) -> str:
    return "OVERDUE" if flag else ""


# --- Work programme ---------------------------------------------------------------------------

WP_COLUMNS = [
    Column("number", "No."),
    Column("issue", "Issue"),
    Column("put_forward_by", "Put forward by", printed=False),
    Column("approach", "Approach and areas of focus", printed=False),
    Column("outcomes", "Intended outcomes", printed=False),
    Column("lead_officers", "Lead officers", printed=False),
    Column("comments", "Officer/partner comments", printed=False),
    Column("method", "Method"),
    Column("priority", "Priority"),
    Column("status", "Status"),
    Column("target", "Target meeting"),
    Column("planned", "Planned for"),
    Column("overdue", "Overdue"),
]


def workprogramme_tracker(programme: WorkProgramme, items=None) -> Tracker:
    if items is None:
        items = selectors.work_programme_items().filter(programme=programme)
    on = today()
    rows = []
    for item in items:
        officers = ", ".join(p.display_name for p in item.lead_officers.all())
        score = item.score
        rows.append(
            {
                "number": str(item.number),
                "issue": item.issue,
                "put_forward_by": item.put_forward_by,
                "approach": item.approach,
                "outcomes": item.outcomes,
                "lead_officers": officers or item.lead_officers_text,
                "comments": item.comments,
                "method": item.get_method_display(),
                "priority": (item.get_priority_display() if item.priority else "")
                + (f" (score {score}/15)" if score is not None else ""),
                "status": item.get_status_display(),
                "target": _date(item.target_meeting.date)
                if item.target_meeting
                else item.target_text,
                "planned": "; ".join(_date(c.meeting.date) for c in item.considerations.all()),
                "overdue": _overdue(item.is_overdue(on)),
            }
        )
    title = f"{programme.committee.name}: work programme {programme.year.name}"
    return Tracker(
        kind="workprogramme",
        key=str(programme.pk),
        title=title,
        columns=WP_COLUMNS,
        groups=[Group(programme.year.name, rows)],
        intro=programme.introduction,
        notes=[programme.notes] if programme.notes else [],
        url=programme.get_absolute_url(),
    )


# --- Improvement plan -------------------------------------------------------------------------

PLAN_COLUMNS = [
    Column("ref", "Ref."),
    Column("action", "Action"),
    Column("inspection", "Inspection recommendations"),
    Column("owner", "Owner"),
    Column("due", "Due"),
    Column("status", "Status"),
    Column("rag", "RAG"),
    Column("latest", "Latest update", printed=False),
    Column("overdue", "Overdue"),
]


def plan_tracker(plan: ImprovementPlan, actions=None) -> Tracker:
    if actions is None:
        actions = selectors.plan_actions(plan)
    on = today()
    groups: dict[int, Group] = {}
    for action in actions:
        group = groups.setdefault(
            action.priority_id,
            Group(f"Priority {action.priority.number}: {action.priority.title}"),
        )
        updates = list(action.progress_updates.all())
        latest = updates[0] if updates else None
        group.rows.append(
            {
                "ref": action.reference,
                "action": action.text,
                "inspection": ", ".join(r.code for r in action.inspection_recommendations.all()),
                "owner": action.owner_name,
                "due": _date(action.due_date),
                "status": action.get_status_display(),
                "rag": f"{RAG_SYMBOLS[action.rag]} {action.get_rag_display()}",
                "latest": (
                    f"{_date(latest.date)}: {latest.narrative}"
                    + (" [invented for the demo]" if latest.is_invented else "")
                    if latest
                    else ""
                ),
                "overdue": _overdue(action.is_overdue(on)),
            }
        )
    notes = [plan.demo_note] if plan.demo_note else []
    return Tracker(
        kind="improvement-plan",
        key=plan.slug,
        title=plan.title,
        columns=PLAN_COLUMNS,
        groups=list(groups.values()),
        intro=f"Period: {_date(plan.period_start)} to {_date(plan.period_end)}",
        notes=notes,
        url=plan.get_absolute_url(),
    )


# --- Scrutiny review --------------------------------------------------------------------------

REVIEW_COLUMNS = [
    Column("number", "No."),
    Column("body_reference", "In report body", printed=False),
    Column("recommendation", "Recommendation"),
    Column("response", "Executive response"),
    Column("response_date", "Response date"),
    Column("late", "Late response"),
    Column("reasons", "Reasons", printed=False),
    Column("actions", "Action plan", printed=False),
    Column("status", "Implementation status"),
    Column("latest", "Latest follow-up", printed=False),
    Column("overdue", "Overdue actions"),
]


def review_tracker(review: ScrutinyReview, recs=None) -> Tracker:
    if recs is None:
        recs = selectors.review_recommendations(review)
    on = today()
    rows = []
    for rec in recs:
        response = getattr(rec, "response", None)
        plan_items = list(rec.plan_items.all())
        follow_ups = list(rec.follow_ups.all())
        overdue = sum(1 for p in plan_items if p.is_overdue(on))
        rows.append(
            {
                "number": str(rec.number),
                "body_reference": rec.body_reference,
                "recommendation": rec.text,
                "response": (
                    response.get_decision_display()
                    + (" (invented for the demo)" if response.is_invented else "")
                    if response
                    else "Awaiting response"
                ),
                "response_date": _date(response.response_date) if response else "",
                "late": "LATE (over two months)" if response and response.is_late else "",
                "reasons": response.reasons if response else "",
                "actions": "; ".join(
                    f"{p.text} ({p.owner}, due {_date(p.due_date)}"
                    + (f", done {_date(p.done_date)}" if p.done_date else "")
                    + ")"
                    for p in plan_items
                ),
                "status": f"{rec.status_symbol} {rec.get_status_display()}",
                "latest": (
                    f"{_date(follow_ups[0].date)}: {follow_ups[0].narrative}"
                    + (" [invented for the demo]" if follow_ups[0].is_invented else "")
                    if follow_ups
                    else ""
                ),
                "overdue": f"OVERDUE ({overdue})" if overdue else "",
            }
        )
    notes = [review.demo_note] if review.demo_note else []
    return Tracker(
        kind="review",
        key=review.slug,
        title=f"{review.title}: recommendations",
        columns=REVIEW_COLUMNS,
        groups=[Group(review.panel.name, rows)],
        intro=f"Report {_date(review.report_date)}; responses due by {_date(review.response_due)}",
        notes=notes,
        url=review.get_absolute_url(),
    )


def load(kind: str, key: Any) -> Tracker:
    """The tracker named by a report's generator parameters."""
    try:
        if kind == "workprogramme":
            return workprogramme_tracker(
                WorkProgramme.objects.select_related("committee", "year").get(pk=int(key))
            )
        if kind == "improvement-plan":
            return plan_tracker(ImprovementPlan.objects.get(slug=key))
        if kind == "review":
            return review_tracker(ScrutinyReview.objects.select_related("panel").get(slug=key))
    except (
        WorkProgramme.DoesNotExist,
        ImprovementPlan.DoesNotExist,
        ScrutinyReview.DoesNotExist,
        TypeError,
        ValueError,
    ) as exc:
        raise TrackerNotFound(f"{kind} {key}") from exc
    raise TrackerNotFound(f"unknown tracker kind {kind!r}")


def generated_at() -> str:
    return f"{timezone.localtime():%-d %B %Y %H:%M}"
