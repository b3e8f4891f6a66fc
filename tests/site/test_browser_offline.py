"""Offline papers in a real Chromium with the service worker, on a phone (390 x 844).

Issue 23, "Offline papers": a councillor saves an upcoming meeting, reads the agenda and the
members' pack with the network off, is told when a newer pack is available, and signs out,
after which the private copies are gone from the device and the members' pack no longer
loads offline. A membership that ends removes the members' copies the next time the app
runs online. A public visitor's save keeps nothing private. axe passes on the meeting page
with the panel showing.
"""

from __future__ import annotations

import base64
import datetime as dt
import io

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from conftest import login
from meetings.packs.models import Pack
from tests.factories import make_user
from tests.factories.meetings import PublishedMeetingFactory
from tests.factories.packs import CANARY, make_pack_meeting
from tests.packs.helpers import ok_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
READY = "() => document.documentElement.dataset.offlineReady === 'true'"
CACHES = "async () => await caches.keys()"
# Every address and Cache-Control kept in our caches: {cache: [[path, cache-control], ...]}.
SAVED = """async () => {
    const out = {};
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        out[name] = [];
        for (const request of await cache.keys()) {
            const response = await cache.match(request);
            out[name].push([new URL(request.url).pathname,
                            response.headers.get('Cache-Control') || '']);
        }
    }
    return out;
}"""
FETCH = """async (url) => {
    try {
        const r = await fetch(url);
        const bytes = new Uint8Array(await r.arrayBuffer());
        let text = '';
        for (let i = 0; i < bytes.length; i += 8192) {
            text += String.fromCharCode(...bytes.subarray(i, i + 8192));
        }
        return {status: r.status, type: r.headers.get('Content-Type'), body: btoa(text)};
    } catch (error) {
        return {status: 'failed', error: String(error)};
    }
}"""


@pytest.fixture
def upcoming(transactional_db):
    start = timezone.now() + dt.timedelta(days=14)
    pm = make_pack_meeting(landscape=False, meeting=PublishedMeetingFactory(start=start))
    ok_build(pm.meeting)
    pm.member_user = make_user("councillor", person=pm.member.person)
    return pm


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()


def open_ready(page, path: str) -> None:
    page.goto(path)
    page.wait_for_function(READY)


