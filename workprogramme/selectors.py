"""Reads for the work programme pages, trackers, CSV files and PDFs.

Every list here is built in a fixed number of queries (select_related/prefetch_related), so
pages stay flat as trackers grow. Meetings and agenda items reach public pages only through
their public managers; resolutions only through ``meetings.minutes.selectors``.
"""

from __future__ import annotations

import collections
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from meetings.minutes.selectors import resolutions_for_items
from meetings.models import AgendaItem, Meeting, MeetingStatus
from scrutiny.models import Committee, MunicipalYear
from scrutiny.permissions import can_view_exempt, is_officer
from workprogramme.models import (
    STATUS_SYMBOLS,
    ActionPlanItem,
    Consideration,
    Deliverable,
    FollowUp,
    ImplementationStatus,
    ImprovementAction,
    ImprovementPlan,
    InspectionRecommendation,
    MeasureTarget,
    PlanPriority,
    ProgressUpdate,
    ReviewRecommendation,
    SuccessMeasure,
    WorkProgramme,
    WorkProgrammeItem,
)


def work_programme_rows() -> QuerySet[WorkProgrammeItem]:
    """Items as the tables of the HTML pages show them: one query for any number."""
    return WorkProgrammeItem.objects.select_related(
        "programme__committee", "programme__year", "target_meeting"
    )


def work_programme_items() -> QuerySet[WorkProgrammeItem]:
    """Items with their lead officers and planned meetings (the CSV and PDF trackers)."""
    return work_programme_rows().prefetch_related(
        "lead_officers",
        Prefetch(
            "considerations",
            queryset=Consideration.objects.select_related("meeting").order_by("meeting__start"),
        ),
    )


def programme_for(committee: Committee, year: MunicipalYear | None) -> WorkProgramme | None:
    qs = WorkProgramme.objects.select_related("committee", "year").filter(committee=committee)
    if year is not None:
        return qs.filter(year=year).first()
    return qs.order_by("-year__start_date").first()


@dataclass
class PlannedMeeting:
    meeting: Meeting
    considerations: list[Consideration] = field(default_factory=list)
    is_published: bool = False
    is_past: bool = False


def agenda_plan(
    committee: Committee, *, year: MunicipalYear | None = None, now: dt.datetime | None = None
) -> list[PlannedMeeting]:
    """The committee's meetings with the items planned for each: every meeting of ``year``
    (past ones included, so the plan reads as the year's plan), or the coming meetings.

    Meeting dates and report deadlines are public business even before the agenda is
    published; agenda items are not, so the plan shows work-programme titles, not agenda
    item titles.
    """
    now = now or timezone.now()
    meetings = (
        Meeting.all_objects.filter(committee=committee)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("start")
    )
    meetings = meetings.in_year(year) if year is not None else meetings.filter(start__gte=now)
    meetings = list(meetings[:40])
    by_meeting = {
        m.pk: PlannedMeeting(m, is_published=m.is_published, is_past=m.start < now)
        for m in meetings
    }
    for c in (
        Consideration.objects.filter(meeting_id__in=by_meeting)
        .select_related("item__programme", "presenter_person", "meeting")
        .order_by("item__number")
    ):
        by_meeting[c.meeting_id].considerations.append(c)
    return [by_meeting[m.pk] for m in meetings]


@dataclass
class HistoryEntry:
    consideration: Consideration
    meeting: Meeting
    is_published: bool
    agenda_item: AgendaItem | None  # None unless the viewer may see it
    resolutions: list = field(default_factory=list)
    private_note: str = ""


