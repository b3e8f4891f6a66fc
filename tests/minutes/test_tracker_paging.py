"""The action tracker pages its rows (50 a page) and counts overdue actions in the
database, so a ten-year council's thousands of actions do not land on one page."""

from __future__ import annotations

import datetime as dt

import pytest

from meetings.minutes.models import Action
from tests.factories.minutes import ActionFactory

pytestmark = pytest.mark.django_db


def test_tracker_pages_fifty_at_a_time_and_counts_every_overdue_action(client):
    first = ActionFactory(due_date=dt.date(2017, 1, 1))
    for _ in range(54):
        ActionFactory(committee=first.committee, due_date=dt.date(2017, 1, 1))
    assert Action.all_objects.count() == 55
    page1 = client.get("/actions/").content.decode()
    assert "55 actions, 55 overdue (page 1 of 2)" in page1
    assert page1.count("⚠ Overdue") >= 50
    assert 'rel="next"' in page1
    page2 = client.get("/actions/?page=2&status=").content.decode()
    assert "Page 2 of 2" in page2
    assert "page=1" in page2 and "status=" in page2
