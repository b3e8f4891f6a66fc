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
from django.utils.text import slugify

from meetings import services as meeting_services
from meetings.models import AgendaItem, ItemKind, Meeting, MeetingStatus
from scrutiny.audit import records_by
from scrutiny.conflicts import check_version
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
    HighlightKind,
    ImplementationStatus,
    ImprovementAction,
    ImprovementPlan,
    Inspection,
    InspectionRecommendation,
    ItemStatus,
    LeadMemberReport,
    MeasureTarget,
    Method,
    PlanPriority,
    ProgressUpdate,
    Rag,
    ResponseDecision,
    ReviewRecommendation,
    ScrutinyReview,
    SuccessMeasure,
    WorkProgramme,
    WorkProgrammeItem,
    today,
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
    check_version(obj.version, expected_version)


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


@records_by
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


@records_by
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


@records_by
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


@records_by
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


@records_by
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


@records_by
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


@records_by
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


@records_by
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


@records_by
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


@records_by
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


# --- Officer editing of plans, inspections, reviews and highlights -----------------------------
#
# Each record below carries a ``version``: an update names the version the officer started from
# and is refused (``scrutiny.conflicts``) if someone saved in between. Numbers are unique
# within their parent; the message says which number is taken.


def _locked(obj, expected_version: int | None):
    """The row again, locked for this transaction, after the optimistic version check."""
    fresh = type(obj).objects.select_for_update().get(pk=obj.pk)
    _check_version(fresh, expected_version)
    return fresh


def _apply(obj, fields: dict[str, Any]):
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.version += 1
    obj.save()
    return obj


def _next_number(siblings) -> int:
    return (siblings.aggregate(n=Max("number"))["n"] or 0) + 1


def _check_number(siblings, number: int | None, message: str, *, exclude=None) -> int:
    """``number`` (or the next free one if None) after checking no sibling has it."""
    if number is None:
        return _next_number(siblings)
    if number < 1:
        raise ValidationError({"number": "Enter a number of 1 or more."})
    taken = siblings.filter(number=number)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationError({"number": message.format(number=number)})
    return number


def _require(errors: dict[str, str], **values: str) -> None:
    labels = {
        "title": "Enter the title.",
        "text": "Enter the text.",
        "target": "Enter the target, for example 70%.",
    }
    for name, value in values.items():
        if not (value or "").strip():
            errors[name] = labels.get(name, "This field is required.")


def _check_period(errors: dict[str, str], start, end, *, end_field: str, message: str) -> None:
    if start and end and end < start:
        errors[end_field] = message


def _unique_slug(model, slug: str, title: str) -> str:
    """A new record's web address name. It never changes afterwards: links, and agenda
    reports that print a tracker (``generator_params["key"]``), cite it."""
    slug = slugify(slug or title)[:100]
    if not slug:
        raise ValidationError({"slug": "Enter a web address name (letters, numbers, hyphens)."})
    if model.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"“{slug}” is already used; choose another."})
    return slug


def _not_future(errors: dict[str, str], field: str, value: dt.date | None, what: str) -> None:
    if value and value > today():
        errors[field] = f"{what} cannot be in the future."


# Inspections ----------------------------------------------------------------------------------


@records_by
@transaction.atomic
def create_inspection(
    *,
    title: str,
    slug: str = "",
    inspectorate: str = "Ofsted",
    published_on: dt.date | None = None,
    code_prefix: str = "O",
    summary: str = "",
    report_url: str = "",
    by=None,
) -> Inspection:
    errors: dict[str, str] = {}
    _require(errors, title=title)
    _check_code_prefix(errors, code_prefix)
    _not_future(errors, "published_on", published_on, "The publication date")
    if errors:
        raise ValidationError(errors)
    return Inspection.objects.create(
        title=title.strip(),
        slug=_unique_slug(Inspection, slug, title),
        inspectorate=inspectorate.strip(),
        published_on=published_on,
        code_prefix=code_prefix.strip(),
        summary=summary.strip(),
        report_url=report_url,
    )


