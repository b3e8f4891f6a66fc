"""The constitution settings page (issue 21, item 4): administrators only.

One form for the rules this app keeps (``scrutiny.constitution``), then the sections later
apps own (``scrutiny.extensions.constitution_panels``: the standard agenda items from
meetings, the key-decision and call-in rules from decisions), then the latest changes from the
settings' history."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from scrutiny import constitution
from scrutiny.extensions import constitution_panels
from scrutiny.forms import BaseModelForm, add_service_errors
from scrutiny.models import Constitution
from scrutiny.permissions import AdministratorRequiredMixin

TIME_HELP = "24-hour clock, for example 10:00 or 14:30. Leave empty for none."


class ConstitutionForm(BaseModelForm):
    default_start_time = forms.TimeField(
        required=False,
        label="Usual start time of a meeting",
        help_text=TIME_HELP,
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input govuk-input--width-5"}),
        error_messages={"invalid": "Enter a time like 10:00 (24-hour clock)."},
    )
    default_end_time = forms.TimeField(
        required=False,
        label="Usual end time of a meeting",
        help_text=TIME_HELP,
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input govuk-input--width-5"}),
        error_messages={"invalid": "Enter a time like 13:00 (24-hour clock)."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Constitution
        fields = list(constitution.FIELDS)
        labels = {"default_venue": "Usual venue of a meeting"}
        widgets = {"minute_numbering": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.fields["minute_numbering"].label = "Minute numbers"
        self._style_widget(self.fields["minute_numbering"].widget)
        for name in ("report_deadline_working_days", "publication_clear_days"):
            self.fields[name].widget.attrs["class"] = "govuk-input govuk-input--width-3"
        self.fields["officer_session_minutes"].widget.attrs["class"] = (
            "govuk-input govuk-input--width-4"
        )

    def _post_clean(self):
        # The service validates and writes (with the conflict check); the form only types.
        pass


def _crumbs(*extra):
    return [("Officer pages", reverse("officer-home")), *extra]


class ConstitutionPage(AdministratorRequiredMixin, TemplateView):
    template_name = "scrutiny/officer/constitution.html"

    def page(self, form):
        return self.render_to_response(
            self.get_context_data(
                form=form,
                title="Constitution settings",
                panels=constitution_panels.render_list(self.request),
                changes=constitution.changes(),
                breadcrumbs=_crumbs(("Constitution settings", None)),
            )
        )

    def get(self, request, *args, **kwargs):
        return self.page(ConstitutionForm(instance=constitution.current()))

    def post(self, request, *args, **kwargs):
        form = ConstitutionForm(request.POST, instance=constitution.current())
        if form.is_valid():
            data = form.cleaned_data
            try:
                constitution.save_constitution(
                    by=request.user,
                    expected_version=data.get("version"),
                    **{name: data.get(name) for name in constitution.FIELDS},
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    "The constitution settings were saved. They apply from now on: meetings "
                    "already created keep their details.",
                )
                return redirect("officer-constitution")
        return self.page(form)
