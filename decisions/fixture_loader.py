"""Loads the demo executive from fixtures/demo/decisions/decisions.yaml (docs/fixtures.md): the
Cabinet and its members, portfolio holders, delegated officers, wards, the committee that hears
call-ins, forward plan entries with the decisions taken on them, and a call-in heard and
referred back. What comes from the seeds and what is invented is said in the file.

Everything goes through the services the officers' pages use: the Cabinet through
``scrutiny.services.create_committee`` / ``update_committee`` and its members through
``create_membership``; ``decisions.services`` (``save_portfolio_holder``,
``save_delegated_officer``, ``add_wards``, ``save_settings``, ``save_entry``, ``publish_entry``,
``save_decision``, ``publish_decision``, ``close_call_in_periods``) and
``decisions.callin_services`` (``start_request``, ``sign_request``, ``validate_request``,
``schedule_hearing``, ``record_outcome``, ``record_response``); the hearing's meeting, when the
demo has none that day, through ``meetings.services.create_meeting``.

Idempotent, and a second load with no change writes nothing. The Cabinet is keyed on its slug,
a membership on person + committee + start date, a portfolio holder on person + portfolio, a
delegated officer on post, a ward on name; these are updated through the services when the
file says something different. A forward plan entry and its decision are keyed on their
reference and a call-in on its decision: they are public records with a history (published,
called in, heard), built once and then left as they are, so a change to them shows on a fresh
database.
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
    Ward,
)
from meetings import services as meeting_services
from meetings import workdays
from meetings.fixture_loader import publish_last_day_in_time
from meetings.models import Meeting
from scrutiny import services as scrutiny_services
from scrutiny.fixtures import FixtureError, Fixtures, as_date
from scrutiny.models import Committee, Membership

LONDON = ZoneInfo("Europe/London")
FILE = "decisions/decisions.yaml"


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)


def _moment(value) -> dt.datetime:
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


def load(fixtures: Fixtures) -> None:
    data = fixtures.read(FILE)
    if not data:
        raise FixtureError(f"{fixtures.path(FILE)}: the file is empty")
    by = fixtures.officer_user()
    cabinet = _cabinet(fixtures, data["cabinet"], by)
    holders = {
        row["person"]: _portfolio_holder(fixtures, cabinet, row, by)
        for row in data["portfolio_holders"]
    }
    for row in data.get("delegated_officers") or ():
        _delegated_officer(fixtures, row, by)
    wards = _wards(data["wards"], by)
    call_in_committee = fixtures.committee(data["scrutiny_committee"])
    settings = DecisionSettings.current()
    if settings.scrutiny_committee_id is None:
        services.save_settings(
            expected_version=settings.version if settings.pk else None,
            scrutiny_committee=call_in_committee,
            by=by,
        )

    decisions = {}
    for row in data["decisions"]:
        if row["maker"] == "cabinet":
            maker = {"maker_kind": MakerKind.CABINET, "cabinet": cabinet}
        elif row["maker"] in holders:
            maker = {
                "maker_kind": MakerKind.PORTFOLIO_HOLDER,
                "portfolio_holder": holders[row["maker"]],
            }
        else:
            raise FixtureError(
                f"{FILE}: {row['reference']}: the maker {row['maker']!r} is neither cabinet nor "
                "a portfolio holder's person"
            )
        unknown = [n for n in row.get("wards") or () if n not in wards]
        if unknown:
            raise FixtureError(f"{FILE}: {row['reference']}: no ward {unknown[0]!r} in wards")
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
        if row["decision"] not in decisions:
            raise FixtureError(f"{FILE}: a call-in of {row['decision']!r}, not in decisions")
        _call_in(fixtures, decisions[row["decision"]], call_in_committee, row, by)
    # The others' call-in periods have long closed: they took effect.
    services.close_call_in_periods(now=_moment(data["call_in_periods_closed_on"]), by=by)


# --- the executive -------------------------------------------------------------------------


def _cabinet(fixtures: Fixtures, spec: dict, by) -> Committee:
    start = as_date(spec["start_date"])
    fields = {
        "kind": Committee.Kind.CABINET,
        "purpose": spec["purpose"],
        "start_date": start,
    }
    cabinet = Committee.objects.filter(slug=spec["slug"]).first()
    if cabinet is None:
        cabinet = scrutiny_services.create_committee(name=spec["name"], by=by, **fields)
        if cabinet.slug != spec["slug"]:
            raise FixtureError(
                f"{FILE}: the cabinet's slug {spec['slug']!r} is not its name's "
                f"({cabinet.slug!r}): make them agree"
            )
    else:
        changed = _changed(cabinet, {"name": spec["name"], **fields})
        if changed:
            cabinet = scrutiny_services.update_committee(committee=cabinet, by=by, **changed)
    for person in fixtures.people(spec["members"]):
        if not Membership.objects.filter(
            person=person, committee=cabinet, start_date=start
        ).exists():
            scrutiny_services.create_membership(
                person=person, committee=cabinet, role=Membership.Role.MEMBER, start_date=start
            )
    return cabinet


def _portfolio_holder(fixtures: Fixtures, cabinet: Committee, row: dict, by) -> PortfolioHolder:
    person = fixtures.person(row["person"])
    fields = {
        "person": person,
        "portfolio": row["portfolio"],
        "title": row["title"],
        "cabinet": cabinet,
        "start_date": as_date(row["start_date"]),
        "end_date": as_date(row.get("end_date")),
    }
    holder = PortfolioHolder.objects.filter(person=person, portfolio=row["portfolio"]).first()
    if holder is not None and not _changed(holder, fields):
        return holder
    return services.save_portfolio_holder(holder=holder, by=by, **fields)


def _delegated_officer(fixtures: Fixtures, row: dict, by) -> DelegatedOfficer:
    fields = {"name": row["name"], "post": row["post"], "person": fixtures.person(row["person"])}
    officer = DelegatedOfficer.objects.filter(post=row["post"]).first()
    if officer is not None and not _changed(officer, fields):
        return officer
    return services.save_delegated_officer(officer=officer, by=by, **fields)


def _wards(names: list[str], by) -> dict[str, Ward]:
    wards = {w.name: w for w in Ward.objects.filter(name__in=names)}
    if len(wards) < len(set(names)):
        wards = {w.name: w for w in services.add_wards(names=names, by=by)}
    return wards


def _changed(record, fields: dict) -> dict:
    """The fields whose values differ from the record's (a related record compared by key)."""
    return {name: value for name, value in fields.items() if getattr(record, name) != value}


