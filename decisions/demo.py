"""Demo data of the decisions app (idempotent: stable references, records found before they
are made; ``load_demo_data`` runs it after the meetings and minutes demo).

From the seed papers: the Cabinet and its portfolio holders for children's services in
2017/18 (seed 000: "Cabinet member portfolio: Cllr M. Ahmed (Children), Cllr S. Pandor
(Prevent)"; Masood Ahmed observed the Children's Scrutiny Panel as "Cabinet Member –
Children"), the Strategic Director who takes delegated decisions, the £250k / two-ward
key decision test of the report cover sheets, and the Ten Point Improvement Plan.

Invented for the demonstration, and labelled "(demo)" in their titles: the forward plan
entries and decisions, the call-in of the family support decision by members of the
Children's Scrutiny Panel and its hearing on 8 January 2018, and the private (exempt) award
of a residential placements contract. The panel hears call-ins in the demo council (the
decision settings' scrutiny committee).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from decisions import callin_services, services
from decisions.models import (
    CallInRequest,
    CallInResult,
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
from meetings.demo import _publish
from meetings.models import Meeting
from scrutiny.models import Committee, Membership, Person

LONDON = ZoneInfo("Europe/London")
CSP = "childrens-scrutiny-panel"
WARDS = [
    "Almondbury",
    "Ashbrow",
    "Batley East",
    "Batley West",
    "Colne Valley",
    "Crosland Moor and Netherton",
    "Dalton",
    "Dewsbury East",
    "Dewsbury South",
    "Dewsbury West",
    "Golcar",
    "Lindley",
    "Newsome",
]
CALL_IN_SIGNERS = ["cahal-burke", "donna-bellamy", "fazila-fadia", "paul-kane", "robert-light"]
HEARING_START = dt.datetime(2018, 1, 8, 10, 0, tzinfo=LONDON)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)


def _officer_user():
    User = get_user_model()
    return User.objects.filter(username="officer").first()


def _person(slug: str) -> Person | None:
    return Person.objects.filter(slug=slug).first()


def load() -> None:
    by = _officer_user()
    ahmed, pandor = _person("masood-ahmed"), _person("shabir-pandor")
    csp = Committee.objects.filter(slug=CSP).first()
    if ahmed is None or pandor is None or csp is None:
        return
    cabinet, _ = Committee.objects.update_or_create(
        slug="cabinet",
        defaults={
            "name": "Cabinet",
            "kind": Committee.Kind.CABINET,
            "purpose": "The Council's executive: the Leader and the Cabinet Members, who take "
            "key decisions and answer to overview and scrutiny.",
            "start_date": dt.date(2017, 5, 17),
        },
    )
    for person in (ahmed, pandor):
        Membership.objects.get_or_create(
            person=person,
            committee=cabinet,
            start_date=dt.date(2017, 5, 17),
            defaults={"role": Membership.Role.MEMBER},
        )
    holders = {}
    for person, portfolio, title in (
        (ahmed, "Children's Services", "Cabinet Member – Children"),
        (pandor, "Communities (Prevent)", "Cabinet Member – Communities"),
    ):
        holder = PortfolioHolder.objects.filter(person=person, portfolio=portfolio).first()
        holders[person.slug] = services.save_portfolio_holder(
            holder=holder,
            person=person,
            portfolio=portfolio,
            title=title,
            cabinet=cabinet,
            start_date=dt.date(2017, 5, 17),
            end_date=dt.date(2018, 5, 15),
            by=by,
        )
    director = DelegatedOfficer.objects.filter(post__startswith="Strategic Director").first()
    if director is None:
        director = services.save_delegated_officer(
            name="Steve Walker",
            post="Strategic Director – Children and Families",
            person=_person("steve-walker"),
            by=by,
        )
    wards = {w.name: w for w in services.add_wards(names=WARDS, by=by)}
    settings = DecisionSettings.current()
    if settings.scrutiny_committee_id is None:
        settings.scrutiny_committee = csp
        settings.save()

    _decision_with_entry(
        reference="DEMO/2017/07",
        matter="Children's Services Ten Point Improvement Plan: the refreshed plan (demo)",
        summary="To approve the refreshed Ten Point Improvement Plan, with its priorities, "
        "actions and success measures, after the 2016 Ofsted inspection.",
        maker={"maker_kind": MakerKind.CABINET, "cabinet": cabinet},
        published_on=dt.date(2017, 9, 15),
        decision_date=dt.date(2017, 10, 24),
        decision="To approve the refreshed Children's Services Ten Point Improvement Plan and "
        "to receive quarterly progress reports.",
        reasons="The plan answers the 27 recommendations of the Ofsted inspection and the "
        "Ad Hoc Scrutiny Panel's review.",
        alternatives="To keep the 2016 plan unchanged: rejected, as it no longer matched the "
        "service's progress.",
        wards=[],
        all_wards=True,
        by=by,
    )
    family = _decision_with_entry(
        reference="DEMO/2017/11",
        matter="Recommissioning of early help and family support services (demo)",
        summary="To recommission early help and family support services from April 2018, "
        "at an estimated £1.2m a year.",
        maker={
            "maker_kind": MakerKind.PORTFOLIO_HOLDER,
            "portfolio_holder": holders["masood-ahmed"],
        },
        published_on=dt.date(2017, 11, 1),
        decision_date=dt.date(2017, 12, 11),
        decision="To recommission early help and family support services as three "
        "district contracts from 1 April 2018.",
        reasons="One contract per district brings services closer to families.",
        alternatives="To extend the current contracts for a year: rejected, as they end in "
        "March 2018 and cannot lawfully be extended again.",
        wards=[wards[n] for n in ("Batley East", "Batley West", "Dewsbury East", "Dalton")],
        estimated_value=1200000,
        by=by,
    )
    _decision_with_entry(
        reference="DEMO/2017/12",
        matter="Award of a contract for residential placements for children in care (demo)",
        summary="To award a framework contract for residential placements.",
        maker={"maker_kind": MakerKind.CABINET, "cabinet": cabinet},
        published_on=dt.date(2017, 10, 13),
        decision_date=dt.date(2017, 11, 21),
        decision="To award the framework contract for residential placements to the bidder "
        "named in the exempt report, at the prices it tendered.",
        reasons="The bid was the most economically advantageous tender.",
        alternatives="To continue spot purchasing placements: rejected, as more costly.",
        wards=[],
        all_wards=True,
        estimated_value=3500000,
        private={
            "is_private": True,
            "exempt_paragraph": 3,
            "private_reasons": "The report names the bidders and their prices (information "
            "about the financial or business affairs of particular persons). The public "
            "interest in keeping it exempt outweighs that in disclosing it while the "
            "contract is let.",
        },
        by=by,
    )
    _call_in(family, csp, by)
    # The others' call-in periods have long closed: they took effect.
    services.close_call_in_periods(now=_at(dt.date(2018, 1, 31)), by=by)


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
            documents="Report of the Strategic Director – Children and Families (demo).",
            representations="Write to the contact officer at least 10 days before the "
            "decision date (demo).",
            contact_name="Steve Walker",
            contact_post="Strategic Director – Children and Families",
            contact_email="steve.walker@kirklees.gov.uk",
            wards=wards,
            by=by,
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


def _call_in(decision: Decision, csp: Committee, by) -> None:
    """Members of the Children's Scrutiny Panel call in the family support decision; it is
    heard on 8 January 2018 and referred back; the Cabinet Member answers."""
    if decision.call_ins.exists():
        return
    signers = [_person(slug) for slug in CALL_IN_SIGNERS]
    if any(p is None for p in signers):
        return
    User = get_user_model()
    start = decision.published_at + dt.timedelta(days=1)
    request = callin_services.start_request(
        decision=decision,
        person=signers[0],
        reasons="The consultation with families in Batley and Dewsbury was too short, the "
        "equality impact assessment does not consider families without transport, and the "
        "report does not say how the district contracts will be monitored (demo).",
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
    meeting = Meeting.all_objects.filter(
        committee=csp, start__date=HEARING_START.date()
    ).first() or meeting_services.create_meeting(
        committee=csp,
        start=HEARING_START,
        venue="Meeting Room 4 - Town Hall, Huddersfield",
        contact_officer=csp.contact_officer,
        by=by,
    )
    request = CallInRequest.all_objects.get(pk=request.pk)
    callin_services.schedule_hearing(request=request, meeting=meeting, by=by)
    if meeting.published_at is None:
        _publish(meeting, by)
    request = CallInRequest.all_objects.get(pk=request.pk)
    outcome = callin_services.record_outcome(
        request=request,
        result=CallInResult.REFERRED_BACK,
        decided_on=HEARING_START.date(),
        concerns="The panel asks the Cabinet Member to extend the consultation with families "
        "in Batley and Dewsbury by four weeks and to add transport to the equality impact "
        "assessment before the contracts are let (demo).",
        by=by,
        now=_at(HEARING_START.date(), 13),
    )
    callin_services.record_response(
        outcome=outcome,
        response="The Cabinet Member extended the consultation by four weeks and added "
        "travel support to the service specification; the decision is confirmed with that "
        "amendment (demo).",
        response_on=dt.date(2018, 2, 9),
        by=by,
        now=_at(dt.date(2018, 2, 9), 12),
    )
