"""Officer pages of the work programme app: work programmes and their items (and the meetings
they are planned for), inspections, improvement plans (priorities, actions and their progress,
deliverables, success measures and their dated targets), scrutiny reviews and their
recommendations (responses, follow-ups, action plans) and lead member reports — in the portal
rather than in Django admin.

Every page is a form under ``/officer/work-programme/…``: ``OfficerRequiredMixin`` (anonymous
users sign in, others get 403); the form only cleans input; the write is a keyword-only service
in ``workprogramme.services`` whose ``ValidationError`` goes back onto the form, re-rendered with
everything the officer typed. Records two officers could edit at once carry a hidden
``version``; a stale save shows the conflict message and keeps the typed values.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.generic import TemplateView

from meetings.models import Meeting
from scrutiny import officer_pages
from scrutiny.officer_pages import OfficerButton
from scrutiny.permissions import OfficerRequiredMixin
from workprogramme import selectors, services
from workprogramme.forms import (
    ActionForm,
    DeliverableForm,
    FollowUpForm,
    HighlightEditForm,
    HighlightForm,
    ImprovementActionAddForm,
    ImprovementPlanForm,
    InspectionForm,
    InspectionRecommendationForm,
    LeadMemberReportEditForm,
    LeadMemberReportForm,
    MeasureTargetForm,
    PlanItemEditForm,
    PlanItemForm,
    PlanPriorityForm,
    ProgressUpdateForm,
    ResponseForm,
    ReviewRecommendationForm,
    ScheduleForm,
    ScrutinyReviewForm,
    SuccessMeasureForm,
    WorkProgrammeForm,
    WorkProgrammeItemForm,
)
from workprogramme.models import (
    PRIORITY_CRITERIA,
    ActionPlanItem,
    Consideration,
    Deliverable,
    Highlight,
    ImprovementAction,
    ImprovementPlan,
    Inspection,
    InspectionRecommendation,
    LeadMemberReport,
    MeasureTarget,
    PlanPriority,
    ReviewRecommendation,
    ScrutinyReview,
    SuccessMeasure,
    WorkProgramme,
    WorkProgrammeItem,
    priority_from_score,
    today,
)


def pick(data: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: data[name] for name in names}


SECTION = ("Work programmes", reverse_lazy("officer-workprogramme"))


def officer_crumbs(*extra: tuple[str, str]) -> list[tuple[str, str]]:
    return officer_pages.officer_crumbs(SECTION, *extra)


def plan_anchor(priority: PlanPriority) -> str:
    return priority.plan.get_absolute_url() + f"#priority-{priority.number}"


class OfficerFormPage(officer_pages.OfficerFormPage):
    """An officer form of the work programme (``scrutiny.officer_pages``)."""

    section = SECTION


class OfficerRemovePage(OfficerRequiredMixin, officer_pages.OneRecordMixin, TemplateView):
    """Asks before removing (GET), removes on POST; works without JavaScript."""

    template_name = "workprogramme/officer/confirm_remove.html"

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


# --- The officer home ----------------------------------------------------------------------------


class OfficerHome(OfficerRequiredMixin, TemplateView):
    template_name = "workprogramme/officer/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            programmes=selectors.programmes_index(),
            plans=ImprovementPlan.objects.all(),
            inspections=Inspection.objects.all(),
            reviews=ScrutinyReview.objects.select_related("panel"),
            lead_reports=LeadMemberReport.objects.select_related("committee"),
            overdue_items=WorkProgrammeItem.objects.overdue().count(),
            overdue_actions=ImprovementAction.objects.overdue().count(),
            awaiting_response=ReviewRecommendation.objects.filter(response__isnull=True).count(),
            breadcrumbs=[("Officer pages", reverse("officer-home"))],
        )
        return context


# --- Work programmes and their items ------------------------------------------------------------


class ProgrammeAdd(OfficerFormPage):
    form_class = WorkProgrammeForm

    def title(self):
        return "Start a work programme"

    def back(self):
        return reverse("officer-workprogramme")

    def save(self, data):
        return services.create_programme(**pick(data, "committee", "year", "introduction", "notes"))

    def done(self, saved):
        return f"{saved} was created.", saved.get_absolute_url()


def item_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The item's fields from the form; with no priority chosen, the one its score suggests."""
    fields = {k: v for k, v in data.items() if k in services.ITEM_FIELDS}
    if not fields.get("priority") and any(data.get(f) is not None for f, _, _ in PRIORITY_CRITERIA):
        fields["priority"] = priority_from_score(
            sum(data.get(f) or 0 for f, _, _ in PRIORITY_CRITERIA)
        )
    return fields


