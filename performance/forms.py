"""Officer forms. They check what a form can check; the services check the rest and their
errors are put back on the form (nothing typed is lost)."""

from __future__ import annotations

from django import forms

from meetings.models import AgendaItem
from performance import rag
from performance.models import KPI, CommentaryKind, Figure, Period, ServiceArea
from scrutiny.forms import BaseForm, BaseModelForm


class ServiceAreaForm(BaseModelForm):
    class Meta:
        model = ServiceArea
        fields = ["name", "description", "order"]


class KPIForm(BaseModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = KPI
        fields = [
            "reference",
            "title",
            "service_area",
            "unit",
            "polarity",
            "is_cumulative",
            "frequency",
            "tolerance",
            "tolerance_kind",
            "first_year",
            "last_year",
            "definition",
            "data_source",
            "notes",
        ]
        widgets = {"polarity": forms.RadioSelect, "tolerance_kind": forms.RadioSelect}
        error_messages = {
            "reference": {"required": "Enter the PI reference, for example KI 397."},
            "title": {"required": "Enter the KPI's title."},
            "service_area": {"required": "Choose the service area."},
            "first_year": {"required": "Enter the first financial year, for example 2016."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["reference"].disabled = True
            self.fields["reference"].help_text = "The reference cannot change."
            self.initial.setdefault("version", self.instance.version)


class FinancialYearForm(BaseForm):
    start_year = forms.IntegerField(
        label="Financial year starting in",
        min_value=2000,
        max_value=2100,
        help_text="For example 2017 for April 2017 to March 2018. Adds the year, its four "
        "quarters and twelve months.",
        error_messages={"required": "Enter the year the financial year starts in."},
    )
    due_after_days = forms.IntegerField(
        label="Figures due this many days after each period ends",
        min_value=0,
        max_value=365,
        initial=42,
    )


class FigureForm(BaseModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label="Reason for the change (kept in the history)", required=False, max_length=300
    )

    class Meta:
        model = Figure
        fields = [
            "target",
            "target_to_agree",
            "actual",
            "statistical_neighbour",
            "england",
            "region",
            "commentary_kind",
            "commentary",
        ]
        widgets = {"commentary_kind": forms.RadioSelect}

    def __init__(self, *args, kpi: KPI, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        unit = kpi.get_unit_display()
        for name in ("target", "actual", "statistical_neighbour", "england", "region"):
            self.fields[name].help_text = f"Unit: {unit}. Leave empty if there is none."
        self.fields["commentary_kind"].choices = CommentaryKind.choices
        self.fields["commentary_kind"].required = False
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def clean(self):
        data = super().clean()
        if data.get("target_to_agree") and data.get("target") is not None:
            self.add_error("target", 'Leave the target empty when it is "to agree".')
        return data


class OverrideForm(BaseForm):
    status = forms.ChoiceField(
        label="RAG status to show",
        choices=[("", "Remove the override: show the computed status"), *rag.OVERRIDE_CHOICES],
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown with the status and kept in the figure's history.",
        error_messages={"required": "Give the reason for the override."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ImportForm(BaseForm):
    period = forms.ModelChoiceField(
        queryset=Period.objects.order_by("-start_date", "kind"),
        label="Period the figures are for",
        empty_label=None,
    )
    file = forms.FileField(
        label="CSV or Excel file",
        help_text="Use the template: one row per KPI. Every row is checked first; nothing is "
        "saved unless the whole file is correct.",
        error_messages={"required": "Choose the file to import."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx"


class PerformanceReportForm(BaseForm):
    agenda_item = forms.ModelChoiceField(
        queryset=AgendaItem.all_objects.select_related("meeting__committee").order_by(
            "-meeting__start", "order"
        ),
        label="Agenda item",
        help_text="The report is added to this item's papers.",
        error_messages={"required": "Choose the agenda item."},
    )
    period = forms.ModelChoiceField(
        queryset=Period.objects.exclude(kind=Period.Kind.MONTH).order_by("-start_date", "kind"),
        label="Period",
        empty_label=None,
    )
    service_area = forms.ModelChoiceField(
        queryset=ServiceArea.objects.all(),
        required=False,
        label="Service area",
        empty_label="Choose KPIs below instead",
    )
    kpis = forms.ModelMultipleChoiceField(
        queryset=KPI.objects.select_related("service_area"),
        required=False,
        label="Or these KPIs",
        widget=forms.CheckboxSelectMultiple,
    )
    title = forms.CharField(max_length=300, label="Report title")
    charts = forms.BooleanField(
        required=False, initial=True, label="Include a trend chart for each KPI"
    )
    urgency_reasons = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reasons for urgency (only if the agenda is already published)",
    )

    def __init__(self, *args, meeting_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if meeting_id is not None and not self.is_bound:
            field = self.fields["agenda_item"]
            field.queryset = field.queryset.filter(meeting_id=meeting_id)
        self.fields["agenda_item"].label_from_instance = lambda item: f"{item.meeting} – {item}"
        self.fields["kpis"].label_from_instance = lambda kpi: f"{kpi.reference} {kpi.title}"
