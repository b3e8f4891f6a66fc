"""CSV downloads of KPIs, actions and recommendations, listed on the open data page.

Where the app that owns the records already offers a CSV, the open data page links to it
rather than writing a second one: the actions CSV is the minutes app's action tracker CSV.
This module writes the two that did not exist: KPI figures and scrutiny review
recommendations (both public pages of their apps, so public data). Both are written by
``scrutiny.csvexport``, the portal's one CSV writer (formula cells neutralised, ISO dates).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from scrutiny import csvexport

# (label, URL name) of CSV downloads offered by the apps below this one (they always exist:
# a mistyped name fails the tests rather than hiding the link).
OTHER_APPS_CSV: list[tuple[str, str]] = [
    ("Actions arising from meetings (action tracker)", "action-tracker-csv"),
]
# (label, URL name) of CSV downloads this app writes itself.
OWN_CSV: list[tuple[str, str]] = [
    ("KPI figures: targets, actuals and RAG status by period", "kpis-csv"),
    ("Scrutiny review recommendations and the executive's responses", "recommendations-csv"),
]


def available() -> list[tuple[str, str]]:
    """(label, URL) of every CSV download."""
    return [(label, reverse(name)) for label, name in [*OTHER_APPS_CSV, *OWN_CSV]]


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> HttpResponse:
    """Built in memory (not streamed) so that ``opendata.http.conditional`` can give it an ETag;
    the open data CORS header is set there too."""
    return csvexport.response(filename, header, rows)


def kpi_rows():
    from performance.models import Figure

    today = timezone.localdate()
    figures = Figure.objects.select_related("kpi__service_area", "period").order_by(
        "kpi__reference", "period__start_date", "pk"
    )
    for f in figures.iterator(chunk_size=500):
        kpi = f.kpi
        yield [
            kpi.reference,
            kpi.title,
            kpi.service_area.name,
            kpi.get_unit_display(),
            kpi.get_polarity_display(),
            "yes" if kpi.is_cumulative else "no",
            f.period.label,
            f.period.start_date,
            f.period.end_date,
            f.target,
            "to be agreed" if f.target_to_agree else "",
            f.effective_target,
            f.actual,
            f.rag_on(today).label,
            f.get_override_rag_display() if f.override_rag else "",
            f.statistical_neighbour,
            f.england,
            f.region,
            f.get_commentary_kind_display() if f.commentary_kind else "",
            f.commentary,
            "yes" if f.is_demo else "no",
        ]


KPI_HEADER = [
    "reference",
    "title",
    "service_area",
    "unit",
    "good_performance_shown_by",
    "cumulative",
    "period",
    "period_start",
    "period_end",
    "target",
    "target_note",
    "effective_target",
    "actual",
    "rag_status",
    "rag_overridden_to",
    "statistical_neighbour",
    "england",
    "region",
    "commentary_kind",
    "commentary",
    "demo_figure",
]


def recommendation_rows():
    from workprogramme.models import ReviewRecommendation

    recs = ReviewRecommendation.objects.select_related("review__panel", "response").order_by(
        "review__report_date", "review_id", "number"
    )
    for rec in recs.iterator(chunk_size=500):
        response = getattr(rec, "response", None)
        yield [
            rec.review.title,
            rec.review.panel.name,
            rec.review.report_date,
            rec.number,
            rec.body_reference,
            rec.theme,
            rec.text,
            response.get_decision_display() if response else "",
            response.reasons if response else "",
            response.response_date if response else None,
            rec.get_status_display(),
        ]


RECOMMENDATION_HEADER = [
    "review",
    "panel",
    "report_date",
    "number",
    "reference_in_report",
    "theme",
    "recommendation",
    "executive_response",
    "response_reasons",
    "response_date",
    "implementation_status",
]
