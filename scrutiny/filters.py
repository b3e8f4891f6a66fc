import django_filters
from django import forms
from django.db.models import Q

from scrutiny.forms import GovukBoundField
from scrutiny.models import Committee, Membership, Person


class GovukFilterSet(django_filters.FilterSet):
    """Filter forms styled like every other form, rendered by ``includes/filter_form.html``
    through ``forms/field.html`` (hints and errors tied to their fields)."""

    def get_form_class(self):
        # django-filter builds a new form class per filter set: give it the GOV.UK bound
        # field, the one source of hint and error ids.
        form_class = super().get_form_class()
        form_class.bound_field_class = GovukBoundField
        return form_class

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "govuk-select"
            elif isinstance(field.widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                field.widget.attrs["class"] = "govuk-checkboxes__input"
            else:
                field.widget.attrs["class"] = "govuk-input govuk-input--width-20"


def chosen_labels(filterset) -> list[str]:
    """What a bound, valid filter form narrows the list to, by label, in the form's order:
    for a filtered list's title and h1 (issue 16: filtered lists kept the plain title). A
    choice gives its label, a record its name, free text "Label: text"."""
    if not filterset.is_bound or not filterset.is_valid():
        return []
    out = []
    for name, field in filterset.form.fields.items():
        value = filterset.form.cleaned_data.get(name)
        if value in (None, "", [], ()):
            continue
        if isinstance(field, forms.ModelChoiceField):
            out.append(str(value))
        elif isinstance(field, forms.MultipleChoiceField):  # several choices: "A or B"
            labels = dict(field.choices)
            out.append(" or ".join(str(labels.get(v, v)) for v in value))
        elif isinstance(field, forms.ChoiceField):
            out.append(str(dict(field.choices).get(value, value)))
        else:
            out.append(f"{field.label}: {value}")
    return out


def filtered_heading(heading: str, filterset) -> str:
    chosen = chosen_labels(filterset)
    return f"{heading}: {', '.join(chosen)}" if chosen else heading


class CommitteeFilter(GovukFilterSet):
    kind = django_filters.ChoiceFilter(choices=Committee.Kind.choices, empty_label="Any kind")
    is_active = django_filters.ChoiceFilter(
        label="Active",
        choices=[("true", "Active"), ("false", "No longer active")],
        empty_label="Active or not",
        method="filter_active",
    )

    class Meta:
        model = Committee
        fields = ["kind", "is_active"]

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=(value == "true"))


def _distinct_values(field):
    def choices():
        values = (
            Person.objects.exclude(**{field: ""})
            .order_by(field)
            .values_list(field, flat=True)
            .distinct()
        )
        return [(v, v) for v in values]

    return choices


class PersonFilter(GovukFilterSet):
    kind = django_filters.ChoiceFilter(choices=Person.Kind.choices, empty_label="Anyone")
    party = django_filters.ChoiceFilter(choices=_distinct_values("party"), empty_label="Any party")
    ward = django_filters.ChoiceFilter(choices=_distinct_values("ward"), empty_label="Any ward")
    role = django_filters.ChoiceFilter(
        label="Current role",
        choices=Membership.Role.choices,
        empty_label="Any role",
        method="filter_role",
    )

    class Meta:
        model = Person
        fields = ["kind", "party", "ward", "role"]

    def filter_role(self, queryset, name, value):
        from django.utils import timezone

        current = Membership.objects.in_force_on(timezone.localdate()).filter(role=value)
        return queryset.filter(pk__in=current.values("person_id"))


class OfficerPersonFilter(GovukFilterSet):
    """The officer people list: one search box (name, ward, party) and the kind."""

    q = django_filters.CharFilter(label="Name, ward or party", method="search")
    kind = django_filters.ChoiceFilter(choices=Person.Kind.choices, empty_label="Anyone")

    class Meta:
        model = Person
        fields = ["q", "kind"]

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(honorific__icontains=word)
                | Q(ward__icontains=word)
                | Q(party__icontains=word)
                | Q(organisation__icontains=word)
            )
        return queryset
