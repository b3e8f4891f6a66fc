"""The person page groups consecutive municipal years with the same memberships into one
range ("2008/09 to 2017/18") instead of repeating identical blocks (issue 16, finding 8)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import CommitteeFactory, MembershipFactory, MunicipalYearFactory, PersonFactory
from tests.query_counts import TARGET, page_queries

pytestmark = pytest.mark.django_db


def _years(first: int, last: int):
    for y in range(first, last + 1):
        MunicipalYearFactory(start_date=dt.date(y, 5, 17), end_date=dt.date(y + 1, 5, 15))


def _blocks(html: str) -> list[str]:
    section = html.split("Committee memberships by municipal year</h2>")[1]
    return [h.split("</h3>")[0] for h in section.split('<h3 class="govuk-heading-s">')[1:]]


def test_ten_identical_years_are_one_range(client):
    _years(2008, 2017)
    person = PersonFactory()
    panel = CommitteeFactory(name="Adults Panel")
    MembershipFactory(person=person, committee=panel, start_date=dt.date(2008, 5, 17))
    html = client.get(person.get_absolute_url()).content.decode()
    assert _blocks(html) == ["2008/09 to 2017/18"]
    assert html.count("Adults Panel</a>") == 1


def test_a_change_of_membership_splits_the_range(client):
    _years(2008, 2017)
    person = PersonFactory()
    MembershipFactory(
        person=person,
        committee=CommitteeFactory(name="Adults Panel"),
        start_date=dt.date(2008, 5, 17),
    )
    MembershipFactory(
        person=person,
        committee=CommitteeFactory(name="Children Panel"),
        start_date=dt.date(2012, 5, 17),
        end_date=dt.date(2014, 5, 1),
    )
    html = client.get(person.get_absolute_url()).content.decode()
    assert _blocks(html) == ["2014/15 to 2017/18", "2012/13 to 2013/14", "2008/09 to 2011/12"]


def test_a_year_without_membership_breaks_the_range(client):
    _years(2008, 2011)
    person = PersonFactory()
    panel = CommitteeFactory()
    MembershipFactory(
        person=person,
        committee=panel,
        start_date=dt.date(2008, 5, 17),
        end_date=dt.date(2009, 5, 1),
    )
    MembershipFactory(person=person, committee=panel, start_date=dt.date(2010, 6, 1))
    html = client.get(person.get_absolute_url()).content.decode()
    assert _blocks(html) == ["2010/11 to 2011/12", "2008/09"]


def test_person_page_query_count(client):
    _years(2008, 2017)
    person = PersonFactory()
    MembershipFactory(person=person, start_date=dt.date(2008, 5, 17))
    assert page_queries(client, person.get_absolute_url()) <= TARGET
