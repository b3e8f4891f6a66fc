"""Lifecycles of each tracker through the services (real database)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from meetings.models import AgendaItem, MeetingStatus
from tests.factories import OfficerFactory, make_user
from tests.factories.meetings import LONDON, MeetingFactory, PublishedMeetingFactory
from tests.factories.workprogramme import (
    DeliverableFactory,
    ImprovementActionFactory,
    InspectionRecommendationFactory,
    LeadMemberReportFactory,
    PlanPriorityFactory,
    ReviewRecommendationFactory,
    WorkProgrammeFactory,
    WorkProgrammeItemFactory,
)
from workprogramme import services
from workprogramme.models import (
    ActionStatus,
    HighlightKind,
    ImplementationStatus,
    ItemStatus,
    Method,
    Priority,
    Rag,
    ResponseDecision,
    WorkProgrammeItem,
    priority_from_score,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_1_september_2017(time_machine):
    time_machine.move_to(dt.datetime(2017, 9, 1, 9, tzinfo=LONDON), tick=False)


@pytest.fixture
def officer():
    return make_user("officer")


def future_meeting(committee, day=dt.date(2017, 10, 9), **kw):
    return MeetingFactory(
        committee=committee,
        start=dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=LONDON),
        report_deadline=day - dt.timedelta(days=14),
        **kw,
    )


# --- work programme ---------------------------------------------------------------------------


def test_work_programme_item_lifecycle(officer):
    programme = WorkProgrammeFactory()
    lead = OfficerFactory()
    item = services.create_item(
        programme=programme,
        issue="Elective Home Education",
        put_forward_by="Steve Walker",
        method=Method.FULL_PANEL,
        lead_officers=[lead],
        by=officer,
    )
    assert item.number == 1 and item.status == ItemStatus.PROPOSED
    assert list(item.lead_officers.all()) == [lead]
    second = services.create_item(programme=programme, issue="SEN", by=officer)
    assert second.number == 2

    meeting = future_meeting(programme.committee)
    consideration = services.schedule_item(
        item=item, meeting=meeting, presenter="Steve Walker", by=officer
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.SCHEDULED
    assert item.target_meeting == meeting
    assert consideration.agenda_item is None
    assert consideration.deadline == meeting.report_deadline

    # Placing it on the agenda links both ways.
    agenda_item = services.place_on_meeting_agenda(consideration=consideration, by=officer)
    assert agenda_item.meeting == meeting
    assert agenda_item.title == "Elective Home Education"
    assert lead in agenda_item.contact_officers.all()
    assert AgendaItem.all_objects.get(pk=agenda_item.pk).work_programme_consideration.item == item
    with pytest.raises(ValidationError):
        services.place_on_meeting_agenda(consideration=consideration, by=officer)

    item = services.set_item_status(item=item, status=ItemStatus.IN_PROGRESS, by=officer)
    item = services.set_item_status(item=item, status=ItemStatus.COMPLETED, by=officer)
    assert item.status == ItemStatus.COMPLETED and not item.is_open
    assert item.history.count() >= 4


def test_schedule_with_place_on_agenda_and_remove(officer):
    item = WorkProgrammeItemFactory()
    first = future_meeting(item.programme.committee, dt.date(2017, 10, 9))
    later = future_meeting(item.programme.committee, dt.date(2017, 11, 20))
    c_later = services.schedule_item(item=item, meeting=later, place_on_agenda=True, by=officer)
    c_first = services.schedule_item(item=item, meeting=first, by=officer)
    item.refresh_from_db()
    assert item.target_meeting == first  # the next meeting it is planned for
    assert c_later.agenda_item is not None
    services.remove_consideration(consideration=c_first, by=officer)
    item.refresh_from_db()
    assert item.target_meeting == later
    services.remove_consideration(consideration=c_later, by=officer)
    item.refresh_from_db()
    assert item.status == ItemStatus.PROPOSED and item.target_meeting is None
    # The agenda item stays on the agenda (removing it is the meeting page's business).
    assert AgendaItem.all_objects.filter(pk=c_later.agenda_item_id).exists()


def test_schedule_refuses_bad_input(officer):
    item = WorkProgrammeItemFactory()
    cancelled = future_meeting(item.programme.committee, status=MeetingStatus.CANCELLED)
    with pytest.raises(ValidationError) as exc:
        services.schedule_item(item=item, meeting=cancelled, by=officer)
    assert "meeting" in exc.value.message_dict
    meeting = future_meeting(item.programme.committee, dt.date(2017, 12, 4))
    with pytest.raises(ValidationError) as exc:
        services.schedule_item(
            item=item, meeting=meeting, report_deadline=dt.date(2017, 12, 5), by=officer
        )
    assert "report_deadline" in exc.value.message_dict
    services.schedule_item(item=item, meeting=meeting, by=officer)
    with pytest.raises(ValidationError):
        services.schedule_item(item=item, meeting=meeting, by=officer)


def test_place_on_published_agenda_needs_urgency_reasons(officer):
    item = WorkProgrammeItemFactory()
    meeting = PublishedMeetingFactory(
        committee=item.programme.committee,
        start=dt.datetime(2017, 10, 9, 10, tzinfo=LONDON),
    )
    consideration = services.schedule_item(item=item, meeting=meeting, by=officer)
    with pytest.raises(ValidationError) as exc:
        services.place_on_meeting_agenda(consideration=consideration, by=officer)
    assert "urgency_reasons" in exc.value.message_dict
    agenda_item = services.place_on_meeting_agenda(
        consideration=consideration, urgency_reasons="The Chair agreed: report due.", by=officer
    )
    assert agenda_item.is_late


def test_update_item_optimistic_lock(officer):
    item = WorkProgrammeItemFactory()
    services.update_item(item=item, expected_version=1, issue="Renamed", by=officer)
    with pytest.raises(ValidationError) as exc:
        services.update_item(item=item, expected_version=1, issue="Stale edit", by=officer)
    assert "Someone else saved" in str(exc.value)
    assert WorkProgrammeItem.objects.get(pk=item.pk).issue == "Renamed"


def test_scores_validate_and_suggest_priority(officer):
    programme = WorkProgrammeFactory()
    with pytest.raises(ValidationError) as exc:
        services.create_item(programme=programme, issue="X", score_extent=4, by=officer)
    assert "score_extent" in exc.value.message_dict
    item = services.create_item(
        programme=programme,
        issue="X",
        score_public_interest=3,
        score_ability_to_change=2,
        score_performance=3,
        score_extent=3,
        score_replication=1,
        by=officer,
    )
    assert item.score == 12
    assert priority_from_score(12) == Priority.HIGH
    assert priority_from_score(7) == Priority.MEDIUM
    assert priority_from_score(2) == Priority.LOW


def test_overdue_items():
    item = WorkProgrammeItemFactory()
    past = MeetingFactory(
        committee=item.programme.committee, start=dt.datetime(2017, 8, 9, 10, tzinfo=LONDON)
    )
    WorkProgrammeItem.objects.filter(pk=item.pk).update(
        target_meeting=past, status=ItemStatus.SCHEDULED
    )
    assert list(WorkProgrammeItem.objects.overdue()) == [item]
    WorkProgrammeItem.objects.filter(pk=item.pk).update(status=ItemStatus.COMPLETED)
    assert not WorkProgrammeItem.objects.overdue().exists()


def test_programme_unique_per_committee_and_year():
    programme = WorkProgrammeFactory()
    with pytest.raises(ValidationError) as exc:
        services.create_programme(committee=programme.committee, year=programme.year)
    assert "year" in exc.value.message_dict


# --- improvement plan --------------------------------------------------------------------------


def test_inspection_references_are_parsed_and_linked():
    assert services.inspection_references("Review (O19) and (O 20); not O21") == [
        ("O", 19),
        ("O", 20),
    ]
    action = ImprovementActionFactory(text="Case review of placements (O19)")
    inspection = action.priority.plan.inspection
    rec19 = InspectionRecommendationFactory(inspection=inspection, number=19)
    InspectionRecommendationFactory(inspection=inspection, number=20)
    assert services.link_inspection_references(action=action) == [rec19]
    action = services.update_action(
        action=action,
        expected_version=1,
        text="Develop a Sufficiency Strategy (O20) (O19)",
        owner=None,
        owner_text="Head of Corporate Parenting",
        due_date=dt.date(2018, 1, 31),
    )
    assert sorted(r.number for r in action.inspection_recommendations.all()) == [19, 20]
    assert rec19.actions.get() == action


def test_progress_updates_drive_rag_and_status(officer):
    action = ImprovementActionFactory()
    services.record_progress(
        action=action,
        date=dt.date(2017, 8, 1),
        rag=Rag.AMBER,
        status=ActionStatus.IN_PROGRESS,
        narrative="Drafted.",
        by=officer,
    )
    # An older update recorded later does not override the latest.
    services.record_progress(
        action=action,
        date=dt.date(2017, 7, 1),
        rag=Rag.RED,
        status=ActionStatus.DELAYED,
        narrative="Late start.",
        by=officer,
    )
    action.refresh_from_db()
    assert (action.rag, action.status) == (Rag.AMBER, ActionStatus.IN_PROGRESS)
    with pytest.raises(ValidationError) as exc:
        services.record_progress(
            action=action,
            date=dt.date(2017, 9, 2),
            rag="purple",
            status=ActionStatus.COMPLETED,
            narrative="",
        )
    assert {"date", "rag", "narrative"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError):
        services.record_progress(
            action=action,
            date=dt.date(2017, 9, 1),
            rag=Rag.GREEN,
            status=ActionStatus.COMPLETED,
            narrative="Done",
            expected_version=1,
        )
    assert action.progress_updates.count() == 2
    assert action.history.count() >= 3


def test_action_overdue_and_deliverable_done():
    action = ImprovementActionFactory(due_date=dt.date(2017, 8, 31))
    assert action.is_overdue()
    deliverable = DeliverableFactory(due_date=dt.date(2017, 8, 31))
    assert deliverable.is_overdue()
    with pytest.raises(ValidationError):
        services.mark_deliverable_done(deliverable=deliverable, done_date=dt.date(2017, 9, 2))
    services.mark_deliverable_done(deliverable=deliverable, done_date=dt.date(2017, 8, 30))
    assert not deliverable.is_overdue()


# --- scrutiny review ---------------------------------------------------------------------------


def test_recommendation_lifecycle(officer):
    rec = ReviewRecommendationFactory()  # report 30 November 2016, response due 30 January 2017
    assert rec.review.response_due == dt.date(2017, 1, 30)
    with pytest.raises(ValidationError) as exc:
        services.record_follow_up(
            recommendation=rec, date=dt.date(2017, 6, 1), status=ImplementationStatus.ACHIEVED
        )
    assert "__all__" in exc.value.message_dict  # no response yet
    with pytest.raises(ValidationError) as exc:
        services.record_response(
            recommendation=rec,
            decision=ResponseDecision.PARTLY,
            reasons="",
            response_date=dt.date(2017, 1, 10),
        )
    assert "reasons" in exc.value.message_dict
    response = services.record_response(
        recommendation=rec,
        decision=ResponseDecision.ACCEPTED,
        reasons="",
        response_date=dt.date(2017, 1, 30),
        responder="Cabinet",
    )
    assert not response.is_late
    response = services.record_response(
        recommendation=rec,
        decision=ResponseDecision.ACCEPTED,
        reasons="",
        response_date=dt.date(2017, 1, 31),
    )
    assert response.is_late
    plan_item = services.add_plan_item(
        recommendation=rec,
        text="Produce a summary",
        owner="Head of Service",
        due_date=dt.date(2017, 6, 30),
    )
    assert plan_item.is_overdue()
    services.record_follow_up(
        recommendation=rec,
        date=dt.date(2017, 6, 1),
        status=ImplementationStatus.UNACCEPTABLE,
        narrative="Slow.",
    )
    services.record_follow_up(
        recommendation=rec,
        date=dt.date(2017, 8, 1),
        status=ImplementationStatus.ACHIEVED,
        narrative="Done.",
    )
    rec.refresh_from_db()
    assert rec.status == ImplementationStatus.ACHIEVED
    assert rec.status_symbol == "✓"
    assert [h.status for h in rec.history.order_by("history_date")][-1] == "achieved"


def test_rejected_recommendation_is_not_followed_up():
    rec = ReviewRecommendationFactory()
    services.record_response(
        recommendation=rec,
        decision=ResponseDecision.REJECTED,
        reasons="Not needed.",
        response_date=dt.date(2017, 1, 10),
    )
    rec.refresh_from_db()
    assert rec.status == ImplementationStatus.NOT_APPLICABLE
    with pytest.raises(ValidationError):
        services.record_follow_up(
            recommendation=rec, date=dt.date(2017, 6, 1), status=ImplementationStatus.ACHIEVED
        )


def test_follow_up_meeting_date_must_match():
    rec = ReviewRecommendationFactory()
    services.record_response(
        recommendation=rec,
        decision=ResponseDecision.ACCEPTED,
        reasons="",
        response_date=dt.date(2017, 1, 10),
    )
    meeting = MeetingFactory(start=dt.datetime(2017, 8, 9, 10, tzinfo=LONDON))
    with pytest.raises(ValidationError) as exc:
        services.record_follow_up(
            recommendation=rec,
            date=dt.date(2017, 8, 10),
            meeting=meeting,
            status=ImplementationStatus.ACCEPTABLE,
        )
    assert "meeting" in exc.value.message_dict


# --- lead member reports -----------------------------------------------------------------------


def test_lead_member_report_and_highlights():
    report = LeadMemberReportFactory()
    with pytest.raises(ValidationError):
        services.create_lead_member_report(
            committee=report.committee,
            period_start=dt.date(2023, 8, 1),
            period_end=dt.date(2023, 7, 1),
            lead_member_name="X",
        )
    first = services.add_highlight(report=report, kind=HighlightKind.VISIT, body="A visit")
    second = services.add_highlight(report=report, kind=HighlightKind.LOOKING_AHEAD, body="Next")
    assert (first.order, second.order) == (1, 2)
    with pytest.raises(ValidationError):
        services.add_highlight(report=report, kind=HighlightKind.VISIT, body=" ")


def test_priority_aims_split():
    priority = PlanPriorityFactory(aims="One\n\n Two ")
    assert priority.aim_list == ["One", "Two"]