def _check_code_prefix(errors: dict[str, str], code_prefix: str) -> None:
    if not re.fullmatch(r"[A-Z]{1,3}", code_prefix.strip()):
        errors["code_prefix"] = 'Enter 1 to 3 capital letters, for example "O" for "(O12)".'


@records_by
@transaction.atomic
def update_inspection(
    *,
    inspection: Inspection,
    expected_version: int | None,
    title: str,
    inspectorate: str,
    published_on: dt.date | None,
    code_prefix: str,
    summary: str = "",
    report_url: str = "",
    by=None,
) -> Inspection:
    inspection = _locked(inspection, expected_version)
    errors: dict[str, str] = {}
    _require(errors, title=title)
    _check_code_prefix(errors, code_prefix)
    _not_future(errors, "published_on", published_on, "The publication date")
    if errors:
        raise ValidationError(errors)
    return _apply(
        inspection,
        {
            "title": title.strip(),
            "inspectorate": inspectorate.strip(),
            "published_on": published_on,
            "code_prefix": code_prefix.strip(),
            "summary": summary.strip(),
            "report_url": report_url,
        },
    )


REC_TAKEN = "Recommendation {number} already exists; choose another number."


@records_by
@transaction.atomic
def add_inspection_recommendation(
    *, inspection: Inspection, text: str, number: int | None = None, by=None
) -> InspectionRecommendation:
    errors: dict[str, str] = {}
    _require(errors, text=text)
    if errors:
        raise ValidationError(errors)
    Inspection.objects.select_for_update().get(pk=inspection.pk)  # serialise numbering
    number = _check_number(inspection.recommendations.all(), number, REC_TAKEN)
    return InspectionRecommendation.objects.create(
        inspection=inspection, number=number, text=text.strip()
    )


@records_by
@transaction.atomic
def update_inspection_recommendation(
    *,
    recommendation: InspectionRecommendation,
    expected_version: int | None,
    number: int,
    text: str,
    by=None,
) -> InspectionRecommendation:
    recommendation = _locked(recommendation, expected_version)
    errors: dict[str, str] = {}
    _require(errors, text=text)
    if errors:
        raise ValidationError(errors)
    siblings = InspectionRecommendation.objects.filter(inspection_id=recommendation.inspection_id)
    _check_number(siblings, number, REC_TAKEN, exclude=recommendation)
    return _apply(recommendation, {"number": number, "text": text.strip()})


# Improvement plans ----------------------------------------------------------------------------

PLAN_END_MESSAGE = "The plan must end on or after it starts."


@records_by
@transaction.atomic
def create_plan(
    *,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    slug: str = "",
    body: str = "",
    committee: Committee | None = None,
    inspection: Inspection | None = None,
    by=None,
) -> ImprovementPlan:
    errors: dict[str, str] = {}
    _require(errors, title=title)
    _check_period(
        errors, period_start, period_end, end_field="period_end", message=PLAN_END_MESSAGE
    )
    if errors:
        raise ValidationError(errors)
    return ImprovementPlan.objects.create(
        title=title.strip(),
        slug=_unique_slug(ImprovementPlan, slug, title),
        body=body.strip(),
        period_start=period_start,
        period_end=period_end,
        committee=committee,
        inspection=inspection,
    )


