"""Filters of the public forward plan, its editions and the decisions register: decision
maker, portfolio, ward and month (django-filter, styled by ``scrutiny.filters``).

A decision maker is chosen by a key: ``cabinet-<pk>``, ``holder-<pk>`` or ``officer-<pk>``.
The register's free-text search reads a private decision's title only: its text is not
public (``scrutiny.visibility.decision_open``)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q

from decisions.models import (
    DecisionStatus,
    DelegatedOfficer,
    MakerKind,
    PortfolioHolder,
    Ward,
)
from decisions.selectors import matching
from scrutiny.filters import GovukFilterSet
from scrutiny.models import Committee

MAKER_FIELDS = {"cabinet": "cabinet_id", "holder": "portfolio_holder_id", "officer": "officer_id"}


def maker_choices() -> list[tuple[str, str]]:
    choices = [
        (f"cabinet-{c.pk}", c.name) for c in Committee.objects.filter(kind=Committee.Kind.CABINET)
    ]
    choices += [
        (f"holder-{h.pk}", str(h)) for h in PortfolioHolder.objects.select_related("person")
    ]
    choices += [(f"officer-{o.pk}", str(o)) for o in DelegatedOfficer.objects.all()]
    return choices


def maker_q(value: str, prefix: str = "") -> Q:
    kind, _, pk = value.partition("-")
    if kind not in MAKER_FIELDS or not (pk.isascii() and pk.isdigit()):
        return Q(pk__in=[])
    return Q(**{prefix + MAKER_FIELDS[kind]: int(pk)})


def month_choices(dates) -> list[tuple[str, str]]:
    months = sorted({(d.year, d.month) for d in dates if d}, reverse=True)
    return [(f"{y:04d}-{m:02d}", dt.date(y, m, 1).strftime("%B %Y")) for y, m in months]


def month_range(value: str) -> tuple[dt.date, dt.date] | None:
    try:
        start = dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        return None
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start, end


class _MakerPortfolioWardMonth(GovukFilterSet):
    date_field = "planned_decision_date"

    maker = django_filters.ChoiceFilter(
        label="Decision maker", method="filter_maker", empty_label="Any decision maker"
    )
    portfolio = django_filters.ChoiceFilter(label="Portfolio", empty_label="Any portfolio")
    ward = django_filters.ModelChoiceFilter(
        label="Ward",
        queryset=Ward.objects.all(),
        to_field_name="slug",
        method="filter_ward",
        empty_label="Any ward",
    )
    month = django_filters.ChoiceFilter(
        label="Month", method="filter_month", empty_label="Any month"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        base = self.queryset
        makers = maker_choices()
        self.filters["maker"].extra["choices"] = makers
        self.form.fields["maker"].choices = [("", "Any decision maker"), *makers]
        portfolios = sorted(
            p for p in base.order_by().values_list("portfolio", flat=True).distinct() if p
        )
        self.form.fields["portfolio"].choices = [("", "Any portfolio")] + [
            (p, p) for p in portfolios
        ]
        months = month_choices(base.order_by().values_list(self.date_field, flat=True).distinct())
        self.form.fields["month"].choices = [("", "Any month"), *months]

    def filter_maker(self, queryset, name, value):
        return queryset.filter(maker_q(value)) if value else queryset

    def filter_ward(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(wards=value) | Q(all_wards=True)).distinct()

    def filter_month(self, queryset, name, value):
        bounds = month_range(value) if value else None
        if bounds is None:
            return queryset
        return queryset.filter(
            **{f"{self.date_field}__gte": bounds[0], f"{self.date_field}__lt": bounds[1]}
        )


class ForwardPlanFilter(_MakerPortfolioWardMonth):
    date_field = "planned_decision_date"


class EditionFilter(_MakerPortfolioWardMonth):
    """On an edition's snapshot rows: the maker and wards as they were."""

    date_field = "planned_decision_date"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = sorted(set(self.queryset.values_list("decision_maker", flat=True)))
        self.form.fields["maker"].choices = [("", "Any decision maker")] + [(n, n) for n in names]

    def filter_maker(self, queryset, name, value):
        return queryset.filter(decision_maker=value) if value else queryset

    def filter_ward(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Q(ward_slugs__contains=f" {value.slug} ") | Q(data__wards="All wards")
        )


class DecisionFilter(_MakerPortfolioWardMonth):
    date_field = "decision_date"

    q = django_filters.CharFilter(label="Search", method="filter_text")
    kind = django_filters.ChoiceFilter(
        label="Made by", field_name="maker_kind", choices=MakerKind.choices, empty_label="Anyone"
    )
    key = django_filters.BooleanFilter(
        label="Key decisions only",
        field_name="is_key_decision",
        widget=forms.CheckboxInput,
        method="filter_key",
    )
    status = django_filters.ChoiceFilter(
        choices=[c for c in DecisionStatus.choices if c[0] != DecisionStatus.DRAFT],
        empty_label="Any status",
    )

    def filter_text(self, queryset, name, value):
        return matching(queryset, value) if value else queryset

    def filter_key(self, queryset, name, value):
        return queryset.filter(is_key_decision=True) if value else queryset
