"""attack16 in a real Chromium: an officer's sign-in ends while typing a minute (issue 16,
finding 7), on the minute editor rather than the committee form the builders tested."""

from __future__ import annotations

import time

import pytest

from conftest import login
from meetings.minutes import services
from meetings.minutes.models import Minute
from tests.factories import make_user
from tests.factories.minutes import make_meeting_with_items

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_minute_typed_past_the_end_of_the_sign_in_is_put_back_and_saved(page, settings):
    settings.SESSION_COOKIE_AGE = 8
    settings.SESSION_WARNING_SECONDS = 4
    officer = make_user("officer")
    meeting = make_meeting_with_items()
    minutes = services.start_minutes(meeting=meeting)
    minute = minutes.items.filter(agenda_item__kind="business").first()
    login(page, officer.username)
    page.goto(f"/officer/minutes/item/{minute.pk}/")
    text = "The Panel heard a long deputation about buses in Holmfirth."
    page.locator("textarea[name=text]").fill(text)
    page.locator("textarea[name=resolutions]").fill(
        "That the deputation be noted.\n\nThat officers report back."
    )
    page.get_by_role("dialog", name="You have been signed out").wait_for(timeout=20000)
    page.get_by_role("button", name="Close").click()
    time.sleep(1)
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_url("**/accounts/login/**")
    settings.SESSION_COOKIE_AGE = 3600
    page.fill("#id_username", officer.username)
    page.fill("#id_password", "test-password-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"**/officer/minutes/item/{minute.pk}/")
    page.get_by_role("alert").filter(has_text="has been put back").wait_for()
    assert page.locator("textarea[name=text]").input_value() == text
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_load_state()
    saved = Minute.objects.get(pk=minute.pk)
    assert "Holmfirth" in saved.text
    assert [r.text for r in saved.resolutions.order_by("number")] == [
        "That the deputation be noted.",
        "That officers report back.",
    ]
