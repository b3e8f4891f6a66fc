"""Issue 15 item 1 in a real Chromium: a new municipal year's membership in three submissions.

The officer copies last year's membership, ends three, and adds four (one of them a person
not yet in the portal) on the page "Members of <committee> for <municipal year>"; the test
counts every form submission the browser makes on that page, then checks the public
committee page lists exactly the right current members."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import login
from scrutiny.models import Membership, Person
from tests.factories import (
    CommitteeFactory,
    MembershipFactory,
    MunicipalYearFactory,
    PersonFactory,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _years(today: dt.date):
    start_year = today.year if today >= dt.date(today.year, 5, 20) else today.year - 1
    last = MunicipalYearFactory(
        start_date=dt.date(start_year - 1, 5, 21), end_date=dt.date(start_year, 5, 19)
    )
    this = MunicipalYearFactory(
        start_date=dt.date(start_year, 5, 20), end_date=dt.date(start_year + 1, 5, 18)
    )
    return last, this


@pytest.fixture
def panel(transactional_db):
    today = timezone.localdate()
    last, this = _years(today)
    committee = CommitteeFactory(name="Children's Scrutiny Panel", slug="childrens-panel")
    people = {}
    # Last year's panel, entered without end dates (as the 2017 memberships were).
    for role, name in [
        ("chair", "Ann Chair"),
        ("vice_chair", "Ben Vice"),
        ("member", "Cal Stays"),
        ("member", "Dee Stays"),
        ("member", "Eve Leaves"),
        ("member", "Fay Leaves"),
        ("member", "Gus Leaves"),
    ]:
        people[name] = PersonFactory(name=name)
        MembershipFactory(
            committee=committee, person=people[name], role=role, start_date=last.start_date
        )
    gone = PersonFactory(name="Hal Gone")
    MembershipFactory(
        committee=committee,
        person=gone,
        start_date=last.start_date,
        end_date=last.start_date + dt.timedelta(days=60),
    )
    for name in ("Ian Joins", "Jan Joins"):
        people[name] = PersonFactory(name=name)
    people["Kim Coopted"] = PersonFactory(
        name="Kim Coopted", kind=Person.Kind.COOPTEE, honorific="", ward=""
    )
    make_user("officer", username="clerk")
    return committee, last, this, people, today


def test_new_year_membership_in_three_submissions(page, panel, axe):
    committee, last, this, people, today = panel
    login(page, "clerk")

    submissions = []
    page.on(
        "request",
        lambda r: submissions.append(r.url) if r.method == "POST" and "/years/" in r.url else None,
    )

    page.goto(f"/officer/committees/{committee.slug}/members/")
    page.get_by_role("link", name=f"Members of {committee.name} for {this.name}").click()
    heading = page.locator("h1").inner_text()
    assert heading == f"Members of {committee.name} for {this.name}"
    assert page.locator("text=Still open from").count() == 7
    assert axe(page) == []

    # 1. Copy last year's membership.
    page.get_by_role("button", name=f"Copy {last.name}'s membership").click()
    page.wait_for_load_state()
    assert f"Copied 7 memberships from {last.name} to {this.name}." in page.content()
    assert page.locator("text=Still open from").count() == 0

    # 2. End three (they stood down yesterday).
    yesterday = today - dt.timedelta(days=1)
    if yesterday < this.start_date:
        yesterday = this.start_date
    for name in ("Eve Leaves", "Fay Leaves", "Gus Leaves"):
        assert Membership.objects.filter(person=people[name], start_date=this.start_date)
        page.get_by_label(f"End the membership of Councillor {name}").check()
        # The row's GOV.UK date input: a group named after the person, Day / Month / Year.
        row_date = page.get_by_role("group", name=f"End date for Councillor {name}")
        row_date.get_by_label("Day").fill(str(yesterday.day))
        row_date.get_by_label("Month").fill(str(yesterday.month))
        row_date.get_by_label("Year").fill(str(yesterday.year))
    page.get_by_role("button", name="End the ticked memberships").click()
    page.wait_for_load_state()
    assert "Ended 3 memberships" in page.content()

    # 3. Add four: three already in the portal, one new (a councillor whose ward is unknown).
    page.select_option("#id_add-0-person", label="Councillor Ian Joins")
    page.select_option("#id_add-1-person", label="Councillor Jan Joins")
    page.select_option("#id_add-2-person", label="Kim Coopted")
    page.select_option("#id_add-2-role", "cooptee")
    start = page.get_by_role("group", name="Start date, row 1")
    assert start.get_by_label("Day").input_value() == str(this.start_date.day)
    assert start.get_by_label("Year").input_value() == str(this.start_date.year)
    assert page.input_value("#id_add-0-end_date_month") == str(this.end_date.month)
    page.fill("#id_new-0-name", "Lou Newcomer")
    page.get_by_role("button", name="Add members").click()
    page.wait_for_load_state()
    assert "Added 4 members" in page.content()
    assert "There is a problem" not in page.content()
    assert axe(page) == []

    assert len(submissions) == 3, submissions

    # The public committee page lists today's members, and only them.
    page.goto(f"/committees/{committee.slug}/")
    current = page.locator(
        "h2:has-text('Current members') + .portal-table-scroll table tbody tr td:first-child"
    )
    names = sorted(current.all_inner_texts())
    stayed_or_joined = ["Ann Chair", "Ben Vice", "Cal Stays", "Dee Stays", "Ian Joins"]
    stayed_or_joined += ["Jan Joins", "Lou Newcomer"]
    assert names == sorted([f"Councillor {n}" for n in stayed_or_joined] + ["Kim Coopted"])
