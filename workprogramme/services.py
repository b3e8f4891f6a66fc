"""Writes for work programmes, improvement plans, reviews and lead member reports.

Keyword-only, typed, one transaction each; they validate and raise ``ValidationError`` with
field keys, which the views put back on the form.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from meetings import services as meeting_services
from meetings.models import AgendaItem, ItemKind, Meeting, MeetingStatus
from scrutiny.models import Committee, MunicipalYear, Person
from workprogramme.models import (
    PRIORITY_CRITERIA,
    ActionPlanItem,
    ActionStatus,
    Consideration,
    Deliverable,
    ExecutiveResponse,
    FollowUp,
    Highlight,
    ImplementationStatus,
    ImprovementAction,
    InspectionRecommendation,
    ItemStatus,
    LeadMemberReport,
    Method,
    ProgressUpdate,
    Rag,
    ResponseDecision,
    ReviewRecommendation,
    WorkProgramme,
    WorkProgrammeItem,
    today,
)

CONFLICT_MESSAGE = (
    "Someone else saved this record while you were editing it. Your changes have not been "
    "saved; they are still in the form below. Check the current values and save again."
)

ITEM_FIELDS = {
    "issue",
    "put_forward_by",
    "approach",
    "outcomes",
    "lead_officers_text",
    "comments",
    "method",
    "priority",
    "status",
    "target_meeting",
    "target_text",
    *(f for f, _, _ in PRIORITY_CRITERIA),
}


def _check_version(obj, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise ValidationError({"__all__": CONFLICT_MESSAGE}, code="conflict")


# --- Work programme --------------------------------------------------------------------------


@transaction.atomic
def create_programme(
    *, committee: Committee, year: MunicipalYear, introduction: str = "", notes: str = ""
) -> WorkProgramme:
    if WorkProgramme.objects.filter(committee=committee, year=year).exists():
        raise ValidationError(
            {"year": f"{committee.name} already has a work programme for {year.name}."}
        )
    return WorkProgramme.objects.create(
        committee=committee, year=year, introduction=introduction, notes=notes
    )


def _validate_item_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - ITEM_FIELDS
    if unknown:
        raise TypeError(f"Unknown work programme item fields: {sorted(unknown)}")
    errors = {}
    if "issue" in fields and not (fields["issue"] or "").strip():
        errors["issue"] = "Enter the issue."
    if "method" in fields and fields["method"] not in Method.values:
        errors["method"] = "Choose how the panel will look at this issue."
    if "status" in fields and fields["status"] not in ItemStatus.values:
        errors["status"] = "Choose a status."
    for field, label, _ in PRIORITY_CRITERIA:
        value = fields.get(field)
        if value is not None and value not in range(4):
            errors[field] = f"Score {label.lower()} from 0 to 3."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_item(
    *,
    programme: WorkProgramme,
    issue: str,
    lead_officers: list[Person] | None = None,
    number: int | None = None,
    by=None,
    **fields: Any,
) -> WorkProgrammeItem:
    """Add an issue to a work programme (numbered after the last one unless given)."""
    fields["issue"] = issue
    _validate_item_fields(fields)
    if number is None:
        number = (programme.items.aggregate(n=Max("number"))["n"] or 0) + 1
    elif programme.items.filter(number=number).exists():
        raise ValidationError({"number": f"Item {number} already exists on this programme."})
    item = WorkProgrammeItem.objects.create(programme=programme, number=number, **fields)
    if lead_officers:
        item.lead_officers.set(lead_officers)
    return item


@transaction.atomic
def update_item(
    *,
    item: WorkProgrammeItem,
    expected_version: int | None,
    lead_officers: list[Person] | None = None,
    by=None,
    **fields: Any,
) -> WorkProgrammeItem:
    """Change a work programme item; ``expected_version`` guards against lost updates."""
    item = WorkProgrammeItem.objects.select_for_update().get(pk=item.pk)
    _check_version(item, expected_version)
    _validate_item_fields(fields)
    for name, value in fields.items():
        setattr(item, name, value)
    item.version += 1
    item.save()
    if lead_officers is not None:
        item.lead_officers.set(lead_officers)
    return item


@transaction.atomic
def set_item_status(*, item: WorkProgrammeItem, status: str, by=None) -> WorkProgrammeItem:
    if status not in ItemStatus.values:
        raise ValidationError({"status": "Choose a status."})
    item = WorkProgrammeItem.objects.select_for_update().get(pk=item.pk)
    item.status = status
    item.version += 1
    item.save(update_fields=["status", "version", "modified_at"])
    return item


def _next_target(item: WorkProgrammeItem, on: dt.date) -> Meeting | None:
    coming = [
        c.meeting
        for c in item.considerations.select_related("meeting").order_by("meeting__start")
        if c.meeting.date >= on and c.meeting.status != MeetingStatus.CANCELLED
    ]
    return coming[0] if coming else None


@transaction.atomic
def schedule_item(
    *,
    item: WorkProgrammeItem,
    meeting: Meeting,
    presenter: str = "",
    presenter_person: Person | None = None,
    report_deadline: dt.date | None = None,
    notes: str = "",
    place_on_agenda: bool = False,
    agenda_title: str = "",
    agenda_description: str = "",
    urgency_reasons: str = "",
    by=None,
) -> Consideration:
    """Plan ``item`` for ``meeting`` (the agenda plan); optionally put it on the agenda now.

    A proposed item becomes scheduled, and its target meeting becomes the next meeting it is
    planned for.
    """
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError({"meeting": "That meeting has been cancelled; choose another."})
    if item.considerations.filter(meeting=meeting).exists():
        raise ValidationError({"meeting": "This item is already planned for that meeting."})
    if report_deadline and report_deadline > meeting.date:
        raise ValidationError(
            {"report_deadline": "The report deadline must be on or before the meeting date."}
        )
    consideration = Consideration.objects.create(
        item=item,
        meeting=meeting,
        presenter=presenter.strip(),
        presenter_person=presenter_person,
        report_deadline=report_deadline,
        notes=notes,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    if place_on_agenda:
        place_on_meeting_agenda(
            consideration=consideration,
            title=agenda_title,
            description=agenda_description,
            urgency_reasons=urgency_reasons,
            by=by,
        )
    item = WorkProgrammeItem.objects.select_for_update().get(pk=item.pk)
    if item.status == ItemStatus.PROPOSED:
        item.status = ItemStatus.SCHEDULED
    item.target_meeting = _next_target(item, today()) or item.target_meeting or meeting
    item.version += 1
    item.save()
    consideration.refresh_from_db()
    return consideration


@transaction.atomic
def place_on_meeting_agenda(
    *,
    consideration: Consideration,
    title: str = "",
    description: str = "",
    urgency_reasons: str = "",
    by=None,
) -> AgendaItem:
    """Put a planned consideration on its meeting's agenda; the item and the agenda item then
    point at each other (``Consideration.agenda_item``)."""
    consideration = Consideration.objects.select_for_update().get(pk=consideration.pk)
    if consideration.agenda_item_id:
        raise ValidationError({"__all__": "This item is already on that meeting's agenda."})
    meeting = consideration.meeting
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.HELD):
        raise ValidationError(
            {"meeting": f"The meeting is {meeting.get_status_display().lower()}."}
        )
    item = consideration.item
    officers = list(item.lead_officers.all())
    if consideration.presenter_person_id:
        officers.append(consideration.presenter_person)
    # The meetings app numbers the agenda and applies the late-item rules.
    agenda_item = meeting_services.add_agenda_item(
        meeting=meeting,
        title=(title or item.issue).strip(),
        description=description or _default_description(item),
        kind=ItemKind.BUSINESS,
        contact_officers=officers,
        urgency_reasons=urgency_reasons,
        by=by,
    )
    consideration.agenda_item = agenda_item
    consideration.save(update_fields=["agenda_item", "modified_at"])
    if item.status in (ItemStatus.PROPOSED,):
        set_item_status(item=item, status=ItemStatus.SCHEDULED, by=by)
    return agenda_item


def _default_description(item: WorkProgrammeItem) -> str:
    return f"To consider {item.issue} (work programme item {item.number})."


@transaction.atomic
def remove_consideration(*, consideration: Consideration, by=None) -> None:
    """Take an item off a meeting's plan. An agenda item already made stays on the agenda
    (removing it is the meeting page's business) but no longer points at the topic."""
    item = consideration.item
    consideration.delete()
    item = WorkProgrammeItem.objects.select_for_update().get(pk=item.pk)
    item.target_meeting = _next_target(item, today())
    if item.status == ItemStatus.SCHEDULED and not item.considerations.exists():
        item.status = ItemStatus.PROPOSED
    item.version += 1
    item.save()


# --- Improvement plans -------------------------------------------------------------------------

REFERENCE = re.compile(r"\(\s*([A-Z]{1,3})\s*(\d{1,3})\s*\)")


def inspection_references(text: str) -> list[tuple[str, int]]:
    """``"…(O19) … (O 20)"`` -> ``[("O", 19), ("O", 20)]``."""
    return [(prefix, int(n)) for prefix, n in REFERENCE.findall(text)]


@transaction.atomic
def link_inspection_references(*, action: ImprovementAction) -> list[InspectionRecommendation]:
    """Link an action to the inspection recommendations its text cites ("(O12)")."""
    inspection = action.priority.plan.inspection
    if inspection is None:
        return []
    numbers = [
        n for prefix, n in inspection_references(action.text) if prefix == inspection.code_prefix
    ]
    recs = list(inspection.recommendations.filter(number__in=numbers))
    action.inspection_recommendations.set(recs)
    return recs


@transaction.atomic
def update_action(
    *,
    action: ImprovementAction,
    expected_version: int | None,
    text: str,
    owner: Person | None,
    owner_text: str = "",
    due_date: dt.date | None = None,
    by=None,
) -> ImprovementAction:
    action = ImprovementAction.objects.select_for_update().get(pk=action.pk)
    _check_version(action, expected_version)
    if not text.strip():
        raise ValidationError({"text": "Enter what the action is."})
    action.text = text.strip()
    action.owner = owner
    action.owner_text = owner_text
    action.due_date = due_date
    action.version += 1
    action.save()
    link_inspection_references(action=action)
    return action


@transaction.atomic
def record_progress(
    *,
    action: ImprovementAction,
    date: dt.date,
    rag: str,
    status: str,
    narrative: str,
    expected_version: int | None = None,
    is_invented: bool = False,
    by=None,
) -> ProgressUpdate:
    """A dated progress update; the action's RAG and status follow its latest update."""
    errors = {}
    if rag not in Rag.values:
        errors["rag"] = "Choose a RAG rating."
    if status not in ActionStatus.values:
        errors["status"] = "Choose a status."
    if not narrative.strip():
        errors["narrative"] = "Describe the progress made."
    if date > today():
        errors["date"] = "The date of an update cannot be in the future."
    if errors:
        raise ValidationError(errors)
    action = ImprovementAction.objects.select_for_update().get(pk=action.pk)
    _check_version(action, expected_version)
    update = ProgressUpdate.objects.create(
        action=action,
        date=date,
        rag=rag,
        status=status,
        narrative=narrative.strip(),
        is_invented=is_invented,
        recorded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    latest = action.progress_updates.order_by("-date", "-pk").first()
    action.rag, action.status = latest.rag, latest.status
    action.version += 1
    action.save()
    return update


@transaction.atomic
def mark_deliverable_done(*, deliverable: Deliverable, done_date: dt.date | None) -> Deliverable:
    if done_date and done_date > today():
        raise ValidationError({"done_date": "A deliverable cannot be done in the future."})
    deliverable.done_date = done_date
    deliverable.save(update_fields=["done_date"])
    return deliverable


# --- Scrutiny reviews --------------------------------------------------------------------------


@transaction.atomic
def record_response(
    *,
    recommendation: ReviewRecommendation,
    decision: str,
    reasons: str,
    response_date: dt.date,
    responder: str = "",
    is_invented: bool = False,
    by=None,
) -> ExecutiveResponse:
    """Record (or correct) the executive's response to a recommendation. A rejected
    recommendation is no longer monitored; reasons are required unless accepted."""
    errors = {}
    if decision not in ResponseDecision.values:
        errors["decision"] = "Choose accepted, partly accepted or rejected."
    elif decision != ResponseDecision.ACCEPTED and not reasons.strip():
        errors["reasons"] = "Give the executive's reasons for not accepting in full."
    if response_date > today():
        errors["response_date"] = "The response date cannot be in the future."
    if response_date < recommendation.review.report_date:
        errors["response_date"] = "The response cannot be before the review's report."
    if errors:
        raise ValidationError(errors)
    response, _ = ExecutiveResponse.objects.update_or_create(
        recommendation=recommendation,
        defaults={
            "decision": decision,
            "reasons": reasons.strip(),
            "response_date": response_date,
            "responder": responder,
            "is_invented": is_invented,
        },
    )
    rec = ReviewRecommendation.objects.select_for_update().get(pk=recommendation.pk)
    if decision == ResponseDecision.REJECTED:
        rec.status = ImplementationStatus.NOT_APPLICABLE
    elif rec.status == ImplementationStatus.NOT_APPLICABLE:
        rec.status = ImplementationStatus.NOT_ASSESSED
    rec.version += 1
    rec.save()
    return response


@transaction.atomic
def add_plan_item(
    *,
    recommendation: ReviewRecommendation,
    text: str,
    owner: str = "",
    due_date: dt.date | None = None,
    done_date: dt.date | None = None,
    is_invented: bool = False,
) -> ActionPlanItem:
    if not text.strip():
        raise ValidationError({"text": "Enter the action."})
    return ActionPlanItem.objects.create(
        recommendation=recommendation,
        text=text.strip(),
        owner=owner,
        due_date=due_date,
        done_date=done_date,
        is_invented=is_invented,
    )


@transaction.atomic
def record_follow_up(
    *,
    recommendation: ReviewRecommendation,
    date: dt.date,
    status: str,
    narrative: str = "",
    meeting: Meeting | None = None,
    expected_version: int | None = None,
    is_invented: bool = False,
    by=None,
) -> FollowUp:
    """The panel's later look at how a recommendation is being implemented; the
    recommendation's status follows its latest follow-up."""
    errors = {}
    if status not in ImplementationStatus.values or status == ImplementationStatus.NOT_ASSESSED:
        errors["status"] = "Choose achieved, acceptable progress or unacceptable progress."
    if date > today():
        errors["date"] = "The date cannot be in the future."
    if meeting is not None and meeting.date != date:
        errors["meeting"] = "The date must be the meeting's date."
    rec = ReviewRecommendation.objects.select_for_update().get(pk=recommendation.pk)
    if not errors and not hasattr(rec, "response"):
        errors["__all__"] = "Record the executive's response before following it up."
    elif not errors and rec.response.decision == ResponseDecision.REJECTED:
        errors["__all__"] = "A rejected recommendation is not followed up."
    if errors:
        raise ValidationError(errors)
    _check_version(rec, expected_version)
    follow_up = FollowUp.objects.create(
        recommendation=rec,
        date=date,
        status=status,
        narrative=narrative.strip(),
        meeting=meeting,
        is_invented=is_invented,
    )
    latest = rec.follow_ups.order_by("-date", "-pk").first()
    rec.status = latest.status
    rec.version += 1
    rec.save()
    return follow_up


# --- Lead member reports -----------------------------------------------------------------------


@transaction.atomic
def create_lead_member_report(
    *,
    committee: Committee,
    period_start: dt.date,
    period_end: dt.date,
    lead_member: Person | None = None,
    lead_member_name: str = "",
    general_comments: str = "",
) -> LeadMemberReport:
    if period_end < period_start:
        raise ValidationError({"period_end": "The period must end on or after it starts."})
    if lead_member is None and not lead_member_name.strip():
        raise ValidationError({"lead_member": "Choose or name the lead member."})
    return LeadMemberReport.objects.create(
        committee=committee,
        period_start=period_start,
        period_end=period_end,
        lead_member=lead_member,
        lead_member_name=lead_member_name,
        general_comments=general_comments,
    )


@transaction.atomic
def add_highlight(
    *,
    report: LeadMemberReport,
    kind: str,
    body: str,
    title: str = "",
    date: dt.date | None = None,
) -> Highlight:
    if not (body.strip() or title.strip()):
        raise ValidationError({"body": "Enter the highlight."})
    order = (report.highlights.aggregate(n=Max("order"))["n"] or 0) + 1
    return Highlight.objects.create(
        report=report, kind=kind, body=body.strip(), title=title.strip(), date=date, order=order
    )