@records_by
@transaction.atomic
def update_plan(
    *,
    plan: ImprovementPlan,
    expected_version: int | None,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    body: str = "",
    committee: Committee | None = None,
    inspection: Inspection | None = None,
    by=None,
) -> ImprovementPlan:
    """Change a plan. The period may not shrink past a success measure's dated target; a
    different inspection re-links every action's "(O12)" references."""
    plan = _locked(plan, expected_version)
    errors: dict[str, str] = {}
    _require(errors, title=title)
    _check_period(
        errors, period_start, period_end, end_field="period_end", message=PLAN_END_MESSAGE
    )
    if not errors:
        outside = (
            MeasureTarget.objects.filter(measure__priority__plan=plan)
            .exclude(target_date__range=(period_start, period_end))
            .order_by("target_date")
        )
        first = outside.first()
        if first is not None:
            errors["period_start" if first.target_date < period_start else "period_end"] = (
                f"A success measure has a target dated {first.target_date:%-d %B %Y}, outside "
                "this period. Change that target first."
            )
    if errors:
        raise ValidationError(errors)
    inspection_changed = plan.inspection_id != (inspection.pk if inspection else None)
    plan = _apply(
        plan,
        {
            "title": title.strip(),
            "body": body.strip(),
            "period_start": period_start,
            "period_end": period_end,
            "committee": committee,
            "inspection": inspection,
        },
    )
    if inspection_changed:
        for action in ImprovementAction.objects.filter(priority__plan=plan).select_related(
            "priority__plan__inspection"
        ):
            link_inspection_references(action=action)
    return plan


PRIORITY_TAKEN = "Priority {number} already exists in this plan; choose another number."


@records_by
@transaction.atomic
def add_priority(
    *,
    plan: ImprovementPlan,
    title: str,
    rationale: str = "",
    aims: str = "",
    number: int | None = None,
    by=None,
) -> PlanPriority:
    errors: dict[str, str] = {}
    _require(errors, title=title)
    if errors:
        raise ValidationError(errors)
    ImprovementPlan.objects.select_for_update().get(pk=plan.pk)
    number = _check_number(plan.priorities.all(), number, PRIORITY_TAKEN)
    return PlanPriority.objects.create(
        plan=plan, number=number, title=title.strip(), rationale=rationale.strip(), aims=aims
    )


@records_by
@transaction.atomic
def update_priority(
    *,
    priority: PlanPriority,
    expected_version: int | None,
    number: int,
    title: str,
    rationale: str = "",
    aims: str = "",
    by=None,
) -> PlanPriority:
    priority = _locked(priority, expected_version)
    errors: dict[str, str] = {}
    _require(errors, title=title)
    if errors:
        raise ValidationError(errors)
    siblings = PlanPriority.objects.filter(plan_id=priority.plan_id)
    _check_number(siblings, number, PRIORITY_TAKEN, exclude=priority)
    return _apply(
        priority,
        {"number": number, "title": title.strip(), "rationale": rationale.strip(), "aims": aims},
    )


@records_by
@transaction.atomic
def add_action(
    *,
    priority: PlanPriority,
    text: str,
    owner: Person | None = None,
    owner_text: str = "",
    due_date: dt.date | None = None,
    number: int | None = None,
    by=None,
) -> ImprovementAction:
    """A numbered action under a priority; its "(O12)" references are linked."""
    errors: dict[str, str] = {}
    _require(errors, text=text)
    if errors:
        raise ValidationError(errors)
    PlanPriority.objects.select_for_update().get(pk=priority.pk)
    number = _check_number(
        priority.actions.all(),
        number,
        f"Action {priority.number}.{{number}} already exists; choose another number.",
    )
    action = ImprovementAction.objects.create(
        priority=priority,
        number=number,
        text=text.strip(),
        owner=owner,
        owner_text=owner_text.strip(),
        due_date=due_date,
    )
    link_inspection_references(action=action)
    return action


DELIVERABLE_TAKEN = "Deliverable {number} already exists under this priority; choose another."


