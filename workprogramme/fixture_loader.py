"""Loads the demo work programme data from fixtures/demo/workprogramme (docs/fixtures.md):

- ``programme.yaml``: the Children's Scrutiny Panel work programme 2017/18, its ten issues and
  the meetings that considered them;
- ``inspection.yaml``: the Ofsted 2016 inspection and its 27 recommendations;
- ``improvement_plan.yaml``: the Ten Point Plan (priorities, actions and their progress,
  deliverables, success measures and their dated targets);
- ``review.yaml``: the ad hoc scrutiny review, its 27 recommendations, the executive's
  responses, action plans and follow-ups;
- ``lead_member_report.yaml``: the lead member report for July–August 2023.

Records are written through ``workprogramme.services``, the functions the officers' pages use
(``create_programme``, ``create_item``, ``create_inspection``, ``add_inspection_recommendation``,
``create_plan``, ``add_priority``, ``add_action``, ``record_progress``, ``add_deliverable``,
``add_success_measure``, ``add_measure_target``, ``create_review``,
``add_review_recommendation``, ``record_response``, ``add_plan_item``, ``record_follow_up``,
``create_lead_member_report``, ``add_highlight``). Fields no create service takes (the demo
notes, an item's target meeting) are set on the new record; an issue's considerations are
linked to the agenda items the meetings data made, as before (the scheduling services plan
future meetings, these are past ones).

Idempotent: a record that is already there (keyed by slug, or by number under its parent) is
left as it is, so a re-run writes nothing; change the demo data on a fresh database.
"""

from __future__ import annotations

import datetime as dt

from meetings import services as meeting_services
from meetings.models import AgendaItem, Meeting
from performance.models import KPI
from scrutiny.fixtures import FixtureError, Fixtures, as_date
from scrutiny.models import MunicipalYear
from workprogramme import services
from workprogramme.models import (
    Consideration,
    ImprovementAction,
    ImprovementPlan,
    Inspection,
    LeadMemberReport,
    ScrutinyReview,
    WorkProgramme,
    WorkProgrammeItem,
)

FOLDER = "workprogramme"
FILES = (
    "programme.yaml",
    "inspection.yaml",
    "improvement_plan.yaml",
    "review.yaml",
    "lead_member_report.yaml",
)
ITEM_KEYS = {
    "put_forward_by": "put_forward_by",
    "approach": "approach",
    "outcomes": "outcomes",
    "comments": "comments",
    "method": "method",
    "status": "status",
    "target": "target_text",
    "priority": "priority",
}


def load(fixtures: Fixtures) -> None:
    data = {name: fixtures.read(f"{FOLDER}/{name}") for name in FILES}
    for name, content in data.items():
        if not content:
            raise FixtureError(f"{fixtures.path(f'{FOLDER}/{name}')}: the file is empty")
    _programme(fixtures, data["programme.yaml"])
    inspection = _inspection(data["inspection.yaml"])
    _plan(fixtures, data["improvement_plan.yaml"], inspection)
    _review(fixtures, data["review.yaml"])
    _lead_member_report(fixtures, data["lead_member_report.yaml"])


# --- work programme -----------------------------------------------------------------------


def _programme(fixtures: Fixtures, data: dict) -> None:
    committee = fixtures.committee(data["committee"])
    year = MunicipalYear.objects.filter(name=data["year"]).first()
    if year is None:
        raise FixtureError(f"{FOLDER}/programme.yaml: no municipal year {data['year']!r}")
    programme = WorkProgramme.objects.filter(committee=committee, year=year).first()
    if programme is None:
        programme = services.create_programme(
            committee=committee,
            year=year,
            introduction=data.get("introduction", ""),
            notes=data.get("notes", ""),
        )
    for spec in data["items"]:
        if programme.items.filter(number=spec["number"]).exists():
            continue
        fields = {ITEM_KEYS[k]: spec[k] for k in ITEM_KEYS if k in spec}
        for criterion, score in (spec.get("scores") or {}).items():
            fields[f"score_{criterion}"] = score
        services.create_item(
            programme=programme,
            number=spec["number"],
            issue=spec["issue"],
            lead_officers=fixtures.people(spec.get("lead_officers")),
            **fields,
        )
    _considerations(fixtures, committee, programme, data.get("meetings") or ())