class ItemAdd(OfficerFormPage):
    form_class = WorkProgrammeItemForm
    model = WorkProgramme
    select_related = ("committee", "year")
    pk_url_kwarg = "programme_pk"

    def title(self):
        return f"Add an issue to {self.obj}"

    def back(self):
        return self.obj.get_absolute_url()

    def save(self, data):
        return services.create_item(
            programme=self.obj,
            lead_officers=list(data["lead_officers"]),
            by=self.request.user,
            **item_fields(data),
        )

    def done(self, saved):
        return f"Item {saved.number} was added.", saved.get_absolute_url()


class ItemEdit(OfficerFormPage):
    form_class = WorkProgrammeItemForm
    model = WorkProgrammeItem
    select_related = ("programme",)
    edits = True

    def title(self):
        return f"Edit work programme item {self.obj.number}"

    def back(self):
        return self.obj.get_absolute_url()

    def save(self, data):
        return services.update_item(
            item=self.obj,
            expected_version=data.get("version"),
            lead_officers=list(data["lead_officers"]),
            by=self.request.user,
            **item_fields(data),
        )

    def done(self, saved):
        return f"Item {saved.number} was saved.", saved.get_absolute_url()


class ItemSchedule(OfficerFormPage):
    form_class = ScheduleForm
    model = WorkProgrammeItem
    select_related = ("programme__committee",)
    intro = "Choose the meeting; tick the box to put it on that meeting's agenda now."

    def title(self):
        return f"Plan “{self.obj.issue}” for a meeting"

    def back(self):
        return self.obj.get_absolute_url()

    def crumbs(self):
        return [(self.obj.issue, self.obj.get_absolute_url())]

    def get_initial(self):
        initial = super().get_initial()
        if self.request.method == "GET":  # the committee's next meeting
            coming = (
                Meeting.all_objects.filter(
                    committee=self.obj.programme.committee, start__gte=timezone.now()
                )
                .order_by("start")
                .first()
            )
            if coming:
                initial["meeting"] = coming.pk
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "item": self.obj}

    def save(self, data):
        return services.schedule_item(
            item=self.obj,
            by=self.request.user,
            **pick(
                data,
                "meeting",
                "presenter",
                "presenter_person",
                "report_deadline",
                "notes",
                "place_on_agenda",
                "agenda_title",
                "urgency_reasons",
            ),
        )

    def done(self, saved):
        text = f"{self.obj.issue} is planned for {saved.meeting}"
        if saved.agenda_item_id:
            text += f" and is item {saved.agenda_item.number} on its agenda"
        return text + ".", self.obj.get_absolute_url()


class ConsiderationToAgenda(OfficerButton):
    model = Consideration
    select_related = ("item",)

    def back(self):
        return self.obj.item.get_absolute_url()

    def press(self):
        agenda_item = services.place_on_meeting_agenda(
            consideration=self.obj,
            urgency_reasons=self.request.POST.get("urgency_reasons", ""),
            by=self.request.user,
        )
        return f"Added as item {agenda_item.number} on the agenda."


class ConsiderationRemove(OfficerButton):
    model = Consideration
    select_related = ("item",)

    def back(self):
        return self.obj.item.get_absolute_url()

    def press(self):
        services.remove_consideration(consideration=self.obj, by=self.request.user)
        return "The item was taken off that meeting's plan."


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


class ActionEdit(OfficerFormPage):
    form_class = ActionForm
    model = ImprovementAction
    select_related = ("priority__plan",)

    def title(self):
        return f"Edit action {self.obj.reference}"

    def back(self):
        return self.obj.get_absolute_url()

    def get_initial(self):
        action = self.obj
        return {
            "version": action.version,
            "text": action.text,
            "owner": action.owner_id,
            "owner_text": action.owner_text,
            "due_date": action.due_date,
        }

    def save(self, data):
        return services.update_action(
            action=self.obj,
            expected_version=data.get("version"),
            by=self.request.user,
            **pick(data, "text", "owner", "owner_text", "due_date"),
        )

    def done(self, saved):
        return f"Action {saved.reference} was saved.", saved.get_absolute_url()