def _deliverable_errors(text: str, done_date: dt.date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    _require(errors, text=text)
    _not_future(errors, "done_date", done_date, "The date it was done")
    return errors


@records_by
@transaction.atomic
def add_deliverable(
    *,
    priority: PlanPriority,
    text: str,
    due_date: dt.date | None = None,
    due_text: str = "",
    done_date: dt.date | None = None,
    number: int | None = None,
    by=None,
) -> Deliverable:
    errors = _deliverable_errors(text, done_date)
    if errors:
        raise ValidationError(errors)
    PlanPriority.objects.select_for_update().get(pk=priority.pk)
    number = _check_number(priority.deliverables.all(), number, DELIVERABLE_TAKEN)
    return Deliverable.objects.create(
        priority=priority,
        number=number,
        text=text.strip(),
        due_date=due_date,
        due_text=due_text.strip(),
        done_date=done_date,
    )


@records_by
@transaction.atomic
def update_deliverable(
    *,
    deliverable: Deliverable,
    expected_version: int | None,
    number: int,
    text: str,
    due_date: dt.date | None = None,
    due_text: str = "",
    done_date: dt.date | None = None,
    by=None,
) -> Deliverable:
    deliverable = _locked(deliverable, expected_version)
    errors = _deliverable_errors(text, done_date)
    if errors:
        raise ValidationError(errors)
    siblings = Deliverable.objects.filter(priority_id=deliverable.priority_id)
    _check_number(siblings, number, DELIVERABLE_TAKEN, exclude=deliverable)
    return _apply(
        deliverable,
        {
            "number": number,
            "text": text.strip(),
            "due_date": due_date,
            "due_text": due_text.strip(),
            "done_date": done_date,
        },
    )


MEASURE_TAKEN = "Success measure {number} already exists under this priority; choose another."


@records_by
@transaction.atomic
def add_success_measure(
    *,
    priority: PlanPriority,
    text: str,
    kpi=None,
    kpi_reference: str = "",
    number: int | None = None,
    by=None,
) -> SuccessMeasure:
    errors: dict[str, str] = {}
    _require(errors, text=text)
    if errors:
        raise ValidationError(errors)
    PlanPriority.objects.select_for_update().get(pk=priority.pk)
    number = _check_number(priority.success_measures.all(), number, MEASURE_TAKEN)
    return SuccessMeasure.objects.create(
        priority=priority,
        number=number,
        text=text.strip(),
        kpi=kpi,
        kpi_reference=kpi_reference.strip(),
    )


@records_by
@transaction.atomic
def update_success_measure(
    *,
    measure: SuccessMeasure,
    expected_version: int | None,
    number: int,
    text: str,
    kpi=None,
    kpi_reference: str = "",
    by=None,
) -> SuccessMeasure:
    measure = _locked(measure, expected_version)
    errors: dict[str, str] = {}
    _require(errors, text=text)
    if errors:
        raise ValidationError(errors)
    siblings = SuccessMeasure.objects.filter(priority_id=measure.priority_id)
    _check_number(siblings, number, MEASURE_TAKEN, exclude=measure)
    return _apply(
        measure,
        {"number": number, "text": text.strip(), "kpi": kpi, "kpi_reference": kpi_reference},
    )


def _target_errors(measure: SuccessMeasure, target_date: dt.date, target: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    _require(errors, target=target)
    plan = measure.priority.plan
    if not plan.period_start <= target_date <= plan.period_end:
        errors["target_date"] = (
            f"The target date must be within the plan's period, "
            f"{plan.period_start:%-d %B %Y} to {plan.period_end:%-d %B %Y}."
        )
    return errors


@records_by
@transaction.atomic
def add_measure_target(
    *, measure: SuccessMeasure, target_date: dt.date, target: str, by=None
) -> MeasureTarget:
    """A dated target ("70% by July 2018") within the plan's period."""
    measure = SuccessMeasure.objects.select_related("priority__plan").get(pk=measure.pk)
    errors = _target_errors(measure, target_date, target)
    if errors:
        raise ValidationError(errors)
    return MeasureTarget.objects.create(
        measure=measure, target_date=target_date, target=target.strip()
    )


@records_by
@transaction.atomic
def update_measure_target(
    *,
    measure_target: MeasureTarget,
    expected_version: int | None,
    target_date: dt.date,
    target: str,
    by=None,
) -> MeasureTarget:
    measure_target = _locked(measure_target, expected_version)
    measure = SuccessMeasure.objects.select_related("priority__plan").get(
        pk=measure_target.measure_id
    )
    errors = _target_errors(measure, target_date, target)
    if errors:
        raise ValidationError(errors)
    return _apply(measure_target, {"target_date": target_date, "target": target.strip()})


@records_by
@transaction.atomic
def remove_measure_target(*, measure_target: MeasureTarget, by=None) -> None:
    measure_target.delete()


# Scrutiny reviews -----------------------------------------------------------------------------


def _review_errors(
    title: str, start_date: dt.date | None, end_date: dt.date | None, report_date: dt.date
) -> dict[str, str]:
    errors: dict[str, str] = {}
    _require(errors, title=title)
    _check_period(
        errors,
        start_date,
        end_date,
        end_field="end_date",
        message="The review must end on or after it starts.",
    )
    if start_date and report_date and report_date < start_date:
        errors["report_date"] = "The report cannot be dated before the review started."
    return errors


@records_by
@transaction.atomic
def create_review(
    *,
    title: str,
    panel: Committee,
    report_date: dt.date,
    slug: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    terms_of_reference: str = "",
    summary: str = "",
    report_url: str = "",
    by=None,
) -> ScrutinyReview:
    errors = _review_errors(title, start_date, end_date, report_date)
    if errors:
        raise ValidationError(errors)
    return ScrutinyReview.objects.create(
        title=title.strip(),
        slug=_unique_slug(ScrutinyReview, slug, title),
        panel=panel,
        start_date=start_date,
        end_date=end_date,
        report_date=report_date,
        terms_of_reference=terms_of_reference.strip(),
        summary=summary.strip(),
        report_url=report_url,
    )


@records_by
@transaction.atomic
def update_review(
    *,
    review: ScrutinyReview,
    expected_version: int | None,
    title: str,
    panel: Committee,
    report_date: dt.date,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    terms_of_reference: str = "",
    summary: str = "",
    report_url: str = "",
    by=None,
) -> ScrutinyReview:
    """Change a review. The report date may not move after an executive response already
    recorded (a response cannot come before the report)."""
    review = _locked(review, expected_version)
    errors = _review_errors(title, start_date, end_date, report_date)
    first = (
        ExecutiveResponse.objects.filter(recommendation__review=review)
        .order_by("response_date")
        .first()
    )
    if "report_date" not in errors and first and first.response_date < report_date:
        errors["report_date"] = (
            f"An executive response is dated {first.response_date:%-d %B %Y}; the report "
            "cannot be later than that."
        )
    if errors:
        raise ValidationError(errors)
    return _apply(
        review,
        {
            "title": title.strip(),
            "panel": panel,
            "start_date": start_date,
            "end_date": end_date,
            "report_date": report_date,
            "terms_of_reference": terms_of_reference.strip(),
            "summary": summary.strip(),
            "report_url": report_url,
        },
    )


@records_by
@transaction.atomic
def add_review_recommendation(
    *,
    review: ScrutinyReview,
    text: str,
    number: int | None = None,
    body_reference: str = "",
    theme: str = "",
    by=None,
) -> ReviewRecommendation:
    errors: dict[str, str] = {}
    _require(errors, text=text)
    if errors:
        raise ValidationError(errors)
    ScrutinyReview.objects.select_for_update().get(pk=review.pk)
    number = _check_number(review.recommendations.all(), number, REC_TAKEN)
    return ReviewRecommendation.objects.create(
        review=review,
        number=number,
        text=text.strip(),
        body_reference=body_reference.strip(),
        theme=theme.strip(),
    )


@records_by
@transaction.atomic
def update_review_recommendation(
    *,
    recommendation: ReviewRecommendation,
    expected_version: int | None,
    number: int,
    text: str,
    body_reference: str = "",
    theme: str = "",
    by=None,
) -> ReviewRecommendation:
    """Change a recommendation's wording or number (its status follows responses and
    follow-ups, not this form)."""
    recommendation = _locked(recommendation, expected_version)
    errors: dict[str, str] = {}
    _require(errors, text=text)
    if errors:
        raise ValidationError(errors)
    siblings = ReviewRecommendation.objects.filter(review_id=recommendation.review_id)
    _check_number(siblings, number, REC_TAKEN, exclude=recommendation)
    return _apply(
        recommendation,
        {
            "number": number,
            "text": text.strip(),
            "body_reference": body_reference.strip(),
            "theme": theme.strip(),
        },
    )


@records_by
@transaction.atomic
def update_plan_item(
    *,
    plan_item: ActionPlanItem,
    expected_version: int | None,
    text: str,
    owner: str = "",
    due_date: dt.date | None = None,
    done_date: dt.date | None = None,
    by=None,
) -> ActionPlanItem:
    plan_item = _locked(plan_item, expected_version)
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = "Enter the action."
    _not_future(errors, "done_date", done_date, "The date it was done")
    if errors:
        raise ValidationError(errors)
    return _apply(
        plan_item,
        {
            "text": text.strip(),
            "owner": owner.strip(),
            "due_date": due_date,
            "done_date": done_date,
        },
    )


@records_by
@transaction.atomic
def remove_plan_item(*, plan_item: ActionPlanItem, by=None) -> None:
    plan_item.delete()


# Lead member report highlights ------------------------------------------------------------------


@records_by
@transaction.atomic
def update_highlight(
    *,
    highlight: Highlight,
    expected_version: int | None,
    kind: str,
    body: str,
    title: str = "",
    date: dt.date | None = None,
    by=None,
) -> Highlight:
    highlight = _locked(highlight, expected_version)
    errors: dict[str, str] = {}
    if kind not in HighlightKind.values:
        errors["kind"] = "Choose what kind of highlight this is."
    if not (body.strip() or title.strip()):
        errors["body"] = "Enter the highlight."
    if errors:
        raise ValidationError(errors)
    return _apply(
        highlight, {"kind": kind, "body": body.strip(), "title": title.strip(), "date": date}
    )


@records_by
@transaction.atomic
def remove_highlight(*, highlight: Highlight, by=None) -> None:
    highlight.delete()


@records_by
@transaction.atomic
def update_lead_member_report(
    *,
    report: LeadMemberReport,
    expected_version: int | None,
    committee: Committee,
    period_start: dt.date,
    period_end: dt.date,
    lead_member: Person | None = None,
    lead_member_name: str = "",
    general_comments: str = "",
    by=None,
) -> LeadMemberReport:
    report = _locked(report, expected_version)
    if period_end < period_start:
        raise ValidationError({"period_end": "The period must end on or after it starts."})
    if lead_member is None and not lead_member_name.strip():
        raise ValidationError({"lead_member": "Choose or name the lead member."})
    return _apply(
        report,
        {
            "committee": committee,
            "period_start": period_start,
            "period_end": period_end,
            "lead_member": lead_member,
            "lead_member_name": lead_member_name.strip(),
            "general_comments": general_comments.strip(),
        },
    )


# Removals of small records entered by mistake ---------------------------------------------------


@records_by
@transaction.atomic
def remove_deliverable(*, deliverable: Deliverable, by=None) -> None:
    deliverable.delete()


@records_by
@transaction.atomic
def remove_success_measure(*, measure: SuccessMeasure, by=None) -> None:
    """Removes the measure and its dated targets (both kept in the audit history)."""
    for target in measure.targets.all():
        target.delete()  # one by one, so each leaves a history record
    measure.delete()


@records_by
@transaction.atomic
def remove_inspection_recommendation(*, recommendation: InspectionRecommendation, by=None) -> None:
    """Actions citing it lose the link; their text still says "(O12)" and is re-linked if
    the recommendation is added again and the action saved."""
    recommendation.delete()
