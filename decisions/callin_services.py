"""Call-in as a workflow (issue 17, item 4; LGA 2000 s9F(2)(a)). Keyword-only, one
transaction each, ``by=`` recorded as the history user (``scrutiny.audit.records_by``).

The steps:

1. A councillor who may call in (``DecisionSettings.call_in_who``) starts a request on a
   published decision whose call-in period is open, with reasons (``start_request``); their
   name is the first signature.
2. Other councillors who may call in add their names (``sign_request``) while the period is
   open. When the signatures reach ``DecisionSettings.call_in_signatures`` (or the chair of the
   overview and scrutiny committee signs where the chair alone may call in) the request is
   complete and submitted at once (``submitted_at``). A request is valid only if complete
   within the period: one still collecting signatures when the period closes cannot be
   validated.
3. The scrutiny officer validates it (``validate_request``): the decision is suspended; or
   rejects it with the reason (``reject_request``).
4. The officer puts the call-in on a meeting of the scrutiny committee
   (``schedule_hearing``): an agenda item linked to the request (``hearing_item``) with the
   call-in request printed as a generated report (``CALL_IN_GENERATOR``).
5. The outcome (``record_outcome``): no further action (the decision takes effect), referred
   back to the decision maker with concerns, or referred to full council; then the decision
   maker's response (``record_response``), after which the decision takes effect.

Nothing of a request is public before it is validated (``scrutiny.visibility.call_in_public``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from decisions import signals
from decisions.models import (
    CallInOutcome,
    CallInRequest,
    CallInResult,
    CallInSignature,
    CallInStatus,
    CallInWho,
    Decision,
    DecisionSettings,
    DecisionStatus,
    PortfolioHolder,
)
from meetings import services as meeting_services
from meetings.models import AgendaItem, Meeting, MeetingStatus, Report
from scrutiny.audit import records_by
from scrutiny.conflicts import check_version
from scrutiny.models import Committee, Membership, Person
from scrutiny.permissions import RuleRefusal

CALL_IN_GENERATOR = "call-in-request"
# Requests that stop another being started (one live request per decision).
LIVE_STATUSES = (CallInStatus.OPEN, CallInStatus.SUBMITTED, CallInStatus.VALIDATED)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


# --- who may call in -----------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    """May ``person`` sign a call-in of ``decision``? ``reason`` says why not (shown)."""

    allowed: bool
    reason: str = ""
    is_chair: bool = False


def is_scrutiny_chair(person: Person, committee: Committee | None, on: dt.date) -> bool:
    if committee is None:
        return False
    return (
        Membership.objects.in_force_on(on)
        .filter(person=person, committee=committee, role=Membership.Role.CHAIR)
        .exists()
    )


def _is_executive_member(person: Person, on: dt.date) -> bool:
    """Members of the executive (a cabinet, or a portfolio holder in office) do not
    scrutinise the executive's decisions."""
    if PortfolioHolder.objects.in_office_on(on).filter(person=person).exists():
        return True
    return (
        Membership.objects.in_force_on(on)
        .filter(person=person, committee__kind=Committee.Kind.CABINET)
        .exists()
    )


def period_open(decision: Decision, now: dt.datetime | None = None) -> bool:
    return (
        decision.status == DecisionStatus.CALL_IN_OPEN
        and decision.call_in_closes_at is not None
        and decision.call_in_closes_at > _now(now)
    )


