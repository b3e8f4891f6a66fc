"""The search form."""

from __future__ import annotations

from django import forms

from opendata.models import SearchDocument
from opendata.search import uses_postgres
from scrutiny.forms import BaseForm
from scrutiny.models import Committee


class SearchForm(BaseForm):
    """The search page's form, a GET form. Its dates are GOV.UK date inputs like every other
    form's (``date_from_day``, ``date_from_month``, ``date_from_year``); a bookmarked link
    with one ISO date (``?date_from=2017-01-01``) still works, and shows as day, month and
    year."""

    q = forms.CharField(
        label="Search for",
        required=False,
        max_length=200,
    )
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="All committees",
    )
    type = forms.ChoiceField(
        label="Type", choices=[("", "All types"), *SearchDocument.Kind.choices], required=False
    )
    date_from = forms.DateField(label="Meetings from", required=False)
    date_to = forms.DateField(label="Meetings to", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].help_text = (
            'Use quotes for a phrase ("agency staff"), "or" for either word, and a minus '
            "sign to leave a word out (-budget)."
            if uses_postgres()
            else "Every word must appear. A minus sign leaves a word out (-budget)."
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be the same as or after the start date.")
        return data