def issue_history(item: WorkProgrammeItem, user) -> list[HistoryEntry]:
    """Every meeting where the topic was (or is to be) considered, with its resolutions.

    The public see published meetings, the agenda item as listed on the public agenda and the
    resolutions of public minutes; an exempt item's resolutions only reach those who may read
    exempt papers of that committee.
    """
    officer = is_officer(user)
    considerations = list(
        # The agenda item's link names its meeting: loaded here, not once per entry.
        item.considerations.select_related("meeting__committee", "agenda_item__meeting").order_by(
            "meeting__start"
        )
    )
    visible_items = set(
        AgendaItem.objects.filter(
            pk__in=[c.agenda_item_id for c in considerations if c.agenda_item_id]
        ).values_list("pk", flat=True)
    )
    entries: list[HistoryEntry] = []
    private_ids: list[int] = []
    public_ids: list[int] = []
    for c in considerations:
        agenda_item = (
            c.agenda_item
            if c.agenda_item_id and (officer or c.agenda_item_id in visible_items)
            else None
        )
        entry = HistoryEntry(
            consideration=c,
            meeting=c.meeting,
            is_published=c.meeting.is_published,
            agenda_item=agenda_item,
        )
        if agenda_item is not None:
            if agenda_item.is_private:
                if can_view_exempt(user, c.meeting.committee, on=c.meeting.date):
                    private_ids.append(agenda_item.pk)
                else:
                    entry.private_note = (
                        "Considered in private (exempt information): the resolutions are "
                        "available to members of the committee only."
                    )
            else:
                public_ids.append(agenda_item.pk)
        entries.append(entry)
    # Draft minutes are for officers only: members reading exempt resolutions still see
    # only those of published or approved minutes (the minutes page's own rule).
    found = {}
    if public_ids:
        found.update(resolutions_for_items(public_ids, include_drafts=officer))
    if private_ids:
        found.update(
            resolutions_for_items(private_ids, include_exempt=True, include_drafts=officer)
        )
    for entry in entries:
        if entry.agenda_item is not None:
            entry.resolutions = found.get(entry.agenda_item.pk, [])
    return entries


def plan_with_tracker(plan: ImprovementPlan) -> ImprovementPlan:
    """Load a plan's priorities with their actions, deliverables, measures and targets onto
    ``plan`` (the plan's page): six queries, however many priorities, actions and measures
    the plan has. The page lists no progress updates, so they are not read.

    Each action's ``priority`` is the priority it is listed under (the prefetch sets it), so
    ``reference`` and the tracker's groups read no more rows.
    """
    prefetch_related_objects(
        [plan],
        Prefetch(
            "priorities",
            queryset=PlanPriority.objects.order_by("number").prefetch_related(
                Prefetch(
                    "actions",
                    queryset=ImprovementAction.objects.select_related("owner")
                    .prefetch_related(
                        Prefetch(
                            "inspection_recommendations",
                            queryset=InspectionRecommendation.objects.select_related("inspection"),
                        )
                    )
                    .order_by("number"),
                ),
                Prefetch("deliverables", queryset=Deliverable.objects.order_by("number")),
                Prefetch(
                    "success_measures",
                    queryset=SuccessMeasure.objects.select_related("kpi")
                    .order_by("number")
                    .prefetch_related(
                        Prefetch("targets", queryset=MeasureTarget.objects.order_by("target_date"))
                    ),
                ),
            ),
        ),
    )
    return plan


def plan_tracker_actions(plan: ImprovementPlan) -> list[ImprovementAction]:
    """Every action of a plan loaded by ``plan_with_tracker``, in priority then action order
    (the order of ``plan_actions``)."""
    return [a for priority in plan.priorities.all() for a in priority.actions.all()]


def plan_actions_all() -> QuerySet[ImprovementAction]:
    return (
        ImprovementAction.objects.select_related("owner", "priority__plan__inspection")
        .prefetch_related(
            Prefetch(
                "inspection_recommendations",
                queryset=InspectionRecommendation.objects.select_related("inspection"),
            ),
            Prefetch("progress_updates", queryset=ProgressUpdate.objects.order_by("-date", "-pk")),
        )
        .order_by("priority__number", "number")
    )


