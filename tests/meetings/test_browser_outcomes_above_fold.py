"""At 1280×800 the public sees "what did it decide" and "when does it next meet and what is
on it" without scrolling: the meeting page's "What the panel decided" and the committee
page's next-meeting agenda are above the fold (issue 16, finding 8). Both pages pass axe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from meetings.minutes import services
from meetings.models import ItemKind
from tests.factories.meetings import AgendaItemFactory, PublishedMeetingFactory
from tests.factories.minutes import make_meeting_with_items

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FOLD = 800


def _decided_meeting():
    meeting = make_meeting_with_items(business=12, exempt=True)
    minutes = services.start_minutes(meeting=meeting)
    for minute in minutes.items.filter(agenda_item__kind=ItemKind.BUSINESS):
        services.save_minute(
            minute=minute,
            text="Discussion.",
            resolutions=[f"That the report on {minute.agenda_item.title} be noted."],
            version=minute.version,
        )
    services.publish_minutes(minutes=minutes)
    return meeting


def _bottom(page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["y"] + box["height"]


def test_decisions_and_next_agenda_are_above_the_fold(browser, live_server, axe):
    meeting = _decided_meeting()
    committee = meeting.committee
    upcoming = PublishedMeetingFactory(
        committee=committee, start=timezone.now() + dt.timedelta(days=12), venue="Room 4"
    )
    for n in range(1, 9):
        AgendaItemFactory(meeting=upcoming, order=n, number=str(n), title=f"Budget topic {n}")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15000)

    page.goto(meeting.get_absolute_url())
    assert page.locator("#decisions-heading").inner_text() == "What the panel decided"
    first = "section[aria-labelledby=decisions-heading] li"
    assert "be noted." in page.locator(first).first.inner_text()
    assert _bottom(page, first) <= FOLD, _bottom(page, first)
    assert axe(page) == []

    page.goto(committee.get_absolute_url())
    assert "Next meeting" in page.locator("#next-meeting-heading").inner_text()
    items = "ol[aria-labelledby=next-meeting-agenda-heading] li"
    assert page.locator(items).first.inner_text() == "1: Budget topic 1"
    assert _bottom(page, items) <= FOLD, _bottom(page, items)
    assert axe(page) == []
    context.close()
