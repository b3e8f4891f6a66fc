"""Search page, calendars, the open data page, the OParl API and the officers' list of PDFs
without a text layer."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from meetings.models import Document, Meeting, Report
from opendata import decisions, ics, members_search, oparl, tasks
from opendata.forms import SearchForm
from opendata.http import conditional, public_conditional, streamed_conditional
from opendata.models import PublicRecord
from opendata.search import SearchParams, run_search, uses_postgres
from scrutiny.models import Committee, Council
from scrutiny.permissions import OfficerRequiredMixin
from scrutiny.serving import file_response, paper_headers

# --- Search ---------------------------------------------------------------------------------


def _search_narrowed(form) -> str:
    """What the search is narrowed to, for its title and h1 (issue 16: filtered lists kept the
    plain title), for example "Children's Scrutiny Panel, Minutes, from 1 May 2017"."""
    data = form.cleaned_data
    parts = []
    if data.get("committee"):
        parts.append(data["committee"].name)
    if data.get("type"):
        parts.append(str(dict(form.fields["type"].choices).get(data["type"], data["type"])))
    if data.get("date_from"):
        parts.append(f"from {data['date_from']:%-d %B %Y}")
    if data.get("date_to"):
        parts.append(f"to {data['date_to']:%-d %B %Y}")
    return ", ".join(parts)


def search_view(request):
    form = SearchForm(request.GET or None)
    page = None
    results = []
    decision_hits = []
    exempt_hits = []
    call_in_hits = []
    query = ""
    narrowed = ""
    # Dates or filters chosen without words search nothing: say so rather than show the
    # page as if nothing had been asked (found by the issue 16 date-input journey).
    filters_only = (
        form.is_bound
        and form.is_valid()
        and not form.cleaned_data["q"].strip()
        and any(form.cleaned_data[name] for name in ("committee", "type", "date_from", "date_to"))
    )
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        data = form.cleaned_data
        query = data["q"].strip()
        narrowed = _search_narrowed(form)
        params = SearchParams(
            q=query,
            committee=data["committee"],
            kind=data["type"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
        page, results = run_search(params, request.GET.get("page"))
        decision_hits = decisions.search_decisions(query)
        # A signed-in member's exempt papers (issue 23); never for the public. The page is
        # never in the page cache for a signed-in user (scrutiny.cache, privatecache).
        exempt_hits = members_search.exempt_results(request.user, params)
        call_in_hits = decisions.search_call_ins(query)
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
            "narrowed": narrowed,
            "filters_only": filters_only,
            "querystring": other.urlencode(),
            "ranked": uses_postgres(),
            "decision_hits": decision_hits,
            "exempt_hits": exempt_hits,
            "call_in_hits": call_in_hits,
        },
    )


# --- Calendars ------------------------------------------------------------------------------


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    # Links are on the host the request came through (as the Atom feed's): one copy per host.
    patch_vary_headers(response, ["Host"])
    return response


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# Calendars that apps re-download on every refresh carry a window, so their size does not
# grow with the council's history (issue 20): the meetings of the last CALENDAR_WINDOW_DAYS
# and everything ahead. The full history is in one file per year, linked from the open data
# page and the committee's meetings page. The window is ``settings.CALENDAR_WINDOW_DAYS``.


def calendar_window_start() -> dt.datetime:
    """Midnight (London) ``CALENDAR_WINDOW_DAYS`` ago: the window moves once a day, so a
    calendar's bytes (and ETag) change at most daily without a data change."""
    today = timezone.localdate()
    try:
        start = today - dt.timedelta(days=settings.CALENDAR_WINDOW_DAYS)
    except OverflowError:  # a window longer than the calendar: everything
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    return dt.datetime.combine(start, dt.time.min, tzinfo=timezone.get_current_timezone())


def _calendar_meetings(**filters):
    return Meeting.objects.select_related("committee").filter(**filters).order_by("start", "pk")


