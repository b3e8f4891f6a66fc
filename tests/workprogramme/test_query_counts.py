"""Query counts of every public page of the work programme app, pinned on a small record and on
a large one (many priorities, actions, measures, items, considerations, recommendations,
responses…), so that a query per row fails here rather than in the benchmark
(``bench/queries.py``). The target of the issue: at most ten queries per page, the same
count whatever the size of the record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from meetings.minutes import services as minutes_services
from meetings.models import AgendaItem, ItemKind
from scrutiny.models import Committee
from tests.factories import CommitteeFactory, MunicipalYearFactory, OfficerFactory, PersonFactory
from tests.factories.meetings import LONDON, AgendaItemFactory, PublishedMeetingFactory
from tests.factories.minutes import make_meeting_with_items
from tests.factories.performance import KPIFactory
from tests.factories.workprogramme import (
    DeliverableFactory,
    ImprovementActionFactory,
    ImprovementPlanFactory,
    InspectionFactory,
    InspectionRecommendationFactory,
    LeadMemberReportFactory,
    PlanPriorityFactory,
    ReviewRecommendationFactory,
    ScrutinyReviewFactory,
    WorkProgrammeFactory,
    WorkProgrammeItemFactory,
)
from tests.query_counts import TARGET, page_queries
from workprogramme import services
from workprogramme.models import (
    ActionStatus,
    Consideration,
    HighlightKind,
    ImplementationStatus,
    ItemStatus,
    MeasureTarget,
    Priority,
    Rag,
    ReviewRecommendation,
    SuccessMeasure,
    WorkProgrammeItem,
)

pytestmark = pytest.mark.django_db


def _same_count(client, small_urls, large_urls) -> int:
    """The count of each small URL, checked against the large one at the same position."""
    small = [page_queries(client, url) for url in small_urls]
    large = [page_queries(client, url) for url in large_urls]
    assert max(small) <= TARGET, dict(zip(small_urls, small, strict=True))
    assert large == small, (small_urls, small, large_urls, large)
    return small[0]


def _meeting(committee, day: int, month: int = 10, year: int = 2017, **kw):
    start = dt.datetime(year, month, day, 10, tzinfo=LONDON)
    return PublishedMeetingFactory(committee=committee, start=start, **kw)


# --- Improvement plans, actions and inspections ---------------------------------------------


def _plan(*, priorities: int, actions: int, each: int, recs: int):
    """A plan of ``priorities`` priorities with ``actions`` actions, ``each`` deliverables,
    success measures (each with ``each`` targets and a KPI) and a few owners; every action
    answers ``recs`` recommendations of the plan's inspection."""
    plan = ImprovementPlanFactory(committee=CommitteeFactory(), demo_note="Demo note")
    inspection_recs = [
        InspectionRecommendationFactory(inspection=plan.inspection) for _ in range(max(recs, 1))
    ]
    owners = [OfficerFactory() for _ in range(3)]
    statuses = list(ActionStatus.values)
    rags = list(Rag.values)
    for p in range(1, priorities + 1):
        priority = PlanPriorityFactory(plan=plan, number=p)
        for n in range(1, actions + 1):
            action = ImprovementActionFactory(
                priority=priority,
                number=n,
                owner=owners[n % 3] if n % 2 else None,
                status=statuses[n % len(statuses)],
                rag=rags[n % len(rags)],
                due_date=dt.date(2018, 1, 1) if n % 3 == 0 else dt.date(2099, 1, 1),
            )
            action.inspection_recommendations.set(inspection_recs[:recs])
        for n in range(1, each + 1):
            DeliverableFactory(priority=priority, number=n, done_date=dt.date(2018, 2, 1))
            measure = SuccessMeasure.objects.create(
                priority=priority, number=n, text=f"Measure {n}", kpi=KPIFactory()
            )
            for t in range(each):
                MeasureTarget.objects.create(
                    measure=measure, target_date=dt.date(2018 + t, 7, 1), target=f"{70 + t}%"
                )
    return plan


def _with_updates(action, n: int):
    for day in range(1, n + 1):
        services.record_progress(
            action=action,
            date=dt.date(2018, 1, day),
            rag=Rag.AMBER,
            status=ActionStatus.IN_PROGRESS,
            narrative=f"Update {day}",
        )
    return action


