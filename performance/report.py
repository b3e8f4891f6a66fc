"""The ``performance.kpi_report`` generator: the body of a performance report on an agenda.

Registered with ``meetings.extensions.report_generators`` in ``PerformanceConfig.ready()``.
The report page and the agenda pack both call ``render``; the HTML carries its own tables and
inline SVG charts, and shows RAG by text and symbol so it reads the same in print.
"""

from __future__ import annotations

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape

from performance import rag
from performance.charts import kpi_chart
from performance.models import KPI, Period
from performance.selectors import commentary, group_by_area, rows_for, trends_for


def report_context(params: dict, *, id_prefix: str, today=None) -> dict | None:
    period = Period.objects.filter(label=params.get("period")).first()
    if period is None:
        return None
    today = today or timezone.localdate()
    wanted = Q()
    if params.get("service_area"):
        wanted |= Q(service_area__slug=params["service_area"])
    if params.get("kpis"):
        wanted |= Q(reference__in=params["kpis"])
    if not wanted:
        return None
    kpis = list(
        KPI.objects.active_in(period.financial_year).filter(wanted).select_related("service_area")
    )
    rows = rows_for(kpis, period, today=today)
    charts = []
    if params.get("charts", True) and kpis:
        trends = trends_for(kpis, up_to=period)
        for row in rows:
            figures = [f.label_status(today) for f in trends[row.kpi.pk]]
            if figures:
                charts.append(
                    {
                        "row": row,
                        "figures": figures,
                        "comparators": any(
                            f.statistical_neighbour is not None
                            or f.england is not None
                            or f.region is not None
                            for f in figures
                        ),
                        "svg": kpi_chart(
                            row.kpi,
                            figures,
                            status_text=row.status.label,
                            id_prefix=f"{id_prefix}-{row.kpi.slug}",
                        ),
                    }
                )
    return {
        "period": period,
        "groups": group_by_area(rows),
        "commentary": commentary(rows),
        "charts": charts,
        "rag_key": [(status, rag.symbol(status), rag.colour(status)) for status in rag.Rag],
        "has_demo": any(
            (r.figure and r.figure.is_demo) or (r.previous and r.previous.is_demo) for r in rows
        )
        or any(f.is_demo for c in charts for f in c["figures"]),
        "today": today,
    }


def render(report, *, for_print: bool = False) -> str:
    # Statuses are as at the meeting, so the report (and the pack built from it) reads the
    # same every day; Data Not Due / Not Provided depend on this date.
    meeting = report.agenda_item.meeting
    context = report_context(
        report.generator_params or {}, id_prefix=f"report-{report.pk}", today=meeting.date
    )
    if context is None:
        return (
            "<p>This performance report cannot be shown: its period or KPIs no longer exist "
            f"({escape(str(report.generator_params))}).</p>"
        )
    context["for_print"] = for_print
    context["report"] = report
    return render_to_string("performance/report_body.html", context)
