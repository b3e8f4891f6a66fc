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

Idempotent: a record that is already there (keyed by slug; by number under its parent; a
measure's targets, a recommendation's action plan and a report's highlights by their position
in the list; a progress update by date under its action) is compared with the file and, when
a value differs, changed through the service the officers' edit pages use (``update_item``,
``update_inspection``, ``update_inspection_recommendation``, ``update_plan``,
``update_priority``, ``update_action``, ``update_deliverable``, ``update_success_measure``,
``update_measure_target``, ``update_review``, ``update_review_recommendation``,
``record_response`` (which corrects a response), ``update_plan_item``,
``update_lead_member_report``, ``update_highlight``), so a second load with no change writes
nothing. Not updated (no service changes them, or their history is the point): a programme's
introduction and notes, progress updates and follow-ups (keyed by date; a new date adds one),
and records the file no longer lists (they are not removed).
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from meetings import services as meeting_services
from meetings.models import AgendaItem, Meeting
from performance.models import KPI
from scrutiny.fixtures import FixtureError, Fixtures, as_date
from scrutiny.models import MunicipalYear
from workprogramme import services
from workprogramme.models import (
    ActionPlanItem,
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


def _norm(value):
    return value.strip() if isinstance(value, str) else value


def _changed(record, wanted: dict) -> bool:
    """Whether any of ``wanted``'s values differs from the record's (text compared without
    its surrounding spaces, which the services strip; a related record by its key)."""
    for name, value in wanted.items():
        if isinstance(value, models.Model) or (value is None and hasattr(record, f"{name}_id")):
            current, value = getattr(record, f"{name}_id"), getattr(value, "pk", None)
        else:
            current = getattr(record, name)
        if _norm(current) != _norm(value):
            return True
    return False


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
        fields = {ITEM_KEYS[k]: spec[k] for k in ITEM_KEYS if k in spec}
        for criterion, score in (spec.get("scores") or {}).items():
            fields[f"score_{criterion}"] = score
        item = programme.items.filter(number=spec["number"]).first()
        if item is not None:
            officers = fixtures.people(spec.get("lead_officers"))
            fields["issue"] = spec["issue"]
            same_officers = {p.pk for p in officers} == set(
                item.lead_officers.values_list("pk", flat=True)
            )
            if _changed(item, fields) or not same_officers:
                services.update_item(
                    item=item,
                    expected_version=item.version,
                    lead_officers=None if same_officers else officers,
                    **fields,
                )
            continue
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
            wanted = {"agenda_item": agenda_item, "presenter": planned["presenter"]}
            consideration = Consideration.objects.filter(item=item, meeting=meeting).first()
            if consideration is None:
                Consideration.objects.create(item=item, meeting=meeting, **wanted)
            elif _changed(consideration, wanted):
                Consideration.objects.filter(pk=consideration.pk).update(**wanted)
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
    else:
        wanted = {
            "title": data["title"],
            "inspectorate": data["inspectorate"],
            "code_prefix": data["code_prefix"],
            "summary": data.get("summary", ""),
        }
        if _changed(inspection, wanted):
            inspection = services.update_inspection(
                inspection=inspection,
                expected_version=inspection.version,
                published_on=inspection.published_on,
                report_url=inspection.report_url,
                **wanted,
            )
    existing = {r.number: r for r in inspection.recommendations.all()}
    for number, text in enumerate(data["recommendations"], start=1):
        rec = existing.get(number)
        if rec is None:
            services.add_inspection_recommendation(inspection=inspection, number=number, text=text)
        elif _changed(rec, {"text": text}):
            services.update_inspection_recommendation(
                recommendation=rec, expected_version=rec.version, number=number, text=text
            )
    return inspection


def _plan(fixtures: Fixtures, data: dict, inspection: Inspection) -> None:
    if data.get("inspection") != inspection.slug:
        raise FixtureError(
            f"{FOLDER}/improvement_plan.yaml: the plan answers {data.get('inspection')!r}, "
            f"inspection.yaml is {inspection.slug!r}"
        )
    plan_fields = {
        "title": data["title"],
        "body": data.get("body", ""),
        "period_start": as_date(data["period_start"]),
        "period_end": as_date(data["period_end"]),
        "committee": fixtures.committee(data["committee"]),
        "inspection": inspection,
    }
    plan = ImprovementPlan.objects.filter(slug=data["slug"]).first()
    if plan is None:
        plan = services.create_plan(slug=data["slug"], **plan_fields)
    elif _changed(plan, plan_fields):
        plan = services.update_plan(plan=plan, expected_version=plan.version, **plan_fields)
    if plan.demo_note != data.get("demo_note", ""):  # no service takes it
        ImprovementPlan.objects.filter(pk=plan.pk).update(demo_note=data.get("demo_note", ""))
    for spec in data["priorities"]:
        _priority(fixtures, plan, spec)


def _priority(fixtures: Fixtures, plan: ImprovementPlan, spec: dict) -> None:
    fields = {
        "title": spec["title"],
        "rationale": spec.get("rationale", ""),
        "aims": "\n".join(spec.get("aims") or ()),
    }
    priority = plan.priorities.filter(number=spec["number"]).first()
    if priority is None:
        priority = services.add_priority(plan=plan, number=spec["number"], **fields)
    elif _changed(priority, fields):
        priority = services.update_priority(
            priority=priority, expected_version=priority.version, number=spec["number"], **fields
        )
    owner = fixtures.person(spec.get("owner"))
    actions = {a.number: a for a in priority.actions.all()}
    for number, action_spec in enumerate(spec["actions"], start=1):
        fields = {
            "text": action_spec["text"],
            "owner": owner,
            "due_date": as_date(spec["actions_due"]),
        }
        action = actions.get(number)
        if action is None:
            action = services.add_action(priority=priority, number=number, **fields)
        elif _changed(action, fields):
            action = services.update_action(
                action=action,
                expected_version=action.version,
                owner_text=action.owner_text,
                **fields,
            )
        for update in action_spec.get("progress") or ():
            _progress(action, update)
    deliverables = {d.number: d for d in priority.deliverables.all()}
    for number, deliverable in enumerate(spec.get("deliverables") or (), start=1):
        fields = {
            "text": deliverable["text"],
            "due_date": as_date(deliverable.get("due")),
            "done_date": as_date(deliverable.get("done")),
        }
        existing = deliverables.get(number)
        if existing is None:
            services.add_deliverable(priority=priority, number=number, **fields)
        elif _changed(existing, fields):
            services.update_deliverable(
                deliverable=existing,
                expected_version=existing.version,
                number=number,
                due_text=existing.due_text,
                **fields,
            )
    measures = {m.number: m for m in priority.success_measures.all()}
    for number, measure_spec in enumerate(spec.get("success_measures") or (), start=1):
        reference = measure_spec.get("kpi", "")
        fields = {
            "text": measure_spec["text"],
            "kpi_reference": reference,
            "kpi": KPI.objects.filter(reference=reference).first() if reference else None,
        }
        measure = measures.get(number)
        if measure is None:
            measure = services.add_success_measure(priority=priority, number=number, **fields)
        elif _changed(measure, fields):
            measure = services.update_success_measure(
                measure=measure, expected_version=measure.version, number=number, **fields
            )
        # The n-th target of the file is the measure's n-th (two may share a date).
        targets = list(measure.targets.order_by("pk"))
        for n, target in enumerate(measure_spec.get("targets") or ()):
            fields = {"target": target["target"], "target_date": as_date(target["date"])}
            if n >= len(targets):
                services.add_measure_target(measure=measure, **fields)
            elif _changed(targets[n], fields):
                services.update_measure_target(
                    measure_target=targets[n], expected_version=targets[n].version, **fields
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
    fields = {
        "title": data["title"],
        "panel": fixtures.committee(data["panel"]),
        "start_date": as_date(data.get("start_date")),
        "end_date": as_date(data.get("end_date")),
        "report_date": as_date(data["report_date"]),
        "terms_of_reference": data.get("terms_of_reference", ""),
        "summary": data.get("summary", ""),
    }
    review = ScrutinyReview.objects.filter(slug=data["slug"]).first()
    if review is None:
        review = services.create_review(slug=data["slug"], **fields)
    elif _changed(review, fields):
        review = services.update_review(
            review=review,
            expected_version=review.version,
            report_url=review.report_url,
            **fields,
        )
    if review.demo_note != data.get("demo_note", ""):  # no service takes it
        ScrutinyReview.objects.filter(pk=review.pk).update(demo_note=data.get("demo_note", ""))
    recommendations = {r.number: r for r in review.recommendations.select_related("response")}
    for spec in data["recommendations"]:
        fields = {
            "text": spec["text"],
            "theme": spec.get("theme", ""),
            "body_reference": spec.get("body_reference", ""),
        }
        rec = recommendations.get(spec["number"])
        if rec is None:
            rec = services.add_review_recommendation(review=review, number=spec["number"], **fields)
        elif _changed(rec, fields):
            rec = services.update_review_recommendation(
                recommendation=rec, expected_version=rec.version, number=spec["number"], **fields
            )
        response = spec.get("response")
        if response:
            wanted = {
                "decision": response["decision"],
                "reasons": response.get("reasons", ""),
                "response_date": as_date(response["date"]),
                "responder": response.get("responder", ""),
                "is_invented": response.get("is_invented", True),
            }
            current = getattr(rec, "response", None)
            if current is None or _changed(current, wanted):
                services.record_response(recommendation=rec, **wanted)
        _action_plan(rec, spec.get("action_plan") or ())
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


def _action_plan(rec, items) -> None:
    """A recommendation's action plan, item by item in the file's order (the n-th item of the
    file is the n-th of the recommendation's plan, in the order they were added)."""
    existing = list(ActionPlanItem.objects.filter(recommendation=rec).order_by("pk"))
    for n, item in enumerate(items):
        fields = {
            "text": item["text"],
            "owner": item.get("owner", ""),
            "due_date": as_date(item.get("due")),
            "done_date": as_date(item.get("done")),
        }
        if n >= len(existing):
            services.add_plan_item(
                recommendation=rec, is_invented=item.get("is_invented", True), **fields
            )
        elif _changed(existing[n], fields):
            services.update_plan_item(
                plan_item=existing[n], expected_version=existing[n].version, **fields
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
    fields = {
        "committee": committee,
        "period_start": start,
        "period_end": as_date(data["period_end"]),
        "lead_member": fixtures.person(data.get("lead_member")),
        "lead_member_name": data.get("lead_member_name", ""),
        "general_comments": data.get("general_comments", ""),
    }
    report = LeadMemberReport.objects.filter(committee=committee, period_start=start).first()
    if report is None:
        report = services.create_lead_member_report(**fields)
    elif _changed(report, fields):
        report = services.update_lead_member_report(
            report=report, expected_version=report.version, **fields
        )
    # The n-th highlight of the file is the report's n-th, in their order.
    existing = list(report.highlights.order_by("order", "pk"))
    for n, spec in enumerate(data["highlights"]):
        fields = {
            "kind": spec["kind"],
            "title": spec.get("title", ""),
            "body": spec.get("body", ""),
            "date": as_date(spec.get("date")),
        }
        if n >= len(existing):
            services.add_highlight(report=report, **fields)
        elif _changed(existing[n], fields):
            services.update_highlight(
                highlight=existing[n], expected_version=existing[n].version, **fields
            )
