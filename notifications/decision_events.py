"""What the decisions app's events send, and to whom (docs/email.md). Run in the background
by ``notifications.tasks.decision_fan_out``, enqueued by the listeners in ``receivers.py``
(connected in ``NotificationsConfig.ready`` to ``decisions.signals``).

Public alerts (topic, immediate or in the weekly digest) say only what the public record says:

- ``decision``: a published decision: its title, maker, date, whether it is open to call-in;
  a decision taken in private by title, maker, date and "taken in private under paragraph N"
  (what its public page shows), never its text, reasons or papers;
- ``entry``: a forward plan entry published: its matter, maker and planned date;
- ``edition``: a forward plan edition published;
- ``validated`` / ``outcome``: a call-in found valid (public from then on, never before), and
  the scrutiny committee's outcome.

Notices (not public, to named people, with links only):

- ``signatures``: a call-in request started: the councillors who may still sign it (the
  decisions app's own rule, ``callin_services.eligibility``), with an address and consent;
- ``submitted``: the request is complete: the scrutiny committee's contact officer is told it
  awaits validation.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from decisions import callin_services
from decisions.models import (
    CallInOutcome,
    CallInRequest,
    CallInStatus,
    Decision,
    DecisionSettings,
    ForwardPlanEdition,
    ForwardPlanEntry,
    MakerKind,
)
from scrutiny import visibility
from scrutiny.models import Committee, Person

from .events import _signed_in, publish_alert
from .messages import absolute, link
from .models import Topic
from .notices import call_in_signatures_requested, notice


def run(event: str, pk: int) -> int:
    handlers = {
        "decision": decision_alert,
        "entry": entry_alert,
        "edition": edition_alert,
        "validated": call_in_validated_alert,
        "outcome": call_in_outcome_alert,
        "signatures": signatures_requested,
        "submitted": submitted_notice,
    }
    if event not in handlers:
        raise ValueError(f"unknown event {event!r}")
    return handlers[event](pk)


def _day(value) -> str:
    return f"{value:%-d %B %Y}"


def _maker_committees(record) -> list[Committee]:
    """The committees whose subscribers hear of ``record`` (a decision or entry): its Cabinet,
    or the portfolio holder's; an officer's decision, every Cabinet. Subscribers to every
    committee hear of everything."""
    if record.maker_kind == MakerKind.CABINET and record.cabinet_id:
        return [record.cabinet]
    if record.maker_kind == MakerKind.PORTFOLIO_HOLDER and record.portfolio_holder_id:
        cabinet = record.portfolio_holder.cabinet
        if cabinet is not None:
            return [cabinet]
    return list(Committee.objects.filter(kind=Committee.Kind.CABINET))


def _private_words(record) -> str:
    return (
        f" (taken in private under paragraph {record.exempt_paragraph} of Schedule 12A)"
        if record.is_private
        else ""
    )


def _decision(pk: int) -> Decision | None:
    return (
        Decision.all_objects.select_related("cabinet", "portfolio_holder__person", "officer")
        .filter(pk=pk)
        .first()
    )


def decision_line(decision: Decision) -> str:
    """The decision as its public record names it: never its text."""
    return (
        f"Decision “{decision.title}” by {decision.decision_maker_name}, "
        f"{_day(decision.decision_date)}{_private_words(decision)}"
    )


def decision_alert(pk: int) -> int:
    decision = _decision(pk)
    if decision is None or not visibility.is_decision_listed(decision):
        return 0
    sentence = f"{decision_line(decision)} has been published."
    if decision.call_in_closes_at:
        closes = timezone.localtime(decision.call_in_closes_at)
        sentence += f" It can be called in until {closes:%H:%M} on {_day(closes)}."
    return publish_alert(
        topic=Topic.DECISIONS,
        committees=_maker_committees(decision),
        subject=f"Decision published: {decision.title}",
        line=decision_line(decision),
        sentence=sentence,
        url=absolute(decision.get_absolute_url()),
        key=f"alert:decisions:{decision.pk}",
    )


def entry_alert(pk: int) -> int:
    entry = (
        ForwardPlanEntry.all_objects.select_related(
            "cabinet", "portfolio_holder__person", "officer"
        )
        .filter(pk=pk)
        .first()
    )
    if entry is None or not visibility.is_forward_plan_entry_public(entry):
        return 0
    private = (
        f" (to be taken in private under paragraph {entry.exempt_paragraph} of Schedule 12A)"
        if entry.is_private
        else ""
    )
    line = (
        f"Forward plan: “{entry.matter}”, to be decided by {entry.decision_maker_name} "
        f"on or after {_day(entry.planned_decision_date)}{private}"
    )
    return publish_alert(
        topic=Topic.FORWARD_PLAN,
        committees=_maker_committees(entry),
        subject=f"On the forward plan: {entry.matter}",
        line=line,
        sentence=f"{line} has been added to the forward plan.",
        url=absolute(entry.get_absolute_url()),
        key=f"alert:forward_plan:entry:{entry.pk}",
    )


def edition_alert(pk: int) -> int:
    edition = ForwardPlanEdition.objects.filter(pk=pk).first()
    if edition is None:
        return 0
    count = edition.entries.count()
    line = f"The forward plan, edition {edition.number} of {_day(edition.published_on)}"
    if count:
        line += f" ({count} {'entry' if count == 1 else 'entries'})"
    return publish_alert(
        topic=Topic.FORWARD_PLAN,
        committees=list(Committee.objects.filter(kind=Committee.Kind.CABINET)),
        subject=f"Forward plan published: edition {edition.number}",
        line=line,
        url=link("forward-plan-edition", number=edition.number),
        key=f"alert:forward_plan:edition:{edition.pk}",
    )


def _call_in(pk: int) -> CallInRequest | None:
    return (
        CallInRequest.all_objects.select_related(
            "decision__cabinet", "decision__portfolio_holder__person", "decision__officer"
        )
        .filter(pk=pk)
        .first()
    )


def _call_in_committees(request: CallInRequest) -> list[Committee]:
    committees = _maker_committees(request.decision)
    rules = DecisionSettings.current()
    if rules.scrutiny_committee_id:
        committees.append(rules.scrutiny_committee)
    return committees


def call_in_validated_alert(pk: int) -> int:
    request = _call_in(pk)
    # Public only once validated: an open, submitted, rejected or withdrawn request is never news.
    if request is None or not visibility.is_call_in_public(request):
        return 0
    line = f"Call-in of the {decision_line(request.decision)}"
    return publish_alert(
        topic=Topic.CALL_INS,
        committees=_call_in_committees(request),
        subject=f"Decision called in: {request.decision.title}",
        line=line,
        sentence=(
            f"The {decision_line(request.decision)} has been called in. It is suspended "
            "until the overview and scrutiny committee has considered it."
        ),
        url=link("callin-detail", pk=request.pk),
        key=f"alert:call_ins:validated:{request.pk}",
    )


def call_in_outcome_alert(pk: int) -> int:
    outcome = (
        CallInOutcome.objects.select_related(
            "request__decision__cabinet",
            "request__decision__portfolio_holder__person",
            "request__decision__officer",
        )
        .filter(pk=pk)
        .first()
    )
    if outcome is None or not visibility.is_call_in_public(outcome.request):
        return 0
    request = outcome.request
    result = outcome.get_result_display()
    line = f"Outcome of the call-in of the {decision_line(request.decision)}: {result}"
    return publish_alert(
        topic=Topic.CALL_INS,
        committees=_call_in_committees(request),
        subject=f"Call-in outcome: {request.decision.title}",
        line=line,
        sentence=(
            f"The overview and scrutiny committee has considered the call-in of the "
            f"{decision_line(request.decision)} on {_day(outcome.decided_on)}: {result}."
        ),
        url=link("callin-detail", pk=request.pk),
        key=f"alert:call_ins:outcome:{outcome.pk}",
    )


# --- notices -------------------------------------------------------------------------------


def signers(request: CallInRequest) -> list[Person]:
    """The councillors who may still sign ``request`` (the decisions app's rule), with an
    address and consent recorded."""
    if request.status != CallInStatus.OPEN:
        return []
    signed = set(request.signatures.values_list("person_id", flat=True))
    now = timezone.now()
    people = (
        Person.objects.filter(kind=Person.Kind.COUNCILLOR, is_active=True, email_consent=True)
        .exclude(email="")
        .exclude(pk__in=signed)
        .order_by("sort_name", "pk")
    )
    return [p for p in people if callin_services.eligibility(p, request.decision, now=now).allowed]


def signatures_requested(pk: int) -> int:
    request = _call_in(pk)
    if request is None:
        return 0
    people = signers(request)
    if not people:
        return 0
    decision = request.decision
    needed = callin_services.signatures_needed()
    closes = decision.call_in_closes_at
    lines = [
        (decision_line(decision), ""),
        (
            f"{request.signatures.count()} of the {needed} signatures needed so far"
            + (
                f"; call-in closes at {timezone.localtime(closes):%H:%M on %-d %B %Y}"
                if closes
                else ""
            ),
            "",
        ),
        # Not public until validated: the link goes through sign-in to the request's page.
        (
            "Read the request and add your name",
            _signed_in(reverse("callin-detail", kwargs={"pk": request.pk})),
        ),
    ]
    return call_in_signatures_requested(
        key=f"call-in:sign:{request.pk}",
        people=people,
        subject=f"Call-in: please consider signing — {decision.title}",
        lines=lines,
    )


def submitted_notice(pk: int) -> int:
    request = _call_in(pk)
    if request is None or request.status != CallInStatus.SUBMITTED:
        return 0
    rules = DecisionSettings.current()
    committee = rules.scrutiny_committee if rules.scrutiny_committee_id else None
    officer = committee.contact_officer if committee is not None else None
    if officer is None or not officer.email:
        return 0
    decision = request.decision
    return notice(
        f"call-in:submitted:{request.pk}",
        officer,
        f"Call-in awaiting validation: {decision.title}",
        [
            (decision_line(decision), ""),
            (
                f"The request has the {callin_services.signatures_needed()} signatures needed "
                "and awaits your validation.",
                "",
            ),
            ("Validate or reject it (officers)", link("officer-callin", pk=request.pk)),
        ],
    )