class ActionProgress(OfficerFormPage):
    form_class = ProgressUpdateForm
    model = ImprovementAction
    select_related = ("priority__plan",)

    def title(self):
        return f"Record progress on action {self.obj.reference}"

    def back(self):
        return self.obj.get_absolute_url()

    def get_intro(self):
        return self.obj.text

    def get_initial(self):
        return {"version": self.obj.version, "status": self.obj.status, "rag": self.obj.rag}

    def save(self, data):
        return services.record_progress(
            action=self.obj,
            expected_version=data.get("version"),
            by=self.request.user,
            **pick(data, "date", "rag", "status", "narrative"),
        )

    def done(self, saved):
        return (
            f"Progress on action {self.obj.reference} was recorded.",
            self.obj.get_absolute_url(),
        )


class DeliverableDone(OfficerButton):
    """Marks a deliverable done today, or (``undo``) not done."""

    model = Deliverable
    select_related = ("priority__plan",)

    def back(self):
        return plan_anchor(self.obj.priority)

    def press(self):
        done_date = None if self.request.POST.get("undo") else today()
        services.mark_deliverable_done(deliverable=self.obj, done_date=done_date)
        return "The deliverable was updated."

    def refused(self, exc):
        return ["; ".join(exc.messages)]


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


class _ForRecommendation(OfficerFormPage):
    model = ReviewRecommendation
    select_related = ("review",)

    def back(self):
        return self.obj.get_absolute_url()

    def get_intro(self):
        return self.obj.text


class RecommendationResponse(_ForRecommendation):
    """The executive's response; a second visit corrects the one recorded."""

    form_class = ResponseForm

    def title(self):
        return f"Executive response to recommendation {self.obj.number}"

    def get_initial(self):
        existing = getattr(self.obj, "response", None)
        if existing is None:
            return {"response_date": today()}
        return {
            "decision": existing.decision,
            "reasons": existing.reasons,
            "response_date": existing.response_date,
            "responder": existing.responder,
        }

    def save(self, data):
        return services.record_response(
            recommendation=self.obj,
            by=self.request.user,
            **pick(data, "decision", "reasons", "response_date", "responder"),
        )

    def done(self, saved):
        return (
            f"The response to recommendation {self.obj.number} was saved.",
            self.obj.get_absolute_url(),
        )

    def warnings(self, saved):
        if not saved.is_late:
            return []
        return [
            f"This response came more than two months after the report "
            f"(due by {self.obj.review.response_due:%-d %B %Y})."
        ]


class RecommendationFollowUp(_ForRecommendation):
    form_class = FollowUpForm

    def title(self):
        return f"Follow up recommendation {self.obj.number}"

    def get_initial(self):
        return {"version": self.obj.version, "date": today()}

    def save(self, data):
        return services.record_follow_up(
            recommendation=self.obj,
            expected_version=data.get("version"),
            by=self.request.user,
            **pick(data, "date", "status", "narrative", "meeting"),
        )

    def done(self, saved):
        return (
            f"The follow-up of recommendation {self.obj.number} was saved.",
            self.obj.get_absolute_url(),
        )


class RecommendationPlanItem(_ForRecommendation):
    form_class = PlanItemForm

    def title(self):
        return f"Add to the action plan for recommendation {self.obj.number}"

    def save(self, data):
        return services.add_plan_item(
            recommendation=self.obj, **pick(data, "text", "owner", "due_date", "done_date")
        )

    def done(self, saved):
        return "The action was added to the action plan.", self.obj.get_absolute_url()


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


LEAD_REPORT_FIELDS = (
    "committee",
    "period_start",
    "period_end",
    "lead_member",
    "lead_member_name",
    "general_comments",
)


class LeadMemberReportAdd(OfficerFormPage):
    form_class = LeadMemberReportForm

    def title(self):
        return "Start a lead member report"

    def back(self):
        return reverse("officer-workprogramme")

    def save(self, data):
        return services.create_lead_member_report(**pick(data, *LEAD_REPORT_FIELDS))

    def done(self, saved):
        return (
            "The lead member report was created; add its highlights.",
            reverse("officer-lead-report-highlight", args=[saved.pk]),
        )


class HighlightAdd(OfficerFormPage):
    """Adds one highlight and comes back for the next."""

    form_class = HighlightForm
    model = LeadMemberReport
    select_related = ("committee",)

    def title(self):
        return f"Add a highlight to the {self.obj}"

    def back(self):
        return self.obj.get_absolute_url()

    def save(self, data):
        return services.add_highlight(
            report=self.obj, **pick(data, "kind", "body", "title", "date")
        )

    def done(self, saved):
        return (
            "The highlight was added.",
            reverse("officer-lead-report-highlight", args=[self.obj.pk]),
        )


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
