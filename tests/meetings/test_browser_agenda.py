"""Issue 15, items 9–11 in a real Chromium: standard opening items edited once and used by a
new meeting; a new meeting copying the previous agenda; five items added in one submission;
items reordered with the keyboard (no page reload, announced) and by drag and drop, and the
order kept on the public agenda; the same without JavaScript; removal behind a confirm page;
the label fixes; axe on the new pages."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import fill_date, login
from meetings import services
from meetings.models import AgendaItem, Meeting
from tests.factories import CommitteeFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONDON = ZoneInfo("Europe/London")
CANARY = "CANARY-browser-agenda-91b"


def future(days=30, hour=10):
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)


def posts(page) -> list[str]:
    """Record every form submission or fetch POST the page makes."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if r.method == "POST" else None)
    return seen


def button(page, title: str, direction: str):
    return page.locator(f"tr[data-title='{title}'] [data-move='{direction}'] button")


def item_titles(page) -> list[str]:
    return page.eval_on_selector_all(
        "tbody[data-agenda-order] tr[data-item]", "rows => rows.map(r => r.dataset.title)"
    )


def saved_titles(meeting) -> list[str]:
    return list(
        AgendaItem.all_objects.filter(meeting=meeting)
        .order_by("order")
        .values_list("title", flat=True)
    )


@pytest.fixture
def officer():
    return make_user("officer", username="agenda-officer")


def test_standard_items_edited_once_then_a_new_meeting_gets_them(page, officer, axe):
    committee = CommitteeFactory(name="Children's Scrutiny Panel", slug="csp-standard")
    login(page, "agenda-officer")
    page.goto("/officer/meetings/?committee=csp-standard")
    page.get_by_role("link", name="Change the standard opening items of this committee").click()
    assert page.locator("h1").inner_text() == "Standard opening items"
    assert axe(page) == []
    # The real panel's order: Minutes first; no deputations or public questions.
    page.fill("#id_items-0-position", "2")  # Membership of the Committee
    page.fill("#id_items-1-position", "1")  # Minutes of the Previous Meeting
    page.fill("#id_items-2-title", "Declarations of Interests")
    page.check("#id_items-4-remove")
    page.check("#id_items-5-remove")
    page.fill("#id_items-6-title", "Chair's announcements")
    page.select_option("#id_items-6-kind", "business")
    page.fill("#id_items-6-position", "5")
    page.get_by_role("button", name="Save the standard items").click()
    assert "Standard opening items saved" in page.content()

    page.goto("/officer/meetings/add/?committee=csp-standard")
    start = future()
    fill_date(page, "start", f"{start:%Y-%m-%dT%H:%M}")
    page.get_by_role("button", name="Save").click()
    assert "Meeting created with the standard opening items" in page.content()
    assert item_titles(page) == [
        "Minutes of the Previous Meeting",
        "Membership of the Committee",
        "Declarations of Interests",
        "Admission of the Public",
        "Chair's announcements",
    ]
    assert committee.meetings.count() == 1


def test_new_meeting_copies_the_previous_agenda_and_keeps_exemptions(
    page, browser, live_server, officer
):
    committee = CommitteeFactory(name="Corporate Parenting Board", slug="cpb-copy")
    previous = services.create_meeting(committee=committee, start=future(10), by=officer)
    services.add_agenda_item(meeting=previous, title="Terms of Reference", by=officer)
    services.add_agenda_item(
        meeting=previous,
        title="Missing Children Report",
        description=f"Children named {CANARY}",
        is_exempt=True,
        exempt_paragraph=1,
        exempt_reasons="It names children.",
        by=officer,
    )
    login(page, "agenda-officer")
    page.goto("/officer/meetings/add/")
    page.select_option("#id_committee", label="Corporate Parenting Board")
    start = future(40)
    fill_date(page, "start", f"{start:%Y-%m-%dT%H:%M}")
    page.get_by_label("A copy of the agenda of the committee's previous meeting").check()
    page.get_by_role("button", name="Save").click()
    assert "a copy of the previous meeting's agenda" in page.content()
    assert item_titles(page) == saved_titles(previous)
    row = page.locator("tr[data-title='Missing Children Report']")
    assert "Exempt, paragraph 1" in row.inner_text()

    meeting = Meeting.all_objects.get(committee=committee, start=start)
    services.publish_meeting(meeting=meeting, confirm_late=True, by=officer)
    public = browser.new_context(base_url=live_server.url).new_page()
    public.goto(meeting.get_absolute_url())
    text = public.content()
    assert "Missing Children Report" in text
    assert "Exempt – Schedule 12A paragraph 1: Information relating to any individual." in (
        public.locator("#main-content").inner_text()
    )
    assert CANARY not in text
    public.context.close()


