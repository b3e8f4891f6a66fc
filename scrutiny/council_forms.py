"""The council settings form (``scrutiny/council_views.py``). Checks of the colour and the
logo are the service's (``scrutiny.council.save_council``); this form reads what was typed."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from scrutiny.brand import MAX_LOGO_BYTES
from scrutiny.forms import BaseForm
from scrutiny.models import Council

MAX_HEADER_LINKS = 8


def links_to_text(links: list[dict]) -> str:
    return "\n".join(f"{link['text']} | {link['url']}" for link in links or [])


def text_to_links(text: str) -> list[dict]:
    links, problems = [], []
    check = URLValidator(schemes=["http", "https"])
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        label, sep, url = line.rpartition("|")
        label, url = label.strip(), url.strip()
        if not sep or not label or not url:
            problems.append(f"Line {number}: write the link as Text | https://address")
            continue
        try:
            check(url)
        except ValidationError:
            problems.append(f"Line {number}: {url} is not a web address starting https://")
            continue
        if len(label) > 60:
            problems.append(f"Line {number}: keep the link text to 60 characters")
            continue
        links.append({"text": label, "url": url})
    if len(links) > MAX_HEADER_LINKS:
        problems.append(f"Give at most {MAX_HEADER_LINKS} header links.")
    if problems:
        raise ValidationError(problems)
    return links


class CouncilForm(BaseForm):
    name = forms.CharField(
        label="Council name", max_length=200, help_text="For example Kirklees Council."
    )
    short_name = forms.CharField(label="Short name", max_length=60, required=False)
    website = forms.URLField(label="Council website", required=False, assume_scheme="https")
    logo = forms.FileField(
        label="Logo",
        required=False,
        help_text=f"An SVG or PNG file of at most {MAX_LOGO_BYTES // 1024} KB. It is shown in "
        "the header on a background of the brand colour, and on agenda front sheets and "
        "minutes. Scripts, links and external references are removed from an SVG.",
        widget=forms.FileInput(attrs={"accept": ".svg,.png,image/svg+xml,image/png"}),
    )
    logo_alt = forms.CharField(
        label="Logo alt text",
        max_length=200,
        required=False,
        help_text="What a screen reader says for the logo, usually the council's name: "
        '"Kirklees Council".',
    )
    remove_logo = forms.BooleanField(label="Remove the current logo", required=False)
    brand_colour = forms.CharField(
        label="Brand colour",
        max_length=7,
        help_text="A hex code like #00594f. White text on it must have a contrast of at least "
        "4.5:1; a lighter colour is refused with a darker shade you can use.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    header_links = forms.CharField(
        label="Header links",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Links to the main sections of the council's own site, one a line: "
        "Text | https://address (at most 8).",
    )
    privacy_url = forms.URLField(
        label="Privacy notice (address)", required=False, assume_scheme="https"
    )
    cookies_url = forms.URLField(label="Cookies (address)", required=False, assume_scheme="https")
    contact_url = forms.URLField(
        label="Contact us (address)", required=False, assume_scheme="https"
    )
    accessibility_contact = forms.EmailField(
        label="Accessibility statement contact (email)",
        required=False,
        help_text="Where people ask for information in another format or report a problem.",
    )
    address = forms.CharField(
        label="Address",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Printed on agenda front sheets and given in the open data API.",
    )
    phone = forms.CharField(label="Telephone", max_length=40, required=False)
    email = forms.EmailField(label="Democratic services email", required=False)
    open_data_licence_name = forms.CharField(label="Open data licence", max_length=200)
    open_data_licence_url = forms.URLField(
        label="Open data licence (address)", assume_scheme="https"
    )

    def __init__(self, *args, council: Council | None = None, **kwargs):
        if council is not None and "initial" not in kwargs:
            from scrutiny.council import EDITABLE_FIELDS

            initial = {name: getattr(council, name) for name in EDITABLE_FIELDS}
            initial["header_links"] = links_to_text(council.header_links)
            if not council.pk:
                initial["name"] = ""
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.council = council
        if council is None or not council.logo:
            del self.fields["remove_logo"]

    def clean_header_links(self):
        return text_to_links(self.cleaned_data["header_links"])

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if upload and upload.size > MAX_LOGO_BYTES:
            raise ValidationError(
                f"The logo file is {upload.size // 1024} KB; it must be "
                f"{MAX_LOGO_BYTES // 1024} KB or smaller."
            )
        return upload

    def clean_website(self):
        url = self.cleaned_data["website"]
        if url and urlsplit(url).scheme not in ("http", "https"):
            raise ValidationError("Enter a web address starting https://")
        return url
