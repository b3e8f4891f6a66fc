from __future__ import annotations

from django import forms

from scrutiny.forms import GovukFormMixin


class StartImportForm(GovukFormMixin, forms.Form):
    site = forms.URLField(
        label="Address of the ModernGov site",
        help_text="For example https://democracy.example.gov.uk (the address of its home page).",
        max_length=300,
        assume_scheme="https",
    )
    date_from = forms.DateField(label="Meetings from", required=False, help_text="Optional.")
    date_to = forms.DateField(label="Meetings to", required=False, help_text="Optional.")
    dry_run = forms.BooleanField(
        label="Dry run: say what would change, save nothing", required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return data
