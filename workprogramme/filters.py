"""django-filter filter sets for each tracker: status, RAG, owner, overdue, committee, year."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from scrutiny.filters import GovukFilterSet
from scrutiny.models import Committee, MunicipalYear, Person
from workprogramme.models import (
    ActionPlanItem,
    ActionStatus,
    ImplementationStatus,
    ImprovementAction,
    ItemStatus,
    Method,
    Rag,
    ResponseDecision,
    ReviewRecommendation,
    WorkProgrammeItem,
    today,
)

YES_NO = [("yes", "Yes"), ("no", "No")]


class WorkProgrammeItemFilter(GovukFilterSet):
    committee = django_filters.ModelChoiceFilter(
        field_name="programme__committee",
        queryset=Committee.objects.filter(work_programmes__isnull=False).distinct(),
        empty_label="Any committee",
        to_field_name="slug",
    )
    year = django_filters.ModelChoiceFilter(
        field_name="programme__year",
        queryset=MunicipalYear.objects.all(),
        empty_label="Any year",
        to_field_name="name",
        label="Municipal year",
    )
    status = django_filters.ChoiceFilter(choices=ItemStatus.choices, empty_label="Any status")
    method = django_filters.ChoiceFilter(choices=Method.choices, empty_label="Any method")
    owner = django_filters.ModelChoiceFilter(
        label="Lead officer",
        field_name="lead_officers",
        queryset=Person.objects.filter(kind=Person.Kind.OFFICER),
        empty_label="Any lead officer",
        to_field_name="slug",
    )
    overdue = django_filters.ChoiceFilter(
        label="Overdue", choices=YES_NO, empty_label="Overdue or not", method="filter_overdue"
    )

    class Meta:
        model = WorkProgrammeItem
        fields = ["committee", "year", "status", "method", "owner", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = WorkProgrammeItem.objects.overdue(today()).values("pk")
        if value == "yes":
            return queryset.filter(pk__in=overdue)
        return queryset.exclude(pk__in=overdue)


class ImprovementActionFilter(GovukFilterSet):
    # The plan's priorities by number; choices come from the priorities the page has loaded
    # (``priorities=``), so the form costs no query of its own.
    priority = django_filters.ChoiceFilter(
        label="Priority", field_name="priority__number", choices=[], empty_label="Any priority"
    )
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices, empty_label="Any status")
    rag = django_filters.ChoiceFilter(label="RAG", choices=Rag.choices, empty_label="Any RAG")
    owner = django_filters.CharFilter(
        label="Owner", method="filter_owner", help_text="Part of the owner's name"
    )
    overdue = django_filters.ChoiceFilter(
        label="Overdue", choices=YES_NO, empty_label="Overdue or not", method="filter_overdue"
    )
    inspection = django_filters.CharFilter(
        label="Inspection recommendation", method="filter_inspection", help_text='e.g. "O12"'
    )

    class Meta:
        model = ImprovementAction
        fields = ["priority", "status", "rag", "owner", "overdue", "inspection"]

    def __init__(self, *args, plan=None, priorities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if priorities is None and plan is not None:
            # Read only when a priority is chosen or the form is shown.
            def choices():
                return [(str(p.number), str(p)) for p in plan.priorities.order_by("number")]

        elif priorities is not None:
            loaded = [(str(p.number), str(p)) for p in priorities]

            def choices():
                return loaded

        else:
            return
        self.filters["priority"].extra["choices"] = choices
        self.form.fields["priority"].choices = choices

    def filter_owner(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(owner__name__icontains=value) | Q(owner_text__icontains=value))

    def filter_overdue(self, queryset, name, value):
        overdue = ImprovementAction.objects.overdue(today()).values("pk")
        if value == "yes":
            return queryset.filter(pk__in=overdue)
        return queryset.exclude(pk__in=overdue)

    def filter_inspection(self, queryset, name, value):
        digits = "".join(ch for ch in value if ch in "0123456789")
        if not digits:
            return queryset
        return queryset.filter(inspection_recommendations__number=int(digits)).distinct()


class ReviewRecommendationFilter(GovukFilterSet):
    committee = django_filters.ModelChoiceFilter(
        label="Panel",
        field_name="review__panel",
        queryset=Committee.objects.filter(reviews__isnull=False).distinct(),
        empty_label="Any panel",
        to_field_name="slug",
    )
    year = django_filters.ModelChoiceFilter(
        label="Municipal year of the report",
        queryset=MunicipalYear.objects.all(),
        empty_label="Any year",
        to_field_name="name",
        method="filter_year",
    )
    # Several statuses at once ("Not started" and "In progress"): issue 23 finding 2.
    status = django_filters.MultipleChoiceFilter(
        label="Implementation status",
        choices=ImplementationStatus.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick any number; none means any status.",
    )
    decision = django_filters.ChoiceFilter(
        label="Executive response",
        field_name="response__decision",
        choices=[*ResponseDecision.choices, ("none", "Awaiting response")],
        empty_label="Any response",
        method="filter_decision",
    )
    owner = django_filters.CharFilter(
        label="Action owner", method="filter_owner", help_text="Part of the owner's name"
    )
    late = django_filters.ChoiceFilter(
        label="Response later than two months",
        choices=YES_NO,
        empty_label="Late or not",
        method="filter_late",
    )
    overdue = django_filters.ChoiceFilter(
        label="Overdue actions",
        choices=YES_NO,
        empty_label="Overdue or not",
        method="filter_overdue",
    )

    class Meta:
        model = ReviewRecommendation
        fields = ["committee", "year", "status", "decision", "owner", "late", "overdue"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(
            review__report_date__gte=value.start_date, review__report_date__lte=value.end_date
        )

    def filter_decision(self, queryset, name, value):
        if value == "none":
            return queryset.filter(response__isnull=True)
        return queryset.filter(response__decision=value)

    def filter_owner(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(plan_items__owner__icontains=value).distinct()

    def filter_late(self, queryset, name, value):
        late_ids = [
            r.pk
            for r in ReviewRecommendation.objects.filter(response__isnull=False).select_related(
                "review", "response"
            )
            if r.response.is_late
        ]
        if value == "yes":
            return queryset.filter(pk__in=late_ids)
        return queryset.exclude(pk__in=late_ids)

    def filter_overdue(self, queryset, name, value):
        overdue = ActionPlanItem.objects.filter(
            recommendation=OuterRef("pk"), done_date__isnull=True, due_date__lt=today()
        )
        queryset = queryset.annotate(_overdue=Exists(overdue))
        return queryset.filter(_overdue=(value == "yes"))
