"""Call-in in a real browser: a councillor starts a call-in request from /my/, another signs
it, the scrutiny officer validates it, puts it on the scrutiny committee's agenda and records
the outcome, and the public then read it; a decision is implemented only after its call-in
window. axe-core on every page visited (WCAG 2.2 A/AA: no violations)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import fill_date, login
from decisions.models import (
    CallInRequest,
    CallInStatus,
    CallInWho,
    Decision,
    DecisionSettings,
    DecisionStatus,
)
from scrutiny.models import Committee
from tests.factories import CommitteeFactory, PersonFactory, make_user
from tests.factories.decisions import PublishedDecisionFactory
from tests.factories.meetings import MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check_axe(page, axe):
    violations = axe(page)
    assert violations == [], (page.url, violations)


def sign_out(page):
    page.context.clear_cookies()


def test_call_in_requested_signed_validated_heard_and_decided(page, axe):
    committee = CommitteeFactory(
        name="Overview and Scrutiny", slug="osc", kind=Committee.Kind.SCRUTINY_COMMITTEE
    )
    DecisionSettings.objects.create(
        scrutiny_committee=committee, call_in_who=CallInWho.ANY_MEMBERS, call_in_signatures=2
    )
    decision = PublishedDecisionFactory(title="Close Dalton library")
    meeting = MeetingFactory(committee=committee, start=timezone.now() + dt.timedelta(days=9))
    make_user("councillor", username="cllr-a", person=PersonFactory(name="Ann Able"))
    make_user("councillor", username="cllr-b", person=PersonFactory(name="Ben Bold"))
    make_user("officer", username="scrutiny-officer")

    # A councillor starts the request from their page.
    login(page, "cllr-a")
    page.goto("/my/")
    check_axe(page, axe)
    page.get_by_role("link", name="Close Dalton library").click()
    check_axe(page, axe)
    page.get_by_role("button", name="Start the call-in request and sign it").click()
    page.wait_for_load_state()
    assert "There is a problem" in page.content()  # no reasons given: told where they are
    check_axe(page, axe)
    page.fill("#id_reasons", "The consultation ignored the library's users.")
    page.get_by_role("button", name="Start the call-in request and sign it").click()
    page.wait_for_load_state()
    assert "Your call-in request is started" in page.content()
    check_axe(page, axe)
    request = CallInRequest.all_objects.get(decision=decision)

    # Not public yet.
    sign_out(page)
    response = page.goto(f"/call-ins/{request.pk}/")
    assert response.status == 404

    # Another councillor adds their name from the decision page.
    login(page, "cllr-b")
    page.goto(decision.get_absolute_url())
    check_axe(page, axe)
    page.get_by_role("link", name="Read it and add your name").click()
    page.get_by_role("button", name="Add my name to this call-in").click()
    page.wait_for_load_state()
    assert "sent to the scrutiny officer" in page.content()
    assert page.locator("#callin-status").inner_text() == "Submitted for validation"
    check_axe(page, axe)

    # The scrutiny officer validates it, puts it on the agenda and records the outcome.
    sign_out(page)
    login(page, "scrutiny-officer")
    page.goto("/officer/call-ins/")
    check_axe(page, axe)
    page.get_by_role("link", name="Close Dalton library").click()
    check_axe(page, axe)
    page.get_by_role("button", name="The call-in is valid: suspend the decision").click()
    page.wait_for_load_state()
    assert "the decision is suspended" in page.content()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.SUSPENDED
    page.select_option("#id_hearing-meeting", str(meeting.pk))
    page.get_by_role("button", name="Add to the agenda").click()
    page.wait_for_load_state()
    assert "The call-in is item" in page.content()
    check_axe(page, axe)
    # The hearing is held before its outcome can be recorded (not in the future).
    meeting.start = timezone.now() - dt.timedelta(hours=2)
    meeting.save(update_fields=["start"])
    page.reload()
    page.get_by_label("Referred back to the decision maker with concerns").check()
    fill_date(page, "outcome-decided_on", timezone.localdate(meeting.start).isoformat())
    page.fill("#id_outcome-concerns", "Consult the library's users.")
    page.get_by_role("button", name="Record the outcome").click()
    page.wait_for_load_state()
    check_axe(page, axe)
    page.fill("#id_response-response", "Consulted for four more weeks; decision confirmed.")
    fill_date(page, "response-response_on", timezone.localdate(meeting.start).isoformat())
    page.get_by_role("button", name="Record the response").click()
    page.wait_for_load_state()
    assert "the decision takes effect" in page.content()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.EFFECTIVE
    request.refresh_from_db()
    assert request.status == CallInStatus.DECIDED
    assert request.hearing_item.meeting == meeting

    # The public read the call-in, its outcome and the response.
    sign_out(page)
    page.goto(decision.get_absolute_url())
    page.get_by_role("link", name="Call-in request found valid on").first.click()
    check_axe(page, axe)
    text = page.content()
    assert "The consultation ignored the library" in text
    assert "Referred back to the decision maker with concerns" in text
    assert "Consulted for four more weeks; decision confirmed." in text
    assert "Ann Able" in text and "Ben Bold" in text


def test_decision_implemented_only_after_the_call_in_window(page, axe):
    decision = PublishedDecisionFactory(title="Move the youth service")
    make_user("officer", username="scrutiny-officer")
    login(page, "scrutiny-officer")
    page.goto(f"/officer/decisions/{decision.pk}/")
    page.get_by_role("button", name="Mark as implemented").click()
    page.wait_for_load_state()
    assert "cannot be implemented before then" in page.content()
    check_axe(page, axe)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CALL_IN_OPEN
    # The window closes.
    Decision.all_objects.filter(pk=decision.pk).update(
        call_in_closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    page.goto(f"/officer/decisions/{decision.pk}/")
    page.get_by_role("button", name="Mark as implemented").click()
    page.wait_for_load_state()
    assert "recorded as implemented" in page.content()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.IMPLEMENTED