def eligibility(
    person: Person | None,
    decision: Decision,
    *,
    rules: DecisionSettings | None = None,
    now: dt.datetime | None = None,
) -> Eligibility:
    rules = rules or DecisionSettings.current()
    if person is None:
        return Eligibility(False, "Your sign-in is not linked to a councillor.")
    if person.kind != Person.Kind.COUNCILLOR:
        return Eligibility(False, "Only councillors may call in a decision.")
    if not person.is_active:
        # A councillor who has left office keeps their record (and may keep a login).
        return Eligibility(False, "Only serving councillors may call in a decision.")
    if not decision.is_listed:
        return Eligibility(False, "This decision is not published.")
    if decision.call_in_closes_at is None:
        reason = "This decision is not subject to call-in."
        if decision.is_urgent:
            reason = (
                "This decision was taken as urgent and is exempt from call-in: "
                f"{decision.urgency_reason}"
            )
        return Eligibility(False, reason)
    if not period_open(decision, now):
        return Eligibility(False, "The call-in period for this decision has closed.")
    today = timezone.localdate(_now(now))
    if _is_executive_member(person, today):
        return Eligibility(False, "Members of the executive cannot call in its decisions.")
    committee = rules.scrutiny_committee
    chair = is_scrutiny_chair(person, committee, today)
    who = rules.call_in_who
    if who == CallInWho.CHAIR and not chair:
        return Eligibility(
            False, "Only the chair of the overview and scrutiny committee may call in decisions."
        )
    if who == CallInWho.SCRUTINY_MEMBERS:
        is_member = (
            committee is not None
            and Membership.objects.in_force_on(today)
            .filter(person=person, committee=committee)
            .exists()
        )
        if not is_member:
            return Eligibility(
                False,
                "Only members of the overview and scrutiny committee may call in decisions.",
            )
    return Eligibility(True, "", chair)


def signatures_needed(rules: DecisionSettings | None = None) -> int:
    rules = rules or DecisionSettings.current()
    return 1 if rules.call_in_who == CallInWho.CHAIR else max(rules.call_in_signatures, 1)


def is_complete(request: CallInRequest, rules: DecisionSettings | None = None) -> bool:
    rules = rules or DecisionSettings.current()
    if rules.call_in_who in (CallInWho.CHAIR, CallInWho.CHAIR_OR_MEMBERS):
        on = timezone.localdate()
        signers = Person.objects.filter(pk__in=request.signatures.values("person"))
        if any(is_scrutiny_chair(p, rules.scrutiny_committee, on) for p in signers):
            return True
        if rules.call_in_who == CallInWho.CHAIR:
            return False
    return request.signatures.count() >= signatures_needed(rules)


# --- councillors: start and sign -----------------------------------------------------------


def _lock_decision(decision: Decision) -> Decision:
    return Decision.all_objects.select_for_update().get(pk=decision.pk)


def _lock_request(request: CallInRequest) -> CallInRequest:
    return CallInRequest.all_objects.select_for_update().get(pk=request.pk)


def _add_signature(request: CallInRequest, person: Person, user, now: dt.datetime) -> None:
    try:
        with transaction.atomic():
            CallInSignature.objects.create(request=request, person=person, user=user, signed_at=now)
    except IntegrityError as exc:
        raise ValidationError("You have already signed this call-in request.") from exc


def _submit_if_complete(request: CallInRequest, now: dt.datetime) -> None:
    if request.status == CallInStatus.OPEN and is_complete(request):
        request.status = CallInStatus.SUBMITTED
        request.submitted_at = now
        request.version += 1
        request.save()
        signals.send_after_commit(signals.call_in_submitted, sender=CallInRequest, request=request)


@records_by
@transaction.atomic
def start_request(
    *, decision: Decision, person: Person | None, reasons: str, by, now: dt.datetime | None = None
) -> CallInRequest:
    """A councillor starts a call-in request with their reasons and signs it first."""
    now = _now(now)
    decision = _lock_decision(decision)
    allowed = eligibility(person, decision, now=now)
    if not allowed.allowed:
        raise RuleRefusal(allowed.reason)
    if not reasons.strip():
        raise ValidationError({"reasons": "Give your reasons for calling in the decision."})
    if decision.call_ins.filter(status__in=LIVE_STATUSES).exists():
        raise ValidationError(
            "A call-in request for this decision has already been started: add your name to it."
        )
    request = CallInRequest.all_objects.create(
        decision=decision, requested_by=person, reasons=reasons.strip()
    )
    _add_signature(request, person, by if getattr(by, "pk", None) else None, now)
    _submit_if_complete(request, now)
    if request.status == CallInStatus.OPEN:
        signals.send_after_commit(
            signals.call_in_signatures_requested, sender=CallInRequest, request=request
        )
    return request


