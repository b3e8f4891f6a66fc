"""An officer follows a record's history in a real Chromium; the pages pass axe-core."""

from __future__ import annotations

import pytest

from conftest import login
from tests.factories import make_user
from tests.factories.meetings import PublishedMeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_reads_who_changed_a_meeting(page, axe):
    officer = make_user("officer", username="history-officer")
    meeting = PublishedMeetingFactory(venue="Meeting Room 4")
    meeting._history_user = officer
    meeting.venue = "Council Chamber"
    meeting.save()

    login(page, "history-officer")
    page.goto("/officer/history/")
    assert page.locator("h1").inner_text() == "Recent changes"
    assert axe(page) == []
    page.get_by_role("link", name=str(meeting)).first.click()
    assert page.locator("h1").inner_text() == str(meeting)
    body = page.locator("main").inner_text()
    assert "Changed" in body and "history-officer" in body
    assert "Meeting Room 4" in body and "Council Chamber" in body
    assert axe(page) == []
