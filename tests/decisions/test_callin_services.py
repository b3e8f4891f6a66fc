"""The call-in workflow's services (decisions.callin_services): who may call in, signatures,
completion within the period, validation, the hearing on the scrutiny committee's agenda,
the outcome and the decision maker's response, each audited with its user."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from decisions import callin_services as services
from decisions.models import (
    CallInRequest,
    CallInResult,
    CallInStatus,
    CallInWho,
    DecisionSettings,
    DecisionStatus,
)
from meetings.models import MeetingStatus, Report
from scrutiny.models import Committee, Membership, Person
from tests.factories import CommitteeFactory, PersonFactory, make_user
from tests.factories.decisions import (
    CabinetFactory,
    PortfolioHolderFactory,
    PrivateDecisionFactory,
    PublishedDecisionFactory,
)
from tests.factories.meetings import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules():
    committee = CommitteeFactory(
        name="Overview and Scrutiny Management Committee",
        slug="osmc",
        kind=Committee.Kind.SCRUTINY_COMMITTEE,
    )
    return DecisionSettings.objects.create(
        scrutiny_committee=committee,
        call_in_who=CallInWho.ANY_MEMBERS,
        call_in_signatures=3,
    )


def councillor(name="Cllr"):
    person = PersonFactory(name=name)
    user = make_user("councillor", person=person)
    return person, user


def test_start_sign_and_complete_submits(rules):
    decision = PublishedDecisionFactory()
    (a, ua), (b, ub), (c, uc) = councillor("A"), councillor("B"), councillor("C")
    request = services.start_request(
        decision=decision, person=a, reasons="Poor consultation", by=ua
    )
    assert request.status == CallInStatus.OPEN
    assert request.signatures.count() == 1
    services.sign_request(request=request, person=b, by=ub)
    request.refresh_from_db()
    assert request.status == CallInStatus.OPEN
    with pytest.raises(ValidationError, match="already signed"):
        services.sign_request(request=request, person=b, by=ub)
    services.sign_request(request=request, person=c, by=uc)
    request.refresh_from_db()
    assert request.status == CallInStatus.SUBMITTED
    assert request.submitted_at is not None
    # Not public before validation.
    assert not CallInRequest.objects.filter(pk=request.pk).exists()
    # Every step audited with who acted.
    users = {h.history_user_id for h in request.history.all()}
    assert {ua.pk, uc.pk} <= users
    sig_users = {h.history_user_id for h in request.signatures.model.history.all()}
    assert {ua.pk, ub.pk, uc.pk} <= sig_users


def test_only_one_live_request_and_reasons_required(rules):
    decision = PublishedDecisionFactory()
    (a, ua), (b, ub) = councillor(), councillor()
    with pytest.raises(ValidationError, match="reasons"):
        services.start_request(decision=decision, person=a, reasons="  ", by=ua)
    services.start_request(decision=decision, person=a, reasons="Why", by=ua)
    with pytest.raises(ValidationError, match="already been started"):
        services.start_request(decision=decision, person=b, reasons="Me too", by=ub)


def test_who_may_call_in(rules):
    decision = PublishedDecisionFactory()
    officer_person = PersonFactory(kind=Person.Kind.OFFICER)
    with pytest.raises(PermissionDenied, match="Only councillors"):
        services.start_request(decision=decision, person=officer_person, reasons="x", by=None)
    with pytest.raises(PermissionDenied, match="not linked"):
        services.start_request(decision=decision, person=None, reasons="x", by=None)
    holder = PortfolioHolderFactory(start_date=dt.date(2000, 1, 1))
    with pytest.raises(PermissionDenied, match="executive"):
        services.start_request(decision=decision, person=holder.person, reasons="x", by=None)
    cabinet_member = PersonFactory()
    Membership.objects.create(
        person=cabinet_member, committee=CabinetFactory(), start_date=dt.date(2000, 1, 1)
    )
    with pytest.raises(PermissionDenied, match="executive"):
        services.start_request(decision=decision, person=cabinet_member, reasons="x", by=None)

    rules.call_in_who = CallInWho.SCRUTINY_MEMBERS
    rules.save()
    outsider, _ = councillor()
    with pytest.raises(PermissionDenied, match="members of the overview"):
        services.start_request(decision=decision, person=outsider, reasons="x", by=None)
    member, _ = councillor()
    Membership.objects.create(
        person=member, committee=rules.scrutiny_committee, start_date=dt.date(2000, 1, 1)
    )
    assert services.start_request(decision=decision, person=member, reasons="x", by=None)


def test_chair_alone_completes(rules):
    rules.call_in_who = CallInWho.CHAIR
    rules.save()
    decision = PublishedDecisionFactory()
    member, _ = councillor()
    Membership.objects.create(
        person=member, committee=rules.scrutiny_committee, start_date=dt.date(2000, 1, 1)
    )
    with pytest.raises(PermissionDenied, match="Only the chair"):
        services.start_request(decision=decision, person=member, reasons="x", by=None)
    chair, _ = councillor()
    Membership.objects.create(
        person=chair,
        committee=rules.scrutiny_committee,
        role=Membership.Role.CHAIR,
        start_date=dt.date(2000, 1, 1),
    )
    request = services.start_request(decision=decision, person=chair, reasons="x", by=None)
    assert request.status == CallInStatus.SUBMITTED


def test_urgent_closed_and_unpublished_decisions_cannot_be_called_in(rules):
    a, ua = councillor()
    urgent = PublishedDecisionFactory(
        is_urgent=True,
        urgency_reason="Grant deadline",
        call_in_closes_at=None,
        status=DecisionStatus.EFFECTIVE,
    )
    with pytest.raises(PermissionDenied, match="urgent.*Grant deadline"):
        services.start_request(decision=urgent, person=a, reasons="x", by=ua)
    closed = PublishedDecisionFactory(call_in_closes_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(PermissionDenied, match="period .* has closed"):
        services.start_request(decision=closed, person=a, reasons="x", by=ua)
    draft = PublishedDecisionFactory(status=DecisionStatus.DRAFT, published_at=None)
    with pytest.raises(PermissionDenied, match="not published"):
        services.start_request(decision=draft, person=a, reasons="x", by=ua)


def test_valid_only_if_complete_within_period(rules):
    decision = PublishedDecisionFactory()
    a, ua = councillor()
    request = services.start_request(decision=decision, person=a, reasons="x", by=ua)
    officer = make_user("officer")
    with pytest.raises(ValidationError, match="1 of the 3 signatures"):
        services.validate_request(request=request, by=officer)
    # Completed after the period: not valid.
    late = timezone.now() + dt.timedelta(days=8)
    request.status = CallInStatus.SUBMITTED
    request.submitted_at = late
    request.save()
    with pytest.raises(ValidationError, match="after the call-in period closed"):
        services.validate_request(request=request, by=officer)
    request.refresh_from_db()
    assert request.status == CallInStatus.SUBMITTED
    with pytest.raises(ValidationError, match="Say why"):
        services.reject_request(request=request, reason=" ", by=officer)
    services.reject_request(request=request, reason="Completed late.", by=officer)
    request.refresh_from_db()
    assert request.status == CallInStatus.REJECTED
    assert not request.is_public


def _submitted(rules, decision=None):
    decision = decision or PublishedDecisionFactory()
    people = [councillor(f"Signer {n}") for n in range(3)]
    request = services.start_request(
        decision=decision, person=people[0][0], reasons="The options were not costed.", by=None
    )
    for person, user in people[1:]:
        services.sign_request(request=request, person=person, by=user)
    request.refresh_from_db()
    assert request.status == CallInStatus.SUBMITTED
    return request


def test_full_workflow_referred_back_then_response(rules):
    officer = make_user("officer")
    request = _submitted(rules)
    decision = request.decision
    services.validate_request(request=request, expected_version=request.version, by=officer)
    request.refresh_from_db()
    decision.refresh_from_db()
    assert request.status == CallInStatus.VALIDATED
    assert request.validated_by == officer
    assert decision.status == DecisionStatus.SUSPENDED
    assert CallInRequest.objects.filter(pk=request.pk).exists()  # public now

    meeting = MeetingFactory(
        committee=rules.scrutiny_committee, start=timezone.now() + dt.timedelta(days=3)
    )
    assert list(services.hearing_meetings()) == [meeting]
    other = MeetingFactory(start=timezone.now() + dt.timedelta(days=3))
    with pytest.raises(ValidationError, match="scrutiny committee"):
        services.schedule_hearing(request=request, meeting=other, by=officer)
    item = services.schedule_hearing(request=request, meeting=meeting, by=officer)
    request.refresh_from_db()
    assert request.hearing_item == item
    assert item.title.startswith("Call-in: ")
    report = Report.all_objects.get(agenda_item=item)
    assert report.generator == services.CALL_IN_GENERATOR
    from meetings.extensions import report_generators

    body = report_generators.render(report)
    assert "The options were not costed." in body
    assert "Signer 2" in body
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CALLED_IN
    with pytest.raises(ValidationError, match="already on an agenda"):
        services.schedule_hearing(request=request, meeting=meeting, by=officer)

    with pytest.raises(ValidationError, match="in the future"):
        services.record_outcome(
            request=request,
            result=CallInResult.NO_FURTHER_ACTION,
            decided_on=timezone.localdate(meeting.start),
            by=officer,
        )
    after = meeting.start + dt.timedelta(hours=3)  # the committee has met
    with pytest.raises(ValidationError, match="concerns"):
        services.record_outcome(
            request=request,
            result=CallInResult.REFERRED_BACK,
            decided_on=timezone.localdate(meeting.start),
            by=officer,
            now=after,
        )
    with pytest.raises(ValidationError, match="before the call-in meeting"):
        services.record_outcome(
            request=request,
            result=CallInResult.NO_FURTHER_ACTION,
            decided_on=timezone.localdate(meeting.start) - dt.timedelta(days=1),
            by=officer,
            now=after,
        )
    outcome = services.record_outcome(
        request=request,
        result=CallInResult.REFERRED_BACK,
        decided_on=timezone.localdate(meeting.start),
        concerns="Cost the options.",
        by=officer,
        now=after,
    )
    decision.refresh_from_db()
    request.refresh_from_db()
    assert request.status == CallInStatus.DECIDED
    assert decision.status == DecisionStatus.REFERRED_BACK
    with pytest.raises(ValidationError, match="before the committee"):
        services.record_response(
            outcome=outcome,
            response="Confirmed.",
            response_on=outcome.decided_on - dt.timedelta(days=1),
            by=officer,
            now=after,
        )
    services.record_response(
        outcome=outcome,
        response="The options are now costed; the decision is confirmed.",
        response_on=outcome.decided_on + dt.timedelta(days=7),
        by=officer,
        now=after + dt.timedelta(days=7),
    )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.EFFECTIVE
    assert decision.effective_at is not None
    assert {h.history_user_id for h in decision.history.all()} >= {officer.pk}
    assert outcome.history.first().history_user_id == officer.pk


def test_no_further_action_takes_effect(rules):
    officer = make_user("officer")
    request = _submitted(rules)
    services.validate_request(request=request, by=officer)
    outcome = services.record_outcome(
        request=request,
        result=CallInResult.NO_FURTHER_ACTION,
        decided_on=timezone.localdate(),
        by=officer,
    )
    request.decision.refresh_from_db()
    assert request.decision.status == DecisionStatus.EFFECTIVE
    with pytest.raises(ValidationError, match="No response is needed"):
        services.record_response(
            outcome=outcome, response="x", response_on=timezone.localdate(), by=officer
        )


def test_private_decision_hearing_is_exempt(rules):
    officer = make_user("officer")
    request = _submitted(rules, PrivateDecisionFactory())
    services.validate_request(request=request, by=officer)
    meeting = MeetingFactory(
        committee=rules.scrutiny_committee,
        start=timezone.now() + dt.timedelta(days=3),
        status=MeetingStatus.SCHEDULED,
    )
    item = services.schedule_hearing(request=request, meeting=meeting, by=officer)
    assert item.is_exempt and item.exempt_paragraph == 3


def test_withdraw_by_requester_only(rules):
    decision = PublishedDecisionFactory()
    (a, ua), (b, ub) = councillor(), councillor()
    request = services.start_request(decision=decision, person=a, reasons="x", by=ua)
    with pytest.raises(PermissionDenied):
        services.withdraw_request(request=request, person=b, by=ub)
    services.withdraw_request(request=request, person=a, by=ua)
    request.refresh_from_db()
    assert request.status == CallInStatus.WITHDRAWN
    # Another may start afresh.
    assert services.start_request(decision=decision, person=b, reasons="y", by=ub)


def test_councillor_signable(rules):
    decision = PublishedDecisionFactory()
    other = PublishedDecisionFactory()
    (a, ua), (b, _) = councillor(), councillor()
    request = services.start_request(decision=decision, person=a, reasons="x", by=ua)
    rows = {row["decision"].pk: row for row in services.councillor_signable(b)}
    assert rows[decision.pk]["request"] == request and not rows[decision.pk]["signed"]
    assert rows[other.pk]["request"] is None
    rows = {row["decision"].pk: row for row in services.councillor_signable(a)}
    assert rows[decision.pk]["signed"]
    assert services.councillor_signable(None) == []