def test_five_items_in_one_submission(page, officer, axe):
    committee = CommitteeFactory(slug="csp-several")
    meeting = services.create_meeting(committee=committee, start=future(), by=officer)
    login(page, "agenda-officer")
    page.goto(f"/officer/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Add several items").click()
    assert axe(page) == []
    assert "(optional) (optional)" not in page.content()
    submitted = posts(page)
    names = [
        "PSHE / Prevent in Schools",
        "Leeds and Kirklees Improvement Partnership",
        "Corporate Performance Q4 (2016/17)",
        "Work Programme",
        "Minutes of Corporate Parenting Board",
    ]
    for n, name in enumerate(names):
        page.fill(f"#id_rows-{n}-title", name)
    page.fill("#id_rows-0-description", "To receive a report on PSHE and Prevent in Schools.")
    page.fill("#id_rows-3-contact_text", "Yolande Myers – 01484 221000")
    page.get_by_role("button", name="Add the items").click()
    assert "5 items added (items 7 to 11)" in page.content()
    assert len(submitted) == 1
    assert item_titles(page)[6:] == names
    assert saved_titles(meeting)[6:] == names


def test_reorder_with_the_keyboard_without_a_reload_then_public_agenda(
    page, browser, live_server, officer, axe
):
    committee = CommitteeFactory(slug="csp-keys")
    meeting = services.create_meeting(committee=committee, start=future(), by=officer)
    services.add_agenda_items(
        meeting=meeting,
        items=[{"title": "Alpha report"}, {"title": "Beta report"}, {"title": "Gamma report"}],
        by=officer,
    )
    login(page, "agenda-officer")
    page.goto(f"/officer/meetings/{meeting.pk}/")
    assert axe(page) == []
    page.evaluate("window.__sameDocument = true")
    submitted = posts(page)

    # Tab to Gamma's Up button and press Enter twice, Space once (no mouse).
    up = button(page, "Gamma report", "up")
    up.focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-agenda-status]")).to_contain_text("item 8 of 9")
    page.keyboard.press("Enter")
    expect(page.locator("[data-agenda-status]")).to_contain_text("item 7 of 9")
    assert page.locator("[data-agenda-status]").inner_text() == "“Gamma report” is now item 7 of 9."
    assert page.locator("[data-agenda-status]").get_attribute("aria-live") == "polite"
    assert page.evaluate("window.__sameDocument") is True  # no page reload
    assert len(submitted) == 2
    # The keyboard stays on the moved item's button.
    focused = (
        "[document.activeElement.closest('tr').dataset.title,"
        " document.activeElement.closest('form').dataset.move]"
    )
    assert page.evaluate(focused) == ["Gamma report", "up"]
    assert item_titles(page)[6:] == ["Gamma report", "Alpha report", "Beta report"]
    numbers = page.eval_on_selector_all(
        "tbody[data-agenda-order] [data-number]", "cells => cells.map(c => c.textContent)"
    )
    assert numbers == [str(n) for n in range(1, 10)]

    # Down from the last place is not offered; the moved last item gets it back.
    button(page, "Gamma report", "down").press(" ")
    expect(page.locator("[data-agenda-status]")).to_contain_text("item 8 of 9")
    assert item_titles(page)[6:] == ["Alpha report", "Gamma report", "Beta report"]
    assert button(page, "Beta report", "down").is_hidden()
    assert button(page, "Gamma report", "down").is_visible()

    # Persisted: a reload shows the saved order.
    page.reload()
    assert item_titles(page)[6:] == ["Alpha report", "Gamma report", "Beta report"]
    assert saved_titles(meeting)[6:] == ["Alpha report", "Gamma report", "Beta report"]

    services.publish_meeting(meeting=meeting, confirm_late=True, by=officer)
    public = browser.new_context(base_url=live_server.url).new_page()
    public.goto(meeting.get_absolute_url())
    headings = public.locator("li.portal-agenda-item h3").all_inner_texts()
    assert headings[6:] == ["7: Alpha report", "8: Gamma report", "9: Beta report"]
    public.context.close()


