"""A journalist's journey in a real browser: search, filter, and the open data page; and the
officers' list of PDFs without text. Every page checked with axe."""

from __future__ import annotations

import pytest

from conftest import login
from tests.factories import make_user
from tests.factories.opendata import CANARY, scanned_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_journalist_searches_filters_and_subscribes(page, axe, world):
    page.goto("/")
    page.get_by_role("link", name="Search").first.click()
    page.fill("#id_q", '"agency staff"')
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    heading = page.locator("#results").inner_text()
    assert "result" in heading
    results = page.locator(".portal-search-results li")
    assert results.count() >= 2
    assert page.locator(".portal-search-results mark").count() >= 1
    assert CANARY not in page.content()
    assert axe(page) == []
    page.select_option("#id_type", "report")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    assert page.locator(".portal-search-results li").count() == 1
    assert "Workforce report" in page.locator(".portal-search-results").inner_text()
    page.goto("/open-data/")
    assert page.get_by_role("link", name="All committee meetings (iCalendar)").is_visible()
    assert axe(page) == []


def test_officer_checks_pdfs_without_text(page, axe, world):
    scanned_document(world.item)
    make_user("officer", username="clerk")
    login(page, "clerk")
    page.goto("/officer/documents/without-text/")
    page.get_by_role("button", name="Check 2 PDFs now").click()
    page.wait_for_load_state()
    assert "Scanned letter" in page.locator("table").inner_text()
    assert axe(page) == []
