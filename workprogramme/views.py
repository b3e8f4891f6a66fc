"""Public trackers (work programmes, improvement plans, inspections, reviews, lead member
reports) with filters, CSV and PDF. The officer pages under /officer/work-programme/ are in
``workprogramme/officer_views.py``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify

from scrutiny import csvexport, fragments, stored_pdfs
from scrutiny.models import Committee, MunicipalYear
from scrutiny.paging import page_query, paged
from scrutiny.permissions import is_officer
from workprogramme import selectors, trackers
from workprogramme.filters import (
    ImprovementActionFilter,
    ReviewRecommendationFilter,
    WorkProgrammeItemFilter,
)
from workprogramme.models import (
    PRIORITY_CRITERIA,
    ImprovementAction,
    ImprovementPlan,
    Inspection,
    LeadMemberReport,
    ScrutinyReview,
    WorkProgramme,
    WorkProgrammeItem,
    priority_from_score,
    today,
)

# --- helpers ------------------------------------------------------------------------------


def csv_response(tracker: trackers.Tracker) -> HttpResponse:
    return csvexport.response(
        f"{slugify(tracker.title)}.csv", tracker.csv_header(), tracker.csv_rows()
    )


def tracker_spec(tracker: trackers.Tracker, query: str = "") -> stored_pdfs.PdfSpec:
    """The printable PDF of ``tracker`` (``query``: the canonical filters of a filtered
    export). Trackers are public: served from storage, printed once per version."""
    return stored_pdfs.PdfSpec(
        kind=tracker.kind,
        key=tracker.key,
        query=query,
        template="workprogramme/print/tracker.html",
        context={"tracker": tracker},
        print_context=lambda: {"generated_at": trackers.generated_at()},
        title=tracker.title,
        filename=f"{slugify(tracker.title)}.pdf",
    )


def export(request, tracker_factory: Callable[[], trackers.Tracker]):
    """``?format=csv`` on a tracker page; None for the HTML page (``?format=pdf`` is answered
    before, by ``pdf_export``)."""
    if request.GET.get("format") == "csv":
        return csv_response(tracker_factory())
    return None


def pdf_export(request, kind: str, key: str, filter_class, hide: tuple[str, ...] = ()):
    """``?format=pdf`` on a tracker page: the stored PDF of the tracker with the page's
    filters, built by the same code as the background build (``tracker_pdf_spec``), so the
    request and the build agree on what it prints."""
    names = [name for name in filter_class.base_filters if name not in hide]
    spec = tracker_pdf_spec(kind, key, stored_pdfs.canonical_query(names, request.GET))
    if spec is None:
        raise Http404("No such tracker.")
    return stored_pdfs.serve(request, spec)


def export_links(request) -> dict[str, str]:
    """The CSV and PDF links of a tracker page: its filters, never its page (an export is
    every row that matches)."""
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("page", None)
    links = {}
    for fmt in ("csv", "pdf"):
        query["format"] = fmt
        links[fmt] = "?" + query.urlencode()
    return links


def chosen_year(request) -> MunicipalYear | None:
    wanted = request.GET.get("year")
    if wanted:
        year = MunicipalYear.objects.filter(name=wanted).first()
        if year is not None:
            return year
    return None


# --- public pages ----------------------------------------------------------------------------


def index(request):
    """Bounded however many years the council keeps: each committee's latest two work
    programmes (with a link to the committee's page, which lists every year) and the latest
    lead member reports, 20 a page. Plans, inspections and reviews are few and all listed."""
    committees: list[dict[str, Any]] = []
    for programme in selectors.recent_programmes():
        if committees and committees[-1]["latest"].committee_id == programme.committee_id:
            committees[-1]["previous"] = programme
        else:
            committees.append({"latest": programme, "previous": None})
    lead_reports = paged(
        request,
        LeadMemberReport.objects.select_related("committee", "lead_member").order_by(
            "-period_start", "committee__name", "pk"
        ),
        "lead-member-reports",
    )
    return render(
        request,
        "workprogramme/index.html",
        {
            "committees": committees,
            "plans": ImprovementPlan.objects.select_related("committee"),
            "inspections": Inspection.objects.all(),
            "reviews": ScrutinyReview.objects.select_related("panel"),
            "lead_reports": lead_reports,
            "page_query": page_query(request),
        },
    )


# A committee's programme page picks the programme itself: these filters are not offered.
PROGRAMME_HIDDEN_FILTERS = ("committee", "year")
REVIEW_HIDDEN_FILTERS = ("committee", "year")


def _item_filter(query, queryset, *, hide: tuple[str, ...] = ()):
    filterset = WorkProgrammeItemFilter(query or None, queryset=queryset)
    for name in hide:
        filterset.filters.pop(name, None)
        filterset.form.fields.pop(name, None)
    return filterset


def _items_queryset(request):
    """The exports list each item's lead officers and planned meetings; the pages' tables
    show neither, so they read the items alone."""
    if request.GET.get("format") in ("csv", "pdf"):
        return selectors.work_programme_items()
    return selectors.work_programme_rows()


def committee_workprogramme(request, slug):
    committee = get_object_or_404(Committee, slug=slug)
    year = chosen_year(request)
    programmes = list(WorkProgramme.objects.filter(committee=committee).select_related("year"))
    programme = None
    if year is not None:
        programme = next((p for p in programmes if p.year_id == year.pk), None)
    elif programmes:
        current = MunicipalYear.for_date(today())
        programme = next((p for p in programmes if current and p.year_id == current.pk), None)
        programme = programme or programmes[0]
    if programme is not None and request.GET.get("format") == "pdf":
        return pdf_export(
            request,
            "workprogramme",
            str(programme.pk),
            WorkProgrammeItemFilter,
            PROGRAMME_HIDDEN_FILTERS,
        )
    items_qs = _items_queryset(request).filter(programme=programme)
    filterset = _item_filter(request.GET, items_qs, hide=PROGRAMME_HIDDEN_FILTERS)
    items = list(filterset.qs) if programme else []
    if programme is not None:
        response = export(request, lambda: trackers.workprogramme_tracker(programme, items))
        if response is not None:
            return response
    plan_year = programme.year if programme else year
    return render(
        request,
        "workprogramme/committee_programme.html",
        {
            "committee": committee,
            "programme": programme,
            "programmes": programmes,
            "filter": filterset,
            "items": items,
            "plan": selectors.agenda_plan(committee, year=plan_year),
            "export": export_links(request),
            "today": today(),
            "breadcrumbs": [
                ("Work programmes", reverse("workprogramme-index")),
                (committee.name, committee.get_absolute_url()),
            ],
        },
    )


def item_list(request):
    """Every item of every work programme, newest year first, 50 a page; the CSV has every
    item that matches the filters."""
    filterset = _item_filter(request.GET, _items_queryset(request))
    matching = filterset.qs.order_by(
        "-programme__year__start_date", "programme__committee__name", "number", "pk"
    )
    fmt = request.GET.get("format")
    if fmt == "csv":
        items = list(matching)
        rows = []
        for programme_id in dict.fromkeys(i.programme_id for i in items):
            subset = [i for i in items if i.programme_id == programme_id]
            rows.append(trackers.workprogramme_tracker(subset[0].programme, subset))
        combined = trackers.Tracker(
            kind="workprogramme",
            key="all",
            title="Work programme items",
            columns=trackers.WP_COLUMNS,
            groups=[trackers.Group(t.title, t.groups[0].rows) for t in rows],
        )
        return csv_response(combined)
    page = paged(request, matching)
    return render(
        request,
        "workprogramme/item_list.html",
        {
            "filter": filterset,
            "items": list(page),
            "page": page,
            "page_query": page_query(request),
            "export": export_links(request),
            "today": today(),
            "breadcrumbs": [("Work programmes", reverse("workprogramme-index"))],
        },
    )


def item_detail(request, pk):
    item = get_object_or_404(
        WorkProgrammeItem.objects.select_related(
            "programme__committee", "programme__year", "target_meeting"
        ).prefetch_related("lead_officers"),
        pk=pk,
    )
    scores = [
        (label, question, getattr(item, field)) for field, label, question in PRIORITY_CRITERIA
    ]
    return render(
        request,
        "workprogramme/item_detail.html",
        {
            "item": item,
            "history": selectors.issue_history(item, request.user),
            "scores": scores,
            "suggested_priority": priority_from_score(item.score) if item.score is not None else "",
            "is_officer": is_officer(request.user),
            "today": today(),
            "breadcrumbs": [
                ("Work programmes", reverse("workprogramme-index")),
                (
                    f"{item.programme.committee.name} {item.programme.year.name}",
                    item.programme.get_absolute_url(),
                ),
            ],
        },
    )


def _plan_export_filter(plan, query):
    return ImprovementActionFilter(query, queryset=selectors.plan_actions(plan), plan=plan)


def _review_filter(review, query):
    filterset = ReviewRecommendationFilter(
        query or None, queryset=selectors.review_recommendations(review)
    )
    for name in REVIEW_HIDDEN_FILTERS:
        filterset.filters.pop(name, None)
        filterset.form.fields.pop(name, None)
    return filterset


def plan_detail(request, slug):
    plan = get_object_or_404(
        ImprovementPlan.objects.select_related("inspection", "committee"), slug=slug
    )
    if request.GET.get("format") == "pdf":
        return pdf_export(request, "improvement-plan", plan.slug, ImprovementActionFilter)
    if request.GET.get("format") == "csv":
        # The export lists the chosen actions with their latest update, nothing else.
        filterset = _plan_export_filter(plan, request.GET)
        actions = list(filterset.qs)
        return export(request, lambda: trackers.plan_tracker(plan, actions))
    officer = is_officer(request.user)

    def body() -> str:
        # The priorities with every action are on the page anyway: load them once, and let
        # the filter (whose priority choices are these priorities) only pick which actions
        # the table lists. Seven queries, eight with a filter applied, for any size of plan.
        selectors.plan_with_tracker(plan)
        priorities = list(plan.priorities.all())
        every_action = selectors.plan_tracker_actions(plan)
        filterset = ImprovementActionFilter(
            request.GET or None, queryset=selectors.plan_actions(plan), priorities=priorities
        )
        if filterset.is_bound:
            chosen = set(filterset.qs.values_list("pk", flat=True))
            actions = [a for a in every_action if a.pk in chosen]
        else:
            actions = every_action
        return render_to_string(
            "workprogramme/_plan_detail_body.html",
            {
                "plan": plan,
                "filter": filterset,
                "actions": actions,
                "rag_counts": selectors.rag_counts(actions),
                "overdue_count": sum(1 for a in actions if a.is_overdue()),
                "export": export_links(request),
                "today": today(),
                "is_officer": officer,
            },
            request,
        )

    # A ten-year council's plan is a page of 100 KB: its body is the same for every reader
    # who is not an officer (officers get edit links and forms with their token), one
    # fragment per address, day and content generation (scrutiny.fragments).
    if officer:
        content = body()  # render_to_string's SafeString: autoescaped template output
    else:
        # Signed in or not too: the filter form inside is kept for anonymous readers only
        # (templates/includes/filter_form.html), so the two are never handed each other's.
        view = (plan.pk, request.get_full_path(), today().isoformat())
        view += (request.user.is_authenticated,)
        content = fragments.cached("plan-body", view, body)
    return render(
        request,
        "workprogramme/plan_detail.html",
        {
            "plan": plan,
            "body": content,
            "breadcrumbs": [("Work programmes and trackers", reverse("workprogramme-index"))],
        },
    )


def action_detail(request, pk):
    action = get_object_or_404(selectors.plan_actions_all(), pk=pk)
    return render(
        request,
        "workprogramme/action_detail.html",
        {
            "action": action,
            "plan": action.priority.plan,
            "updates": list(action.progress_updates.all()),
            "is_officer": is_officer(request.user),
            "today": today(),
            "breadcrumbs": [
                ("Work programmes and trackers", reverse("workprogramme-index")),
                (action.priority.plan.title, action.priority.plan.get_absolute_url()),
            ],
        },
    )


def inspection_detail(request, slug):
    inspection = get_object_or_404(Inspection, slug=slug)
    # An action's reference is its priority's number and its own: one query for the actions
    # with their priorities (the plan is not shown).
    recs = list(
        inspection.recommendations.prefetch_related(
            Prefetch("actions", queryset=ImprovementAction.objects.select_related("priority"))
        ).order_by("number")
    )
    return render(
        request,
        "workprogramme/inspection_detail.html",
        {
            "inspection": inspection,
            "recs": recs,
            "is_officer": is_officer(request.user),
            "breadcrumbs": [("Work programmes and trackers", reverse("workprogramme-index"))],
        },
    )


def review_detail(request, slug):
    review = get_object_or_404(ScrutinyReview.objects.select_related("panel"), slug=slug)
    if request.GET.get("format") == "pdf":
        return pdf_export(
            request, "review", review.slug, ReviewRecommendationFilter, REVIEW_HIDDEN_FILTERS
        )
    filterset = _review_filter(review, request.GET)
    recs = list(filterset.qs)
    response = export(request, lambda: trackers.review_tracker(review, recs))
    if response is not None:
        return response
    return render(
        request,
        "workprogramme/review_detail.html",
        {
            "review": review,
            "filter": filterset,
            "is_officer": is_officer(request.user),
            "recs": recs,
            "status_counts": selectors.status_counts(recs),
            "export": export_links(request),
            "today": today(),
            "breadcrumbs": [("Work programmes and trackers", reverse("workprogramme-index"))],
        },
    )


def recommendation_list(request):
    filterset = ReviewRecommendationFilter(
        request.GET or None, queryset=selectors.review_recommendations()
    )
    if request.GET.get("format") == "csv":
        recs = list(filterset.qs)
        groups = []
        for review_id in dict.fromkeys(r.review_id for r in recs):
            subset = [r for r in recs if r.review_id == review_id]
            tracker = trackers.review_tracker(subset[0].review, subset)
            groups.append(trackers.Group(subset[0].review.title, tracker.groups[0].rows))
        return csv_response(
            trackers.Tracker(
                kind="review",
                key="all",
                title="Scrutiny recommendations",
                columns=trackers.REVIEW_COLUMNS,
                groups=groups,
            )
        )
    # Fifty a page; the status summary counts every matching recommendation.
    page = paged(request, filterset.qs)
    return render(
        request,
        "workprogramme/recommendation_list.html",
        {
            "filter": filterset,
            "recs": list(page),
            "page": page,
            "page_query": page_query(request),
            "status_counts": selectors.recommendation_status_counts(filterset.qs),
            "export": export_links(request),
            "today": today(),
            "breadcrumbs": [("Work programmes and trackers", reverse("workprogramme-index"))],
        },
    )


def recommendation_detail(request, slug, number):
    rec = get_object_or_404(selectors.review_recommendations(), review__slug=slug, number=number)
    history = list(
        rec.history.order_by("-history_date").values("history_date", "status", "history_type")[:50]
    )
    return render(
        request,
        "workprogramme/recommendation_detail.html",
        {
            "rec": rec,
            "review": rec.review,
            "response": getattr(rec, "response", None),
            "plan_items": list(rec.plan_items.all()),
            "follow_ups": list(rec.follow_ups.all()),
            "status_history": _status_changes(history),
            "is_officer": is_officer(request.user),
            "today": today(),
            "breadcrumbs": [
                ("Work programmes and trackers", reverse("workprogramme-index")),
                (rec.review.title, rec.review.get_absolute_url()),
            ],
        },
    )


def _status_changes(history: list[dict]) -> list[dict]:
    """Collapse the audit history into the dates the implementation status changed."""
    from workprogramme.models import ImplementationStatus

    labels = dict(ImplementationStatus.choices)
    changes: list[dict] = []
    previous = None
    for row in reversed(history):
        if row["status"] != previous:
            changes.append({"date": row["history_date"], "status": labels.get(row["status"], "")})
            previous = row["status"]
    return list(reversed(changes))


def lead_member_report(request, pk):
    report = get_object_or_404(
        LeadMemberReport.objects.select_related("committee", "lead_member"), pk=pk
    )
    highlights = list(report.highlights.all())
    groups = []
    from workprogramme.models import HighlightKind

    for value, label in HighlightKind.choices:
        rows = [h for h in highlights if h.kind == value]
        if rows:
            groups.append((label, rows))
    return render(
        request,
        "workprogramme/lead_member_report.html",
        {
            "report": report,
            "groups": groups,
            "is_officer": is_officer(request.user),
            "breadcrumbs": [("Work programmes and trackers", reverse("workprogramme-index"))],
        },
    )


def tracker_pdf(request, kind, key):
    """Printable PDF of a whole tracker (also what an agenda report prints)."""
    spec = tracker_pdf_spec(kind, key)
    if spec is None:
        raise Http404(f"No {kind} tracker {key}.")
    return stored_pdfs.serve(request, spec)


def tracker_pdf_spec(kind: str, key: str, query: str = "") -> stored_pdfs.PdfSpec | None:
    """The tracker PDF (kind, key, canonical filters) as the build task rebuilds it: the same
    filters as the pages apply, so the same content and fingerprint; None when it is gone."""
    params = QueryDict(query)
    try:
        if kind == "workprogramme":
            programme = WorkProgramme.objects.select_related("committee", "year").get(pk=int(key))
            filterset = _item_filter(
                params,
                selectors.work_programme_items().filter(programme=programme),
                hide=PROGRAMME_HIDDEN_FILTERS,
            )
            tracker = trackers.workprogramme_tracker(programme, list(filterset.qs))
        elif kind == "improvement-plan":
            plan = ImprovementPlan.objects.select_related("inspection", "committee").get(slug=key)
            tracker = trackers.plan_tracker(plan, list(_plan_export_filter(plan, params).qs))
        elif kind == "review":
            review = ScrutinyReview.objects.select_related("panel").get(slug=key)
            tracker = trackers.review_tracker(review, list(_review_filter(review, params).qs))
        else:
            return None
    except (
        WorkProgramme.DoesNotExist,
        ImprovementPlan.DoesNotExist,
        ScrutinyReview.DoesNotExist,
        ValueError,
    ):
        return None
    return tracker_spec(tracker, query)