# A calendar of a year or of the window is hundreds of events, and rendering them
# (``icalendar``) took 180 ms on a ten-year council: each file is rendered once per content
# generation (``scrutiny.cache``: any save or delete of portal data bumps it, so a changed
# meeting shows in the next download), host and window, and kept in the cache like the
# sitemap's sections (issue 20).
CALENDAR_CACHE_SECONDS = 24 * 3600


# Years this far from today whose empty calendar is kept too (see ``_stored_calendar``).
STORED_EMPTY_YEARS = 50


def _stored_calendar(request, build, *, variant: str = "", keep_empty: bool = True) -> bytes:
    from django.core.cache import cache

    from scrutiny.cache import content_generation, generation_is_shared

    if not generation_is_shared():  # no shared cache: built on each request
        return build()
    where = hashlib.sha256(f"{request.path}|{_base_url(request)}|{variant}".encode())
    key = f"portal:calendar:{content_generation()}:{where.hexdigest()[:32]}"
    body = cache.get(key)
    if body is None:
        body = build()
        # An empty calendar only when asked (the window, a year near today): any year from
        # 1900 to 9998 may be asked for, and storing them all would fill the cache. (Kept,
        # an empty calendar makes the same queries as a full one: issue 20's equal counts.)
        if keep_empty or b"BEGIN:VEVENT" in body:
            cache.set(key, body, CALENDAR_CACHE_SECONDS)
    return body


def _year_or_404(year: int) -> tuple[dt.datetime, dt.datetime]:
    if not 1900 <= year <= 9998:
        raise Http404("No calendar for that year")
    zone = timezone.get_current_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=zone),
        dt.datetime(year + 1, 1, 1, tzinfo=zone),
    )


def calendar_years(**filters) -> list[int]:
    """The years with public meetings, newest first: one calendar file each."""
    return list(
        Meeting.objects.filter(**filters)
        .annotate(year=ExtractYear("start"))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


@require_safe
@public_conditional
def meetings_ics(request):
    window = calendar_window_start()

    def build():
        name = f"{Council.current().name}: committee meetings"
        meetings = _calendar_meetings(start__gte=window)
        return ics.build_calendar(meetings, name=name, base_url=_base_url(request))

    return _ics_response(
        _stored_calendar(request, build, variant=window.isoformat()), "meetings.ics"
    )


@require_safe
@public_conditional
def meetings_year_ics(request, year):
    since, until = _year_or_404(year)

    def build():
        name = f"{Council.current().name}: committee meetings in {year}"
        meetings = _calendar_meetings(start__gte=since, start__lt=until)
        return ics.build_calendar(meetings, name=name, base_url=_base_url(request))

    near = abs(year - timezone.localdate().year) <= STORED_EMPTY_YEARS
    return _ics_response(_stored_calendar(request, build, keep_empty=near), f"meetings-{year}.ics")


@require_safe
@public_conditional
def committee_ics(request, slug):
    committee = get_object_or_404(Committee, slug=slug)
    body = ics.build_calendar(
        _calendar_meetings(committee=committee, start__gte=calendar_window_start()),
        name=committee.name,
        base_url=_base_url(request),
    )
    return _ics_response(body, f"{committee.slug}.ics")


@require_safe
@public_conditional
def committee_year_ics(request, slug, year):
    committee = get_object_or_404(Committee, slug=slug)
    since, until = _year_or_404(year)
    body = ics.build_calendar(
        _calendar_meetings(committee=committee, start__gte=since, start__lt=until),
        name=f"{committee.name}: meetings in {year}",
        base_url=_base_url(request),
    )
    return _ics_response(body, f"{committee.slug}-{year}.ics")


@require_safe
@public_conditional
def meeting_ics(request, pk):
    meeting = get_object_or_404(Meeting.objects.select_related("committee"), pk=pk)
    body = ics.build_calendar([meeting], name=str(meeting), base_url=_base_url(request))
    response = _ics_response(body, f"meeting-{meeting.pk}.ics")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@require_safe
@conditional
def forward_plan_ics(request):
    """Planned decision dates of the current forward plan (issue 17)."""
    return _ics_response(decisions.forward_plan_calendar(), "forward-plan.ics")


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
            "calendar_years": calendar_years(),
            "csv_downloads": exports.available(),
            "decisions_api": reverse(
                "oparl-body-collection",
                kwargs={"pk": Council.current().pk or 0, "collection": "decision"},
            ),
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


CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, If-Modified-Since, If-None-Match",
    "Access-Control-Max-Age": "86400",
    "Allow": "GET, HEAD, OPTIONS",
}


