"""The search page's date filter is a GOV.UK date input (issue 16): Day, Month and Year boxes in
a fieldset, never the browser's own date input; a bookmarked link with ISO dates still works,
and a date that is not a date is explained on the page, never a server error."""

from __future__ import annotations

import lxml.html
import pytest
from django.urls import reverse

from tests.site.test_form_accessibility import problems_in

pytestmark = pytest.mark.django_db


def search(client, params):
    response = client.get(reverse("search"), params)
    assert response.status_code == 200
    html = response.content.decode()
    return response, html, lxml.html.document_fromstring(html)


def values(doc) -> dict[str, str]:
    return {i.get("name"): i.get("value") for i in doc.xpath("//form//input[@name]")}


def test_the_date_filter_is_day_month_and_year_in_a_fieldset(client):
    _, html, doc = search(client, {})
    assert 'type="date"' not in html and 'type="datetime-local"' not in html
    for name, legend in (("date_from", "Meetings from"), ("date_to", "Meetings to")):
        (fieldset,) = doc.xpath(f"//fieldset[.//input[@name='{name}_day']]")
        assert " ".join(fieldset.xpath("legend")[0].text_content().split()).startswith(legend)
        for part in ("day", "month", "year"):
            (box,) = fieldset.xpath(f".//input[@name='{name}_{part}']")
            assert box.get("type") == "text" and box.get("inputmode") == "numeric"
            assert doc.xpath(f"//label[@for='{box.get('id')}']")
        assert fieldset.get("aria-describedby") == f"id_{name}-hint"
    assert "For example, 27 3 2018" in html
    assert problems_in(html, "search") == []


def test_dates_typed_as_parts_narrow_the_search(world, client):
    response, html, doc = search(
        client,
        {
            "q": "agency",
            "date_from_day": "1",
            "date_from_month": "10",
            "date_from_year": "2017",
            "date_to_day": "31",
            "date_to_month": "10",
            "date_to_year": "2017",
        },
    )
    assert response.context["results"]
    assert {d.meeting_id for d, _ in response.context["results"]} == {world.meeting.pk}
    assert "from 1 October 2017, to 31 October 2017" in html
    got = values(doc)
    assert (got["date_from_day"], got["date_from_month"], got["date_from_year"]) == (
        "1",
        "10",
        "2017",
    )
    # Nothing after the meeting: a range after 9 October 2017 finds nothing.
    response, _, _ = search(
        client,
        {"q": "agency", "date_from_day": "10", "date_from_month": "10"}
        | {"date_from_year": "2017"},
    )
    assert response.context["results"] == []


def test_a_bookmarked_link_with_iso_dates_still_works_and_shows_as_parts(world, client):
    response, html, doc = search(
        client, {"q": "agency", "date_from": "2017-10-01", "date_to": "2017-10-31"}
    )
    assert {d.meeting_id for d, _ in response.context["results"]} == {world.meeting.pk}
    assert "There is a problem" not in html
    got = values(doc)
    assert (got["date_to_day"], got["date_to_month"], got["date_to_year"]) == ("31", "10", "2017")
    # The next search from that page sends the parts, not the ISO value.
    assert "date_from" not in got


@pytest.mark.parametrize(
    ("params", "message", "wrong"),
    [
        ({"date_from": "2017-13-45"}, "Meetings from must be a real date", "date_from_day"),
        ({"date_from": "yesterday"}, "Meetings from must be a real date", "date_from_day"),
        (
            {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2018"},
            "Meetings from must be a real date",
            "date_from_day",
        ),
        (
            {"date_to_day": "1", "date_to_year": "2018"},
            "Meetings to must include a month",
            "date_to_month",
        ),
        (
            {"date_to_day": "1", "date_to_month": "2", "date_to_year": "18"},
            "Meetings to: the year must include 4 numbers",
            "date_to_year",
        ),
        (
            {"date_from_day": "9" * 30, "date_from_month": "2", "date_from_year": "2018"},
            "Meetings from must be a real date",
            "date_from_day",
        ),
        ({"date_from": "0001-01-01"}, "Enter a date between 1900 and 2200.", "date_from_day"),
        (
            {"date_from_day": "²", "date_from_month": "2", "date_from_year": "2018"},
            "Meetings from must be a real date",
            "date_from_day",
        ),
    ],
)
def test_a_bad_date_is_explained_on_the_page(client, params, message, wrong):
    response, html, doc = search(client, {"q": "budget", **params})
    assert response.context["page"] is None  # no search was run
    assert "There is a problem" in html
    summary = doc.xpath("//div[contains(@class, 'govuk-error-summary')]//a")
    assert [(a.text_content(), a.get("href")) for a in summary] == [(message, f"#id_{wrong}")]
    name = wrong.rsplit("_", 1)[0]
    (error,) = doc.xpath(f"//p[@id='id_{name}-error']")
    assert message in error.text_content()
    (fieldset,) = doc.xpath(f"//fieldset[.//input[@name='{name}_day']]")
    assert fieldset.get("aria-describedby") == f"id_{name}-hint id_{name}-error"
    assert problems_in(html, "search") == []
    assert 'value="budget"' in html


def test_dates_without_words_say_what_to_do_instead_of_showing_nothing(client):
    """Found by the issue 16 date-input journey: dates and no words gave the empty search page
    as if nothing had been asked. Now it says words are needed and where to list meetings by
    date; an empty search (no filters either) still shows no such message."""
    _, html, doc = search(
        client, {"q": "", "date_from_day": "1", "date_from_month": "1", "date_from_year": "2017"}
    )
    (note,) = doc.xpath("//*[@id='filters-only']")
    assert "Enter words to search for" in note.text_content()
    assert note.xpath(".//a/@href") == [reverse("meeting-calendar")]
    assert problems_in(html, "search") == []
    _, _, empty = search(client, {})
    assert not empty.xpath("//*[@id='filters-only']")
    _, _, words = search(client, {"q": "budget", "date_from": "2017-01-01"})
    assert not words.xpath("//*[@id='filters-only']")
