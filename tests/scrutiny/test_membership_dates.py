"""The year membership page's dates are GOV.UK date inputs (issue 16): each row's end date and
the "add members" rows' start and end dates are Day, Month and Year boxes in a fieldset whose
legend says whose date it is, with one hint per form and each error tied to its row."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest

from scrutiny.models import Membership, Person
from tests.factories import PersonFactory, make_user
from tests.scrutiny.test_membership_year import (  # noqa: F401  (fixtures)
    management,
    panel,
    url,
    years,
)
from tests.site.test_form_accessibility import problems_in

pytestmark = pytest.mark.django_db


def parts(name: str, day: str, month: str, year: str) -> dict[str, str]:
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def legend_of(doc, name: str) -> str:
    (fieldset,) = doc.xpath(f"//fieldset[.//input[@name='{name}_day']][not(.//fieldset)]")
    return " ".join(fieldset.xpath("legend")[0].text_content().split())


def test_every_date_on_the_page_is_a_labelled_govuk_date_input(client, panel, years):  # noqa: F811
    committee, ms = panel
    client.force_login(make_user("officer"))
    html = client.get(url(committee, years[1])).content.decode()
    assert 'type="date"' not in html and 'type="datetime-local"' not in html
    doc = lxml.html.document_fromstring(html)
    member = ms["member"]
    assert legend_of(doc, f"end_date-{member.pk}") == (f"End date for {member.person.display_name}")
    (fieldset,) = doc.xpath(f"//fieldset[.//input[@name='end_date-{member.pk}_day']]")
    assert fieldset.get("aria-describedby") == "end-dates-hint"
    assert legend_of(doc, "add-0-start_date") == "Start date, row 1"
    assert legend_of(doc, "add-5-end_date") == "End date, row 6"
    assert legend_of(doc, "new-1-end_date") == "End date (optional), new person 2"
    for box in doc.xpath("//input[contains(@class, 'govuk-date-input__input')]"):
        assert doc.xpath(f"//label[@for='{box.get('id')}']"), box.get("name")
    assert problems_in(html, "year members") == []


def test_end_dates_typed_as_parts_end_the_ticked_memberships(client, panel, years):  # noqa: F811
    committee, ms = panel
    client.force_login(make_user("officer"))
    member, chair = ms["member"], ms["chair"]
    data = {"action": "end", "end": [member.pk, chair.pk]}
    data |= parts(f"end_date-{member.pk}", "15", "5", "2018")
    data |= parts(f"end_date-{chair.pk}", "1", "6", "2018")
    page = client.post(url(committee, years[1]), data, follow=True).content.decode()
    assert "Ended 2 memberships" in page
    member.refresh_from_db()
    chair.refresh_from_db()
    assert (member.end_date, chair.end_date) == (dt.date(2018, 5, 15), dt.date(2018, 6, 1))


def test_a_wrong_end_date_names_the_row_and_is_tied_to_it(client, panel, years):  # noqa: F811
    committee, ms = panel
    client.force_login(make_user("officer"))
    member, chair = ms["member"], ms["chair"]
    data = {"action": "end", "end": [member.pk, chair.pk]}
    data |= parts(f"end_date-{member.pk}", "15", "", "2018")
    data |= parts(f"end_date-{chair.pk}", "1", "6", "2018")
    response = client.post(url(committee, years[1]), data)
    html = response.content.decode()
    assert response.status_code == 200 and "Nothing was saved." in html
    doc = lxml.html.document_fromstring(html)
    message = f"End date for {member.person.display_name} must include a month"
    summary = [
        (" ".join(a.text_content().split()), a.get("href"))
        for a in doc.xpath("//div[contains(@class, 'govuk-error-summary')]//a")
    ]
    assert summary == [(message, f"#id_end_date-{member.pk}_month")]
    (fieldset,) = doc.xpath(f"//fieldset[.//input[@name='end_date-{member.pk}_day']]")
    assert fieldset.get("aria-describedby") == f"end-dates-hint id_end_date-{member.pk}-error"
    (error,) = doc.xpath(f"//p[@id='id_end_date-{member.pk}-error']")
    assert message in error.text_content()
    (month,) = doc.xpath(f"//input[@name='end_date-{member.pk}_month']")
    assert month.get("aria-invalid") == "true"
    # What was typed is kept, and both rows stay ticked.
    (day,) = doc.xpath(f"//input[@name='end_date-{member.pk}_day']")
    assert day.get("value") == "15"
    (chair_day,) = doc.xpath(f"//input[@name='end_date-{chair.pk}_day']")
    assert chair_day.get("value") == "1"
    assert len(doc.xpath("//input[@name='end'][@checked]")) == 2
    assert problems_in(html, "year members (end)") == []
    chair.refresh_from_db()
    assert chair.end_date is None  # nothing saved


def test_add_rows_take_parts_and_name_the_row_of_a_wrong_date(client, panel, years):  # noqa: F811
    committee, ms = panel
    y18 = years[1]
    client.force_login(make_user("officer"))
    joiner = PersonFactory(name="Jo Joiner")
    data = management(add=1, new=1) | {
        "action": "add",
        "add-0-person": joiner.pk,
        "add-0-role": "member",
        **parts("add-0-start_date", "2", "10", "2018"),
        **parts("add-0-end_date", "21", "5", "2019"),
        "new-0-name": "Priya Shah",
        "new-0-kind": "councillor",
        "new-0-role": "member",
        **parts("new-0-start_date", "16", "5", ""),
        **parts("new-0-end_date", "", "", ""),
    }
    response = client.post(url(committee, y18), data)
    html = response.content.decode()
    assert response.status_code == 200 and "Nothing was saved." in html
    doc = lxml.html.document_fromstring(html)
    summary = [
        (" ".join(a.text_content().split()), a.get("href"))
        for a in doc.xpath("//div[contains(@class, 'govuk-error-summary')]//a")
    ]
    assert summary == [
        ("New person 1: Start date must include a year", "#id_new-0-start_date_year")
    ]
    (fieldset,) = doc.xpath("//fieldset[.//input[@name='new-0-start_date_day']][not(.//fieldset)]")
    assert fieldset.get("aria-describedby") == "add-dates-hint id_new-0-start_date-error"
    assert problems_in(html, "year members (add)") == []
    assert not Membership.objects.filter(person=joiner).exists()

    data |= parts("new-0-start_date", "16", "5", "2018")
    page = client.post(url(committee, y18), data, follow=True).content.decode()
    assert "Added 2 members" in page
    added = Membership.objects.get(person=joiner)
    assert (added.start_date, added.end_date) == (dt.date(2018, 10, 2), dt.date(2019, 5, 21))
    priya = Membership.objects.get(person=Person.objects.get(name="Priya Shah"))
    assert (priya.start_date, priya.end_date) == (dt.date(2018, 5, 16), None)
