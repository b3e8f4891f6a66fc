"""The header must not jump on a phone: govuk-frontend's js-enabled marker runs before the
header paints and the Content-Security-Policy blocks nothing on the page (issue 16, finding 5)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLS_OBSERVER = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) { if (!entry.hadRecentInput) total += entry.value; }
  }).observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(total), 500);
})"""


def test_js_enabled_set_with_no_csp_violation_and_no_layout_shift_on_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 740})
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(msg.text))
    page.goto("/")
    page.wait_for_load_state("load")
    classes = page.evaluate("Array.from(document.body.classList)")
    assert "js-enabled" in classes
    assert "govuk-frontend-supported" in classes
    cls = page.evaluate(CLS_OBSERVER)
    violations = page.evaluate("window.__cspViolations || []")
    context.close()
    assert not [m for m in messages if "Content Security Policy" in m or "Refused" in m]
    assert violations == []
    assert cls < 0.1, cls


def test_phone_menu_still_opens_and_desktop_shows_the_navigation(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto("/")
    nav = page.locator("#navigation")
    assert not nav.is_visible()
    page.get_by_role("button", name="Menu").click()
    assert nav.is_visible()
    page.get_by_role("link", name="Committees", exact=True).click()
    assert page.locator("h1").inner_text() == "Committees and panels"
    context.close()
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto("/")
    assert page.locator("#navigation").is_visible()
    assert not page.get_by_role("button", name="Menu").is_visible()
    context.close()
