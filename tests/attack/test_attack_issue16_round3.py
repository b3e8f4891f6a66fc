"""Journey on issue 16, round 3 (helper `journey16`): an officer and a member of the public using
the GOV.UK date inputs. The GOV.UK error pattern puts "Error: " at the start of the page title
when a form is sent back with a problem, so a screen reader user hears it first (the officer
form pages already did). The year membership page and the public search page did not: a wrong
date there (31 2 2027) left the title as if nothing had gone wrong."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.scrutiny.test_membership_year import (  # noqa: F401  (fixtures)
    panel,
    url,
    years,
)

pytestmark = pytest.mark.django_db


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def test_a_wrong_end_date_on_the_year_membership_page_says_error_in_the_title(
    client,
    panel,  # noqa: F811
    years,  # noqa: F811
):
    committee, ms = panel
    client.force_login(make_user("officer"))
    page = url(committee, years[1])
    assert not _title(client.get(page)).startswith("Error: ")
    pk = ms["member"].pk
    response = client.post(
        page,
        {
            "action": "end",
            "end": [str(pk)],
            f"end_date-{pk}_day": "31",
            f"end_date-{pk}_month": "2",
            f"end_date-{pk}_year": "2019",
        },
    )
    assert response.status_code == 200
    assert _title(response).startswith("Error: Members of Children")
    ms["member"].refresh_from_db()
    assert ms["member"].end_date is None


def test_a_wrong_date_on_the_public_search_says_error_in_the_title(client):
    good = client.get(reverse("search"), {"q": "budget", "date_from": "2017-01-01"})
    assert not _title(good).startswith("Error: ")
    assert not _title(client.get(reverse("search"))).startswith("Error: ")
    bad = client.get(
        reverse("search"),
        {"q": "budget", "date_to_day": "30", "date_to_month": "2", "date_to_year": "2027"},
    )
    assert "Meetings to must be a real date" in bad.content.decode()
    assert _title(bad).startswith("Error: Search committee papers")


def test_a_wrong_time_on_add_a_meeting_says_error_in_the_title(client):
    client.force_login(make_user("officer"))
    response = client.post(
        reverse("officer-meeting-add"),
        {"start_day": "14", "start_month": "1", "start_year": "2027", "start_time": "25:00"},
    )
    assert response.status_code == 200
    assert _title(response).startswith("Error: ")