def plan_actions(plan: ImprovementPlan) -> QuerySet[ImprovementAction]:
    return plan_actions_all().filter(priority__plan=plan)


def review_recommendations(review=None) -> QuerySet[ReviewRecommendation]:
    qs = ReviewRecommendation.objects.select_related("review__panel", "response").prefetch_related(
        Prefetch("plan_items", queryset=ActionPlanItem.objects.order_by("due_date", "pk")),
        Prefetch(
            "follow_ups",
            queryset=FollowUp.objects.select_related("meeting__committee").order_by("-date"),
        ),
    )
    if review is not None:
        qs = qs.filter(review=review)
    return qs.order_by("review", "number")


def _status_summary(counts: dict[str, int]) -> list[tuple[str, str, str, int]]:
    """(status value, label, symbol, count) for a tracker summary, every status listed."""
    return [
        (value, label, STATUS_SYMBOLS[value], counts.get(value, 0))
        for value, label in ImplementationStatus.choices
    ]


def status_counts(recs) -> list[tuple[str, str, str, int]]:
    """The summary of recommendations already loaded (a review's page shows them all)."""
    return _status_summary(collections.Counter(r.status for r in recs))


def rag_counts(actions) -> list[tuple[str, str, int]]:
    from workprogramme.models import Rag

    counts: dict[str, int] = {}
    for a in actions:
        counts[a.rag] = counts.get(a.rag, 0) + 1
    return [(value, label, counts.get(value, 0)) for value, label in Rag.choices]


def programmes_index() -> QuerySet[WorkProgramme]:
    return (
        WorkProgramme.objects.select_related("committee", "year")
        .annotate(
            item_count=Count("items"),
            open_count=Count("items", filter=~Q(items__status__in=["completed", "dropped"])),
        )
        .order_by("-year__start_date", "committee__name")
    )


# Programmes per committee on the work programme index: the latest year and the one before.
RECENT_PROGRAMMES = 2


def recent_programmes(per_committee: int = RECENT_PROGRAMMES) -> list[WorkProgramme]:
    """Each committee's ``per_committee`` latest work programmes (by municipal year), in
    committee then newest-year order, with ``item_count``, ``open_count`` and the
    committee's number of programmes (``programme_total``): one query, however many years
    the council keeps. The others are listed on each committee's work programme page."""
    per_committee_total = (
        WorkProgramme.objects.filter(committee=OuterRef("committee"))
        .order_by()
        .values("committee")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # The latest programmes are chosen first, on the programmes alone, and only their items
    # are counted, by programme (issue 20: joining every year's items of every programme to
    # count them, then keeping two a committee, was estimated costly enough for PostgreSQL to
    # compile the query (JIT, about 60 ms of the page's 70) to run a 10 ms query).
    latest = (
        WorkProgramme.objects.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("committee_id")],
                order_by=[F("year__start_date").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=per_committee)
        .values("pk")
    )

    def items(*exclude: Q):
        counted = WorkProgrammeItem.objects.filter(programme=OuterRef("pk"))
        for condition in exclude:
            counted = counted.exclude(condition)
        counted = counted.order_by().values("programme").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    return list(
        WorkProgramme.objects.select_related("committee", "year")
        .filter(pk__in=latest)
        .annotate(
            item_count=items(),
            open_count=items(Q(status__in=["completed", "dropped"])),
            programme_total=Coalesce(
                Subquery(per_committee_total, output_field=IntegerField()), Value(0)
            ),
        )
        .order_by("committee__name", "-year__start_date")
    )


def recommendation_status_counts(recs: QuerySet[ReviewRecommendation]):
    """The summary of every recommendation of ``recs`` (a filtered list that is paged, so
    not all loaded), counted in the database: one query."""
    return _status_summary(
        dict(
            ReviewRecommendation.objects.filter(pk__in=recs.order_by().values("pk"))
            .order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
        )
    )
