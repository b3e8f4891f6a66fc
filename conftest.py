"""Project-wide test fixtures: background tasks run immediately, media goes to a temporary
folder, and a real Chromium is driven through Playwright for browser tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
AXE_JS = Path(__file__).parent / "static" / "vendor" / "axe" / "axe.min.js"


def _browser_required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("REQUIRE_BROWSER") == "1"


IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}


@pytest.fixture(autouse=True)
def _portal_test_settings(request, settings, tmp_path):
    settings.TASKS = IMMEDIATE_TASKS
    # Data a module holds for all its tests (hold_for_module) keeps its papers in its own folder.
    settings.MEDIA_ROOT = getattr(request.module, "HELD_MEDIA_ROOT", str(tmp_path / "media"))
    if hasattr(request.module, "HELD_MEDIA_ROOT") and "transactional_db" in request.fixturenames:
        pytest.fail(
            "this module holds its data in a transaction (hold_for_module): a test needing "
            "committed data (transactional_db, live_server) must build its own"
        )
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = False
    # Most tests build no Council row; the first-run page is tested on its own (tests/brand).
    settings.FIRST_RUN_SETUP = False
    # Reads go to the primary unless a test asks for the replica (tests/hardening/test_replica.py).
    settings.READ_REPLICA = None
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.cache import cache

    from scrutiny.cache import forget_process_state

    cache.clear()
    forget_process_state()


def hold_for_module(request, django_db_blocker, tmp_path_factory, build, run_on_commit=False):
    """Build data once for a whole test module: ``build()`` runs in a transaction held open
    for the module, each test runs in a savepoint inside it (pytest-django's ``db``) and the
    module's end rolls it all back. A test that writes sees its own writes; the next test sees
    what ``build`` made. Papers go to a media folder of the module's. With ``run_on_commit``
    the follow-up work a commit would start (packs, search) runs, as a real commit would.
    Yields what ``build`` returns."""
    from django.core.cache import cache
    from django.db import transaction
    from django.test import TestCase
    from django.test.utils import override_settings

    from scrutiny.cache import forget_process_state

    media = str(tmp_path_factory.mktemp("module-media"))
    held = transaction.atomic()
    with django_db_blocker.unblock():
        held.__enter__()
        try:
            with (
                override_settings(MEDIA_ROOT=media, TASKS=IMMEDIATE_TASKS, FIRST_RUN_SETUP=False),
                TestCase.captureOnCommitCallbacks(execute=run_on_commit),
            ):
                value = build()
        except BaseException:
            transaction.set_rollback(True)
            held.__exit__(None, None, None)
            raise
    cache.clear()
    forget_process_state()
    request.module.HELD_MEDIA_ROOT = media
    yield value
    del request.module.HELD_MEDIA_ROOT
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        held.__exit__(None, None, None)
    cache.clear()
    forget_process_state()


def load_demo() -> None:
    from django.core.management import call_command

    call_command("load_demo_data", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture(scope="module")
def demo_module(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo council (``load_demo_data``) loaded once for a module whose tests read it
    (``hold_for_module``). Every test in the module sees it once a test has asked for it."""
    yield from hold_for_module(request, django_db_blocker, tmp_path_factory, load_demo)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if _browser_required():
            pytest.fail(f"Chromium is required for browser tests but {CHROMIUM} is missing")
        pytest.skip("Chromium is not installed (browser tests run in CI)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import Page, sync_playwright

    # A click that follows a link returns once the next page has *started* loading; read then,
    # the page can still be empty (CI on 915b4d5 read '' from a meeting page). A test reads a
    # page the way a person does: once it has loaded.
    read_now = Page.content

    def read_when_loaded(self: Page) -> str:
        self.wait_for_load_state("load")
        return read_now(self)

    Page.content = read_when_loaded
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    Page.content = read_now


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def axe():
    """Run axe-core in the page; returns WCAG 2 A/AA violations (an empty list is a pass)."""
    source = AXE_JS.read_text()

    def run(page) -> list[dict]:
        page.evaluate(source)  # evaluated through the DevTools protocol, so CSP does not block it
        result = page.evaluate(
            """async () => await axe.run(document, {
                runOnly: {type: 'tag',
                          values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
            })"""
        )
        return [
            {
                "id": v["id"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
        ]

    return run


def login(page, username: str, password: str = "test-password-1") -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def fill_date(page, name: str, value: str) -> None:
    """Type an ISO date ("2017-06-01") or date and time ("2017-06-01T10:00") into the GOV.UK
    date input of the field ``name`` (``scrutiny.forms.GovukDateInput``): Day, Month, Year
    and Time, as a person types them."""
    day, _, clock = value.partition("T")
    year, month, date = day.split("-")
    page.fill(f"[name='{name}_day']", str(int(date)))
    page.fill(f"[name='{name}_month']", str(int(month)))
    page.fill(f"[name='{name}_year']", year)
    if clock:
        page.fill(f"[name='{name}_time']", clock[:5])


@pytest.fixture
def fragments_on(settings):
    """The fragment cache on (scrutiny.fragments), with nothing remembered from before."""
    from scrutiny.cache import forget_process_state

    settings.FRAGMENT_CACHE_SECONDS = 300
    forget_process_state()
    yield
    forget_process_state()