PLAN_FILTERS = ["", "?priority=1", "?rag=green&status=in_progress", "?inspection=O1&owner=o"]


def test_improvement_plan_query_count_does_not_grow(client):
    small = _plan(priorities=1, actions=1, each=1, recs=1)
    large = _plan(priorities=8, actions=12, each=4, recs=3)
    page = _same_count(
        client,
        [small.get_absolute_url() + q for q in PLAN_FILTERS],
        [large.get_absolute_url() + q for q in PLAN_FILTERS],
    )
    assert page <= 7  # plan, priorities, actions, their recommendations, deliverables,
    # measures (with KPIs), targets; a filter adds one
    body = client.get(large.get_absolute_url()).content.decode()
    assert "96 actions" in body and "8.12" in body and "Measured by" in body


def test_improvement_plan_exports_query_count_does_not_grow(client):
    small = _plan(priorities=1, actions=1, each=1, recs=1)
    _with_updates(small.priorities.get().actions.get(), 1)
    large = _plan(priorities=6, actions=8, each=2, recs=2)
    for action in list(large.priorities.get(number=2).actions.all())[:4]:
        _with_updates(action, 3)
    formats = ["?format=csv", "?priority=1&format=csv", "?format=pdf"]
    _same_count(
        client,
        [small.get_absolute_url() + q for q in formats],
        [large.get_absolute_url() + q for q in formats],
    )


def test_improvement_action_query_count_does_not_grow(client):
    small = ImprovementActionFactory()
    large = _plan(priorities=2, actions=3, each=1, recs=4).priorities.last().actions.last()
    large.owner = OfficerFactory()
    large.save()
    _with_updates(large, 12)
    _same_count(client, [small.get_absolute_url()], [large.get_absolute_url()])


def test_inspection_query_count_does_not_grow(client):
    small = InspectionFactory()
    ImprovementActionFactory().inspection_recommendations.add(
        InspectionRecommendationFactory(inspection=small)
    )
    large = _plan(priorities=5, actions=6, each=0, recs=20).inspection
    # A second plan answers the same recommendations.
    other = PlanPriorityFactory(plan=ImprovementPlanFactory(inspection=large))
    for n, rec in enumerate(large.recommendations.all(), start=1):
        ImprovementActionFactory(priority=other, number=n).inspection_recommendations.add(rec)
    _same_count(client, [small.get_absolute_url()], [large.get_absolute_url()])


# --- Work programmes ------------------------------------------------------------------------


def _programme(*, items: int, meetings: int, officers: int):
    """A committee's 2017/18 programme of ``items`` issues, each with ``officers`` lead
    officers, a target meeting and a consideration at each of ``meetings`` meetings (the
    first ones on the agenda), plus last year's programme."""
    year = MunicipalYearFactory()
    committee = CommitteeFactory()
    programme = WorkProgrammeFactory(committee=committee, year=year)
    WorkProgrammeFactory(
        committee=committee,
        year=MunicipalYearFactory(start_date=dt.date(2016, 5, 18), end_date=dt.date(2017, 5, 16)),
    )
    days = [_meeting(committee, 2 + n, month=6 + n % 6) for n in range(meetings)]
    people = [OfficerFactory() for _ in range(officers)]
    statuses = list(ItemStatus.values)
    for n in range(1, items + 1):
        item = WorkProgrammeItemFactory(
            programme=programme,
            number=n,
            status=statuses[n % len(statuses)],
            priority=Priority.HIGH if n % 2 else "",
            score_public_interest=3 if n % 2 else None,
            target_meeting=days[n % len(days)] if days else None,
        )
        item.lead_officers.set(people)
        for m, meeting in enumerate(days):
            agenda_item = AgendaItemFactory(meeting=meeting) if m % 2 == 0 else None
            Consideration.objects.create(
                item=item,
                meeting=meeting,
                agenda_item=agenda_item,
                presenter="" if n % 2 else "Head of Service",
                presenter_person=people[0] if people and n % 2 else None,
            )
    return committee, programme


