"""The GOV.UK date input (issue 16, finding 8): every portal form's dates are typed as Day,
Month and Year (and Time), never in the browser's locale-dependent native input."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django import forms
from django.utils import timezone

from scrutiny.forms import BaseForm, GovukDateField, GovukDateTimeField
from tests.site.test_form_accessibility import problems_in


class Example(BaseForm):
    on = forms.DateField(label="Date")
    starts = forms.DateTimeField(label="Start", required=False, help_text="When it begins.")


def errors(data) -> dict:
    form = Example(data=data)
    form.is_valid()
    return {name: list(e) for name, e in form.errors.items()}


def test_every_date_field_becomes_a_govuk_date_input():
    form = Example()
    assert isinstance(form.fields["on"], GovukDateField)
    assert isinstance(form.fields["starts"], GovukDateTimeField)
    html = str(form)
    doc = lxml.html.fragment_fromstring(html, create_parent="div")
    assert 'type="date"' not in html and 'type="datetime-local"' not in html
    legends = [" ".join(x.text_content().split()) for x in doc.xpath("//fieldset/legend")]
    assert legends == ["Date", "Start (optional)"]
    for name in ("on_day", "on_month", "on_year", "starts_day", "starts_time"):
        (field,) = doc.xpath(f"//input[@name='{name}']")
        assert doc.xpath(f"//label[@for='{field.get('id')}']"), name
    assert "For example, 27 3 2018" in html
    assert "When it begins. For example, 27 3 2018, 14:00" in html
    (fieldset,) = doc.xpath("//fieldset[.//input[@name='on_day']]")
    assert fieldset.get("aria-describedby") == "id_on-hint"
    assert problems_in(f"<form>{html}</form>", "example") == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"on_day": "27", "on_year": "2018"}, "Date must include a month"),
        ({"on_month": "3"}, "Date must include a day and year"),
        ({"on_day": "31", "on_month": "2", "on_year": "2018"}, "Date must be a real date"),
        ({"on_day": "x", "on_month": "2", "on_year": "2018"}, "Date must be a real date"),
        (
            {"on_day": "1", "on_month": "2", "on_year": "18"},
            "Date: the year must include 4 numbers",
        ),
        (
            {"on_day": "1", "on_month": "2", "on_year": "1800"},
            "Enter a date between 1900 and 2200.",
        ),
        ({}, "This field is required."),
    ],
)
def test_each_part_gets_a_clear_message(data, message):
    assert errors(data)["on"] == [message]


def test_times_and_single_iso_values():
    form = Example(
        data={
            "on": "2018-03-27",  # one ISO value, as API-like posts and older tests send
            "starts_day": "9",
            "starts_month": "10",
            "starts_year": "2017",
            "starts_time": "2.30pm",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] == dt.date(2018, 3, 27)
    local = timezone.localtime(form.cleaned_data["starts"])
    assert (local.date(), local.hour, local.minute) == (dt.date(2017, 10, 9), 14, 30)
    for bad in ("25:00", "10:75", "soon"):
        got = errors(
            {
                "on": "2018-03-27",
                **{f"starts_{p}": "1" for p in ("day", "month")},
                "starts_year": "2017",
                "starts_time": bad,
            }
        )
        assert got["starts"] == ["Start must include a real time, like 14:00 (24-hour clock)"]
    got = errors(
        {"on": "2018-03-27", "starts_day": "1", "starts_month": "1", "starts_year": "2017"}
    )
    assert got["starts"] == ["Start must include a time"]


def test_an_error_marks_the_wrong_part_and_the_summary_links_to_it():
    form = Example(data={"on_day": "27", "on_year": "2018"})
    assert not form.is_valid()
    html = str(form)
    doc = lxml.html.fragment_fromstring(html, create_parent="div")
    (month,) = doc.xpath("//input[@name='on_month']")
    (day,) = doc.xpath("//input[@name='on_day']")
    assert "govuk-input--error" in month.get("class") and month.get("aria-invalid") == "true"
    assert "govuk-input--error" not in day.get("class")
    assert day.get("value") == "27"  # what was typed is kept
    assert ("id_on_month", "Date must include a month") in form.error_list()
    (fieldset,) = doc.xpath("//fieldset[.//input[@name='on_day']]")
    assert fieldset.get("aria-describedby") == "id_on-hint id_on-error"
    assert problems_in(f"<form>{html}</form>", "example") == []


def test_initial_values_fill_the_parts():
    when = timezone.make_aware(dt.datetime(2017, 10, 9, 10, 0))
    html = str(Example(initial={"on": dt.date(2018, 3, 27), "starts": when}))
    doc = lxml.html.fragment_fromstring(html, create_parent="div")
    values = {i.get("name"): i.get("value") for i in doc.xpath("//input")}
    assert values["on_day"] == "27" and values["on_month"] == "3" and values["on_year"] == "2018"
    assert values["starts_time"] == "10:00"


def test_a_bad_single_value_or_an_overflowing_part_is_a_message_not_a_server_error():
    # One ISO value that is not a date (an edited bookmark): the GOV.UK words, every part
    # marked, the summary linking to Day.
    form = Example(data={"on": "2018-13-45", "starts": "yesterday"})
    assert not form.is_valid()
    assert form.errors["on"] == ["Date must be a real date"]
    assert form.errors["starts"] == ["Start must be a real date and time"]
    assert ("id_on_day", "Date must be a real date") in form.error_list()
    # A day or month too long for a C integer raised OverflowError (a 500), not ValueError.
    for part in ("on_day", "on_month"):
        data = {"on_day": "1", "on_month": "2", "on_year": "2018", part: "9" * 30}
        assert errors(data)["on"] == ["Date must be a real date"]


def test_a_forms_own_invalid_message_is_kept_for_a_single_value():
    class Own(BaseForm):
        on = forms.DateField(error_messages={"invalid": "Enter the day of the meeting."})

    form = Own(data={"on": "soon"})
    assert not form.is_valid()
    assert form.errors["on"] == ["Enter the day of the meeting."]
