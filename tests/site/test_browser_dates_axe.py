"""The pages whose dates became GOV.UK date inputs last (issue 16): the public search page and
the officer year membership page pass axe at 1280 and 320 pixels wide, as they are and with
their date errors showing, and work when dates are typed as Day, Month and Year.

(``tests/site/test_browser_axe_widths.py`` checks one page of every kind; this one checks
these two pages in the states that kind of walk does not reach.)"""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import fill_date, login
from scrutiny.models import Membership
from tests.factories import CommitteeFactory, MembershipFactory, MunicipalYearFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 320)


def axe_at_both_widths(page, axe, where: str) -> list[str]:
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        found += [f"{where} at {width}px: {v['id']} {v['nodes']}" for v in axe(page)]
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    return found


def test_search_dates_pass_axe_and_work_as_parts(page, axe, live_server):
    failures = []
    page.goto("/search/")
    assert page.locator("input[type=date]").count() == 0
    failures += axe_at_both_widths(page, axe, "search")
    page.fill("#id_q", "budget")
    fill_date(page, "date_from", "2017-01-01")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "from 1 January 2017" in page.locator("h1").inner_text()
    assert page.input_value("[name='date_from_year']") == "2017"
    failures += axe_at_both_widths(page, axe, "search results")
    # A bookmarked link with an ISO date that is not a date: a message, not a server error.
    response = page.goto("/search/?q=budget&date_from=2017-13-45")
    assert response.status == 200
    assert "Meetings from must be a real date" in page.locator(".govuk-error-summary").inner_text()
    failures += axe_at_both_widths(page, axe, "search with a bad date")
    assert failures == [], "\n".join(failures)


def test_year_membership_dates_pass_axe_and_show_row_errors(page, axe, live_server):
    year = MunicipalYearFactory(
        name="2030/31", start_date=dt.date(2030, 5, 21), end_date=dt.date(2031, 5, 19)
    )
    committee = CommitteeFactory(name="Date Test Panel", slug="date-test-panel")
    membership = MembershipFactory(committee=committee, start_date=year.start_date)
    name = membership.person.display_name
    make_user("officer", username="clerk-dates")
    login(page, "clerk-dates")
    failures = []
    page.goto(f"/officer/committees/{committee.slug}/years/{year.pk}/members/")
    assert page.locator("input[type=date]").count() == 0
    failures += axe_at_both_widths(page, axe, "year members")

    page.get_by_label(f"End the membership of {name}").check()
    row_date = page.get_by_role("group", name=f"End date for {name}")
    row_date.get_by_label("Month").fill("")
    page.get_by_role("button", name="End the ticked memberships").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert f"End date for {name} must include a month" in summary
    failures += axe_at_both_widths(page, axe, "year members with a row error")

    row_date = page.get_by_role("group", name=f"End date for {name}")
    row_date.get_by_label("Day").fill("1")
    row_date.get_by_label("Month").fill("9")
    row_date.get_by_label("Year").fill("2030")
    page.get_by_role("button", name="End the ticked memberships").click()
    page.wait_for_load_state()
    assert "Ended 1 membership" in page.content()
    membership.refresh_from_db()
    assert membership.end_date == dt.date(2030, 9, 1)
    assert Membership.objects.filter(committee=committee).count() == 1
    assert failures == [], "\n".join(failures)
