"""Forms of the officer page "Members of <committee> for <municipal year>" (issue 15).

Rows left blank are skipped, so the page can offer several empty rows and the officer fills
as many as needed. Dates default to the municipal year's bounds."""

from __future__ import annotations

from django import forms

from scrutiny.forms import BaseForm
from scrutiny.models import Membership, MunicipalYear, Person

ADD_ROWS = 6
NEW_PERSON_ROWS = 2
KIND_CHOICES = [
    (Person.Kind.COUNCILLOR.value, Person.Kind.COUNCILLOR.label),
    (Person.Kind.COOPTEE.value, Person.Kind.COOPTEE.label),
]


def _without_hint(field) -> None:
    """A GOV.UK date field without its own "For example, 27 3 2018": the page says it once
    above each form (``end-dates-hint``, ``add-dates-hint``) and every row's fieldset points at
    it, rather than repeating it in every row of a table."""
    field.help_text = ""


class EndDateForm(BaseForm):
    """The end date offered in one row of the members table, as a GOV.UK date input named
    ``end_date-<pk>_day``, ``_month`` and ``_year`` (one ISO value ``end_date-<pk>``, as the
    page posted before, still works). Labelled with the person's name: "End date for
    Councillor Ann Chair", so each row's legend and error say whose it is."""

    end_date = forms.DateField(label="End date")

    def __init__(self, *args, pk: int, person: str = "", **kwargs):
        self.pk = pk
        super().__init__(*args, **kwargs)
        field = self.fields["end_date"]
        whose = f" for {person}" if person else ""
        field.label = f"End date{whose}"
        field.error_messages["required"] = f"Enter the end date{whose}."
        _without_hint(field)

    def add_prefix(self, field_name):
        return f"end_date-{self.pk}"


class _RowDates(BaseForm):
    # Rows of a hand-built table and fieldsets (officer/year_members.html): each date is a
    # GOV.UK date input in its own fieldset, whose legend names the row.
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.MEMBER)
    start_date = forms.DateField(label="Start date", required=False)
    end_date = forms.DateField(label="End date", required=False)

    def __init__(self, *args, year: MunicipalYear, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["start_date"].initial = year.start_date
        self.fields["end_date"].initial = year.end_date
        _without_hint(self.fields["start_date"])
        _without_hint(self.fields["end_date"])

    def is_blank(self) -> bool:
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if self.is_blank():
            return data
        if not data.get("start_date") and "start_date" not in self.errors:
            self.add_error("start_date", "Enter the date the membership starts.")
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be on or after the start date.")
        return data


class AddMemberRow(_RowDates):
    """An existing councillor or co-optee to add."""

    person = forms.ModelChoiceField(queryset=Person.objects.none(), required=False)
    field_order = ["person", "role", "start_date", "end_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(is_active=True).exclude(
            kind=Person.Kind.OFFICER
        )
        self.fields["person"].empty_label = "Choose a person"

    def is_blank(self) -> bool:
        return not self.cleaned_data.get("person") and "person" not in self.errors


class NewPersonRow(_RowDates):
    """A person not yet in the portal: created and made a member in the same submission."""

    honorific = forms.CharField(label="Title", max_length=30, required=False)
    name = forms.CharField(label="Name", max_length=200, required=False)
    kind = forms.ChoiceField(
        label="Councillor or co-optee", choices=KIND_CHOICES, initial="councillor"
    )
    ward = forms.CharField(label="Ward", max_length=100, required=False)
    field_order = ["honorific", "name", "kind", "ward", "role", "start_date", "end_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("honorific", "name", "ward"):
            self.fields[name].widget.attrs["class"] = "govuk-input"
        for name in ("kind", "role"):
            self.fields[name].widget.attrs["class"] = "govuk-select govuk-!-width-full"

    def is_blank(self) -> bool:
        return not (self.cleaned_data.get("name") or "").strip()


class _RowFormSet(forms.BaseFormSet):
    def __init__(self, *args, year: MunicipalYear, **kwargs):
        self.year = year
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "year": self.year}

    def filled(self) -> list[forms.Form]:
        return [f for f in self.forms if f.is_valid() and not f.is_blank()]


AddMemberFormSet = forms.formset_factory(AddMemberRow, formset=_RowFormSet, extra=ADD_ROWS)
NewPersonFormSet = forms.formset_factory(NewPersonRow, formset=_RowFormSet, extra=NEW_PERSON_ROWS)
