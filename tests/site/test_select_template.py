"""``templates/django/forms/widgets/select.html`` writes each option inline instead of
including ``select_option.html`` once per option (issue 20: a tracker's filter form has some
180 options, and an include each was a visible part of the page's time). The HTML must be
byte for byte what Django's own templates write."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting


class _Marked(forms.Select):
    """A select whose options use another template: still included, not inlined."""

    option_template_name = "django/forms/widgets/radio_option.html"


CHOICES = [
    ("", "Any"),
    (1, "One & <two>"),
    ("Group", [("a", "A"), ("b", 'B "quoted"')]),
    (3, "Three"),
]


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Select(choices=CHOICES, attrs={"class": "govuk-select", "data-x": True}), 1),
        (forms.Select(choices=CHOICES), "b"),
        (forms.Select(choices=CHOICES), None),
        (forms.SelectMultiple(choices=CHOICES, attrs={"disabled": False}), ["a", 3]),
        (forms.NullBooleanSelect(), True),
        (_Marked(choices=CHOICES), 3),
    ],
)
def test_select_html_is_djangos(widget, value):
    ours = widget.render("field", value, renderer=TemplatesSetting())
    djangos = widget.render("field", value, renderer=DjangoTemplates())
    assert ours == djangos
    assert "Three" in ours or "Unknown" in ours
