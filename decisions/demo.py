"""Demo data of the decisions app: the data is in fixtures/demo/decisions/decisions.yaml (what
comes from the seeds and what is invented is said there), loaded here through
``decisions.services`` and ``decisions.callin_services`` after the meetings and minutes demo.

This loader stays in ``demo.py`` (not ``decisions/fixture_loader.py``) so that it keeps to the
one file of the decisions app this work owns; ``load_demo_data`` runs it in PORTAL_APPS order.
Idempotent: stable references, records found before they are made.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from decisions import callin_services, services
from decisions.models import (
    CallInRequest,
    CallInStatus,
    Decision,
    DecisionSettings,
    DecisionStatus,
    DelegatedOfficer,
    ForwardPlanEntry,
    MakerKind,
    PortfolioHolder,
)
from meetings import services as meeting_services
from meetings import workdays
from meetings.fixture_loader import publish_last_day_in_time
from meetings.models import Meeting
from scrutiny.fixtures import Fixtures, as_date
from scrutiny.models import Committee, Membership, Person

LONDON = ZoneInfo("Europe/London")
FILE = "decisions/decisions.yaml"


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)


def _moment(value) -> dt.datetime:
    moment = dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


def _officer_user():
    User = get_user_model()
    return User.objects.filter(username="officer").first()


def _person(slug: str) -> Person | None:
    return Person.objects.filter(slug=slug).first()


def load(fixtures: Fixtures | None = None) -> None:
    data = (fixtures or Fixtures()).read(FILE)
    by = _officer_user()
    spec = data["cabinet"]
    members = [_person(slug) for slug in spec["members"]]
    csp = Committee.objects.filter(slug=data["scrutiny_committee"]).first()
    if any(p is None for p in members) or csp is None:
        return
    start = as_date(spec["start_date"])
    cabinet, _ = Committee.objects.update_or_create(
        slug=spec["slug"],
        defaults={
            "name": spec["name"],
            "kind": Committee.Kind.CABINET,
            "purpose": spec["purpose"],
            "start_date": start,
        },
    )
    for person in members:
        Membership.objects.get_or_create(
            person=person,
            committee=cabinet,
            start_date=start,
            defaults={"role": Membership.Role.MEMBER},
        )
    holders = {}
    for row in data["portfolio_holders"]:
        person = _person(row["person"])
        holder = PortfolioHolder.objects.filter(person=person, portfolio=row["portfolio"]).first()
        holders[person.slug] = services.save_portfolio_holder(
            holder=holder,
            person=person,
            portfolio=row["portfolio"],
            title=row["title"],
            cabinet=cabinet,
            start_date=as_date(row["start_date"]),
            end_date=as_date(row["end_date"]),
            by=by,
        )
    for row in data["delegated_officers"]:
        if DelegatedOfficer.objects.filter(post=row["post"]).exists():
            continue
        services.save_delegated_officer(
            name=row["name"], post=row["post"], person=_person(row["person"]), by=by
        )
    wards = {w.name: w for w in services.add_wards(names=data["wards"], by=by)}
    settings = DecisionSettings.current()
    if settings.scrutiny_committee_id is None:
        settings.scrutiny_committee = csp
        settings.save()

    decisions = {}
    for row in data["decisions"]:
        if row["maker"] == "cabinet":
            maker = {"maker_kind": MakerKind.CABINET, "cabinet": cabinet}
        else:
            maker = {
                "maker_kind": MakerKind.PORTFOLIO_HOLDER,
                "portfolio_holder": holders[row["maker"]],
            }
        private = row.get("private")
        decisions[row["reference"]] = _decision_with_entry(
            reference=row["reference"],
            matter=row["matter"],
            summary=row["summary"],
            maker=maker,
            published_on=as_date(row["published_on"]),
            decision_date=as_date(row["decision_date"]),
            decision=row["decision"],
            reasons=row["reasons"],
            alternatives=row["alternatives"],
            wards=[wards[n] for n in row.get("wards") or ()],
            all_wards=bool(row.get("all_wards")),
            estimated_value=row.get("estimated_value"),
            private={"is_private": True, **private} if private else None,
            contact=data["contact"],
            by=by,
        )
    for row in data.get("call_ins") or ():
        _call_in(decisions[row["decision"]], csp, row, by)
    # The others' call-in periods have long closed: they took effect.
    services.close_call_in_periods(now=_moment(data["call_in_periods_closed_on"]), by=by)


def _decision_with_entry(
    *,
    reference,
    matter,
    summary,
    maker,
    published_on,
    decision_date,
    decision,
    reasons,
    alternatives,
    wards,
    contact,
    by,
    all_wards=False,
    estimated_value=None,
    private=None,
) -> Decision:
    private = private or {}
    entry = ForwardPlanEntry.all_objects.filter(reference=reference).first()
    if entry is None:
        entry = services.save_entry(
            reference=reference,
            matter=matter,
            summary=summary,
            is_key_decision=True,
            key_grounds="money" if estimated_value else "wards",
            estimated_value=estimated_value,
            planned_decision_date=decision_date,
            all_wards=all_wards,
            wards=wards,
            by=by,
            **contact,
            **maker,
            **private,
        )
        services.publish_entry(entry=entry, on=published_on, by=by)
    record = Decision.all_objects.filter(reference=reference).first()
    if record is None:
        record = services.save_decision(
            reference=reference,
            title=matter,
            decision_date=decision_date,
            decision=decision,
            reasons=reasons,
            alternatives=alternatives,
            interests="None declared.",
            is_key_decision=True,
            forward_plan_entry=entry,
            wards=wards,
            by=by,
            **maker,
            **private,
        )
    if record.status == DecisionStatus.DRAFT:
        published = decision_date + dt.timedelta(days=1)
        while not workdays.is_working_day(published):
            published += dt.timedelta(days=1)
        services.publish_decision(decision=record, now=_at(published), by=by)
        record.refresh_from_db()
    return record


def _call_in(decision: Decision, csp: Committee, spec: dict, by) -> None:
    """Members of the scrutiny committee call in a decision; it is heard and the outcome and
    the decision maker's response recorded (decisions.yaml, call_ins)."""
    if decision.call_ins.exists():
        return
    signers = [_person(slug) for slug in spec["signers"]]
    if any(p is None for p in signers):
        return
    User = get_user_model()
    start = decision.published_at + dt.timedelta(days=1)
    request = callin_services.start_request(
        decision=decision,
        person=signers[0],
        reasons=spec["reasons"],
        by=User.objects.filter(person=signers[0]).first(),
        now=start,
    )
    for n, person in enumerate(signers[1:], start=1):
        callin_services.sign_request(
            request=request,
            person=person,
            by=User.objects.filter(person=person).first(),
            now=start + dt.timedelta(hours=3 * n),
        )
    request.refresh_from_db()
    if request.status != CallInStatus.SUBMITTED:
        return
    callin_services.validate_request(
        request=request, by=by, now=start + dt.timedelta(days=1, hours=2)
    )
    hearing_start = _moment(spec["hearing"]["start"])
    meeting = Meeting.all_objects.filter(
        committee=csp, start__date=hearing_start.date()
    ).first() or meeting_services.create_meeting(
        committee=csp,
        start=hearing_start,
        venue=spec["hearing"]["venue"],
        contact_officer=csp.contact_officer,
        by=by,
    )
    request = CallInRequest.all_objects.get(pk=request.pk)
    callin_services.schedule_hearing(request=request, meeting=meeting, by=by)
    if meeting.published_at is None:
        publish_last_day_in_time(meeting, by)
    request = CallInRequest.all_objects.get(pk=request.pk)
    outcome = callin_services.record_outcome(
        request=request,
        result=spec["result"],
        decided_on=hearing_start.date(),
        concerns=spec["concerns"],
        by=by,
        now=_moment(spec["outcome_at"]),
    )
    callin_services.record_response(
        outcome=outcome,
        response=spec["response"],
        response_on=as_date(spec["response_on"]),
        by=by,
        now=_moment(spec["response_at"]),
    )
