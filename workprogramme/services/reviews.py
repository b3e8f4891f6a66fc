"""Scrutiny reviews and their recommendations: the executive's response to each
recommendation, the panel's follow-ups of how it is implemented (the recommendation's status
follows the latest), and the action plan that implements it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from meetings.models import Meeting
from scrutiny.audit import records_by
from scrutiny.models import Committee
from workprogramme.models import (
    ActionPlanItem,
    ExecutiveResponse,
    FollowUp,
    ImplementationStatus,
    ResponseDecision,
    ReviewRecommendation,
    ScrutinyReview,
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

# --- Reviews and their recommendations -----------------------------------------------------------


def _review_errors(
    title: str, start_date: dt.date | None, end_date: dt.date | None, report_date: dt.date
) -> dict[str, str]:
    errors: dict[str, str] = {}
    require(errors, title=title)
    check_period(
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
        slug=unique_slug(ScrutinyReview, slug, title),
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
    review = locked(review, expected_version)
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
    return apply_fields(
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
    require(errors, text=text)
    if errors:
        raise ValidationError(errors)
    ScrutinyReview.objects.select_for_update().get(pk=review.pk)
    number = check_number(review.recommendations.all(), number, REC_TAKEN)
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
    recommendation = locked(recommendation, expected_version)
    errors: dict[str, str] = {}
    require(errors, text=text)
    if errors:
        raise ValidationError(errors)
    siblings = ReviewRecommendation.objects.filter(review_id=recommendation.review_id)
    check_number(siblings, number, REC_TAKEN, exclude=recommendation)
    return apply_fields(
        recommendation,
        {
            "number": number,
            "text": text.strip(),
            "body_reference": body_reference.strip(),
            "theme": theme.strip(),
        },
    )


# --- The executive's response and the panel's follow-ups -----------------------------------------


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
    check_record_version(rec, expected_version)
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


# --- The action plan of a recommendation ---------------------------------------------------------


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
    plan_item = locked(plan_item, expected_version)
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = "Enter the action."
    not_future(errors, "done_date", done_date, "The date it was done")
    if errors:
        raise ValidationError(errors)
    return apply_fields(
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