def test_reorder_by_drag_and_drop(page, officer):
    committee = CommitteeFactory(slug="csp-drag")
    meeting = services.create_meeting(committee=committee, start=future(), by=officer)
    services.add_agenda_items(
        meeting=meeting,
        items=[{"title": "Alpha report"}, {"title": "Beta report"}, {"title": "Gamma report"}],
        by=officer,
    )
    login(page, "agenda-officer")
    # Tall enough that the whole agenda is on screen while dragging.
    page.set_viewport_size({"width": 1280, "height": 2400})
    page.goto(f"/officer/meetings/{meeting.pk}/")
    handle = page.locator("tr[data-title='Gamma report'] [data-drag-handle]")
    target = page.locator("tr[data-title='Membership of the Committee'] [data-number]")
    handle.drag_to(target, target_position={"x": 5, "y": 2})
    expect(page.locator("[data-agenda-status]")).to_contain_text("item 1 of 9")
    assert item_titles(page)[:2] == ["Gamma report", "Membership of the Committee"]
    assert saved_titles(meeting)[:2] == ["Gamma report", "Membership of the Committee"]
    # A second drag uses the versions the first answer returned (no conflict).
    handle = page.locator("tr[data-title='Alpha report'] [data-drag-handle]")
    target = page.locator("tr[data-title='Beta report'] [data-number]")
    box = target.bounding_box()
    handle.drag_to(target, target_position={"x": 5, "y": box["height"] - 2})
    expect(page.locator("[data-agenda-status]")).to_contain_text("Alpha report")
    assert saved_titles(meeting)[-2:] == ["Beta report", "Alpha report"]
    assert item_titles(page)[-2:] == ["Beta report", "Alpha report"]


def test_without_javascript_the_buttons_post_and_the_page_reloads(browser, live_server, officer):
    committee = CommitteeFactory(slug="csp-nojs")
    meeting = services.create_meeting(committee=committee, start=future(), by=officer)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    login(page, "agenda-officer")
    page.goto(f"/officer/meetings/{meeting.pk}/")
    assert page.locator("[data-drag-handle]").count() == 0
    button(page, "Membership of the Committee", "down").click()
    page.wait_for_load_state()
    assert "“Membership of the Committee” is now item 2 of 6." in page.content()
    assert saved_titles(meeting)[:2] == [
        "Minutes of the Previous Meeting",
        "Membership of the Committee",
    ]
    context.close()


def test_remove_is_on_the_edit_page_behind_a_confirm_page(page, officer, axe):
    committee = CommitteeFactory(slug="csp-remove")
    meeting = services.create_meeting(committee=committee, start=future(), by=officer)
    login(page, "agenda-officer")
    page.goto(f"/officer/meetings/{meeting.pk}/")
    assert page.get_by_role("button", name="Remove item 6").count() == 0
    page.get_by_role("link", name="Edit item 6").click()
    page.get_by_role("link", name="Remove item 6 from the agenda").click()
    assert page.locator("h1").inner_text() == "Remove item 6?"
    assert axe(page) == []
    page.get_by_role("button", name="Remove item 6").click()
    assert "Item removed: Public Question Time." in page.content()
    assert len(saved_titles(meeting)) == 5
