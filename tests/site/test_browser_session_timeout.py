"""The session warning in a real Chromium (issue 16, finding 7), with a short session length.

1. A signed-in officer is warned in a modal dialog before the sign-in ends, chooses "Stay
   signed in" (twice: it can be repeated) and the server's session really lasts longer.
2. An officer whose sign-in ends while typing still submits the form: the portal asks them
   to sign in, sends them back to the form with what they typed put back, and they save it.
"""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session

from conftest import login
from scrutiny.models import Committee
from tests.factories import CommitteeFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def session_expiry():
    return Session.objects.order_by("-expire_date").values_list("expire_date", flat=True)[0]


def test_officer_is_warned_and_stays_signed_in(page, settings, transactional_db, axe):
    settings.SESSION_COOKIE_AGE = 60
    settings.SESSION_WARNING_SECONDS = 56  # the warning comes about 4 seconds after a page loads
    officer = make_user("officer")
    committee = CommitteeFactory()
    login(page, officer.username)
    page.goto(f"/officer/committees/{committee.slug}/edit/")
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    for _ in range(2):
        dialog.wait_for(state="visible", timeout=20000)
        assert "you will be signed out at" in dialog.inner_text()
        # A modal dialog: the keyboard is in it, on "Stay signed in".
        assert page.evaluate("document.activeElement.textContent") == "Stay signed in"
        assert axe(page) == []  # the open dialog passes axe, at 1280 px and at 320 px
        page.set_viewport_size({"width": 320, "height": 640})
        assert axe(page) == []
        page.set_viewport_size({"width": 1280, "height": 900})
        before = session_expiry()
        page.get_by_role("button", name="Stay signed in").click()
        dialog.wait_for(state="hidden")
        assert "You are still signed in" in page.locator("[data-session-status]").text_content()
        assert session_expiry() > before  # the server's session was renewed
    # Still signed in past the first sign-in's end.
    assert page.evaluate("fetch('/accounts/session/').then(r => r.json())")["expires_in"] > 0


def test_a_form_submitted_after_the_sign_in_ended_is_not_lost(page, settings, transactional_db):
    settings.SESSION_COOKIE_AGE = 8
    settings.SESSION_WARNING_SECONDS = 4
    officer = make_user("officer")
    committee = CommitteeFactory(purpose="Scrutinises things.")
    login(page, officer.username)
    page.goto(f"/officer/committees/{committee.slug}/edit/")
    text = "A long purpose typed slowly, sentence by sentence, over a whole afternoon."
    page.get_by_label("Purpose").fill(text)
    # The warning, then the end of the sign-in: the dialog says so.
    page.get_by_role("dialog", name="You have been signed out").wait_for(timeout=20000)
    page.get_by_role("button", name="Close").click()
    time.sleep(1)  # the browser drops the cookie when its max-age has passed
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/accounts/login/**")
    assert Committee.objects.get(pk=committee.pk).purpose == "Scrutinises things."
    settings.SESSION_COOKIE_AGE = 3600
    page.fill("#id_username", officer.username)
    page.fill("#id_password", "test-password-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"**/officer/committees/{committee.slug}/edit/")
    banner = page.get_by_role("alert").filter(has_text="has been put back")
    banner.wait_for()
    assert page.get_by_label("Purpose").input_value() == text
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert Committee.objects.get(pk=committee.pk).purpose == text
    # The kept copy is gone once used: opening the form again shows what is saved, no banner.
    page.goto(f"/officer/committees/{committee.slug}/edit/")
    assert page.get_by_text("has been put back").count() == 0