def _considerations(fixtures, committee, programme, meetings) -> None:
    """Link the issues to the panel's meetings (made by the meetings data); an agenda item
    missing from an unpublished agenda is added through ``meetings.services``."""
    user = fixtures.officer_user()
    for spec in meetings:
        day = as_date(spec["date"])
        meeting = Meeting.all_objects.filter(committee=committee, start__date=day).first()
        if meeting is None:
            raise FixtureError(
                f"{FOLDER}/programme.yaml: no {committee.slug} meeting on {day} "
                "(the meetings data makes it)"
            )
        for planned in spec["considered"]:
            item = programme.items.get(number=planned["item"])
            title = planned["agenda_title"]
            agenda_item = (
                AgendaItem.all_objects.filter(meeting=meeting, title__iexact=title).first()
                or AgendaItem.all_objects.filter(meeting=meeting, title__icontains=title.split()[0])
                .exclude(work_programme_consideration__isnull=False)
                .first()
            )
            if agenda_item is None and meeting.published_at is None:
                agenda_item = meeting_services.add_agenda_item(
                    meeting=meeting, title=title, description=planned["description"], by=user
                )
            Consideration.objects.update_or_create(
                item=item,
                meeting=meeting,
                defaults={"agenda_item": agenda_item, "presenter": planned["presenter"]},
            )
        for planned in spec["considered"]:
            item = programme.items.get(number=planned["item"])
            last = item.considerations.order_by("-meeting__start").first()
            if item.target_meeting_id != last.meeting_id:
                WorkProgrammeItem.objects.filter(pk=item.pk).update(target_meeting=last.meeting)


# --- inspection and improvement plan ------------------------------------------------------


def _inspection(data: dict) -> Inspection:
    inspection = Inspection.objects.filter(slug=data["slug"]).first()
    if inspection is None:
        inspection = services.create_inspection(
            slug=data["slug"],
            title=data["title"],
            inspectorate=data["inspectorate"],
            code_prefix=data["code_prefix"],
            summary=data.get("summary", ""),
        )
    for number, text in enumerate(data["recommendations"], start=1):
        if not inspection.recommendations.filter(number=number).exists():
            services.add_inspection_recommendation(inspection=inspection, number=number, text=text)
    return inspection


def _plan(fixtures: Fixtures, data: dict, inspection: Inspection) -> None:
    if data.get("inspection") != inspection.slug:
        raise FixtureError(
            f"{FOLDER}/improvement_plan.yaml: the plan answers {data.get('inspection')!r}, "
            f"inspection.yaml is {inspection.slug!r}"
        )
    plan = ImprovementPlan.objects.filter(slug=data["slug"]).first()
    if plan is None:
        plan = services.create_plan(
            slug=data["slug"],
            title=data["title"],
            body=data.get("body", ""),
            period_start=as_date(data["period_start"]),
            period_end=as_date(data["period_end"]),
            committee=fixtures.committee(data["committee"]),
            inspection=inspection,
        )
        ImprovementPlan.objects.filter(pk=plan.pk).update(demo_note=data.get("demo_note", ""))
    for spec in data["priorities"]:
        priority = plan.priorities.filter(number=spec["number"]).first()
        if priority is None:
            priority = services.add_priority(
                plan=plan,
                number=spec["number"],
                title=spec["title"],
                rationale=spec.get("rationale", ""),
                aims="\n".join(spec.get("aims") or ()),
            )
        owner = fixtures.person(spec.get("owner"))
        for number, action_spec in enumerate(spec["actions"], start=1):
            action = priority.actions.filter(number=number).first()
            if action is None:
                action = services.add_action(
                    priority=priority,
                    number=number,
                    text=action_spec["text"],
                    owner=owner,
                    due_date=as_date(spec["actions_due"]),
                )
            for update in action_spec.get("progress") or ():
                _progress(action, update)
        for number, deliverable in enumerate(spec.get("deliverables") or (), start=1):
            if not priority.deliverables.filter(number=number).exists():
                services.add_deliverable(
                    priority=priority,
                    number=number,
                    text=deliverable["text"],
                    due_date=as_date(deliverable.get("due")),
                    done_date=as_date(deliverable.get("done")),
                )
        for number, measure_spec in enumerate(spec.get("success_measures") or (), start=1):
            if priority.success_measures.filter(number=number).exists():
                continue
            reference = measure_spec.get("kpi", "")
            measure = services.add_success_measure(
                priority=priority,
                number=number,
                text=measure_spec["text"],
                kpi_reference=reference,
                kpi=KPI.objects.filter(reference=reference).first() if reference else None,
            )
            for target in measure_spec.get("targets") or ():
                services.add_measure_target(
                    measure=measure, target=target["target"], target_date=as_date(target["date"])
                )


