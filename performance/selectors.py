"""Reads for the dashboard, KPI pages and performance reports. A fixed number of queries
however many KPIs there are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Exists, OuterRef, Q

from performance import rag
from performance.models import KPI, CommentaryKind, Figure, Frequency, Period, ServiceArea

KIND_FOR_FREQUENCY = {
    Frequency.MONTHLY: Period.Kind.MONTH,
    Frequency.QUARTERLY: Period.Kind.QUARTER,
    Frequency.ANNUAL: Period.Kind.YEAR,
}


@dataclass
class Row:
    kpi: KPI
    figure: Figure | None
    status: rag.Rag
    direction: rag.Direction
    previous: Figure | None

    @property
    def symbol(self) -> str:
        return rag.symbol(self.status)

    @property
    def colour(self) -> str:
        return rag.colour(self.status)

    @property
    def is_overridden(self) -> bool:
        return bool(self.figure and self.figure.override_rag)


def reporting_periods():
    """Periods a dashboard can show: quarters and years (months only if used)."""
    has_figures = Figure.objects.filter(period=OuterRef("pk"))
    return Period.objects.filter(
        Q(kind__in=[Period.Kind.QUARTER, Period.Kind.YEAR]) | Q(Exists(has_figures))
    ).order_by("-start_date", "kind")


def latest_period() -> Period | None:
    """The most recent quarter with at least one actual figure, else the latest quarter."""
    with_actuals = Figure.objects.filter(period=OuterRef("pk"), actual__isnull=False)
    quarters = Period.objects.filter(kind=Period.Kind.QUARTER).order_by("-start_date")
    return quarters.filter(Exists(with_actuals)).first() or quarters.first()


def previous_periods(period: Period) -> tuple[Period | None, Period | None]:
    """(the period before, the same period a year before) in one query."""
    candidates = Period.objects.filter(kind=period.kind).filter(
        Q(end_date=period.previous_end)
        | Q(financial_year=period.financial_year - 1, number=period.number)
    )
    before = year_before = None
    for candidate in candidates:
        if candidate.end_date == period.previous_end:
            before = candidate
        if (
            candidate.financial_year == period.financial_year - 1
            and candidate.number == period.number
        ):
            year_before = candidate
    return before, year_before


def rows_for(kpis: list[KPI], period: Period, *, today: dt.date) -> list[Row]:
    """One row per KPI for ``period``: figure, RAG status and direction of travel."""
    before, year_before = previous_periods(period)
    period_ids = [p.pk for p in (period, before, year_before) if p is not None]
    figures = Figure.objects.filter(kpi__in=kpis, period_id__in=period_ids).select_related("period")
    by_key = {(f.kpi_id, f.period_id): f for f in figures}
    rows = []
    for kpi in kpis:
        figure = by_key.get((kpi.pk, period.pk))
        if figure is not None:
            figure.kpi = kpi
            status = figure.rag_on(today)
        else:
            status = rag.missing_status(due_on=period.due_on, today=today)
        compare_with = year_before if kpi.is_cumulative else before
        previous = by_key.get((kpi.pk, compare_with.pk)) if compare_with else None
        if previous is not None:
            previous.kpi = kpi
        direction = rag.direction(
            current=figure.actual if figure else None,
            previous=previous.actual if previous else None,
            polarity=kpi.polarity,
        )
        rows.append(Row(kpi, figure, status, direction, previous))
    return rows


def group_by_area(rows: list[Row]) -> list[tuple[ServiceArea, list[Row]]]:
    return [(area, list(items)) for area, items in groupby(rows, key=lambda r: r.kpi.service_area)]


def commentary(rows: list[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {CommentaryKind.POSITIVE: [], CommentaryKind.CONCERN: []}
    for row in rows:
        if row.figure and row.figure.commentary_kind in out and row.figure.commentary:
            out[row.figure.commentary_kind].append(row)
    return out


def kpi_trend(kpi: KPI) -> list[Figure]:
    """The KPI's figures over time, in the period kind of its reporting frequency."""
    kind = KIND_FOR_FREQUENCY.get(kpi.frequency, Period.Kind.QUARTER)
    figures = list(
        kpi.figures.filter(period__kind=kind)
        .select_related("period")
        .order_by("period__start_date")
    )
    for figure in figures:
        figure.kpi = kpi
    return figures


def rag_filter_q(status: str, period: Period, *, today: dt.date, prefix: str = "current") -> Q:
    """A Q on KPIs annotated with ``FilteredRelation(prefix)`` (their figure for ``period``)
    that matches the RAG status shown for ``status``."""
    override = f"{prefix}__override_rag"
    computed = f"{prefix}__computed_rag"
    not_overridden = Q(**{f"{prefix}__id__isnull": True}) | Q(**{override: ""})
    if status in {rag.Rag.ON_TRACK, rag.Rag.AT_RISK, rag.Rag.OFF_TRACK}:
        return Q(**{override: status}) | (Q(**{override: ""}) & Q(**{computed: status}))
    if status == rag.Rag.NO_TARGET:
        return Q(**{override: ""}) & Q(**{computed: status})
    missing = Q(**{f"{prefix}__id__isnull": True}) | (Q(**{computed: ""}) & not_overridden)
    if rag.missing_status(due_on=period.due_on, today=today) == status:
        return missing
    return Q(pk__in=[])


def trends_for(kpis: list[KPI], *, up_to: Period | None = None, limit: int = 8):
    """Each KPI's figures over time (one query), in its frequency's period kind, up to and
    including ``up_to``, the latest ``limit`` of them."""
    kinds = {KIND_FOR_FREQUENCY.get(k.frequency, Period.Kind.QUARTER) for k in kpis}
    figures = Figure.objects.filter(kpi__in=kpis, period__kind__in=kinds).select_related("period")
    if up_to is not None:
        figures = figures.filter(period__start_date__lte=up_to.start_date)
    by_kpi: dict[int, list[Figure]] = {k.pk: [] for k in kpis}
    wanted = {k.pk: KIND_FOR_FREQUENCY.get(k.frequency, Period.Kind.QUARTER) for k in kpis}
    kpi_by_id = {k.pk: k for k in kpis}
    for figure in figures.order_by("period__start_date"):
        if figure.period.kind == wanted[figure.kpi_id]:
            figure.kpi = kpi_by_id[figure.kpi_id]
            by_kpi[figure.kpi_id].append(figure)
    return {pk: items[-limit:] for pk, items in by_kpi.items()}
