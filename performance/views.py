"""Performance pages: the public dashboard and KPI pages, and the officer pages under
/officer/performance/ (KPIs, periods, figures, overrides, imports, reports for meetings)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from performance import imports, rag, services
from performance.charts import kpi_chart
from performance.filters import KPIFilter
from performance.forms import (
    FigureForm,
    FinancialYearForm,
    ImportForm,
    KPIForm,
    OverrideForm,
    PerformanceReportForm,
    ServiceAreaForm,
)
from performance.models import KPI, Figure, ImportRun, Period, ServiceArea
from performance.selectors import (
    commentary,
    group_by_area,
    kpi_trend,
    rows_for,
)
from scrutiny import csvexport, fragments
from scrutiny.forms import add_service_errors
from scrutiny.permissions import officer_required


def _rag_key():
    return [(status, rag.symbol(status), rag.colour(status)) for status in rag.Rag]


# --- Public pages ---------------------------------------------------------------------------


def dashboard(request):
    today = timezone.localdate()
    filterset = KPIFilter(
        request.GET or None, queryset=KPI.objects.select_related("service_area"), today=today
    )
    period = filterset.chosen_period
    groups = []
    if period is not None:
        rows = rows_for(list(filterset.qs), period, today=today)
        groups = [
            (area, area_rows, commentary(area_rows)) for area, area_rows in group_by_area(rows)
        ]
    return render(
        request,
        "performance/dashboard.html",
        {
            "filter": filterset,
            "period": period,
            "groups": groups,
            "rag_key": _rag_key(),
            "has_demo": any(
                (r.figure and r.figure.is_demo) or (r.previous and r.previous.is_demo)
                for _, rows, _ in groups
                for r in rows
            ),
            "breadcrumbs": [("Performance", None)],
        },
    )


def kpi_detail(request, slug):
    kpi = get_object_or_404(KPI.objects.select_related("service_area"), slug=slug)
    today = timezone.localdate()

    def body() -> str:
        figures = [f.label_status(today) for f in kpi_trend(kpi)]
        latest = figures[-1] if figures else None
        chart = (
            kpi_chart(kpi, figures, status_text=latest.rag_label if latest else "no figures")
            if figures
            else None
        )
        show_comparators = any(
            f.statistical_neighbour is not None or f.england is not None or f.region is not None
            for f in figures
        )
        context = {
            "kpi": kpi,
            "figures": figures,
            "latest": latest,
            "chart": chart,
            "show_comparators": show_comparators,
            "commentaries": [f for f in reversed(figures) if f.commentary],
            "has_demo": any(f.is_demo for f in figures),
        }
        return render_to_string("performance/_kpi_body.html", context, request)

    # Public figures, the same for every reader: one fragment per content generation, address
    # and day (a status can turn "Data Not Due" with the date) (scrutiny.fragments).
    view = (kpi.pk, request.get_full_path(), today.isoformat())
    return render(
        request,
        "performance/kpi_detail.html",
        {
            "kpi": kpi,
            "body": fragments.cached("kpi-body", view, body),
            "breadcrumbs": [("Performance", reverse("kpi-dashboard")), (kpi.reference, None)],
        },
    )


# --- Officer pages --------------------------------------------------------------------------


def _officer_crumbs(*extra):
    return [("Officer pages", reverse("officer-home")), *extra]


@officer_required
def officer_home(request):
    areas = ServiceArea.objects.prefetch_related("kpis").annotate(n=Count("kpis"))
    return render(
        request,
        "performance/officer/home.html",
        {
            "areas": areas,
            "imports": ImportRun.objects.select_related("period", "uploaded_by")[:5],
            "period_count": Period.objects.count(),
            "breadcrumbs": _officer_crumbs(("Performance", None)),
        },
    )


@officer_required
@require_http_methods(["GET", "POST"])
def area_form(request, slug=None):
    area = get_object_or_404(ServiceArea, slug=slug) if slug else None
    form = ServiceAreaForm(request.POST or None, instance=area)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if area is None:
                area = services.create_service_area(
                    name=data["name"], description=data["description"], order=data["order"]
                )
            else:
                area = services.update_service_area(
                    area=area,
                    name=data["name"],
                    description=data["description"],
                    order=data["order"],
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Service area {area.name} was saved.")
            return redirect("officer-performance")
    title = "Add a service area" if area is None else f"Edit {area.name}"
    return render(
        request,
        "performance/officer/form.html",
        {"form": form, "title": title, "breadcrumbs": _perf_crumbs((title, None))},
    )


def _perf_crumbs(*extra):
    return _officer_crumbs(("Performance", reverse("officer-performance")), *extra)


@officer_required
@require_http_methods(["GET", "POST"])
def kpi_form(request, slug=None):
    kpi = get_object_or_404(KPI, slug=slug) if slug else None
    form = KPIForm(request.POST or None, instance=kpi)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"reference", "version"}}
        try:
            if kpi is None:
                kpi = services.create_kpi(
                    reference=form.cleaned_data["reference"], by=request.user, **data
                )
            else:
                kpi = services.update_kpi(
                    kpi=kpi,
                    version=form.cleaned_data.get("version") or 0,
                    by=request.user,
                    **data,
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{kpi.reference} was saved.")
            return redirect("officer-performance-kpi", slug=kpi.slug)
    title = "Add a KPI" if kpi is None else f"Edit {kpi.reference}"
    return render(
        request,
        "performance/officer/form.html",
        {"form": form, "title": title, "breadcrumbs": _perf_crumbs((title, None))},
    )


@officer_required
def officer_kpi(request, slug):
    kpi = get_object_or_404(KPI.objects.select_related("service_area"), slug=slug)
    if (period := request.GET.get("period", "")).isascii() and period.isdigit():
        return redirect(
            "officer-performance-figure", slug=kpi.slug, period_pk=request.GET["period"]
        )
    today = timezone.localdate()
    figures = [
        f.label_status(today)
        for f in kpi.figures.select_related("period").order_by(
            "-period__start_date", "period__kind"
        )
    ]
    for f in figures:
        f.kpi = kpi
    used = {f.period_id for f in figures}
    periods = Period.objects.filter(
        financial_year__gte=kpi.first_year,
    ).exclude(pk__in=used)
    if kpi.last_year is not None:
        periods = periods.filter(financial_year__lte=kpi.last_year)
    return render(
        request,
        "performance/officer/kpi.html",
        {
            "kpi": kpi,
            "figures": figures,
            "periods": periods.order_by("-start_date", "kind"),
            "breadcrumbs": _perf_crumbs((kpi.reference, None)),
        },
    )


@officer_required
@require_http_methods(["GET", "POST"])
def figure_form(request, slug, period_pk):
    kpi = get_object_or_404(KPI, slug=slug)
    period = get_object_or_404(Period, pk=period_pk)
    figure = Figure.objects.filter(kpi=kpi, period=period).first()
    form = FigureForm(request.POST or None, instance=figure, kpi=kpi)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        reason = data.pop("reason", "")
        data["commentary_kind"] = data.get("commentary_kind") or ""
        try:
            services.save_figure(
                kpi=kpi,
                period=period,
                version=version if figure is not None else None,
                by=request.user,
                reason=reason,
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{kpi.reference} {period.label} was saved.")
            return redirect("officer-performance-kpi", slug=kpi.slug)
    history = []
    if figure is not None:
        history = figure.history.select_related("history_user").order_by("-history_date")[:50]
    title = f"{kpi.reference} figures for {period.label}"
    return render(
        request,
        "performance/officer/figure_form.html",
        {
            "form": form,
            "title": title,
            "kpi": kpi,
            "period": period,
            "figure": figure,
            "history": history,
            "breadcrumbs": _perf_crumbs(
                (kpi.reference, reverse("officer-performance-kpi", args=[kpi.slug])),
                (period.label, None),
            ),
        },
    )


@officer_required
@require_http_methods(["GET", "POST"])
def override_form(request, pk):
    figure = get_object_or_404(Figure.objects.select_related("kpi", "period"), pk=pk)
    form = OverrideForm(
        request.POST or None,
        initial={"status": figure.override_rag, "version": figure.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.override_rag(
                figure=figure,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"The RAG status of {figure} was saved.")
            return redirect("officer-performance-kpi", slug=figure.kpi.slug)
    computed = rag.Rag(figure.computed_rag).label if figure.computed_rag else "no figure"
    return render(
        request,
        "performance/officer/form.html",
        {
            "form": form,
            "title": f"Set the RAG status of {figure} by hand",
            "intro": f"The computed status is {computed}. Set a status only with a reason; "
            "it is kept in the history. Changing the figure or target removes the override.",
            "breadcrumbs": _perf_crumbs(
                (figure.kpi.reference, reverse("officer-performance-kpi", args=[figure.kpi.slug])),
                ("Override", None),
            ),
        },
    )


@officer_required
@require_http_methods(["GET", "POST"])
def periods(request):
    form = FinancialYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.ensure_financial_year(
                start_year=form.cleaned_data["start_year"],
                due_after_days=form.cleaned_data["due_after_days"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Financial year {created[0].label} and its periods are ready."
            )
            return redirect("officer-performance-periods")
    years = Period.objects.filter(kind=Period.Kind.YEAR).order_by("-start_date")
    quarters = Period.objects.filter(kind=Period.Kind.QUARTER).order_by("-start_date")
    return render(
        request,
        "performance/officer/periods.html",
        {
            "form": form,
            "years": years,
            "quarters": quarters,
            "breadcrumbs": _perf_crumbs(("Reporting periods", None)),
        },
    )


@officer_required
def import_list(request):
    runs = ImportRun.objects.select_related("period", "uploaded_by")[:200]
    return render(
        request,
        "performance/officer/import_list.html",
        {"runs": runs, "breadcrumbs": _perf_crumbs(("Imports", None))},
    )


@officer_required
@require_http_methods(["GET", "POST"])
def import_new(request):
    initial = {}
    if request.GET.get("period"):
        initial["period"] = Period.objects.filter(label=request.GET["period"]).first()
    form = ImportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.start_import(
                period=form.cleaned_data["period"],
                upload=form.cleaned_data["file"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(run.get_absolute_url())
    return render(
        request,
        "performance/officer/import_form.html",
        {
            "form": form,
            "breadcrumbs": _perf_crumbs(
                ("Imports", reverse("officer-performance-imports")), ("New import", None)
            ),
        },
    )


@officer_required
def import_detail(request, pk):
    run = get_object_or_404(ImportRun.objects.select_related("period", "uploaded_by"), pk=pk)
    return render(
        request,
        "performance/officer/import_detail.html",
        {
            "run": run,
            "refresh": not run.is_finished,
            "breadcrumbs": _perf_crumbs(
                ("Imports", reverse("officer-performance-imports")), (f"Import {run.pk}", None)
            ),
        },
    )


@officer_required
def import_template(request, file_format):
    if file_format not in {"csv", "xlsx"}:
        raise Http404("Templates are CSV or XLSX.")
    period = Period.objects.filter(label=request.GET.get("period", "")).first()
    stem = f"kpi-figures-{period.label}" if period else "kpi-figures"
    stem = stem.replace("/", "-").replace(" ", "-").lower()
    if file_format == "csv":
        header, *rows = imports.template_rows(period)
        return csvexport.response(f"{stem}.csv", header, rows)
    response = HttpResponse(
        imports.template_xlsx(period),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}.xlsx")
    return response


@officer_required
@require_http_methods(["GET", "POST"])
def report_new(request):
    initial = {"charts": True}
    if request.GET.get("item"):
        initial["agenda_item"] = request.GET["item"]
    meeting_id = request.GET.get("meeting", "")
    form = PerformanceReportForm(
        request.POST or None,
        initial=initial,
        meeting_id=int(meeting_id) if meeting_id.isascii() and meeting_id.isdigit() else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.create_performance_report(
                agenda_item=data["agenda_item"],
                period=data["period"],
                title=data["title"],
                service_area=data.get("service_area"),
                kpis=list(data.get("kpis") or []),
                charts=data.get("charts", False),
                by=request.user,
                urgency_reasons=data.get("urgency_reasons", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"“{report.title}” was added to {report.agenda_item.meeting}."
            )
            return redirect("officer-performance-report-preview", pk=report.pk)
    return render(
        request,
        "performance/officer/form.html",
        {
            "form": form,
            "title": "Put a performance report on an agenda",
            "intro": "The report shows the chosen KPIs for the period: the table, the RAG "
            "statuses, commentary and trend charts. It is worked out from the figures each "
            "time it is shown or printed in the agenda pack.",
            "breadcrumbs": _perf_crumbs(("Performance report", None)),
        },
    )


@officer_required
def report_preview(request, pk):
    from meetings.extensions import report_generators
    from meetings.models import Report

    report = get_object_or_404(
        Report.all_objects.select_related("agenda_item__meeting__committee"),
        pk=pk,
        generator=services.REPORT_GENERATOR,
    )
    return render(
        request,
        "performance/officer/report_preview.html",
        {
            "report": report,
            "body": report_generators.render(report, for_print=False),
            "breadcrumbs": _perf_crumbs((report.title, None)),
        },
    )
