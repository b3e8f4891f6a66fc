from __future__ import annotations

from django import forms

from scrutiny.forms import BaseForm
from scrutiny.models import Committee

from .models import Subscriber, Topic


class AlertsForm(BaseForm):
    committees = forms.ModelMultipleChoiceField(
        queryset=Committee.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Committees",
        help_text="Leave them all unticked to hear about every committee.",
    )
    topics = forms.MultipleChoiceField(
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Tell me about",
        help_text=(
            "Agendas and minutes are sent today. Decisions, forward plan entries and call-ins "
            "will be sent once the portal publishes them."
        ),
        error_messages={"required": "Choose at least one thing to hear about."},
    )
    frequency = forms.ChoiceField(
        choices=Subscriber.Frequency.choices,
        widget=forms.RadioSelect,
        initial=Subscriber.Frequency.IMMEDIATE,
        label="How often",
        error_messages={"required": "Choose how often to hear from us."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committees"].queryset = Committee.objects.filter(is_active=True).order_by(
            "name"
        )

    def choices(self) -> dict:
        data = self.cleaned_data
        committees = list(data["committees"])
        return {
            "committees": committees,
            "all_committees": not committees,
            "topics": data["topics"],
            "frequency": data["frequency"],
        }


class SubscribeForm(AlertsForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address in the correct format, like name@example.com.",
        },
    )
    field_order = ["email", "committees", "topics", "frequency"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