def _progress(action: ImprovementAction, update: dict) -> None:
    date = as_date(update["date"])
    if action.progress_updates.filter(date=date).exists():
        return
    services.record_progress(
        action=action,
        date=date,
        rag=update["rag"],
        status=update["status"],
        narrative=update["narrative"],
        is_invented=update.get("is_invented", True),
    )


# --- scrutiny review -------------------------------------------------------------------------


def _review(fixtures: Fixtures, data: dict) -> None:
    review = ScrutinyReview.objects.filter(slug=data["slug"]).first()
    if review is None:
        review = services.create_review(
            slug=data["slug"],
            title=data["title"],
            panel=fixtures.committee(data["panel"]),
            start_date=as_date(data.get("start_date")),
            end_date=as_date(data.get("end_date")),
            report_date=as_date(data["report_date"]),
            terms_of_reference=data.get("terms_of_reference", ""),
            summary=data.get("summary", ""),
        )
        ScrutinyReview.objects.filter(pk=review.pk).update(demo_note=data.get("demo_note", ""))
    for spec in data["recommendations"]:
        rec = review.recommendations.filter(number=spec["number"]).first()
        if rec is None:
            rec = services.add_review_recommendation(
                review=review,
                number=spec["number"],
                text=spec["text"],
                theme=spec.get("theme", ""),
                body_reference=spec.get("body_reference", ""),
            )
        response = spec.get("response")
        if response and not hasattr(rec, "response"):
            services.record_response(
                recommendation=rec,
                decision=response["decision"],
                reasons=response.get("reasons", ""),
                response_date=as_date(response["date"]),
                responder=response.get("responder", ""),
                is_invented=response.get("is_invented", True),
            )
        if not rec.plan_items.exists():
            for item in spec.get("action_plan") or ():
                services.add_plan_item(
                    recommendation=rec,
                    text=item["text"],
                    owner=item.get("owner", ""),
                    due_date=as_date(item.get("due")),
                    done_date=as_date(item.get("done")),
                    is_invented=item.get("is_invented", True),
                )
        if not rec.follow_ups.exists():
            for follow_up in spec.get("follow_ups") or ():
                services.record_follow_up(
                    recommendation=rec,
                    date=as_date(follow_up["date"]),
                    meeting=_meeting(follow_up.get("meeting")),
                    status=follow_up["status"],
                    narrative=follow_up.get("narrative", ""),
                    is_invented=follow_up.get("is_invented", True),
                )


def _meeting(where: dict | None) -> Meeting | None:
    if not where:
        return None
    day: dt.date = as_date(where["date"])
    meeting = Meeting.all_objects.filter(
        committee__slug=where["committee"], start__date=day
    ).first()
    if meeting is None:
        raise FixtureError(f"{FOLDER}/review.yaml: no {where['committee']} meeting on {day}")
    return meeting


# --- lead member report ------------------------------------------------------------------------


def _lead_member_report(fixtures: Fixtures, data: dict) -> None:
    committee = fixtures.committee(data["committee"])
    start = as_date(data["period_start"])
    report = LeadMemberReport.objects.filter(committee=committee, period_start=start).first()
    if report is None:
        report = services.create_lead_member_report(
            committee=committee,
            period_start=start,
            period_end=as_date(data["period_end"]),
            lead_member=fixtures.person(data.get("lead_member")),
            lead_member_name=data.get("lead_member_name", ""),
            general_comments=data.get("general_comments", ""),
        )
    if report.highlights.exists():
        return
    for spec in data["highlights"]:
        services.add_highlight(
            report=report,
            kind=spec["kind"],
            title=spec.get("title", ""),
            body=spec.get("body", ""),
            date=as_date(spec.get("date")),
        )