def _api_headers(response):
    for name, value in CORS_HEADERS.items():
        response[name] = value
    # Ids are built from the Host header the request came through: caches must keep one
    # copy per host (see docs/hardening.md, "Decisions", for why not SITE_URL).
    patch_vary_headers(response, ["Host"])
    return response


def _api_error(status: int, message: str) -> JsonResponse:
    return _api_headers(_json({"error": message, "status": status}, status=status))


def _preflight_or_refusal(request) -> HttpResponse | None:
    """The API's answer to anything but GET and HEAD: a CORS preflight for OPTIONS, a JSON
    405 (with CORS) for the rest; None for GET and HEAD."""
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        for name, value in PREFLIGHT_HEADERS.items():
            response[name] = value
        return _api_headers(response)
    if request.method not in ("GET", "HEAD"):
        response = _api_error(405, "Only GET, HEAD and OPTIONS are allowed.")
        response["Allow"] = PREFLIGHT_HEADERS["Allow"]
        return response
    return None


def api_view(view):
    """Every answer under /api/oparl/v1/: GET and HEAD (plus an OPTIONS preflight), CORS
    open to all, ETag/Last-Modified from public rows, and errors as JSON with CORS.

    The API is read-only and never acts on a session, so it is exempt from the CSRF check:
    an unsafe method gets the API's own JSON 405 (with CORS), not Django's HTML 403."""

    cached = public_conditional(view)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if (answered := _preflight_or_refusal(request)) is not None:
            return answered
        try:
            response = cached(request, *args, **kwargs)
        except oparl.BadRequest as exc:
            return _api_error(400, str(exc))
        except Http404:
            return _api_error(404, "Not found")
        return _api_headers(response)

    return csrf_exempt(wrapper)


@api_view
def oparl_system(request):
    return _json(oparl.system_json(oparl.Api.for_request(request)))


@api_view
def oparl_body_list(request):
    api = oparl.Api.for_request(request)
    council = Council.current()
    oparl.ListQuery.from_request(request.GET)  # the same strict parameters as every list
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
    return _json(oparl.body_json(oparl.Api.for_request(request), _council_or_404(pk)))


@api_view
def oparl_body_collection(request, pk, collection):
    _council_or_404(pk)
    kind = oparl.BODY_COLLECTIONS.get(collection)
    if kind is None:
        raise Http404
    api = oparl.Api.for_request(request)
    query = oparl.ListQuery.from_request(request.GET)
    base = api.url("oparl-body-collection", pk=pk, collection=collection)
    return _json(oparl.list_page(api, oparl.RESOURCES[kind], query, base_url=base))


@api_view
def oparl_organization_meetings(request, pk):
    committee = get_object_or_404(Committee, pk=pk)
    api = oparl.Api.for_request(request)
    query = oparl.ListQuery.from_request(request.GET)
    return _json(
        oparl.list_page(
            api,
            oparl.RESOURCES["meeting"],
            query,
            scope=Q(committee=committee),
            deleted_scope=Meeting.all_objects.filter(committee=committee).values("pk"),
            base_url=api.url("oparl-organization-meetings", pk=pk),
        )
    )