@records_by
@transaction.atomic
def sign_request(
    *, request: CallInRequest, person: Person | None, by, now: dt.datetime | None = None
) -> CallInRequest:
    """Another councillor adds their name. The request is submitted once complete."""
    now = _now(now)
    request = _lock_request(request)
    if request.is_lapsed(now):
        closes = timezone.localtime(request.decision.call_in_closes_at)
        raise ValidationError(
            "This call-in request has lapsed: it did not have the signatures it needed before "
            f"call-in closed at {closes:%-I.%M %p on %-d %B %Y}".replace("PM", "pm").replace(
                "AM", "am"
            )
            + ". It can no longer be signed."
        )
    allowed = eligibility(person, request.decision, now=now)
    if not allowed.allowed:
        raise RuleRefusal(allowed.reason)
    if request.status != CallInStatus.OPEN:
        raise ValidationError(
            f"This call-in request is {request.get_status_display().lower()}: "
            "it takes no more signatures."
        )
    _add_signature(request, person, by if getattr(by, "pk", None) else None, now)
    _submit_if_complete(request, now)
    return request


@records_by
@transaction.atomic
def withdraw_request(
    *, request: CallInRequest, person: Person | None, by, now: dt.datetime | None = None
) -> CallInRequest:
    """The requester withdraws a request not yet validated."""
    request = _lock_request(request)
    if person is None or request.requested_by_id != person.pk:
        raise RuleRefusal("Only the councillor who started the request may withdraw it.")
    if request.status not in (CallInStatus.OPEN, CallInStatus.SUBMITTED):
        raise ValidationError("Only a request not yet validated can be withdrawn.")
    request.status = CallInStatus.WITHDRAWN
    request.withdrawn_at = _now(now)
    request.version += 1
    request.save()
    return request


# --- the scrutiny officer ------------------------------------------------------------------


def validation_problems(request: CallInRequest) -> list[str]:
    """Why the request cannot be validated (empty: it can)."""
    problems = []
    if request.status != CallInStatus.SUBMITTED:
        if request.status == CallInStatus.OPEN:
            problems.append(
                f"The request has {request.signatures.count()} of the "
                f"{signatures_needed()} signatures needed."
            )
        else:
            problems.append(f"The request is {request.get_status_display().lower()}.")
    closes = request.decision.call_in_closes_at
    if request.submitted_at and closes and request.submitted_at > closes:
        problems.append("The request was completed after the call-in period closed.")
    if request.decision.status != DecisionStatus.CALL_IN_OPEN:
        problems.append(
            f"The decision is {request.decision.get_status_display().lower()}, not open to call-in."
        )
    return problems


@records_by
@transaction.atomic
def validate_request(
    *,
    request: CallInRequest,
    expected_version: int | None = None,
    by,
    now: dt.datetime | None = None,
) -> CallInRequest:
    """The scrutiny officer finds the request valid: the decision is suspended."""
    now = _now(now)
    request = _lock_request(request)
    check_version(request.version, expected_version)
    decision = _lock_decision(request.decision)
    request.decision = decision
    problems = validation_problems(request)
    if problems:
        raise ValidationError(" ".join(problems))
    request.status = CallInStatus.VALIDATED
    request.validated_at = now
    request.validated_by = by if getattr(by, "pk", None) else None
    request.version += 1
    request.save()
    decision.status = DecisionStatus.SUSPENDED
    decision.version += 1
    decision.save()
    signals.send_after_commit(signals.call_in_validated, sender=CallInRequest, request=request)
    return request


