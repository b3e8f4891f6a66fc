"""The officer's import pages in a real browser (Chromium): start an import from the officer
home page, watch the page refresh itself to "Finished" as the real worker runs the import,
read the report, and run it again from the finished run's page (attack 22's dead end). Each
page passes axe."""

from __future__ import annotations

import pytest

from conftest import login
from imports.models import ImportRun
from meetings.models import Meeting
from tests.factories import make_user
from tests.imports.moderngov import generated_site, serving
from tests.meetings.test_browser_conversion import DATABASE_BACKEND, run_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_imports_a_site_watches_it_finish_and_runs_it_again(page, axe, settings):
    settings.TASKS = DATABASE_BACKEND
    settings.IMPORT_REQUEST_INTERVAL = 0
    settings.IMPORT_BACKOFF = 0.01
    settings.IMPORT_TIMEOUT = 5
    officer = make_user("officer", username="import-clerk")
    login(page, officer.username)
    site = generated_site(committees=2, meetings=6, restricted_every=3)
    with serving(site) as url:
        page.goto("/officer/")
        page.get_by_role("link", name="Import from ModernGov").click()
        assert axe(page) == []
        page.get_by_label("Address of the ModernGov site").fill(url)
        page.get_by_role("button", name="Start the import").click()
        page.wait_for_load_state()
        assert page.locator("#import-status").inner_text() == "Queued"
        assert axe(page) == []
        run_worker()  # the import runs; the page refreshes itself every 5 seconds
        page.locator("#import-status", has_text="Finished").wait_for(timeout=20_000)
        assert page.locator("#import-meetings").inner_text().startswith("6 of 6")
        assert "6 created" in page.locator("#import-counts").inner_text()
        assert "restricted: papers not imported" in page.locator("#import-skipped").inner_text()
        assert axe(page) == []
        page.get_by_role("button", name="Run this import again").click()
        page.wait_for_load_state()
        run_worker()
        page.locator("#import-status", has_text="Finished").wait_for(timeout=20_000)
        assert "6 unchanged" in page.locator("#import-counts").inner_text()
    first, second = ImportRun.objects.order_by("pk")
    assert (first.site, second.site) == (url, url) and not second.dry_run
    assert Meeting.all_objects.count() == 6