def _withdrawn(api, kind: str, oparl_type: str, pk: int):
    """A once-public object that is no longer public: OParl's deleted object. An object
    that was never public has no record, and is a 404 like an unknown id."""
    record = PublicRecord.objects.filter(kind=oparl_type, object_id=pk).first()
    if record is None:
        raise Http404
    return _json(oparl.deleted_json(api, kind, pk, record))


@api_view
def oparl_object(request, kind, pk):
    api = oparl.Api.for_request(request)
    if kind == "consultation":
        report = Report.objects.select_related("agenda_item__meeting").filter(pk=pk).first()
        if report is None:
            return _withdrawn(api, kind, "Paper", pk)
        api.load_records({"Paper": [pk]})
        return _json(oparl.consultation_json(api, report))
    if kind == "location":
        meeting = Meeting.objects.filter(pk=pk).first()
        if meeting is None:
            return _withdrawn(api, kind, "Meeting", pk)
        if not meeting.venue:
            raise Http404
        api.load_records({"Meeting": [pk]})
        return _json(oparl.location_json(api, meeting))
    resource = oparl.RESOURCES.get(kind)
    if resource is None:
        raise Http404
    obj = resource.public().filter(pk=pk).first()
    if obj is None:
        return _withdrawn(api, kind, resource.oparl_type, pk)
    oparl.prepare_page(api, resource, [obj])
    return _json(resource.serialize(api, obj))


def _file(request, pk, *, download: bool):
    """A public document's file, through ``scrutiny.serving`` (DOCUMENT_SERVING honoured),
    with ETag/Last-Modified and CORS open to all; errors as JSON like the rest of the API."""
    if (answered := _preflight_or_refusal(request)) is not None:
        return answered
    # Public papers only; the meeting for the file name (``Document.download_name``).
    document = Document.objects.filter(pk=pk).select_related("agenda_item__meeting").first()
    if document is None:
        return _api_error(404, "Not found")
    response = file_response(
        request,
        document.file,
        filename=document.download_name,
        content_type=document.mime_type or "application/pdf",
        last_modified=document.modified_at,
        etag=document.sha256,
        public=True,
        # OParl's accessUrl opens the file, its downloadUrl saves it (as the portal's own
        # links do); anything that is not a PDF is only ever saved.
        as_attachment=download or not document.is_pdf,
    )
    response["Access-Control-Allow-Origin"] = "*"
    return paper_headers(response, inline=not download and document.is_pdf)


@csrf_exempt  # read-only: unsafe methods get the JSON 405 above (see api_view)
def oparl_file_access(request, pk):
    return _file(request, pk, download=False)


@csrf_exempt
def oparl_file_download(request, pk):
    return _file(request, pk, download=True)


@csrf_exempt
def oparl_not_found(request, rest=""):
    """Any other path under /api/oparl/v1/ (a bad id, an unknown list name): JSON 404 with
    CORS, and the preflight answered, so a browser client can read the error."""
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        for name, value in PREFLIGHT_HEADERS.items():
            response[name] = value
        return _api_headers(response)
    return _api_error(404, "Not found: no such object or list in this API")


def api_index(request):
    """``/api/oparl/v1/`` redirects to the system object."""
    return redirect(reverse("oparl-system"))


# --- CSV downloads --------------------------------------------------------------------------


@require_safe
@streamed_conditional
def kpis_csv(request):
    from opendata import exports

    # 48,000 figures at ten years: written once per content generation (public data only).
    from scrutiny import csvexport

    return csvexport.stored(
        "open-data|kpis", "kpi-figures.csv", exports.KPI_HEADER, exports.kpi_rows
    )


@require_safe
@streamed_conditional
def recommendations_csv(request):
    from opendata import exports

    return exports.csv_response(
        "review-recommendations.csv",
        exports.RECOMMENDATION_HEADER,
        exports.recommendation_rows(),
    )
