"""Issue 23: on a phone (390×844) a member adds a private note on a paper and sees it beside
the paper on the meeting page; another member does not."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import login
from tests.factories import MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import AgendaItemFactory, DocumentFactory, PublishedMeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOTE = "Ask about the BROLGA overspend on page 3"


def test_a_member_adds_a_note_on_a_paper_on_a_phone(browser, live_server, axe):
    meeting = PublishedMeetingFactory()
    item = AgendaItemFactory(meeting=meeting, title="Budget monitoring")
    paper = DocumentFactory(agenda_item=item, title="Budget appendix")
    for name in ("nina", "omar"):
        person = PersonFactory(name=f"Councillor {name.title()}")
        MembershipFactory(
            person=person, committee=meeting.committee, start_date=dt.date(2000, 1, 1)
        )
        make_user("councillor", username=name, person=person)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        login(page, "nina")
        page.goto(meeting.get_absolute_url())
        page.get_by_role("link", name="Add a note on Budget appendix", exact=True).click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Add a private note"
        assert axe(page) == []
        page.get_by_label("Your note on “Budget appendix”").fill(NOTE)
        page.get_by_role("button", name="Save note").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"{meeting.get_absolute_url()}#paper-note-{paper.pk}")
        block = page.locator(f"#paper-note-{paper.pk}")
        assert NOTE in block.inner_text()
        assert block.is_visible()
        # Beside the paper: inside the paper's own list entry, below its link.
        entry = page.locator("li", has=page.get_by_role("link", name="Budget appendix", exact=True))
        assert NOTE in entry.first.inner_text()
        box = block.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        page.get_by_role("link", name="My notes for this meeting").click()
        page.wait_for_load_state()
        assert NOTE in page.content()
        context.clear_cookies()
        login(page, "omar")
        page.goto(meeting.get_absolute_url())
        assert NOTE not in page.content()
        assert page.get_by_role("link", name="Add a note on Budget appendix").count() == 1
    finally:
        context.close()
