"""Improvement plans and the inspections they answer: an inspection and its numbered
recommendations; a plan's priorities, each with its actions (and their dated progress updates),
deliverables and success measures (with dated targets). An action's text cites inspection
recommendations as "(O12)"; those references are linked whenever the action or the plan's
inspection changes."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction

from scrutiny.audit import records_by
from scrutiny.models import Committee, Person
from workprogramme.models import (
    ActionStatus,
    Deliverable,
    ImprovementAction,
    ImprovementPlan,
    Inspection,
    InspectionRecommendation,
    MeasureTarget,
    PlanPriority,
    ProgressUpdate,
    Rag,
    SuccessMeasure,
    today,
)
from workprogramme.services._common import (
    REC_TAKEN,
    apply_fields,
    check_number,
    check_period,
    check_record_version,
    locked,
    not_future,
    require,
    unique_slug,
)

# --- Inspections and the references plans make to them -------------------------------------------


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
    require(errors, title=title)
    _check_code_prefix(errors, code_prefix)
    not_future(errors, "published_on", published_on, "The publication date")
    if errors:
        raise ValidationError(errors)
    return Inspection.objects.create(
        title=title.strip(),
        slug=unique_slug(Inspection, slug, title),
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
    inspection = locked(inspection, expected_version)
    errors: dict[str, str] = {}
    require(errors, title=title)
    _check_code_prefix(errors, code_prefix)
    not_future(errors, "published_on", published_on, "The publication date")
    if errors:
        raise ValidationError(errors)
    return apply_fields(
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


@records_by
@transaction.atomic
def add_inspection_recommendation(
    *, inspection: Inspection, text: str, number: int | None = None, by=None
) -> InspectionRecommendation:
    errors: dict[str, str] = {}
    require(errors, text=text)
    if errors:
        raise ValidationError(errors)
    Inspection.objects.select_for_update().get(pk=inspection.pk)  # serialise numbering
    number = check_number(inspection.recommendations.all(), number, REC_TAKEN)
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
    recommendation = locked(recommendation, expected_version)
    errors: dict[str, str] = {}
    require(errors, text=text)
    if errors:
        raise ValidationError(errors)
    siblings = InspectionRecommendation.objects.filter(inspection_id=recommendation.inspection_id)
    check_number(siblings, number, REC_TAKEN, exclude=recommendation)
    return apply_fields(recommendation, {"number": number, "text": text.strip()})


@records_by
@transaction.atomic
def remove_inspection_recommendation(*, recommendation: InspectionRecommendation, by=None) -> None:
    """Actions citing it lose the link; their text still says "(O12)" and is re-linked if
    the recommendation is added again and the action saved."""
    recommendation.delete()


# --- Plans and priorities ------------------------------------------------------------------------


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
    require(errors, title=title)
    check_period(errors, period_start, period_end, end_field="period_end", message=PLAN_END_MESSAGE)
    if errors:
        raise ValidationError(errors)
    return ImprovementPlan.objects.create(
        title=title.strip(),
        slug=unique_slug(ImprovementPlan, slug, title),
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
    plan = locked(plan, expected_version)
    errors: dict[str, str] = {}
    require(errors, title=title)
    check_period(errors, period_start, period_end, end_field="period_end", message=PLAN_END_MESSAGE)
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
    plan = apply_fields(
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
    require(errors, title=title)
    if errors:
        raise ValidationError(errors)
    ImprovementPlan.objects.select_for_update().get(pk=plan.pk)
    number = check_number(plan.priorities.all(), number, PRIORITY_TAKEN)
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
    priority = locked(priority, expected_version)
    errors: dict[str, str] = {}
    require(errors, title=title)
    if errors:
        raise ValidationError(errors)
    siblings = PlanPriority.objects.filter(plan_id=priority.plan_id)
    check_number(siblings, number, PRIORITY_TAKEN, exclude=priority)
    return apply_fields(
        priority,
        {"number": number, "title": title.strip(), "rationale": rationale.strip(), "aims": aims},
    )


# --- Actions and their progress ------------------------------------------------------------------


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
    require(errors, text=text)
    if errors:
        raise ValidationError(errors)
    PlanPriority.objects.select_for_update().get(pk=priority.pk)
    number = check_number(
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
    check_record_version(action, expected_version)
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
    check_record_version(action, expected_version)
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


# --- Deliverables --------------------------------------------------------------------------------


DELIVERABLE_TAKEN = "Deliverable {number} already exists under this priority; choose another."


def _deliverable_errors(text: str, done_date: dt.date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    require(errors, text=text)
    not_future(errors, "done_date", done_date, "The date it was done")
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
    number = check_number(priority.deliverables.all(), number, DELIVERABLE_TAKEN)
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
    deliverable = locked(deliverable, expected_version)
    errors = _deliverable_errors(text, done_date)
    if errors:
        raise ValidationError(errors)
    siblings = Deliverable.objects.filter(priority_id=deliverable.priority_id)
    check_number(siblings, number, DELIVERABLE_TAKEN, exclude=deliverable)
    return apply_fields(
        deliverable,
        {
            "number": number,
            "text": text.strip(),
            "due_date": due_date,
            "due_text": due_text.strip(),
            "done_date": done_date,
        },
    )


@transaction.atomic
def mark_deliverable_done(*, deliverable: Deliverable, done_date: dt.date | None) -> Deliverable:
    if done_date and done_date > today():
        raise ValidationError({"done_date": "A deliverable cannot be done in the future."})
    deliverable.done_date = done_date
    deliverable.save(update_fields=["done_date"])
    return deliverable


@records_by
@transaction.atomic
def remove_deliverable(*, deliverable: Deliverable, by=None) -> None:
    deliverable.delete()


# --- Success measures and their dated targets ----------------------------------------------------


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
    require(errors, text=text)
    if errors:
        raise ValidationError(errors)
    PlanPriority.objects.select_for_update().get(pk=priority.pk)
    number = check_number(priority.success_measures.all(), number, MEASURE_TAKEN)
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
    measure = locked(measure, expected_version)
    errors: dict[str, str] = {}
    require(errors, text=text)
    if errors:
        raise ValidationError(errors)
    siblings = SuccessMeasure.objects.filter(priority_id=measure.priority_id)
    check_number(siblings, number, MEASURE_TAKEN, exclude=measure)
    return apply_fields(
        measure,
        {"number": number, "text": text.strip(), "kpi": kpi, "kpi_reference": kpi_reference},
    )


@records_by
@transaction.atomic
def remove_success_measure(*, measure: SuccessMeasure, by=None) -> None:
    """Removes the measure and its dated targets (both kept in the audit history)."""
    for target in measure.targets.all():
        target.delete()  # one by one, so each leaves a history record
    measure.delete()


def _target_errors(measure: SuccessMeasure, target_date: dt.date, target: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    require(errors, target=target)
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
    measure_target = locked(measure_target, expected_version)
    measure = SuccessMeasure.objects.select_related("priority__plan").get(
        pk=measure_target.measure_id
    )
    errors = _target_errors(measure, target_date, target)
    if errors:
        raise ValidationError(errors)
    return apply_fields(measure_target, {"target_date": target_date, "target": target.strip()})


@records_by
@transaction.atomic
def remove_measure_target(*, measure_target: MeasureTarget, by=None) -> None:
    measure_target.delete()