def test_committee_work_programme_query_count_does_not_grow(client):
    small_committee, _ = _programme(items=1, meetings=1, officers=1)
    large_committee, _ = _programme(items=15, meetings=6, officers=3)
    queries = ["?year=2017/18", "?year=2017/18&status=scheduled&overdue=no", "?year=2016/17"]

    def urls(committee):
        base = reverse("committee-workprogramme", args=[committee.slug])
        return [base + q for q in queries]

    _same_count(client, urls(small_committee), urls(large_committee))


def test_work_programme_items_query_count_does_not_grow(client):
    _programme(items=1, meetings=1, officers=1)
    url = reverse("workprogramme-items")
    # The list is paged (50 a page): the large case has more than one page of items, and its
    # second page and a filtered page are measured too (a page past the end is the last).
    queries = [
        "",
        "?page=2",
        "?status=scheduled",
        "?year=2017/18&overdue=yes",
        "?year=2017/18&page=2",
        "?page=99",
    ]
    small = [page_queries(client, url + q) for q in queries]
    for _ in range(3):
        _programme(items=20, meetings=3, officers=2)
    assert WorkProgrammeItem.objects.count() == 61
    _same_count(client, [url + q for q in queries], [url + q for q in queries])
    assert [page_queries(client, url + q) for q in queries] == small
    body = client.get(url + "?page=2").content.decode()
    assert "61 issues (page 2 of 2)" in body


def _minuted(meeting):
    minutes = minutes_services.start_minutes(meeting=meeting)
    for minute in minutes.items.filter(agenda_item__kind=ItemKind.BUSINESS):
        minutes_services.save_minute(
            minute=minute,
            text="Narrative of the discussion.",
            resolutions=["That the report be noted.", "That the panel be updated."],
            version=minute.version,
        )
    return minutes_services.publish_minutes(minutes=minutes)


def test_work_programme_item_query_count_does_not_grow(client):
    committee, programme = _programme(items=1, meetings=1, officers=1)
    small = programme.items.get()
    large = WorkProgrammeItemFactory(programme=programme, number=2, score_extent=2)
    large.lead_officers.set([OfficerFactory() for _ in range(4)])
    # Six held meetings with minutes (public and exempt items), two still to come.
    for n in range(6):
        meeting = make_meeting_with_items(
            committee=committee,
            start=dt.datetime(2017, 6 + n, 3, 10, tzinfo=LONDON),
            business=2,
            exempt=n % 2 == 1,
        )
        _minuted(meeting)
        # The last business item: exempt at every other meeting.
        agenda_item = AgendaItem.all_objects.filter(meeting=meeting, kind=ItemKind.BUSINESS).last()
        Consideration.objects.create(item=large, meeting=meeting, agenda_item=agenda_item)
    for n in range(2):
        Consideration.objects.create(
            item=large, meeting=_meeting(committee, 5, year=2099 + n), presenter="Head of Service"
        )
    _same_count(client, [small.get_absolute_url()], [large.get_absolute_url()])
    body = client.get(large.get_absolute_url()).content.decode()
    assert "That the panel be updated." in body and "Considered in private" in body


# --- Scrutiny reviews and recommendations ---------------------------------------------------


def _review(*, recs: int, each: int):
    """A review with ``recs`` recommendations, each with ``each`` action plan items (some
    overdue); every one but the last has a response (some late) and ``each`` follow-ups, at
    meetings of different committees."""
    review = ScrutinyReviewFactory(demo_note="Demo note")
    meetings = [_meeting(CommitteeFactory(), 3 + n, year=2018) for n in range(max(each, 1))]
    statuses = [s for s in ImplementationStatus.values if s != "not_assessed"]
    made = []
    for n in range(1, recs + 1):
        rec = ReviewRecommendationFactory(review=review, number=n, theme=f"Theme {n % 3}")
        made.append(rec)
        answered = n < recs or recs == 1
        if answered:
            services.record_response(
                recommendation=rec,
                decision="accepted" if n % 2 else "partly",
                reasons="Agreed.",
                response_date=dt.date(2017, 6, 1) if n % 3 == 1 else dt.date(2017, 1, 10),
                responder="Cabinet",
            )
        for m in range(each):
            services.add_plan_item(
                recommendation=rec,
                text=f"Plan item {m}",
                owner="Head of Service",
                due_date=dt.date(2018, 1, 1 + m),
                done_date=dt.date(2018, 2, 1) if m % 2 else None,
            )
            if not answered:
                continue
            rec = ReviewRecommendation.objects.get(pk=rec.pk)
            meeting = meetings[m] if m % 3 else None
            services.record_follow_up(
                recommendation=rec,
                date=meeting.date if meeting else dt.date(2018, 3, 1 + m),
                status=statuses[(n + m) % len(statuses)],
                narrative="Progress reported.",
                meeting=meeting,
                expected_version=rec.version,
            )
    return review, made


