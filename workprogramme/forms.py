"""Officer forms. They only collect and clean input; ``workprogramme.services`` writes."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from meetings.models import Meeting, MeetingStatus
from scrutiny.forms import BaseForm, BaseModelForm
from scrutiny.models import Committee, Person
from workprogramme.models import (
    PRIORITY_CRITERIA,
    ActionPlanItem,
    ActionStatus,
    Deliverable,
    Highlight,
    HighlightKind,
    ImplementationStatus,
    ImprovementPlan,
    Inspection,
    InspectionRecommendation,
    LeadMemberReport,
    MeasureTarget,
    PlanPriority,
    Rag,
    ResponseDecision,
    ReviewRecommendation,
    ScrutinyReview,
    SuccessMeasure,
    WorkProgramme,
    WorkProgrammeItem,
)


def _officers():
    return Person.objects.filter(kind=Person.Kind.OFFICER)


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Meeting) -> str:
        label = f"{obj.committee.name} – {timezone.localtime(obj.start):%-d %B %Y %H:%M}"
        if obj.status != MeetingStatus.SCHEDULED:
            label += f" ({obj.get_status_display().lower()})"
        return label


class WorkProgrammeForm(BaseModelForm):
    class Meta:
        model = WorkProgramme
        fields = ["committee", "year", "introduction", "notes"]


class WorkProgrammeItemForm(BaseModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = WorkProgrammeItem
        fields = [
            "issue",
            "put_forward_by",
            "approach",
            "outcomes",
            "lead_officers",
            "lead_officers_text",
            "comments",
            "method",
            "status",
            "priority",
            *(f for f, _, _ in PRIORITY_CRITERIA),
            "target_text",
        ]
        widgets = {"lead_officers": forms.CheckboxSelectMultiple}
        help_texts = {
            "priority": "Leave as not set to use the score below (11+ high, 6–10 medium).",
            **{
                f: f"{label}: {question} 0 = no, 3 = strongly."
                for f, label, question in PRIORITY_CRITERIA
            },
        }
        labels = {f: f"Score – {label}" for f, label, _ in PRIORITY_CRITERIA}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_officers"].queryset = _officers()
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class ScheduleForm(BaseForm):
    # Querysets are set on the class, not in __init__: the shared GOV.UK mixin validates a
    # bound form while it is being built, before a subclass __init__ could change them.
    meeting = MeetingChoiceField(
        queryset=Meeting.all_objects.exclude(status=MeetingStatus.CANCELLED)
        .select_related("committee")
        .order_by("start"),
        empty_label="Choose a meeting",
    )
    presenter = forms.CharField(
        required=False, max_length=300, help_text="Who presents, as it should be printed."
    )
    presenter_person = forms.ModelChoiceField(
        queryset=Person.objects.exclude(kind=Person.Kind.COUNCILLOR),
        required=False,
        label="Presenter (from the directory)",
    )
    report_deadline = forms.DateField(
        required=False,
        help_text="Leave empty to use the meeting's report deadline.",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    place_on_agenda = forms.BooleanField(
        required=False,
        label="Put it on the meeting's agenda now",
        help_text="Adds a business item to the agenda, linked to this work-programme item.",
    )
    agenda_title = forms.CharField(
        required=False, max_length=300, help_text="Leave empty to use the issue."
    )
    urgency_reasons = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Chair's reasons for urgency",
        help_text="Only needed if the agenda is already published.",
    )

    def __init__(self, *args, item: WorkProgrammeItem, **kwargs):
        self.item = item
        super().__init__(*args, **kwargs)


class ProgressUpdateForm(BaseForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    date = forms.DateField(initial=timezone.localdate)
    rag = forms.ChoiceField(label="RAG", choices=Rag.choices, widget=forms.RadioSelect)
    status = forms.ChoiceField(choices=ActionStatus.choices)
    narrative = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))


class ActionForm(BaseForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text='Cite inspection recommendations as "(O12)"; they are linked when you save.',
    )
    owner = forms.ModelChoiceField(
        queryset=Person.objects.exclude(kind=Person.Kind.COUNCILLOR), required=False
    )
    owner_text = forms.CharField(
        required=False, max_length=200, label="Owner (if not in the directory)"
    )
    due_date = forms.DateField(required=False)


class ResponseForm(BaseForm):
    decision = forms.ChoiceField(choices=ResponseDecision.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    response_date = forms.DateField()
    responder = forms.CharField(required=False, max_length=200, help_text="For example Cabinet")


class FollowUpForm(BaseForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    date = forms.DateField()
    meeting = MeetingChoiceField(
        queryset=Meeting.all_objects.select_related("committee").order_by("-start"),
        required=False,
        empty_label="Not at a meeting",
    )
    status = forms.ChoiceField(
        label="Implementation status",
        choices=[
            c
            for c in ImplementationStatus.choices
            if c[0] not in ("not_assessed", "not_applicable")
        ],
        widget=forms.RadioSelect,
    )
    narrative = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))


class PlanItemForm(BaseForm):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Action")
    owner = forms.CharField(required=False, max_length=200)
    due_date = forms.DateField(required=False)
    done_date = forms.DateField(required=False)


class LeadMemberReportForm(BaseForm):
    committee = forms.ModelChoiceField(queryset=Committee.objects.all())
    lead_member = forms.ModelChoiceField(queryset=Person.objects.councillors(), required=False)
    lead_member_name = forms.CharField(
        required=False, max_length=200, label="Lead member (if not in the directory)"
    )
    period_start = forms.DateField()
    period_end = forms.DateField()
    general_comments = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))


class HighlightForm(BaseForm):
    kind = forms.ChoiceField(choices=HighlightKind.choices)
    title = forms.CharField(required=False, max_length=300)
    date = forms.DateField(required=False)
    body = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Start a line with '- ' for a bulleted list.",
    )


# --- Officer editing of inspections, plans, reviews and highlights -----------------------------


class ServiceModelForm(BaseModelForm):
    """A model form that only collects and cleans input: the service in
    ``workprogramme.services`` checks numbers, dates and the version, and writes. Uniqueness is
    therefore left to the service, which says which number is taken."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    optional = ("number", "slug")
    required_messages = {
        "title": "Enter the title.",
        "text": "Enter the text.",
        "number": "Enter the number.",
        "target": "Enter the target, for example 70%.",
        "target_date": "Enter the target date.",
        "period_start": "Enter the date the plan starts.",
        "period_end": "Enter the date the plan ends.",
        "report_date": "Enter the date of the report to the executive.",
        "panel": "Choose the panel that held the review.",
        "inspectorate": "Enter the inspectorate, for example Ofsted.",
        "code_prefix": 'Enter the prefix used in plans, for example "O".',
        "kind": "Choose what kind of highlight this is.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        for name in self.optional:
            if name in self.fields and not self.instance.pk:
                self.fields[name].required = False
        if self.instance.pk:
            # A web address is fixed once made: links and agenda reports cite it.
            self.fields.pop("slug", None)
        for name, message in self.required_messages.items():
            if name in self.fields:
                self.fields[name].error_messages["required"] = message

    def validate_unique(self):
        """The service checks duplicates with a message where the user is."""


NUMBER_HELP = "Leave empty to number it after the last one."
SLUG_HELP = "The last part of the page's web address. Leave empty to make it from the title."


class HttpsURLField(forms.URLField):
    """A link field that assumes https:// when the scheme is left out."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class InspectionForm(ServiceModelForm):
    class Meta:
        model = Inspection
        fields = [
            "title",
            "slug",
            "inspectorate",
            "published_on",
            "code_prefix",
            "summary",
            "report_url",
        ]
        field_classes = {"report_url": HttpsURLField}
        labels = {"slug": "Web address name", "report_url": "Link to the report"}
        help_texts = {"slug": SLUG_HELP}


class InspectionRecommendationForm(ServiceModelForm):
    class Meta:
        model = InspectionRecommendation
        fields = ["number", "text"]
        labels = {"text": "Recommendation"}
        help_texts = {"number": NUMBER_HELP}


class ImprovementPlanForm(ServiceModelForm):
    class Meta:
        model = ImprovementPlan
        fields = [
            "title",
            "slug",
            "period_start",
            "period_end",
            "committee",
            "inspection",
            "body",
        ]
        labels = {
            "slug": "Web address name",
            "period_start": "Plan starts",
            "period_end": "Plan ends",
            "body": "About this plan",
        }
        help_texts = {"slug": SLUG_HELP}

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The plan must end on or after it starts.")
        return data


class PlanPriorityForm(ServiceModelForm):
    class Meta:
        model = PlanPriority
        fields = ["number", "title", "rationale", "aims"]
        help_texts = {"number": NUMBER_HELP}


class ImprovementActionAddForm(BaseForm):
    number = forms.IntegerField(required=False, min_value=1, help_text=NUMBER_HELP)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text='Cite inspection recommendations as "(O12)"; they are linked when you save.',
    )
    owner = forms.ModelChoiceField(
        queryset=Person.objects.exclude(kind=Person.Kind.COUNCILLOR), required=False
    )
    owner_text = forms.CharField(
        required=False, max_length=200, label="Owner (if not in the directory)"
    )
    due_date = forms.DateField(required=False)


class DeliverableForm(ServiceModelForm):
    class Meta:
        model = Deliverable
        fields = ["number", "text", "due_date", "due_text", "done_date"]
        labels = {"text": "Deliverable", "done_date": "Done on"}
        help_texts = {
            "number": NUMBER_HELP,
            "due_text": 'When no exact date is known, e.g. "Spring 2018".',
            "done_date": "Leave empty until it is done.",
        }


class SuccessMeasureForm(ServiceModelForm):
    class Meta:
        model = SuccessMeasure
        fields = ["number", "text", "kpi", "kpi_reference"]
        labels = {"text": "Success measure"}
        help_texts = {"number": NUMBER_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kpi"].empty_label = "No KPI in the portal measures this"


class MeasureTargetForm(ServiceModelForm):
    class Meta:
        model = MeasureTarget
        fields = ["target", "target_date"]
        labels = {"target_date": "Target date"}
        help_texts = {
            "target": 'For example "70%" or "fewer than 30".',
            "target_date": "Within the plan's period.",
        }


class ScrutinyReviewForm(ServiceModelForm):
    class Meta:
        model = ScrutinyReview
        fields = [
            "title",
            "slug",
            "panel",
            "start_date",
            "end_date",
            "report_date",
            "terms_of_reference",
            "summary",
            "report_url",
        ]
        field_classes = {"report_url": HttpsURLField}
        labels = {
            "slug": "Web address name",
            "start_date": "Review started",
            "end_date": "Review ended",
            "report_date": "Report to the executive",
            "report_url": "Link to the report",
        }
        help_texts = {"slug": SLUG_HELP}


class ReviewRecommendationForm(ServiceModelForm):
    class Meta:
        model = ReviewRecommendation
        fields = ["number", "text", "theme", "body_reference"]
        labels = {"text": "Recommendation"}
        help_texts = {"number": "Its number in the report's final list. " + NUMBER_HELP}


class PlanItemEditForm(ServiceModelForm):
    class Meta:
        model = ActionPlanItem
        fields = ["text", "owner", "due_date", "done_date"]
        labels = {"text": "Action", "done_date": "Done on"}


class HighlightEditForm(ServiceModelForm):
    class Meta:
        model = Highlight
        fields = ["kind", "title", "date", "body"]
        help_texts = {"body": "Start a line with '- ' for a bulleted list."}


class LeadMemberReportEditForm(ServiceModelForm):
    class Meta:
        model = LeadMemberReport
        fields = [
            "committee",
            "lead_member",
            "lead_member_name",
            "period_start",
            "period_end",
            "general_comments",
        ]
        labels = {"lead_member_name": "Lead member (if not in the directory)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_member"].queryset = Person.objects.councillors()

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The period must end on or after it starts.")
        return data
