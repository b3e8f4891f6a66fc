"""Journeys in a real Chromium, and axe-core on every public page in the sitemap."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from conftest import fill_date, login
from tests.site.test_guards import sitemap_paths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_public_browses_committee_to_councillor(page, demo):
    page.goto("/")
    page.get_by_role("link", name="Committees", exact=True).first.click()
    page.get_by_role("link", name="Children's Scrutiny Panel").click()
    assert page.locator("h1").inner_text() == "Children's Scrutiny Panel"
    page.get_by_role("link", name="Councillor Cahal Burke").first.click()
    assert page.locator("h1").inner_text() == "Councillor Cahal Burke"
    assert "Lindley" in page.content()


def test_officer_adds_membership_and_public_sees_it(page, demo):
    login(page, "officer", "officer-demo-2017")
    page.goto("/officer/committees/childrens-scrutiny-panel/members/")
    page.get_by_role("link", name="Add a membership").click()
    page.select_option("#id_person", label="Councillor Masood Ahmed")
    page.select_option("#id_role", "substitute")
    fill_date(page, "start_date", "2017-06-01")
    page.get_by_role("button", name="Save").click()
    assert "Saved:" in page.content()
    page.goto("/committees/childrens-scrutiny-panel/?year=2017/18")
    section = page.locator("#members-by-year ~ .portal-table-scroll table").inner_text()
    assert "Masood Ahmed" in section and "Substitute" in section


def test_every_public_page_passes_axe(page, demo, axe, client):
    paths = ["/" + p for p in sitemap_paths(client)] + ["/accounts/login/", "/no-such-page/"]
    failures = {}
    for path in paths:
        page.goto(path)
        violations = axe(page)
        if violations:
            failures[path] = violations
    assert failures == {}


def test_pages_work_on_a_phone(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto("/committees/childrens-scrutiny-panel/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    context.close()