@records_by
@transaction.atomic
def reject_request(
    *,
    request: CallInRequest,
    reason: str,
    expected_version: int | None = None,
    by,
    now: dt.datetime | None = None,
) -> CallInRequest:
    """Not valid, with the reason (told to the requester; never public)."""
    request = _lock_request(request)
    check_version(request.version, expected_version)
    if request.status not in (CallInStatus.OPEN, CallInStatus.SUBMITTED):
        raise ValidationError(
            f"The request is {request.get_status_display().lower()}: it cannot be rejected."
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say why the call-in request is not valid."})
    request.status = CallInStatus.REJECTED
    request.rejected_at = _now(now)
    request.rejection_reason = reason.strip()
    request.version += 1
    request.save()
    return request


def hearing_meetings(rules: DecisionSettings | None = None, now: dt.datetime | None = None):
    """Upcoming meetings of the scrutiny committee that can take the call-in."""
    rules = rules or DecisionSettings.current()
    if rules.scrutiny_committee_id is None:
        return Meeting.all_objects.none()
    return (
        Meeting.all_objects.filter(committee_id=rules.scrutiny_committee_id, start__gte=_now(now))
        .exclude(status__in=(MeetingStatus.CANCELLED, MeetingStatus.HELD))
        .select_related("committee")
        .order_by("start")
    )


@records_by
@transaction.atomic
def schedule_hearing(
    *,
    request: CallInRequest,
    meeting: Meeting,
    urgency_reasons: str = "",
    expected_version: int | None = None,
    by,
) -> AgendaItem:
    """Put a validated call-in on a scrutiny committee meeting: an agenda item, linked to the
    request, with the call-in request printed as a report. A private decision's item is
    exempt under the same paragraph."""
    request = _lock_request(request)
    check_version(request.version, expected_version)
    if request.status != CallInStatus.VALIDATED:
        raise ValidationError("Only a validated call-in request can be put on an agenda.")
    if request.hearing_item_id is not None:
        raise ValidationError("This call-in is already on an agenda.")
    rules = DecisionSettings.current()
    if rules.scrutiny_committee_id and meeting.committee_id != rules.scrutiny_committee_id:
        raise ValidationError({"meeting": "Choose a meeting of the scrutiny committee."})
    decision = request.decision
    item = meeting_services.add_agenda_item(
        meeting=meeting,
        title=f"Call-in: {decision.title}",
        description=(
            f"To consider the call-in of the decision of {decision.decision_maker_name} "
            f"taken on {decision.decision_date:%-d %B %Y}."
        ),
        is_exempt=decision.is_private,
        exempt_paragraph=decision.exempt_paragraph if decision.is_private else None,
        exempt_reasons=(decision.private_reasons or "Exempt information.")
        if decision.is_private
        else "",
        urgency_reasons=urgency_reasons,
        by=by,
    )
    meeting_services.add_report(
        agenda_item=item,
        title=f"Call-in request: {decision.title}",
        source=Report.Source.GENERATED,
        generator=CALL_IN_GENERATOR,
        generator_params={"request": request.pk},
        urgency_reasons=urgency_reasons,
        by=by,
    )
    request.hearing_item = item
    request.version += 1
    request.save()
    decision = _lock_decision(decision)
    if decision.status == DecisionStatus.SUSPENDED:
        decision.status = DecisionStatus.CALLED_IN
        decision.version += 1
        decision.save()
    return item


RESULT_STATUS = {
    CallInResult.NO_FURTHER_ACTION: DecisionStatus.EFFECTIVE,
    CallInResult.REFERRED_BACK: DecisionStatus.REFERRED_BACK,
    CallInResult.REFERRED_TO_COUNCIL: DecisionStatus.REFERRED_TO_COUNCIL,
}


@records_by
@transaction.atomic
def record_outcome(
    *,
    request: CallInRequest,
    result: str,
    decided_on: dt.date,
    concerns: str = "",
    council_item: AgendaItem | None = None,
    expected_version: int | None = None,
    by,
    now: dt.datetime | None = None,
) -> CallInOutcome:
    """What the scrutiny committee resolved. No further action: the decision takes effect;
    a referral keeps it suspended until the decision maker's response."""
    now = _now(now)
    request = _lock_request(request)
    check_version(request.version, expected_version)
    if request.status != CallInStatus.VALIDATED:
        raise ValidationError("The outcome is recorded on a validated call-in request.")
    if result not in RESULT_STATUS:
        raise ValidationError({"result": "Choose the committee's decision."})
    if result != CallInResult.NO_FURTHER_ACTION and not concerns.strip():
        raise ValidationError({"concerns": "A referral needs the committee's concerns."})
    if council_item is not None and result != CallInResult.REFERRED_TO_COUNCIL:
        raise ValidationError({"council_item": "Only a referral to council has a council item."})
    if request.hearing_item_id and decided_on < timezone.localdate(
        request.hearing_item.meeting.start
    ):
        raise ValidationError({"decided_on": "The outcome cannot be before the call-in meeting."})
    if decided_on > timezone.localdate(now):
        # Recorded ahead of the meeting, a "no further action" would let the decision take
        # effect (and be implemented) before the committee had met.
        raise ValidationError(
            {"decided_on": "The committee's decision cannot be dated in the future."}
        )
    outcome = CallInOutcome.objects.create(
        request=request,
        result=result,
        decided_on=decided_on,
        concerns=concerns.strip(),
        council_item=council_item,
        recorded_by=by if getattr(by, "pk", None) else None,
    )
    request.status = CallInStatus.DECIDED
    request.version += 1
    request.save()
    decision = _lock_decision(request.decision)
    decision.status = RESULT_STATUS[result]
    if result == CallInResult.NO_FURTHER_ACTION:
        decision.effective_at = now
    decision.version += 1
    decision.save()
    signals.send_after_commit(
        signals.call_in_outcome_recorded, sender=CallInOutcome, outcome=outcome
    )
    return outcome


@records_by
@transaction.atomic
def record_response(
    *,
    outcome: CallInOutcome,
    response: str,
    response_on: dt.date,
    final_decision: Decision | None = None,
    expected_version: int | None = None,
    by,
    now: dt.datetime | None = None,
) -> CallInOutcome:
    """The decision maker's (or full council's) response to a referral. The decision, as
    confirmed or amended (``final_decision``: the new record), then takes effect."""
    outcome = CallInOutcome.objects.select_for_update().get(pk=outcome.pk)
    check_version(outcome.version, expected_version)
    if outcome.result == CallInResult.NO_FURTHER_ACTION:
        raise ValidationError("No response is needed: the committee took no further action.")
    if outcome.response:
        raise ValidationError("The response is already recorded.")
    if not response.strip():
        raise ValidationError({"response": "Enter the decision maker's response."})
    if response_on > timezone.localdate(_now(now)):
        raise ValidationError({"response_on": "The response cannot be dated in the future."})
    if response_on < outcome.decided_on:
        raise ValidationError(
            {"response_on": "The response cannot be before the committee's decision."}
        )
    decision = _lock_decision(outcome.request.decision)
    if final_decision is not None and final_decision.pk == decision.pk:
        raise ValidationError({"final_decision": "Choose the new decision record, not this one."})
    outcome.response = response.strip()
    outcome.response_on = response_on
    outcome.final_decision = final_decision
    outcome.version += 1
    outcome.save()
    decision.status = DecisionStatus.EFFECTIVE
    decision.effective_at = _now(now)
    decision.version += 1
    decision.save()
    return outcome


# --- reads ---------------------------------------------------------------------------------


def councillor_lapsed(person: Person | None, now: dt.datetime | None = None, days: int = 30):
    """Requests ``person`` signed that lapsed in the last ``days`` days (for /my/)."""
    if person is None:
        return []
    now = _now(now)
    return list(
        CallInRequest.all_objects.lapsed(now)
        .filter(
            signatures__person=person,
            decision__call_in_closes_at__gt=now - dt.timedelta(days=days),
        )
        .select_related("decision")
        .order_by("-decision__call_in_closes_at")[:20]
    )


def councillor_signable(person: Person | None, now: dt.datetime | None = None) -> list[dict]:
    """Open call-in requests and decisions open to call-in that ``person`` may sign or call
    in, for the councillor's page: [{decision, request|None, signed}]."""
    if person is None or person.kind != Person.Kind.COUNCILLOR:
        return []
    now = _now(now)
    rules = DecisionSettings.current()
    decisions = list(
        Decision.objects.filter(status=DecisionStatus.CALL_IN_OPEN, call_in_closes_at__gt=now)
        .select_related("cabinet", "portfolio_holder__person", "officer")
        .order_by("call_in_closes_at")[:50]
    )
    if not decisions:
        return []
    if not eligibility(person, decisions[0], rules=rules, now=now).allowed:
        return []
    requests = {
        r.decision_id: r
        for r in (
            CallInRequest.all_objects.collecting(now)
            | CallInRequest.all_objects.filter(status=CallInStatus.SUBMITTED)
        )
        .filter(decision__in=decisions)
        .prefetch_related("signatures")
    }
    rows = []
    for d in decisions:
        r = requests.get(d.pk)
        signed = r is not None and any(s.person_id == person.pk for s in r.signatures.all())
        if r is not None and r.status == CallInStatus.SUBMITTED and not signed:
            continue  # complete, with the scrutiny officer: nothing for this councillor to do
        rows.append({"decision": d, "request": r, "signed": signed})
    return rows
