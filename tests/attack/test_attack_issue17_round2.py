"""Second outside attack on issue 17 (attack17, round 2): dates that let a decision take
effect, or a record be published, before the event it records has happened."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from decisions import callin_services
from decisions import services as decision_services
from decisions.models import (
    CallInResult,
    CallInStatus,
    CallInWho,
    DecisionSettings,
    DecisionStatus,
)
from scrutiny.models import Committee
from tests.factories import CommitteeFactory, PersonFactory, make_user
from tests.factories.decisions import (
    DecisionFactory,
    PublishedDecisionFactory,
    PublishedEntryFactory,
    WardFactory,
)
from tests.factories.meetings import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """A validated call-in put on an upcoming meeting of the scrutiny committee."""
    committee = CommitteeFactory(name="OSMC", slug="osmc", kind=Committee.Kind.SCRUTINY_COMMITTEE)
    DecisionSettings.objects.create(
        scrutiny_committee=committee, call_in_who=CallInWho.ANY_MEMBERS, call_in_signatures=2
    )
    people = [PersonFactory(name=f"Cllr {n}") for n in "AB"]
    users = [make_user("councillor", person=p) for p in people]
    request = callin_services.start_request(
        decision=PublishedDecisionFactory(), person=people[0], reasons="Not consulted.", by=users[0]
    )
    callin_services.sign_request(request=request, person=people[1], by=users[1])
    officer = make_user("officer")
    request.refresh_from_db()
    callin_services.validate_request(request=request, by=officer)
    meeting = MeetingFactory(committee=committee, start=timezone.now() + dt.timedelta(days=14))
    request.refresh_from_db()
    callin_services.schedule_hearing(request=request, meeting=meeting, by=officer)
    request.refresh_from_db()
    return request, meeting, officer


def test_outcome_of_a_hearing_not_yet_held_is_refused(client, heard):
    """Found on the live portal: the officer recorded "no further action" dated on the day of a
    hearing two weeks ahead; the decision took effect at once and could be implemented before
    the committee had met."""
    request, meeting, officer = heard
    day = timezone.localdate(meeting.start)
    with pytest.raises(ValidationError, match="cannot be dated in the future"):
        callin_services.record_outcome(
            request=request,
            result=CallInResult.NO_FURTHER_ACTION,
            decided_on=day,
            by=officer,
        )
    client.force_login(officer)
    response = client.post(
        reverse("officer-callin", args=[request.pk]),
        {
            "action": "outcome",
            "version": request.version,
            "outcome-result": "no_further_action",
            "outcome-decided_on_day": str(day.day),
            "outcome-decided_on_month": str(day.month),
            "outcome-decided_on_year": str(day.year),
            "outcome-decided_on": day.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "cannot be dated in the future" in response.content.decode()
    request.refresh_from_db()
    request.decision.refresh_from_db()
    assert request.status == CallInStatus.VALIDATED
    assert request.decision.status == DecisionStatus.CALLED_IN
    with pytest.raises(ValidationError):
        decision_services.mark_implemented(decision=request.decision, by=officer)
    # Once the meeting is held, the same outcome is recorded.
    callin_services.record_outcome(
        request=request,
        result=CallInResult.NO_FURTHER_ACTION,
        decided_on=day,
        by=officer,
        now=meeting.start + dt.timedelta(hours=2),
    )
    request.decision.refresh_from_db()
    assert request.decision.status == DecisionStatus.EFFECTIVE


def test_response_dated_in_the_future_is_refused(heard):
    request, meeting, officer = heard
    held = meeting.start + dt.timedelta(hours=2)
    outcome = callin_services.record_outcome(
        request=request,
        result=CallInResult.REFERRED_BACK,
        decided_on=timezone.localdate(held),
        concerns="Consult first.",
        by=officer,
        now=held,
    )
    with pytest.raises(ValidationError, match="cannot be dated in the future"):
        callin_services.record_response(
            outcome=outcome,
            response="Consulted; confirmed.",
            response_on=timezone.localdate(held) + dt.timedelta(days=3),
            by=officer,
            now=held + dt.timedelta(days=1),
        )
    request.decision.refresh_from_db()
    assert request.decision.status == DecisionStatus.REFERRED_BACK


def test_a_decision_dated_ahead_cannot_be_published(client):
    """Found on the live portal: a record dated next June was published today, opening (and
    soon closing) call-in on a decision not yet taken."""
    officer = make_user("officer")
    ahead = timezone.localdate() + dt.timedelta(days=30)
    decision = DecisionFactory(decision_date=ahead)
    client.force_login(officer)
    response = client.post(reverse("officer-decision-publish", args=[decision.pk]), follow=True)
    assert f"The decision is dated {ahead:%-d %B %Y}" in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT
    assert decision.call_in_closes_at is None
    # On the day it is taken, it is published.
    decision_services.publish_decision(
        decision=decision,
        now=dt.datetime.combine(ahead, dt.time(12), tzinfo=timezone.get_current_timezone()),
        by=officer,
    )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CALL_IN_OPEN


def test_my_page_lists_an_entry_affecting_every_ward(client):
    """Found on the live portal: an entry marked "affects every ward" (which the forward plan's
    ward filter shows for any ward) was missing from a councillor's /my/, and a ward recorded
    as "Zed Ward" read "Zed Ward ward"."""
    ahead = timezone.localdate() + dt.timedelta(days=40)
    zed = WardFactory(name="Zed Ward")
    everywhere = PublishedEntryFactory(
        matter="Borough-wide bin rounds", all_wards=True, planned_decision_date=ahead
    )
    mine = PublishedEntryFactory(matter="Zed park lighting", planned_decision_date=ahead)
    mine.wards.set([zed])
    elsewhere = PublishedEntryFactory(matter="Yew depot", planned_decision_date=ahead)
    elsewhere.wards.set([WardFactory(name="Yew Ward")])
    person = PersonFactory(name="Cllr Zed", ward="zed ward ")  # typed loosely
    client.force_login(make_user("councillor", person=person))
    page = client.get("/my/").content.decode()
    assert everywhere.matter in page
    assert mine.matter in page
    assert elsewhere.matter not in page
    other = PersonFactory(name="Cllr Nowhere", ward="Xen Ward")
    client.force_login(make_user("councillor", person=other))
    page = client.get("/my/").content.decode()
    assert everywhere.matter in page
    everywhere.delete()
    page = client.get("/my/").content.decode()
    assert "affects Xen Ward or is before" in page
    assert "Xen Ward ward" not in page


def test_decision_page_names_the_signatories_once(client, heard):
    """The decision page read "Called in by Cllr A and 2 councillors in all: Cllr A, Cllr B"."""
    request, meeting, officer = heard
    page = client.get(f"/decisions/{request.decision.pk}/").content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert re.search(
        r"Called in by 2 councillors: [^.]*Cllr A, [^.]*Cllr B \(started by [^.]*Cllr A\)\.", text
    ), text[text.find("Called in") : text.find("Called in") + 200]
    assert "in all" not in page


def test_a_withdrawn_entry_cannot_be_brought_back_without_a_new_notice(client):
    """The status page set a withdrawn entry back to "published" with its old first-published
    date, so a notice withdrawn months ago counted as the 28 days' notice."""
    entry = PublishedEntryFactory(matter="Sell the depot")
    officer = make_user("officer")
    decision_services.set_entry_status(entry=entry, status="deferred", by=officer)
    decision_services.set_entry_status(entry=entry, status="published", by=officer)  # back
    decision_services.set_entry_status(entry=entry, status="withdrawn", by=officer)
    client.force_login(officer)
    response = client.post(
        reverse("officer-forward-plan-entry-status", args=[entry.pk]), {"status": "published"}
    )
    assert response.status_code == 200
    assert "A withdrawn entry cannot go back on the plan" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == "withdrawn"
