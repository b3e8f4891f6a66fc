from __future__ import annotations

import functools

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator
from django_filters.fields import ModelChoiceField

from meetings.minutes.models import Action, ActionStatus
from meetings.models import Meeting
from scrutiny.filters import GovukFilterSet
from scrutiny.models import Committee, MunicipalYear

# The "From the meeting" choices offered at most (the latest; a chosen committee narrows them).
MEETING_CHOICES = 100


class _OfferedMeetingField(ModelChoiceField):
    """A meeting chosen from ``offered`` (set by ``ActionFilter``: the meetings read for the
    choices, the chosen one always among them): validated without a query of its own."""

    def offered(self) -> list:
        return []  # replaced per form by ActionFilter (read once, when first needed)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        for meeting in self.offered():
            if str(meeting.pk) == str(value):
                return meeting
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class _OfferedMeetingFilter(django_filters.ModelChoiceFilter):
    field_class = _OfferedMeetingField


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
    meeting = _OfferedMeetingFilter(
        label="From the meeting",
        queryset=Meeting.objects.none(),  # set per request from the actions the reader sees
        empty_label="Any meeting",
        method="filter_meeting",
    )

    class Meta:
        model = Action
        fields = ["status", "overdue", "owner", "year", "committee", "meeting"]

    def __init__(self, *args, committee=None, **kwargs):
        super().__init__(*args, **kwargs)
        if committee is not None:
            del self.filters["committee"]
            self.form.fields.pop("committee", None)
        # The public meetings (Meeting.objects: scrutiny.visibility) whose resolutions raised
        # an action this reader may see (issue 23 finding 2: "from this meeting").
        meetings = (
            Meeting.objects.filter(
                pk__in=self.queryset.filter(resolution__isnull=False).values(
                    "resolution__minute__agenda_item__meeting"
                )
            )
            .select_related("committee")
            .order_by("-start", "-pk")
        )
        self.filters["meeting"].queryset = meetings
        field = self.form.fields["meeting"]
        field.queryset = meetings
        # The choices offered: the latest MEETING_CHOICES of them (ten years of a council is
        # thousands: a select of every one made the tracker 200 ms and 0.5 MB), the chosen
        # committee's all, and the meeting chosen now, read in one query, bounded; the choice
        # is validated against them (``_OfferedMeetingField``: any meeting of ``meetings``
        # is valid, so every "from this meeting" link works, with no query of its own).
        chosen = self.data.get("meeting") if self.data else None
        chosen = str(chosen) if chosen and str(chosen).isdigit() else None
        chosen_committee = self.data.get("committee") if self.data and committee is None else None
        latest = meetings
        if chosen_committee:
            latest = latest.filter(committee__slug=chosen_committee)
        wanted = Q(pk__in=latest.values("pk")[:MEETING_CHOICES])
        if chosen:
            wanted |= Q(pk__in=meetings.filter(pk=chosen).values("pk"))

        @functools.cache
        def offered() -> list:
            found = list(
                Meeting.objects.filter(wanted).select_related("committee").order_by("-start", "-pk")
            )
            if len(found) > MEETING_CHOICES:  # the chosen one is not among the latest: last
                found.sort(key=lambda m: str(m.pk) == chosen)
            return found

        # Read when the choice is validated or the form is drawn, not before: the public
        # tracker keeps its drawn form as a fragment, and then it is never read.
        field.offered = offered
        field.widget.choices = CallableChoiceIterator(
            lambda: (
                [("", field.empty_label)]
                + [(m.pk, field.label_from_instance(m)) for m in offered()]
            )
        )

    def filter_meeting(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(resolution__minute__agenda_item__meeting=value)

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
