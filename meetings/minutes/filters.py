from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone

from meetings.minutes.models import Action, ActionStatus
from scrutiny.filters import GovukFilterSet
from scrutiny.models import Committee, MunicipalYear


class ActionFilter(GovukFilterSet):
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices, empty_label="Any status")
    overdue = django_filters.ChoiceFilter(
        label="Overdue",
        choices=[("yes", "Overdue only"), ("no", "Not overdue")],
        empty_label="Overdue or not",
        method="filter_overdue",
    )
    owner = django_filters.CharFilter(label="Owner", method="filter_owner")
    year = django_filters.ModelChoiceFilter(
        label="Municipal year",
        queryset=MunicipalYear.objects.all(),
        empty_label="Any year",
        method="filter_year",
        to_field_name="name",
    )
    committee = django_filters.ModelChoiceFilter(
        queryset=Committee.objects.all(),
        empty_label="Any committee",
        to_field_name="slug",
    )

    class Meta:
        model = Action
        fields = ["status", "overdue", "owner", "year", "committee"]

    def __init__(self, *args, committee=None, **kwargs):
        super().__init__(*args, **kwargs)
        if committee is not None:
            del self.filters["committee"]
            self.form.fields.pop("committee", None)

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue(timezone.localdate()).values("pk")
        if value == "yes":
            return queryset.filter(pk__in=overdue)
        if value == "no":
            return queryset.exclude(pk__in=overdue)
        return queryset

    def filter_owner(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(owner_text__icontains=value) | Q(owner_person__name__icontains=value)
        )

    def filter_year(self, queryset, name, value):
        return queryset.in_year(value) if value else queryset
