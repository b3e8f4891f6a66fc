"""Forms of the call-in workflow (``decisions.callin_views``)."""

from __future__ import annotations

from django import forms

from decisions.models import CallInResult, Decision
from scrutiny.forms import BaseForm


class StartForm(BaseForm):
    reasons = forms.CharField(
        label="Your reasons for calling in the decision",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Say why the decision should be reconsidered: for example the consultation, "
        "the evidence, the options considered or the decision's fit with the council's policy.",
        max_length=10000,
    )


class RejectForm(BaseForm):
    reason = forms.CharField(
        label="Why the request is not valid",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Told to the councillors who signed. Not published.",
    )


class HearingForm(BaseForm):
    meeting = forms.ModelChoiceField(
        label="Meeting of the scrutiny committee",
        queryset=None,
        help_text="The call-in is added as an agenda item, with the request as its report.",
    )
    urgency_reasons = forms.CharField(
        label="Chair's reasons for urgency",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed if the meeting's agenda is already published.",
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


class OutcomeForm(BaseForm):
    result = forms.ChoiceField(
        label="The committee's decision", choices=CallInResult.choices, widget=forms.RadioSelect
    )
    decided_on = forms.DateField(label="Date of the call-in meeting")
    concerns = forms.CharField(
        label="The committee's concerns",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Needed when the decision is referred back or to full council.",
    )


class ResponseForm(BaseForm):
    response = forms.CharField(
        label="The decision maker's response",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    response_on = forms.DateField(label="Date of the response")
    final_decision = forms.ModelChoiceField(
        label="The decision as taken again (if recorded as a new decision)",
        required=False,
        queryset=Decision.all_objects.none(),
    )

    def __init__(self, *args, decision: Decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["final_decision"].queryset = Decision.all_objects.exclude(
            pk=decision.pk
        ).filter(decision_date__gte=decision.decision_date)
