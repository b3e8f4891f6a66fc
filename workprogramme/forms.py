"""Officer forms. They only collect and clean input; ``workprogramme.services`` writes."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from meetings.models import Meeting, MeetingStatus
from scrutiny.forms import BaseForm, BaseModelForm, DateInput
from scrutiny.models import Committee, Person
from workprogramme.models import (
    PRIORITY_CRITERIA,
    ActionStatus,
    HighlightKind,
    ImplementationStatus,
    Rag,
    ResponseDecision,
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
        widget=DateInput(),
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
    date = forms.DateField(widget=DateInput(), initial=timezone.localdate)
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
    due_date = forms.DateField(required=False, widget=DateInput())


class ResponseForm(BaseForm):
    decision = forms.ChoiceField(choices=ResponseDecision.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    response_date = forms.DateField(widget=DateInput())
    responder = forms.CharField(required=False, max_length=200, help_text="For example Cabinet")


class FollowUpForm(BaseForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    date = forms.DateField(widget=DateInput())
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
    due_date = forms.DateField(required=False, widget=DateInput())
    done_date = forms.DateField(required=False, widget=DateInput())


class LeadMemberReportForm(BaseForm):
    committee = forms.ModelChoiceField(queryset=Committee.objects.all())
    lead_member = forms.ModelChoiceField(queryset=Person.objects.councillors(), required=False)
    lead_member_name = forms.CharField(
        required=False, max_length=200, label="Lead member (if not in the directory)"
    )
    period_start = forms.DateField(widget=DateInput())
    period_end = forms.DateField(widget=DateInput())
    general_comments = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))


class HighlightForm(BaseForm):
    kind = forms.ChoiceField(choices=HighlightKind.choices)
    title = forms.CharField(required=False, max_length=300)
    date = forms.DateField(required=False, widget=DateInput())
    body = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Start a line with '- ' for a bulleted list.",
    )