# Each filter matches a recommendation of the small review and some of the large one (a page
# that lists nothing skips the queries that decorate the rows).
REVIEW_FILTERS = [
    "",
    "?status=acceptable&decision=accepted",
    "?late=yes&overdue=yes&owner=head",
    "?decision=none",
]


def test_review_query_count_does_not_grow(client):
    small, _ = _review(recs=2, each=1)
    large, _ = _review(recs=25, each=4)
    queries = REVIEW_FILTERS
    _same_count(
        client,
        [small.get_absolute_url() + q for q in queries],
        [large.get_absolute_url() + q for q in queries],
    )


def test_review_recommendation_query_count_does_not_grow(client):
    _, (small,) = _review(recs=1, each=1)
    _, large = _review(recs=2, each=12)
    _same_count(client, [small.get_absolute_url()], [large[0].get_absolute_url()])
    body = client.get(large[0].get_absolute_url()).content.decode()
    assert "Status history" in body and body.count("Plan item") == 12


def test_review_recommendations_query_count_does_not_grow(client):
    _review(recs=2, each=1)
    url = reverse("review-recommendations")
    # Paged (50 a page): the large case has two pages; the second is measured as well.
    queries = [*REVIEW_FILTERS, f"?committee={_panel()}", "?page=2", "?status=acceptable&page=2"]
    small = [page_queries(client, url + q) for q in queries]
    for _ in range(3):
        _review(recs=20, each=3)
    assert ReviewRecommendation.objects.count() == 62
    large = [page_queries(client, url + q) for q in queries]
    assert max(small) <= TARGET and large == small, (small, large)
    assert "62 recommendations (page 2 of 2)" in client.get(url + "?page=2").content.decode()


def _panel() -> str:
    return Committee.objects.filter(reviews__isnull=False).first().slug


# --- Index and lead member reports ----------------------------------------------------------


def _lead_report(highlights: int):
    report = LeadMemberReportFactory(lead_member=PersonFactory())
    kinds = list(HighlightKind.values)
    for n in range(highlights):
        services.add_highlight(
            report=report,
            kind=kinds[n % len(kinds)],
            title=f"Highlight {n}",
            body="- one\n- two",
            date=dt.date(2023, 7, 1 + n % 28),
        )
    return report


def test_lead_member_report_query_count_does_not_grow(client):
    small = _lead_report(1)
    large = _lead_report(30)
    _same_count(client, [small.get_absolute_url()], [large.get_absolute_url()])


def test_work_programme_index_query_count_does_not_grow(client):
    url = reverse("workprogramme-index")
    _programme(items=1, meetings=0, officers=0)
    ImprovementPlanFactory(committee=CommitteeFactory())
    _review(recs=1, each=0)
    _lead_report(1)
    small = [page_queries(client, url), page_queries(client, url + "?page=2")]
    assert max(small) <= TARGET
    for _ in range(6):
        committee, _ = _programme(items=4, meetings=0, officers=0)
        # Ten years of programmes: the index lists each committee's latest two.
        for year in range(2006, 2014):
            WorkProgrammeItemFactory(
                programme=WorkProgrammeFactory(
                    committee=committee,
                    year=MunicipalYearFactory(
                        start_date=dt.date(year, 5, 20), end_date=dt.date(year + 1, 5, 18)
                    ),
                )
            )
        ImprovementPlanFactory(committee=CommitteeFactory())
        _review(recs=2, each=0)
        _lead_report(2)
    # More than a page of lead member reports (20 a page on the index).
    for _ in range(20):
        LeadMemberReportFactory(lead_member=PersonFactory())
    assert [page_queries(client, url), page_queries(client, url + "?page=2")] == small
    body = client.get(url).content.decode()
    assert body.count("All 10 years") == 6 and "27 reports, newest first (page 1 of 2)" in body
