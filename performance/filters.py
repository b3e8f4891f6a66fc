"""Dashboard filters (django-filter): service area, period, RAG status, polarity.

The filter set works on KPIs; the chosen period's figure is joined as ``current`` with a
``FilteredRelation`` so the RAG filter runs in SQL."""

from __future__ import annotations

import django_filters
from django.db.models import FilteredRelation, Q
from django.utils import timezone

from performance import rag as rag_rules
from performance.models import KPI, Period, ServiceArea
from performance.selectors import latest_period, rag_filter_q, reporting_periods
from scrutiny.filters import GovukFilterSet


class PeriodChoiceFilter(django_filters.ModelChoiceFilter):
    def filter(self, qs, value):  # the period is applied in KPIFilter.filter_queryset
        return qs


class KPIFilter(GovukFilterSet):
    service_area = django_filters.ModelChoiceFilter(
        queryset=ServiceArea.objects.all(),
        to_field_name="slug",
        empty_label="All service areas",
        label="Service area",
    )
    period = PeriodChoiceFilter(
        queryset=lambda request: reporting_periods(),
        to_field_name="label",
        label="Period",
        empty_label=None,
    )
    rag = django_filters.ChoiceFilter(
        choices=rag_rules.Rag.choices,
        empty_label="Any status",
        label="RAG status",
        method="filter_rag",
    )
    polarity = django_filters.ChoiceFilter(
        choices=rag_rules.Polarity.choices,
        empty_label="Either",
        label="Good performance shown by",
    )

    class Meta:
        model = KPI
        fields = ["service_area", "polarity"]

    def __init__(self, data=None, *args, **kwargs):
        self.today = kwargs.pop("today", None) or timezone.localdate()
        data = data.copy() if data is not None else {}
        self.default_period = None
        if not data.get("period"):
            self.default_period = latest_period()
            if self.default_period is not None:
                data["period"] = self.default_period.label
        super().__init__(data, *args, **kwargs)
        self.form.order_fields(["service_area", "period", "rag", "polarity"])

    @property
    def chosen_period(self) -> Period | None:
        if self.form.is_valid() and self.form.cleaned_data.get("period"):
            return self.form.cleaned_data["period"]
        if self.default_period is None:
            self.default_period = latest_period()
        return self.default_period

    def filter_queryset(self, queryset):
        period = self.chosen_period
        if period is None:
            return queryset.none()
        queryset = queryset.active_in(period.financial_year).annotate(
            current=FilteredRelation("figures", condition=Q(figures__period=period))
        )
        return super().filter_queryset(queryset)

    def filter_rag(self, queryset, name, value):
        period = self.chosen_period
        if not value or period is None:
            return queryset
        return queryset.filter(rag_filter_q(value, period, today=self.today))