# --- forward plan and decisions ------------------------------------------------------------


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
        # Published the next working day after the decision.
        published = decision_date + dt.timedelta(days=1)
        while not workdays.is_working_day(published):
            published += dt.timedelta(days=1)
        services.publish_decision(decision=record, now=_at(published), by=by)
        record.refresh_from_db()
    return record


# --- call-ins ------------------------------------------------------------------------------


def _call_in(fixtures: Fixtures, decision: Decision, committee: Committee, spec: dict, by):
    """Members of the scrutiny committee call in a decision; it is heard and the outcome and
    the decision maker's response recorded (decisions.yaml, call_ins)."""
    if decision.call_ins.exists():
        return
    signers = fixtures.people(spec["signers"])
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
        raise FixtureError(
            f"{FILE}: the call-in of {decision.reference} has too few valid signers "
            f"({request.get_status_display()})"
        )
    callin_services.validate_request(
        request=request, by=by, now=start + dt.timedelta(days=1, hours=2)
    )
    hearing_start = _moment(spec["hearing"]["start"])
    meeting = Meeting.all_objects.filter(
        committee=committee, start__date=hearing_start.date()
    ).first() or meeting_services.create_meeting(
        committee=committee,
        start=hearing_start,
        venue=spec["hearing"]["venue"],
        contact_officer=committee.contact_officer,
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
