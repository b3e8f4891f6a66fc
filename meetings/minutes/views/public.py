"""Public pages: the minutes of a meeting (page and PDF), the action tracker and an action."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page
from django.db.models import Count, Prefetch, Window
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from meetings.minutes import selectors, services
from meetings.minutes.filters import ActionFilter
from meetings.minutes.models import ActionNote, MinutesSet, overdue_q
from meetings.models import Meeting
from scrutiny import fragments, stored_pdfs
from scrutiny.filters import chosen_labels
from scrutiny.models import Committee
from scrutiny.paging import known_page, page_query, paged, requested_page
from scrutiny.permissions import is_officer


def meeting_breadcrumbs(meeting, *extra):
    return [
        (meeting.committee.name, meeting.committee.get_absolute_url()),
        (f"{meeting.date:%-d %B %Y}", meeting.get_absolute_url()),
        *extra,
    ]


def _meeting_and_minutes(pk) -> tuple[Meeting, MinutesSet | None]:
    meeting = get_object_or_404(Meeting.objects.select_related("committee"), pk=pk)
    return meeting, selectors.meeting_minutes_set(meeting)


def _public_minutes(request, pk) -> tuple[Meeting, MinutesSet]:
    # The rows are read once per content generation (scrutiny.fragments.remembered); who may
    # read the minutes is decided on each request.
    meeting, minutes = fragments.remembered("meeting-minutes", pk, lambda: _meeting_and_minutes(pk))
    minutes = selectors.visible_minutes(minutes, meeting, request.user)
    if minutes is None:
        raise Http404("No minutes published for this meeting.")
    return meeting, minutes


def meeting_minutes(request, pk):
    meeting, minutes = _public_minutes(request, pk)
    may_read_exempt = selectors.may_read_exempt_minutes(request.user, meeting)

    def body() -> str:
        view = selectors.minutes_view(minutes, may_read_exempt=may_read_exempt)
        if may_read_exempt:
            exempt_read = [e.minute for e in view.items if e.show_full and e.minute.is_private]
            if exempt_read:  # each read of exempt minutes is logged: never from a fragment
                services.log_exempt_minutes_read(
                    user=request.user, meeting=meeting, minutes=exempt_read
                )
        return render_to_string(
            "minutes/_meeting_minutes_body.html",
            {"meeting": meeting, "view": view, "minutes": minutes},
            request,
        )

    if may_read_exempt:
        content = body()
    else:
        # What the public may read (officers also see drafts): the same for every reader of
        # this view, one fragment per content generation (scrutiny.fragments).
        view = (meeting.pk, minutes.pk, request.get_full_path(), request.user.is_authenticated)
        view += (is_officer(request.user),)
        content = fragments.cached("minutes-body", view, body)
    return render(
        request,
        "minutes/meeting_minutes.html",
        {
            "meeting": meeting,
            "body": content,
            "minutes": minutes,
            "breadcrumbs": meeting_breadcrumbs(meeting, ("Minutes", "")),
        },
    )


def meeting_minutes_pdf(request, pk):
    """The public minutes as a tagged PDF: never an exempt item's full minute. Published
    minutes are printed once per version and served from storage (``scrutiny.stored_pdfs``):
    no anonymous request renders; draft minutes (officers only) are printed on request."""
    meeting, minutes = _public_minutes(request, pk)
    return stored_pdfs.serve(request, _minutes_spec(meeting, minutes))


def _minutes_spec(meeting: Meeting, minutes: MinutesSet) -> stored_pdfs.PdfSpec:
    view = selectors.minutes_view(minutes, may_read_exempt=False)
    return stored_pdfs.PdfSpec(
        kind="minutes",
        key=str(meeting.pk),
        template="minutes/print/minutes.html",
        context={"meeting": meeting, "view": view, "minutes": minutes},
        title=f"Minutes: {meeting.committee.name}, {meeting.date:%-d %B %Y}",
        filename=f"minutes-{meeting.committee.slug}-{meeting.date:%Y-%m-%d}.pdf",
        # What anyone may read: the same rule as the minutes page gives the public.
        public=selectors.visible_minutes(minutes, meeting, AnonymousUser()) is not None,
    )


def minutes_pdf_spec(kind: str, key: str, query: str = "") -> stored_pdfs.PdfSpec | None:
    """The public minutes PDF of meeting ``key`` as the build task rebuilds it, or None."""
    meeting = Meeting.objects.select_related("committee").filter(pk=int(key)).first()
    if meeting is None:
        return None
    minutes = selectors.minutes_for_meeting(meeting, AnonymousUser())
    if minutes is None:
        return None
    return _minutes_spec(meeting, minutes)


# What a tracker row prints (minutes/_action_table.html): only these are read, for 50 rows
# (``Action.for_list`` reads every field of ten models, for the action page).
_ROW_RELATIONS = (
    "committee",
    "owner_person",
    "target_meeting",
    "dealt_with_item__meeting",
    "resolution__minute__agenda_item",
)
_ROW_FIELDS = (
    "committee__name",
    "resolution__number",
    "resolution__minute__number",
    "resolution__minute__agenda_item__number",
    "description",
    "owner_person__honorific",
    "owner_person__kind",
    "owner_person__name",
    "owner_text",
    "raised_on",
    "due_date",
    "target_meeting__start",
    "status",
    "dealt_with_item__meeting__start",
    "is_public",
)


def _tracker_rows(request, ids: list[int]) -> list:
    """The actions ``ids`` (a page of the tracker), in that order, with everything their rows
    print: what they link to and whether the viewer may see it, and their progress notes."""
    found = {
        action.pk: action
        for action in selectors.actions_for(request.user)
        .select_related(*_ROW_RELATIONS)
        .only(*_ROW_FIELDS)
        .prefetch_related(Prefetch("notes", queryset=ActionNote.objects.order_by("-on", "-pk")))
        .filter(pk__in=ids)
    }
    return [found[pk] for pk in ids if pk in found]


def _tracker_page(request, actions, today) -> tuple[Page, int]:
    """The requested page of ``actions`` (ids, in the tracker's order) and the number of them
    overdue, from one query: the page's ids carry the total and the overdue count as window
    aggregates, so deciding which actions the viewer may see (a join of every action to its
    minutes, meeting and agenda item) is done once. Pages as ``scrutiny.paging.paged``: a
    page that is not a number is the first, a page past the end the last (which costs a
    count and a second read, as it did)."""
    counted = (
        actions.annotate(
            tracker_total=Window(Count("pk")),
            tracker_overdue=Window(Count("pk", filter=overdue_q(today))),
        )
        .order_by("committee__name", "-raised_on", "pk")
        .values_list("pk", "tracker_total", "tracker_overdue")
    )
    requested = requested_page(request)
    if requested is not None:
        number, offset, limit = requested
        rows = list(counted[offset : offset + limit])
        if rows or number == 1:
            total, overdue = (rows[0][1], rows[0][2]) if rows else (0, 0)
            return known_page([pk for pk, _, _ in rows], number, total), overdue
    totals = actions.aggregate(total=Count("pk"), overdue=Count("pk", filter=overdue_q(today)))
    ids = actions.order_by("committee__name", "-raised_on", "pk").values_list("pk", flat=True)
    return paged(request, ids, count=totals["total"]), totals["overdue"]


def tracker_page(request, committee=None, *, template="minutes/action_tracker.html", officer=False):
    """The tracker (every committee's, one committee's, or the officers'). A ten-year council
    has thousands of actions, and deciding which the viewer may see joins each to its minutes,
    meeting and agenda item (``selectors.actions_for``): the page's ids and the counts are
    decided by each action's stored answer instead (``Action.publicly_visible``, one indexed
    column, kept by ``meetings.minutes.action_flags``; ``_tracker_page``, issue 20), and the
    page's rows are then read by id with all they print through the rule itself
    (``_tracker_rows``, on at most 50 rows)."""
    actions = selectors.actions_for(request.user, links=False, stored=True)
    if committee is not None:
        actions = actions.filter(committee=committee)
    filterset = ActionFilter(request.GET or None, queryset=actions, committee=committee)
    today = timezone.localdate()
    page, overdue_total = _tracker_page(request, filterset.qs, today)
    page.object_list = _tracker_rows(request, list(page.object_list))
    rows = [(a, a.is_overdue(today), next(iter(a.notes.all()), None)) for a in page]
    csv_url = reverse("action-tracker-csv")
    if committee is not None:
        csv_url = reverse("committee-actions-csv", kwargs={"slug": committee.slug})
    query = request.GET.urlencode()
    return render(
        request,
        template,
        {
            "filter": filterset,
            "filtered_by": ", ".join(chosen_labels(filterset)),
            "rows": rows,
            "committee": committee,
            "overdue_total": overdue_total,
            "page": page,
            "page_query": page_query(request),
            "csv_url": f"{csv_url}?{query}" if query else csv_url,
            "officer": officer,
            "breadcrumbs": (
                [(committee.name, committee.get_absolute_url()), ("Actions", "")]
                if committee
                else [("Actions", "")]
            ),
        },
    )


def action_tracker(request):
    return tracker_page(request)


def committee_actions(request, slug):
    committee = get_object_or_404(Committee, slug=slug)
    return tracker_page(request, committee)


def action_detail(request, pk):
    action = get_object_or_404(
        selectors.actions_for(request.user).for_list().prefetch_related("notes"), pk=pk
    )
    return render(
        request,
        "minutes/action_detail.html",
        {
            "action": action,
            "overdue": action.is_overdue(),
            "breadcrumbs": [
                ("Actions", reverse("action-tracker")),
                (action.committee.name, reverse("committee-actions", args=[action.committee.slug])),
            ],
        },
    )
