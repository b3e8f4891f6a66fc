"""A Cabinet meeting's minutes produce its decision records in a real browser: the officer
presses "Make decision records from the minutes" on the meeting's officer page, completes a
draft (reasons, alternatives), is refused publication until it is complete, publishes it,
and the public decision page says "Call-in open until …". axe-core on every page visited."""

from __future__ import annotations

import pytest

from conftest import login
from decisions.models import Decision, DecisionStatus
from meetings.minutes import services as minutes_services
from meetings.minutes.models import Minute
from tests.factories import make_user
from tests.factories.decisions import CabinetFactory
from tests.factories.minutes import make_meeting_with_items

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check_axe(page, axe):
    violations = axe(page)
    assert violations == [], (page.url, violations)


def test_cabinet_minutes_make_decisions_the_officer_completes_and_publishes(page, axe):
    make_user("officer", username="cabinet-officer")
    cabinet = CabinetFactory(name="Cabinet", slug="cabinet")
    meeting = make_meeting_with_items(committee=cabinet, business=2)
    minutes = minutes_services.start_minutes(meeting=meeting)
    items = Minute.objects.filter(minutes=minutes, agenda_item__title__startswith="Busi")
    for minute in items:
        minutes_services.save_minute(
            minute=minute,
            text="<p>The Cabinet considered the report.</p>",
            resolutions=["That the proposals be approved."],
            version=None,
        )
    first_title = items.order_by("agenda_item__order").first().agenda_item.title

    login(page, "cabinet-officer")
    page.goto(f"/officer/meetings/{meeting.pk}/")
    check_axe(page, axe)
    page.get_by_role("button", name="Make decision records from the minutes").click()
    page.wait_for_load_state()
    assert "2 draft decision record(s) made from the minutes." in page.content()
    check_axe(page, axe)
    made = Decision.all_objects.filter(agenda_item__meeting=meeting)
    assert made.count() == 2
    assert {d.status for d in made} == {DecisionStatus.DRAFT}

    page.get_by_role("link", name=first_title).first.click()
    page.wait_for_load_state()
    check_axe(page, axe)
    decision = made.get(title=first_title)
    # The record from the minutes has the decision but not yet the reasons: refused, and
    # told what is missing.
    assert decision.reasons == ""
    page.get_by_role("button", name="Publish the decision").click()
    page.wait_for_load_state()
    assert "Enter the reasons for the decision (Edit the record), then publish." in page.content()
    assert "Enter the alternatives considered and rejected" in page.content()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT
    check_axe(page, axe)
    page.get_by_role("link", name="Edit the record").click()
    page.wait_for_load_state()
    check_axe(page, axe)
    assert page.input_value("#id_decision") == "1) That the proposals be approved."
    page.fill("#id_reasons", "The proposals meet the council's duties.")
    page.fill("#id_alternatives", "To do nothing: rejected as the duty would not be met.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Publish the decision").click()
    page.wait_for_load_state()
    assert "The decision is published and open to call-in." in page.content()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CALL_IN_OPEN
    assert decision.call_in_closes_at is not None

    page.context.clear_cookies()  # the public
    page.goto(decision.get_absolute_url())
    check_axe(page, axe)
    text = page.content()
    assert "Call-in open until" in text
    assert "That the proposals be approved." in text
    assert "The proposals meet the council" in text
    assert f"{decision.call_in_closes_at.astimezone().strftime('%Y')}" in text
