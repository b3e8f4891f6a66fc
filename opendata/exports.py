"""CSV downloads of KPIs, actions and recommendations, listed on the open data page.

Where the app that owns the records already offers a CSV, the open data page links to it
rather than writing a second one: the actions CSV is the minutes app's action tracker CSV.
This module writes the two that did not exist: KPI figures and scrutiny review
recommendations (both public pages of their apps, so public data). Both are written by
``scrutiny.csvexport``, the portal's one CSV writer (formula cells neutralised, ISO dates).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.http import StreamingHttpResponse
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


# Rows fetched at a time while a CSV streams.
CSV_CHUNK = 2000


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    """Streamed as the rows arrive; ``opendata.http.conditional`` gives it an ETag from the
    data's change stamps (not from the body, which is never held whole) and the open data
    CORS header."""
    return csvexport.response(filename, header, rows, stream=True)


def _labels(model, field: str) -> dict:
    """``get_<field>_display()`` as a dict: a value outside the choices is shown as it is."""
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}


def _streamed(queryset):
    # Inside a transaction, PostgreSQL's server-side cursor lives only as long as it.
    with transaction.atomic(using=queryset.db, savepoint=False):
        yield from queryset.iterator(chunk_size=CSV_CHUNK)


KPI_VALUES = (
    "kpi__reference",
    "kpi__title",
    "kpi__service_area__name",
    "kpi__unit",
    "kpi__polarity",
    "kpi__is_cumulative",
    "period__label",
    "period__start_date",
    "period__end_date",
    "period__due_on",
    "target",
    "target_to_agree",
    "effective_target",
    "actual",
    "computed_rag",
    "override_rag",
    "statistical_neighbour",
    "england",
    "region",
    "commentary_kind",
    "commentary",
    "is_demo",
)


def kpi_rows():
    """Every KPI figure from one query of plain values, saying what ``Figure.rag_on`` and the
    models' ``get_…_display`` say (tests/opendata/test_csv_bytes.py holds them together)."""
    from performance import rag
    from performance.models import KPI, Figure

    today = timezone.localdate()
    units, polarities = _labels(KPI, "unit"), _labels(KPI, "polarity")
    overrides = _labels(Figure, "override_rag")
    commentary_kinds = _labels(Figure, "commentary_kind")
    figures = Figure.objects.order_by("kpi__reference", "period__start_date", "pk").values_list(
        *KPI_VALUES
    )
    for (
        reference,
        title,
        service_area,
        unit,
        polarity,
        cumulative,
        period,
        start,
        end,
        due_on,
        target,
        to_agree,
        effective_target,
        actual,
        computed_rag,
        override_rag,
        neighbour,
        england,
        region,
        commentary_kind,
        commentary,
        is_demo,
    ) in _streamed(figures):
        if override_rag:
            status = rag.Rag(override_rag)
        elif computed_rag:
            status = rag.Rag(computed_rag)
        else:
            status = rag.missing_status(due_on=due_on, today=today)
        yield [
            reference,
            title,
            service_area,
            units.get(unit, unit),
            polarities.get(polarity, polarity),
            "yes" if cumulative else "no",
            period,
            start,
            end,
            target,
            "to be agreed" if to_agree else "",
            effective_target,
            actual,
            status.label,
            overrides.get(override_rag, override_rag) if override_rag else "",
            neighbour,
            england,
            region,
            commentary_kinds.get(commentary_kind, commentary_kind) if commentary_kind else "",
            commentary,
            "yes" if is_demo else "no",
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
    """Every review recommendation and the executive's response (if any), from one query of
    plain values."""
    from workprogramme.models import ExecutiveResponse, ReviewRecommendation

    decisions = _labels(ExecutiveResponse, "decision")
    statuses = _labels(ReviewRecommendation, "status")
    recs = ReviewRecommendation.objects.order_by(
        "review__report_date", "review_id", "number"
    ).values_list(
        "review__title",
        "review__panel__name",
        "review__report_date",
        "number",
        "body_reference",
        "theme",
        "text",
        "response__pk",
        "response__decision",
        "response__reasons",
        "response__response_date",
        "status",
    )
    for (
        review,
        panel,
        report_date,
        number,
        reference,
        theme,
        text,
        response,
        decision,
        reasons,
        response_date,
        status,
    ) in _streamed(recs):
        yield [
            review,
            panel,
            report_date,
            number,
            reference,
            theme,
            text,
            decisions.get(decision, decision) if response else "",
            reasons if response else "",
            response_date if response else None,
            statuses.get(status, status),
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
