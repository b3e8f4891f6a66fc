"""Officer pages that create and edit inspections, improvement plans (priorities, actions,
deliverables, success measures and their dated targets), scrutiny reviews and their
recommendations, action-plan items and lead member report highlights — in the portal rather
than in Django admin.

Every page is a form under ``/officer/work-programme/…``: ``OfficerRequiredMixin`` (anonymous
users sign in, others get 403); the form only cleans input; the write is a keyword-only service
in ``workprogramme.services`` whose ``ValidationError`` goes back onto the form, re-rendered with
everything the officer typed. Records two officers could edit at once carry a hidden
``version``; a stale save shows the conflict message and keeps the typed values.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import ModelForm
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView

from scrutiny.forms import add_service_errors
from scrutiny.permissions import OfficerRequiredMixin
from workprogramme import services
from workprogramme.forms import (
    DeliverableForm,
    HighlightEditForm,
    ImprovementActionAddForm,
    ImprovementPlanForm,
    InspectionForm,
    InspectionRecommendationForm,
    LeadMemberReportEditForm,
    MeasureTargetForm,
    PlanItemEditForm,
    PlanPriorityForm,
    ReviewRecommendationForm,
    ScrutinyReviewForm,
    SuccessMeasureForm,
)
from workprogramme.models import (
    ActionPlanItem,
    Deliverable,
    Highlight,
    ImprovementPlan,
    Inspection,
    InspectionRecommendation,
    LeadMemberReport,
    MeasureTarget,
    PlanPriority,
    ReviewRecommendation,
    ScrutinyReview,
    SuccessMeasure,
)


def pick(data: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: data[name] for name in names}


def officer_crumbs(*extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [
        ("Officer pages", reverse("officer-home")),
        ("Work programmes", reverse("officer-workprogramme")),
        *extra,
    ]


def plan_anchor(priority: PlanPriority) -> str:
    return priority.plan.get_absolute_url() + f"#priority-{priority.number}"


class OfficerFormPage(OfficerRequiredMixin, FormView):
    """One officer form. Subclasses say which record the URL names (``model``, looked up by
    ``pk`` after the permission check), whether the form edits it (``edits = True``), the page
    title, where Cancel goes, and the service call."""

    template_name = "workprogramme/officer/form.html"
    model: type[models.Model] | None = None
    select_related: tuple[str, ...] = ()
    edits = False
    intro = ""

    @cached_property
    def obj(self):
        if self.model is None:
            return None
        queryset = self.model.objects.select_related(*self.select_related)
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if issubclass(self.get_form_class(), ModelForm):
            # A copy: the form writes typed values onto its instance; the page's own title and
            # links keep showing the stored record.
            kwargs["instance"] = copy.copy(self.obj) if self.edits else None
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title(),
            back=self.back(),
            intro=self.get_intro(),
            breadcrumbs=officer_crumbs(*self.crumbs()),
        )
        return context

    def title(self) -> str:
        raise NotImplementedError

    def back(self) -> str:
        raise NotImplementedError

    def get_intro(self) -> str:
        return self.intro

    def crumbs(self) -> list[tuple[str, str]]:
        return []

    def save(self, data: dict[str, Any]):
        raise NotImplementedError

    def done(self, saved) -> tuple[str, str]:
        """(success message, where to go)."""
        raise NotImplementedError

    def form_valid(self, form):
        try:
            saved = self.save(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        message, url = self.done(saved)
        messages.success(self.request, message)
        return redirect(url)


class OfficerRemovePage(OfficerRequiredMixin, TemplateView):
    """Asks before removing (GET), removes on POST; works without JavaScript."""

    template_name = "workprogramme/officer/confirm_remove.html"
    model: type[models.Model]
    select_related: tuple[str, ...] = ()

    @cached_property
    def obj(self):
        queryset = self.model.objects.select_related(*self.select_related)
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title(),
            what=self.describe(),
            back=self.back(),
            breadcrumbs=officer_crumbs(),
        )
        return context

    def post(self, request, *args, **kwargs):
        back = self.back()
        message = f"{self.describe_short()} was removed."
        self.remove()
        messages.success(request, message)
        return redirect(back)


# --- Inspections ---------------------------------------------------------------------------------

INSPECTION_FIELDS = (
    "title",
    "inspectorate",
    "published_on",
    "code_prefix",
    "summary",
    "report_url",
)


class InspectionAdd(OfficerFormPage):
    form_class = InspectionForm

    def title(self):
        return "Add an inspection"

    def back(self):
        return reverse("officer-workprogramme")

    def save(self, data):
        return services.create_inspection(
            by=self.request.user, slug=data["slug"], **pick(data, *INSPECTION_FIELDS)
        )

    def done(self, saved):
        return f"{saved.title} was added; add its recommendations.", saved.get_absolute_url()


class InspectionEdit(OfficerFormPage):
    form_class = InspectionForm
    model = Inspection
    edits = True

    def title(self):
        return f"Edit {self.obj.title}"

    def back(self):
        return self.obj.get_absolute_url()

    def save(self, data):
        return services.update_inspection(
            inspection=self.obj,
            expected_version=data.get("version"),
            by=self.request.user,
            **pick(data, *INSPECTION_FIELDS),
        )

    def done(self, saved):
        return f"{saved.title} was saved.", saved.get_absolute_url()


class InspectionRecommendationAdd(OfficerFormPage):
    form_class = InspectionRecommendationForm
    model = Inspection

    def title(self):
        return f"Add a recommendation to {self.obj.title}"

    def back(self):
        return self.obj.get_absolute_url()

    def save(self, data):
        return services.add_inspection_recommendation(
            inspection=self.obj, by=self.request.user, **pick(data, "number", "text")
        )

    def done(self, saved):
        return (
            f"Recommendation {saved.code} was added.",
            self.obj.get_absolute_url() + f"#rec-{saved.number}",
        )


class InspectionRecommendationEdit(OfficerFormPage):
    form_class = InspectionRecommendationForm
    model = InspectionRecommendation
    select_related = ("inspection",)
    edits = True

    def title(self):
        return f"Edit recommendation {self.obj.code}"

    def back(self):
        return self.obj.inspection.get_absolute_url() + f"#rec-{self.obj.number}"

    def save(self, data):
        return services.update_inspection_recommendation(
            recommendation=self.obj,
            expected_version=data.get("version"),
            by=self.request.user,
            **pick(data, "number", "text"),
        )

    def done(self, saved):
        return (
            f"Recommendation {saved.code} was saved.",
            self.obj.inspection.get_absolute_url() + f"#rec-{saved.number}",
        )


# --- Improvement plans ---------------------------------------------------------------------------

PLAN_FIELDS = (
    "title",
    "period_start",
    "period_end",
    "committee",
    "inspection",
    "body",
)


class PlanAdd(OfficerFormPage):
    form_class = ImprovementPlanForm

    def title(self):
        return "Add an improvement plan"

    def back(self):
        return reverse("officer-workprogramme")

    def save(self, data):
        return services.create_plan(
            by=self.request.user, slug=data["slug"], **pick(data, *PLAN_FIELDS)
        )

    def done(self, saved):
        return f"{saved.title} was added; add its priorities.", saved.get_absolute_url()


class PlanEdit(OfficerFormPage):
    form_class = ImprovementPlanForm
    model = ImprovementPlan
    edits = True

    def title(self):
        return f"Edit {self.obj.title}"

    def back(self):
        return self.obj.get_absolute_url()

    def save(self, data):
        return services.update_plan(
            plan=self.obj,
            expected_version=data.get("version"),
            by=self.request.user,
            **pick(data, *PLAN_FIELDS),
        )

    def done(self, saved):
        return f"{saved.title} was saved.", saved.get_absolute_url()


class PriorityAdd(OfficerFormPage):
    form_class = PlanPriorityForm
    model = ImprovementPlan

    def title(self):
        return f"Add a priority to {self.obj.title}"

    def back(self):
        return self.obj.get_absolute_url() + "#priorities"

    def save(self, data):
        return services.add_priority(
            plan=self.obj,
            by=self.request.user,
            **pick(data, "number", "title", "rationale", "aims"),
        )

    def done(self, saved):
        return f"Priority {saved.number} was added.", plan_anchor(saved)


class PriorityEdit(OfficerFormPage):
    form_class = PlanPriorityForm
    model = PlanPriority
    select_related = ("plan",)
    edits = True

    def title(self):
        return f"Edit priority {self.obj.number}: {self.obj.title}"

    def back(self):
        return plan_anchor(self.obj)

    def crumbs(self):
        return [(self.obj.plan.title, self.obj.plan.get_absolute_url())]

    def save(self, data):
        return services.update_priority(
            priority=self.obj,
            expected_version=data.get("version"),
            by=self.request.user,
            **pick(data, "number", "title", "rationale", "aims"),
        )

    def done(self, saved):
        return f"Priority {saved.number} was saved.", plan_anchor(saved)


class _UnderPriority(OfficerFormPage):
    model = PlanPriority
    select_related = ("plan",)

    def back(self):
        return plan_anchor(self.obj)

    def crumbs(self):
        return [(self.obj.plan.title, self.obj.plan.get_absolute_url())]

    def get_intro(self):
        return f"Priority {self.obj.number}: {self.obj.title}"


class ActionAdd(_UnderPriority):
    form_class = ImprovementActionAddForm

    def title(self):
        return f"Add an action to priority {self.obj.number}"

    def save(self, data):
        return services.add_action(
            priority=self.obj,
            by=self.request.user,
            **pick(data, "number", "text", "owner", "owner_text", "due_date"),
        )

    def done(self, saved):
        return f"Action {saved.reference} was added.", saved.get_absolute_url()


DELIVERABLE_FIELDS = ("number", "text", "due_date", "due_text", "done_date")


class DeliverableAdd(_UnderPriority):
    form_class = DeliverableForm

    def title(self):
        return f"Add a deliverable to priority {self.obj.number}"

    def save(self, data):
        return services.add_deliverable(
            priority=self.obj, by=self.request.user, **pick(data, *DELIVERABLE_FIELDS)
        )

    def done(self, saved):
        return "The deliverable was added.", plan_anchor(self.obj)


class DeliverableEdit(OfficerFormPage):
    form_class = DeliverableForm
    model = Deliverable
    select_related = ("priority__plan",)
    edits = True

    def title(self):
        return f"Edit deliverable {self.obj.number} of priority {self.obj.priority.number}"

    def back(self):
        return plan_anchor(self.obj.priority)

    def crumbs(self):
        return [(self.obj.priority.plan.title, self.obj.priority.plan.get_absolute_url())]

    def save(self, data):
        return services.update_deliverable(
            deliverable=self.obj,
            expected_version=data.get("version"),
            by=self.request.user,
            **pick(data, *DELIVERABLE_FIELDS),
        )

    def done(self, saved):
        return "The deliverable was saved.", plan_anchor(self.obj.priority)


MEASURE_FIELDS = ("number", "text", "kpi", "kpi_reference")


class MeasureAdd(_UnderPriority):
    form_class = SuccessMeasureForm

    def title(self):
        return f"Add a success measure to priority {self.obj.number}"

    def save(self, data):
        return services.add_success_measure(
            priority=self.obj, by=self.request.user, **pick(data, *MEASURE_FIELDS)
        )

    def done(self, saved):
        return "The success measure was added; add its dated targets.", plan_anchor(self.obj)


class MeasureEdit(OfficerFormPage):
    form_class = SuccessMeasureForm
    model = SuccessMeasure
    select_related = ("priority__plan",)
    edits = True

    def title(self):
        return f"Edit success measure {self.obj.number} of priority {self.obj.priority.number}"

    def back(self):
        return plan_anchor(self.obj.priority)

    def crumbs(self):
        return [(self.obj.priority.plan.title, self.obj.priority.plan.get_absolute_url())]

    def save(self, data):
        return services.update_success_measure(
            measure=self.obj,
            expected_version=data.get("version"),
            by=self.request.user,
            **pick(data, *MEASURE_FIELDS),
        )

    def done(self, saved):
        return "The success measure was saved.", plan_anchor(self.obj.priority)


class TargetAdd(OfficerFormPage):
    form_class = MeasureTargetForm
    model = SuccessMeasure
    select_related = ("priority__plan",)

    def title(self):
        return f"Add a target to success measure {self.obj.number}"

    def get_intro(self):
        plan = self.obj.priority.plan
        return (
            f"{self.obj.text} — the target date must fall within the plan's period, "
            f"{plan.period_start:%-d %B %Y} to {plan.period_end:%-d %B %Y}."
        )

    def back(self):
        return plan_anchor(self.obj.priority)

    def crumbs(self):
        return [(self.obj.priority.plan.title, self.obj.priority.plan.get_absolute_url())]

    def save(self, data):
        return services.add_measure_target(
            measure=self.obj, by=self.request.user, **pick(data, "target", "target_date")
        )

    def done(self, saved):
        return f"The target {saved} was added.", plan_anchor(self.obj.priority)


class TargetEdit(OfficerFormPage):
    form_class = MeasureTargetForm
    model = MeasureTarget
    select_related = ("measure__priority__plan",)
    edits = True

    def title(self):
        return f"Edit the target {self.obj}"

    def get_intro(self):
        return self.obj.measure.text

    def back(self):
        return plan_anchor(self.obj.measure.priority)

    def crumbs(self):
        plan = self.obj.measure.priority.plan
        return [(plan.title, plan.get_absolute_url())]

    def save(self, data):
        return services.update_measure_target(
            measure_target=self.obj,
            expected_version=data.get("version"),
            by=self.request.user,
            **pick(data, "target", "target_date"),
        )

    def done(self, saved):
        return f"The target {saved} was saved.", plan_anchor(self.obj.measure.priority)


class TargetRemove(OfficerRemovePage):
    model = MeasureTarget
    select_related = ("measure__priority__plan",)

    def title(self):
        return f"Remove the target {self.obj}?"

    def describe(self):
        return f"Success measure: {self.obj.measure.text}"

    def describe_short(self):
        return f"The target {self.obj}"

    def back(self):
        return plan_anchor(self.obj.measure.priority)

    def remove(self):
        services.remove_measure_target(measure_target=self.obj, by=self.request.user)


# --- Scrutiny reviews ----------------------------------------------------------------------------

REVIEW_FIELDS = (
    "title",
    "panel",
    "start_date",
    "end_date",
    "report_date",
    "terms_of_reference",
    "summary",
    "report_url",
)
REVIEW_REC_FIELDS = ("number", "text", "theme", "body_reference")


class ReviewAdd(OfficerFormPage):
    form_class = ScrutinyReviewForm

    def title(self):
        return "Add a scrutiny review"

    def back(self):
        return reverse("officer-workprogramme")

    def save(self, data):
        return services.create_review(
            by=self.request.user, slug=data["slug"], **pick(data, *REVIEW_FIELDS)
        )

    def done(self, saved):
        return f"{saved.title} was added; add its recommendations.", saved.get_absolute_url()


class ReviewEdit(OfficerFormPage):
    form_class = ScrutinyReviewForm
    model = ScrutinyReview
    select_related = ("panel",)
    edits = True

    def title(self):
        return f"Edit {self.obj.title}"

    def back(self):
        return self.obj.get_absolute_url()

    def save(self, data):
        return services.update_review(
            review=self.obj,
            expected_version=data.get("version"),
            by=self.request.user,
            **pick(data, *REVIEW_FIELDS),
        )

    def done(self, saved):
        return f"{saved.title} was saved.", saved.get_absolute_url()


class ReviewRecommendationAdd(OfficerFormPage):
    form_class = ReviewRecommendationForm
    model = ScrutinyReview

    def title(self):
        return f"Add a recommendation to {self.obj.title}"

    def back(self):
        return self.obj.get_absolute_url() + "#recommendations"

    def save(self, data):
        return services.add_review_recommendation(
            review=self.obj, by=self.request.user, **pick(data, *REVIEW_REC_FIELDS)
        )

    def done(self, saved):
        return (
            f"Recommendation {saved.number} was added; record the executive response when it "
            "comes.",
            saved.get_absolute_url(),
        )


class ReviewRecommendationEdit(OfficerFormPage):
    form_class = ReviewRecommendationForm
    model = ReviewRecommendation
    select_related = ("review",)
    edits = True

    def title(self):
        return f"Edit recommendation {self.obj.number}"

    def back(self):
        return self.obj.get_absolute_url()

    def crumbs(self):
        return [(self.obj.review.title, self.obj.review.get_absolute_url())]

    def save(self, data):
        return services.update_review_recommendation(
            recommendation=self.obj,
            expected_version=data.get("version"),
            by=self.request.user,
            **pick(data, *REVIEW_REC_FIELDS),
        )

    def done(self, saved):
        return f"Recommendation {saved.number} was saved.", saved.get_absolute_url()


class PlanItemEdit(OfficerFormPage):
    form_class = PlanItemEditForm
    model = ActionPlanItem
    select_related = ("recommendation__review",)
    edits = True

    def title(self):
        return f"Edit an action for recommendation {self.obj.recommendation.number}"

    def get_intro(self):
        return self.obj.recommendation.text

    def back(self):
        return self.obj.recommendation.get_absolute_url()

    def save(self, data):
        return services.update_plan_item(
            plan_item=self.obj,
            expected_version=data.get("version"),
            by=self.request.user,
            **pick(data, "text", "owner", "due_date", "done_date"),
        )

    def done(self, saved):
        return "The action was saved.", self.obj.recommendation.get_absolute_url()


class PlanItemRemove(OfficerRemovePage):
    model = ActionPlanItem
    select_related = ("recommendation__review",)

    def title(self):
        return f"Remove this action from recommendation {self.obj.recommendation.number}?"

    def describe(self):
        return self.obj.text

    def describe_short(self):
        return "The action"

    def back(self):
        return self.obj.recommendation.get_absolute_url()

    def remove(self):
        services.remove_plan_item(plan_item=self.obj, by=self.request.user)


# --- Lead member report highlights ---------------------------------------------------------------


class HighlightEdit(OfficerFormPage):
    form_class = HighlightEditForm
    model = Highlight
    select_related = ("report__committee",)
    edits = True

    def title(self):
        return f"Edit a highlight of the {self.obj.report}"

    def back(self):
        return self.obj.report.get_absolute_url()

    def save(self, data):
        return services.update_highlight(
            highlight=self.obj,
            expected_version=data.get("version"),
            by=self.request.user,
            **pick(data, "kind", "title", "body", "date"),
        )

    def done(self, saved):
        return "The highlight was saved.", self.obj.report.get_absolute_url()


class HighlightRemove(OfficerRemovePage):
    model = Highlight
    select_related = ("report__committee",)

    def title(self):
        return "Remove this highlight?"

    def describe(self):
        return self.obj.title or self.obj.body[:200]

    def describe_short(self):
        return "The highlight"

    def back(self):
        return self.obj.report.get_absolute_url()

    def remove(self):
        services.remove_highlight(highlight=self.obj, by=self.request.user)


class LeadMemberReportEdit(OfficerFormPage):
    form_class = LeadMemberReportEditForm
    model = LeadMemberReport
    select_related = ("committee", "lead_member")
    edits = True

    def title(self):
        return f"Edit the {self.obj}"

    def back(self):
        return self.obj.get_absolute_url()

    def save(self, data):
        return services.update_lead_member_report(
            report=self.obj,
            expected_version=data.get("version"),
            by=self.request.user,
            **pick(
                data,
                "committee",
                "period_start",
                "period_end",
                "lead_member",
                "lead_member_name",
                "general_comments",
            ),
        )

    def done(self, saved):
        return "The lead member report was saved.", saved.get_absolute_url()


# --- Removals of plan pieces and inspection recommendations entered by mistake -------------------


class DeliverableRemove(OfficerRemovePage):
    model = Deliverable
    select_related = ("priority__plan",)

    def title(self):
        return f"Remove deliverable {self.obj.number} of priority {self.obj.priority.number}?"

    def describe(self):
        return self.obj.text

    def describe_short(self):
        return "The deliverable"

    def back(self):
        return plan_anchor(self.obj.priority)

    def remove(self):
        services.remove_deliverable(deliverable=self.obj, by=self.request.user)


class MeasureRemove(OfficerRemovePage):
    model = SuccessMeasure
    select_related = ("priority__plan",)

    def title(self):
        return (
            f"Remove success measure {self.obj.number} of priority {self.obj.priority.number} "
            "and its targets?"
        )

    def describe(self):
        return self.obj.text

    def describe_short(self):
        return "The success measure"

    def back(self):
        return plan_anchor(self.obj.priority)

    def remove(self):
        services.remove_success_measure(measure=self.obj, by=self.request.user)


class InspectionRecommendationRemove(OfficerRemovePage):
    model = InspectionRecommendation
    select_related = ("inspection",)

    def title(self):
        return f"Remove recommendation {self.obj.code}?"

    def describe(self):
        return self.obj.text

    def describe_short(self):
        return f"Recommendation {self.obj.code}"

    def back(self):
        return self.obj.inspection.get_absolute_url()

    def remove(self):
        services.remove_inspection_recommendation(recommendation=self.obj, by=self.request.user)
