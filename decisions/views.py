"""Public pages: the forward plan (current, each entry, and its published editions) and the
decisions register (list and each decision).

Every read goes through the public managers (``ForwardPlanEntry.objects``,
``Decision.objects``, ``CallInRequest.objects``), which ask ``scrutiny.visibility``. A private
decision's page shows only its public record (``decision_public_text`` in the template is
chosen by ``decision.is_public``): the title, decision maker, date, status, and that it was
taken in private under paragraph N; never its text, reasons, alternatives, interests or
papers.
"""

from __future__ import annotations

from django.db.models import Count, Window
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

from decisions import selectors
from decisions.filters import DecisionFilter, EditionFilter, ForwardPlanFilter
from decisions.models import (
    CallInRequest,
    Decision,
    DecisionSettings,
    DelegatedReport,
    ForwardPlanEdition,
    ForwardPlanEntry,
)
from meetings.models import Document
from meetings.stamping import stamp_exempt_paper
from scrutiny.filters import filtered_heading
from scrutiny.paging import known_page, page_query, paged, requested_page
from scrutiny.permissions import is_officer
from scrutiny.serving import file_response, paper_headers, wants_download

MAKERS = ("cabinet", "portfolio_holder__person", "officer")


def forward_plan(request):
    queryset = (
        ForwardPlanEntry.objects.current()
        .select_related(*MAKERS)
        .prefetch_related("wards")
        .order_by("planned_decision_date", "pk")
    )
    filterset = ForwardPlanFilter(request.GET, queryset=queryset)
    return render(
        request,
        "decisions/forward_plan.html",
        {
            "filter": filterset,
            "page": paged(request, filterset.qs),
            "page_query": page_query(request),
            "heading": filtered_heading("Forward plan of key decisions", filterset),
            "rules": DecisionSettings.current(),
            "editions": ForwardPlanEdition.objects.all()[:5],
        },
    )


def forward_plan_entry(request, pk):
    entry = get_object_or_404(
        ForwardPlanEntry.objects.select_related(*MAKERS, "scrutiny_committee"), pk=pk
    )
    return render(
        request,
        "decisions/entry_detail.html",
        {
            "entry": entry,
            "wards": list(entry.wards.all()),
            "decisions": Decision.objects.filter(forward_plan_entry=entry),
        },
    )


def _edition_page(request):
    """The page of editions and their number in one query (a window count), with none as
    with many (issue 20: the same queries on an empty council as on a ten-year one)."""
    requested = requested_page(request)
    if requested is not None:
        number, offset, limit = requested
        rows = list(
            ForwardPlanEdition.objects.annotate(listed=Window(Count("pk")))[offset : offset + limit]
        )
        if rows or number == 1:
            return known_page(rows, number, rows[0].listed if rows else 0)
    return paged(request, ForwardPlanEdition.objects.all())


def edition_list(request):
    return render(
        request,
        "decisions/edition_list.html",
        {
            "page": _edition_page(request),
            "page_query": page_query(request),
        },
    )


def edition_detail(request, number):
    edition = get_object_or_404(ForwardPlanEdition, number=number)
    filterset = EditionFilter(request.GET, queryset=edition.entries.all())
    return render(
        request,
        "decisions/edition_detail.html",
        {
            "edition": edition,
            "filter": filterset,
            "page": paged(request, filterset.qs),
            "page_query": page_query(request),
            "heading": filtered_heading(str(edition), filterset),
        },
    )


def decision_list(request):
    queryset = Decision.objects.select_related(*MAKERS).order_by("-decision_date", "-pk")
    filterset = DecisionFilter(request.GET, queryset=queryset)
    return render(
        request,
        "decisions/decision_list.html",
        {
            "filter": filterset,
            "page": paged(request, filterset.qs),
            "page_query": page_query(request),
            "heading": filtered_heading("Decisions", filterset),
        },
    )


def decision_detail(request, pk):
    decision = get_object_or_404(
        Decision.objects.select_related(
            *MAKERS, "agenda_item__meeting__committee", "forward_plan_entry"
        ),
        pk=pk,
    )
    context = {"decision": decision, "documents": [], "call_ins": []}
    if decision.is_public:
        # Only the papers the public may read (scrutiny.visibility through Document.objects).
        context["documents"] = Document.objects.filter(decisions=decision).select_related(
            "agenda_item"
        )
        context["delegated_reports"] = selectors.public_delegated_reports(decision)
        context["call_ins"] = (
            CallInRequest.objects.filter(decision=decision)
            .select_related("requested_by", "outcome")
            .prefetch_related("signatures__person")
        )
        entry = decision.forward_plan_entry
        context["entry"] = entry if entry is not None and entry.is_public else None
    return render(request, "decisions/decision_detail.html", context)


def delegated_report_download(request, decision_pk, pk):
    """A report a decision was taken on that was on no agenda. The public (and every
    councillor) gets it only when it is public (``selectors.is_delegated_report_public``),
    through ``scrutiny.serving`` like a paper; officers also get an exempt one, or one of a
    private decision, stamped NOT FOR PUBLICATION on every page (``meetings.stamping``, as
    an exempt paper is) and never cached. Anyone else: 404, as if there were none."""
    report = get_object_or_404(
        DelegatedReport.objects.select_related("decision"), pk=pk, decision_id=decision_pk
    )
    public = selectors.is_delegated_report_public(report)
    if not public and not is_officer(request.user):
        raise Http404("No such report.")
    # Opens in the browser like an agenda paper; ``?download=1`` saves it (scrutiny.serving).
    disposition_attachment = wants_download(request)
    if not public:
        try:
            with report.file.open("rb") as handle:
                data = handle.read()
        except (FileNotFoundError, OSError) as exc:
            raise Http404("The file is missing.") from exc
        paragraph = (
            report.exempt_paragraph if report.is_exempt else report.decision.exempt_paragraph
        )
        stamped = stamp_exempt_paper(data, paragraph=paragraph)
        response = HttpResponse(stamped, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            disposition_attachment, report.download_name
        )
        response["Content-Length"] = str(len(stamped))
        patch_cache_control(response, private=True, no_store=True)
    else:
        response = file_response(
            request,
            report.file,
            filename=report.download_name,
            etag=report.sha256,
            last_modified=report.modified_at,
            public=True,
            as_attachment=disposition_attachment,
        )
    return paper_headers(response, inline=not disposition_attachment)
