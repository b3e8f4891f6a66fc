"""Issue 23 attacked in Chromium with the service worker (attack23): when a sign-in ends on
its own ("You have been signed out"), the member's saved members' pack must not stay readable
on the device until some later page happens to load online."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import login
from tests.factories import make_user
from tests.factories.meetings import PublishedMeetingFactory
from tests.factories.packs import make_pack_meeting
from tests.packs.helpers import ok_build
from tests.site.test_browser_offline import CACHES, FETCH, SAVED, open_ready, save

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def upcoming(transactional_db):
    start = timezone.now() + dt.timedelta(days=14)
    pm = make_pack_meeting(landscape=False, meeting=PublishedMeetingFactory(start=start))
    ok_build(pm.meeting)
    pm.member_user = make_user("councillor", person=pm.member.person)
    return pm


def test_a_sign_in_that_ends_on_its_own_deletes_the_saved_members_pack(
    browser, live_server, upcoming, settings
):
    # A short sign-in: long enough to sign in and save, then it ends on the open page.
    settings.SESSION_COOKIE_AGE = 30
    settings.SESSION_WARNING_SECONDS = 5
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20000)
    login(page, upcoming.member_user.username)
    meeting = upcoming.meeting
    open_ready(page, meeting.get_absolute_url())
    save(page)
    saved = page.evaluate(SAVED)
    private = [name for name in saved if name.startswith("offline-private-")]
    assert len(private) == 1
    members_pack = f"/meetings/{meeting.pk}/members-pack.pdf"
    assert members_pack in [path for path, _ in saved[private[0]]]

    # Nobody touches the page; the sign-in ends and the dialog says so.
    page.get_by_role("heading", name="You have been signed out").wait_for(timeout=45000)
    # Then the private copies go (the worker asked the server: nobody is signed in).
    for _ in range(40):
        if not [n for n in page.evaluate(CACHES) if n.startswith("offline-private-")]:
            break
        page.wait_for_timeout(500)
    assert not [n for n in page.evaluate(CACHES) if n.startswith("offline-private-")]
    context.set_offline(True)
    result = page.evaluate(FETCH, members_pack)
    assert result["status"] == "failed", result
    context.close()


def test_signing_out_offline_says_so_and_still_removes_the_saved_copies(
    browser, live_server, upcoming
):
    """Offline, "Sign out" used to leave the member on the browser's "No internet" page,
    still signed in on the server with nothing said. Now the page says they are not signed
    out yet; the private copies are removed all the same."""
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20000)
    login(page, upcoming.member_user.username)
    open_ready(page, upcoming.meeting.get_absolute_url())
    save(page)
    context.set_offline(True)
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    page.get_by_role("button", name="Sign out").click()
    alert = page.get_by_role("alert").filter(has_text="not signed out yet")
    alert.wait_for()
    assert "removed" in alert.inner_text()
    assert page.url.startswith(live_server.url)
    for _ in range(20):
        if not [n for n in page.evaluate(CACHES) if n.startswith("offline-private-")]:
            break
        page.wait_for_timeout(250)
    assert not [n for n in page.evaluate(CACHES) if n.startswith("offline-private-")]
    context.close()
