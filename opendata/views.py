"""Search page, calendars, the open data page, the OParl API and the officers' list of PDFs
without a text layer."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from meetings.models import Document, Meeting, Report
from opendata import ics, oparl, tasks
from opendata.forms import SearchForm
from opendata.http import conditional
from opendata.search import SearchParams, run_search, uses_postgres
from scrutiny.models import Committee, Council
from scrutiny.permissions import OfficerRequiredMixin
from scrutiny.serving import file_response

# --- Search ---------------------------------------------------------------------------------


def search_view(request):
    form = SearchForm(request.GET or None)
    page = None
    results = []
    query = ""
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        data = form.cleaned_data
        query = data["q"].strip()
        params = SearchParams(
            q=query,
            committee=data["committee"],
            kind=data["type"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
        page, results = run_search(params, request.GET.get("page"))
    other = request.GET.copy()
    other.pop("page", None)
    return render(
        request,
        "opendata/search.html",
        {
            "form": form,
            "page": page,
            "results": results,
            "query": query,
            "querystring": other.urlencode(),
            "ranked": uses_postgres(),
        },
    )


# --- Calendars ------------------------------------------------------------------------------


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


# The all-committees feed carries the latest meetings only: a ten-year council has
# thousands, which calendar apps re-download on every refresh. Committee feeds carry all.
ALL_MEETINGS_FEED_LIMIT = 1000


def _calendar_meetings(limit: int | None = None, **filters) -> list[Meeting]:
    qs = Meeting.objects.select_related("committee").filter(**filters)
    if limit is not None:
        return sorted(qs.order_by("-start")[:limit], key=lambda m: m.start)
    return list(qs.order_by("start"))


@require_safe
@conditional
def meetings_ics(request):
    name = f"{Council.current().name}: committee meetings"
    meetings = _calendar_meetings(limit=ALL_MEETINGS_FEED_LIMIT)
    return _ics_response(ics.build_calendar(meetings, name=name), "meetings.ics")


@require_safe
@conditional
def committee_ics(request, slug):
    committee = get_object_or_404(Committee, slug=slug)
    body = ics.build_calendar(_calendar_meetings(committee=committee), name=committee.name)
    return _ics_response(body, f"{committee.slug}.ics")


@require_safe
@conditional
def meeting_ics(request, pk):
    meeting = get_object_or_404(Meeting.objects.select_related("committee"), pk=pk)
    body = ics.build_calendar([meeting], name=str(meeting))
    response = _ics_response(body, f"meeting-{meeting.pk}.ics")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


def meeting_calendar_panel(request, meeting):
    """On the public meeting page: add this meeting to a calendar, subscribe to the rest."""
    if not meeting.is_published:
        return None
    return (
        "opendata/_meeting_calendar_panel.html",
        {"meeting": meeting, "committee": meeting.committee},
    )


# --- Open data page -------------------------------------------------------------------------


def open_data(request):
    from opendata import exports

    return render(
        request,
        "opendata/open_data.html",
        {
            "committees": Committee.objects.order_by("name"),
            "csv_downloads": exports.available(),
        },
    )


# --- Officers: PDFs without a text layer ----------------------------------------------------


class DocumentsWithoutText(OfficerRequiredMixin, TemplateView):
    template_name = "opendata/officer/documents_without_text.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["documents"] = list(
            Document.all_objects.filter(has_text_layer=False)
            .select_related("agenda_item__meeting__committee")
            .defer("text")
            .order_by("-agenda_item__meeting__start", "agenda_item__order", "order")
        )
        ctx["unchecked"] = Document.all_objects.filter(text_extracted_at__isnull=True).count()
        return ctx

    def post(self, request, *args, **kwargs):
        ids = list(
            Document.all_objects.filter(text_extracted_at__isnull=True).values_list("pk", flat=True)
        )
        for pk in ids:
            tasks.extract_text.enqueue(pk)
        messages.success(
            request,
            f"{len(ids)} document{'s' if len(ids) != 1 else ''} queued to be checked for text.",
        )
        return redirect("officer-documents-without-text")


# --- OParl API ------------------------------------------------------------------------------


def _json(data, status: int = 200) -> JsonResponse:
    return JsonResponse(
        data,
        status=status,
        json_dumps_params={"ensure_ascii": False, "indent": 1},
        content_type="application/json; charset=utf-8",
    )


def api_view(view):
    """GET/HEAD only, CORS open to all, ETag/Last-Modified, JSON errors."""

    @require_safe
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = conditional(view)(request, *args, **kwargs)
        except oparl.BadRequest as exc:
            response = _json({"error": str(exc)}, status=400)
        except Http404:
            response = _json({"error": "Not found"}, status=404)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
        return response

    return wrapper


@api_view
def oparl_system(request):
    return _json(oparl.system_json(oparl.Api(request)))


@api_view
def oparl_body_list(request):
    api = oparl.Api(request)
    council = Council.current()
    return _json(
        {
            "data": [oparl.body_json(api, council)],
            "pagination": {"totalElements": 1, "elementsPerPage": 1},
            "links": {"first": api.url("oparl-body-list"), "self": api.url("oparl-body-list")},
        }
    )


def _council_or_404(pk: int) -> Council:
    council = Council.current()
    if (council.pk or 0) != pk:
        raise Http404
    return council


@api_view
def oparl_body(request, pk):
    return _json(oparl.body_json(oparl.Api(request), _council_or_404(pk)))


@api_view
def oparl_body_collection(request, pk, collection):
    _council_or_404(pk)
    kind = oparl.BODY_COLLECTIONS.get(collection)
    if kind is None:
        raise Http404
    api = oparl.Api(request)
    query = oparl.ListQuery.from_request(request.GET)
    base = api.url("oparl-body-collection", pk=pk, collection=collection)
    return _json(oparl.list_page(api, oparl.RESOURCES[kind], query, base_url=base))


@api_view
def oparl_organization_meetings(request, pk):
    committee = get_object_or_404(Committee, pk=pk)
    api = oparl.Api(request)
    query = oparl.ListQuery.from_request(request.GET)
    from django.db.models import Q

    return _json(
        oparl.list_page(
            api,
            oparl.RESOURCES["meeting"],
            query,
            scope=Q(committee=committee),
            base_url=api.url("oparl-organization-meetings", pk=pk),
        )
    )


@api_view
def oparl_object(request, kind, pk):
    from opendata.models import Tombstone

    api = oparl.Api(request)
    if kind == "consultation":
        report = get_object_or_404(Report.objects.select_related("agenda_item__meeting"), pk=pk)
        return _json(oparl.consultation_json(api, report))
    if kind == "location":
        meeting = get_object_or_404(Meeting.objects.exclude(venue=""), pk=pk)
        return _json(oparl.location_json(api, meeting))
    resource = oparl.RESOURCES.get(kind)
    if resource is None:
        raise Http404
    obj = resource.public().filter(pk=pk).first()
    if obj is None:
        tomb = Tombstone.objects.filter(oparl_type=resource.oparl_type, object_id=pk).first()
        if tomb is None:
            raise Http404
        return _json(oparl.deleted_json(api, resource, pk, tomb.deleted_at))
    oparl.prepare_page(api, resource, [obj])
    return _json(resource.serialize(api, obj))


def _file(request, pk, *, download: bool):
    """A public document's file, through ``scrutiny.serving`` (DOCUMENT_SERVING honoured),
    with ETag/Last-Modified and CORS open to all."""
    document = get_object_or_404(Document.objects, pk=pk)  # public papers only
    response = file_response(
        request,
        document.file,
        filename=document.download_name,
        content_type=document.mime_type or "application/pdf",
        last_modified=document.modified_at,
        etag=document.sha256,
        public=True,
        as_attachment=download,
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def oparl_file_access(request, pk):
    return _file(request, pk, download=False)


@require_safe
def oparl_file_download(request, pk):
    return _file(request, pk, download=True)


def api_index(request):
    """``/api/oparl/v1/`` redirects to the system object."""
    return redirect(reverse("oparl-system"))


# --- CSV downloads --------------------------------------------------------------------------


@require_safe
@conditional
def kpis_csv(request):
    from opendata import exports

    return exports.csv_response("kpi-figures.csv", exports.KPI_HEADER, exports.kpi_rows())


@require_safe
@conditional
def recommendations_csv(request):
    from opendata import exports

    return exports.csv_response(
        "review-recommendations.csv",
        exports.RECOMMENDATION_HEADER,
        exports.recommendation_rows(),
    )