def save(page) -> None:
    page.get_by_role("button", name="Save for offline").click()
    page.wait_for_function(
        "() => document.querySelector('[data-offline-status]')"
        ".textContent.startsWith('Saved for offline on')"
    )
    # The worker controls the page once it has claimed it (first visit: just after install).
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def pdf_text(result: dict) -> str:
    assert result["status"] == 200, result
    assert result["type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(base64.b64decode(result["body"])))
    return "".join(page.extract_text() for page in reader.pages)


def sign_out(page) -> None:
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_councillor_reads_offline_and_sign_out_clears_the_device(phone, upcoming, axe):
    page, meeting = phone, upcoming.meeting
    agenda = meeting.get_absolute_url()
    members_pack = reverse("meeting-members-pack", args=[meeting.pk])
    public_pack = reverse("meeting-pack", args=[meeting.pk])

    login(page, upcoming.member_user.username)
    open_ready(page, agenda)
    assert page.get_by_role("heading", name="Read this meeting offline").is_visible()
    assert axe(page) == []
    save(page)
    saved = page.evaluate(SAVED)
    private = [name for name in saved if name.startswith("offline-private-")]
    assert len(private) == 1
    paths = {p for p, _ in saved[private[0]]}
    assert {agenda, public_pack, members_pack} <= paths
    assert axe(page) == []

    # Offline: the agenda page and the members' pack come from the device.
    page.context.set_offline(True)
    page.goto(agenda)
    banner = page.locator("[data-offline-banner]")
    assert banner.is_visible()
    assert "you're offline" in banner.inner_text()
    assert banner.inner_text().count("Saved on ") == 1
    assert page.get_by_role("heading", level=1).is_visible()
    assert CANARY in pdf_text(page.evaluate(FETCH, members_pack))
    assert pdf_text(page.evaluate(FETCH, public_pack))
    page.wait_for_function(READY)
    assert "saved copy" in page.locator("[data-offline-status]").inner_text()

    # Back online: the live page, no banner; a changed pack is announced.
    page.context.set_offline(False)
    open_ready(page, agenda)
    assert page.locator("[data-offline-banner]").count() == 0
    assert page.locator("[data-offline-status]").inner_text().startswith("Saved for offline on")
    Pack.objects.filter(meeting=meeting, kind="members").update(sha256="1" * 64)
    open_ready(page, agenda)
    page.wait_for_function(
        "() => document.querySelector('[data-offline-meeting]').dataset.offlineState === 'stale'"
    )
    assert page.get_by_text("A newer version is available").is_visible()
    page.get_by_role("button", name="Refresh the saved copy").click()
    page.wait_for_function(
        "() => document.querySelector('[data-offline-status]')"
        ".textContent.startsWith('Saved for offline on')"
    )

    # Sign out: the private copies are gone, and offline the members' pack does not load.
    sign_out(page)
    page.wait_for_function(READY)
    keys = page.evaluate(CACHES)
    assert not [name for name in keys if name.startswith("offline-private-")], keys
    page.context.set_offline(True)
    result = page.evaluate(FETCH, members_pack)
    assert result["status"] != 200, result
    # Clear-Site-Data took the public copies too: offline, the agenda is not on the device.
    with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"):
        page.goto(agenda)
    page.context.set_offline(False)


def test_membership_ending_removes_the_members_copies(phone, upcoming):
    page, meeting = phone, upcoming.meeting
    agenda = meeting.get_absolute_url()
    members_pack = reverse("meeting-members-pack", args=[meeting.pk])
    public_pack = reverse("meeting-pack", args=[meeting.pk])
    login(page, upcoming.member_user.username)
    open_ready(page, reverse("my-portal"))
    assert page.get_by_role("heading", name="Read your papers offline").is_visible()
    page.get_by_role("button", name=str(meeting)).click()
    page.wait_for_function(
        "() => document.querySelector('[data-offline-status]')"
        ".textContent.startsWith('Saved for offline on')"
    )
    saved = page.evaluate(SAVED)
    (private,) = [name for name in saved if name.startswith("offline-private-")]
    assert members_pack in {p for p, _ in saved[private]}

    membership = upcoming.member
    membership.end_date = timezone.localdate() - dt.timedelta(days=1)
    membership.save()
    open_ready(page, "/")  # the app runs again, online: the worker asks the server
    kept = {p for p, _ in page.evaluate(SAVED)[private]}
    assert members_pack not in kept and agenda not in kept
    assert public_pack in kept


def test_a_public_visitors_save_keeps_nothing_private(phone, upcoming):
    page, meeting = phone, upcoming.meeting
    agenda = meeting.get_absolute_url()
    members_pack = reverse("meeting-members-pack", args=[meeting.pk])
    open_ready(page, agenda)
    assert "kept only for you" not in page.content()
    save(page)
    saved = page.evaluate(SAVED)
    assert not [name for name in saved if name.startswith("offline-private-")], saved
    stored = [(p, control) for entries in saved.values() for p, control in entries]
    assert {agenda, reverse("meeting-pack", args=[meeting.pk])} <= {p for p, _ in stored}
    assert members_pack not in {p for p, _ in stored}
    for where, control in stored:
        assert "private" not in control and "no-store" not in control, (where, control)

    page.context.set_offline(True)
    page.goto(agenda)
    assert page.locator("[data-offline-banner]").is_visible()
    assert CANARY not in page.content()
    assert page.evaluate(FETCH, members_pack)["status"] != 200
    page.context.set_offline(False)
