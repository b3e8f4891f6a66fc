"""Writes for performance indicators. Keyword-only, typed, one transaction each.

RAG statuses are never typed: every write that can change a figure's rating goes through
``_refresh`` which applies ``performance.rag``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from performance import rag
from performance.models import (
    KPI,
    CommentaryKind,
    Figure,
    ImportRun,
    Period,
    ServiceArea,
    financial_year_label,
)
from scrutiny.audit import records_by
from scrutiny.conflicts import check_version

logger = logging.getLogger(__name__)
REPORT_GENERATOR = "performance.kpi_report"
_UNSET: Any = object()

# ---------------------------------------------------------------------------------------------
# Service areas and KPI definitions


@transaction.atomic
def create_service_area(*, name: str, description: str = "", order: int = 0) -> ServiceArea:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter the service area's name."})
    if ServiceArea.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": "A service area with this name already exists."})
    base = slugify(name)[:200] or "service-area"
    slug, n = base, 2
    while ServiceArea.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return ServiceArea.objects.create(name=name, slug=slug, description=description, order=order)


@transaction.atomic
def update_service_area(
    *, area: ServiceArea, name: str, description: str = "", order: int = 0
) -> ServiceArea:
    name = name.strip()
    if ServiceArea.objects.filter(name__iexact=name).exclude(pk=area.pk).exists():
        raise ValidationError({"name": "A service area with this name already exists."})
    area.name, area.description, area.order = name, description, order
    area.save()
    return area


KPI_FIELDS = [
    "title",
    "service_area",
    "unit",
    "polarity",
    "is_cumulative",
    "frequency",
    "definition",
    "data_source",
    "tolerance",
    "tolerance_kind",
    "first_year",
    "last_year",
    "notes",
]


def _check_kpi(data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if data.get("tolerance") is not None and Decimal(data["tolerance"]) < 0:
        errors["tolerance"] = "The tolerance band cannot be negative."
    if data.get("last_year") is not None and data["last_year"] < data["first_year"]:
        errors["last_year"] = "The last year must be the same as or after the first year."
    if errors:
        raise ValidationError(errors)


@records_by
@transaction.atomic
def create_kpi(*, reference: str, by=None, **fields: Any) -> KPI:
    reference = " ".join(reference.split())
    if not reference:
        raise ValidationError({"reference": "Enter the PI reference, for example KI 397."})
    if KPI.objects.filter(reference__iexact=reference).exists():
        raise ValidationError({"reference": f"There is already a KPI {reference}."})
    unknown = set(fields) - set(KPI_FIELDS)
    if unknown:
        raise TypeError(f"Unknown KPI fields: {sorted(unknown)}")
    _check_kpi(fields)
    kpi = KPI(reference=reference, slug=slugify(reference) or "kpi", **fields)
    if KPI.objects.filter(slug=kpi.slug).exists():
        kpi.slug = f"{kpi.slug}-{KPI.objects.count() + 1}"
    kpi._history_user = by
    kpi.save()
    return kpi


@records_by
@transaction.atomic
def update_kpi(*, kpi: KPI, version: int, by=None, **fields: Any) -> KPI:
    """Save a KPI definition and re-rate its figures (polarity or tolerance may change)."""
    current = KPI.objects.select_for_update().get(pk=kpi.pk)
    check_version(current.version, version)
    unknown = set(fields) - set(KPI_FIELDS)
    if unknown:
        raise TypeError(f"Unknown KPI fields: {sorted(unknown)}")
    merged = {name: getattr(current, name) for name in KPI_FIELDS} | fields
    _check_kpi(merged)
    for name, value in fields.items():
        setattr(current, name, value)
    current.version += 1
    current._history_user = by
    current.save()
    for figure in current.figures.select_related("period"):
        figure.kpi = current
        _refresh(figure)
        figure._history_user = by
        figure._change_reason = "Re-rated after the KPI definition changed"
        figure.save()
    kpi.version = current.version
    return current


# ---------------------------------------------------------------------------------------------
# Reporting periods


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@transaction.atomic
def ensure_financial_year(*, start_year: int, due_after_days: int = 42) -> list[Period]:
    """Create (or leave as they are) the financial year April–March, its four quarters
    and twelve months. Figures are due ``due_after_days`` after each period ends."""
    if not 2000 <= start_year <= 2100:
        raise ValidationError({"start_year": "Enter a year between 2000 and 2100."})
    fy = financial_year_label(start_year)
    wanted: list[tuple[str, int, dt.date, dt.date, str]] = [
        (Period.Kind.YEAR, 0, dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31), fy)
    ]
    for q in range(1, 5):
        first_month = 4 + (q - 1) * 3
        year = start_year + (first_month - 1) // 12
        month = (first_month - 1) % 12 + 1
        end_month = month + 2
        wanted.append(
            (
                Period.Kind.QUARTER,
                q,
                dt.date(year, month, 1),
                _month_end(year, end_month),
                f"Q{q} {fy}",
            )
        )
    for m in range(1, 13):
        month = (m + 2) % 12 + 1
        year = start_year if month >= 4 else start_year + 1
        wanted.append(
            (
                Period.Kind.MONTH,
                m,
                dt.date(year, month, 1),
                _month_end(year, month),
                f"{calendar.month_name[month]} {year}",
            )
        )
    periods = []
    for kind, number, start, end, label in wanted:
        period, _ = Period.objects.get_or_create(
            kind=kind,
            start_date=start,
            defaults={
                "financial_year": start_year,
                "number": number,
                "end_date": end,
                "due_on": end + dt.timedelta(days=due_after_days),
                "label": label,
            },
        )
        periods.append(period)
    return periods


def previous_period(period: Period) -> Period | None:
    return Period.objects.filter(kind=period.kind, end_date=period.previous_end).first()


# ---------------------------------------------------------------------------------------------
# Figures


def _year_target(figure: Figure) -> Decimal | None:
    if not figure.kpi.is_cumulative or figure.period.kind == Period.Kind.YEAR:
        return None
    return (
        Figure.objects.filter(
            kpi_id=figure.kpi_id,
            period__kind=Period.Kind.YEAR,
            period__financial_year=figure.period.financial_year,
        )
        .values_list("target", flat=True)
        .first()
    )


def _refresh(figure: Figure, *, year_target: Any = _UNSET) -> None:
    """Recompute the effective target and RAG of ``figure`` (not saved)."""
    kpi = figure.kpi
    if year_target is _UNSET:
        year_target = _year_target(figure)
    target, pro_rata = rag.effective_target(
        target=figure.target,
        target_to_agree=figure.target_to_agree,
        cumulative=kpi.is_cumulative,
        year_target=year_target,
        elapsed_fraction=figure.period.elapsed_fraction,
    )
    figure.effective_target = target
    figure.target_is_pro_rata = pro_rata
    rated = rag.rate(
        actual=figure.actual,
        target=target,
        polarity=kpi.polarity,
        tolerance=kpi.tolerance,
        tolerance_kind=kpi.tolerance_kind,
    )
    figure.computed_rag = rated.value if rated is not None else ""


def _refresh_year_siblings(figure: Figure, *, by=None) -> None:
    """A cumulative KPI's year target changed: re-rate its quarters and months."""
    if not figure.kpi.is_cumulative or figure.period.kind != Period.Kind.YEAR:
        return
    siblings = Figure.objects.filter(
        kpi_id=figure.kpi_id, period__financial_year=figure.period.financial_year
    ).exclude(pk=figure.pk)
    for sibling in siblings.select_related("period", "kpi"):
        before = (sibling.effective_target, sibling.computed_rag)
        _refresh(sibling, year_target=figure.target)
        if (sibling.effective_target, sibling.computed_rag) != before:
            sibling._history_user = by
            sibling._change_reason = "Re-rated after the year's target changed"
            sibling.save()


FIGURE_FIELDS = [
    "target",
    "target_to_agree",
    "actual",
    "statistical_neighbour",
    "england",
    "region",
    "commentary_kind",
    "commentary",
    "is_demo",
]


def _check_figure(kpi: KPI, period: Period, data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if data.get("target_to_agree") and data.get("target") is not None:
        errors["target"] = 'Leave the target empty when it is "to agree".'
    if not (kpi.first_year <= period.financial_year) or (
        kpi.last_year is not None and period.financial_year > kpi.last_year
    ):
        errors["period"] = (
            f"{kpi.reference} is not reported in {period.financial_year_label} "
            f"(active {kpi.active_years_text})."
        )
    for name in ("target", "actual", "statistical_neighbour", "england", "region"):
        value = data.get(name)
        if value is None:
            continue
        if kpi.unit == "percent" and not (0 <= value <= 100):
            errors[name] = "A percentage must be between 0 and 100."
        elif kpi.unit != "pounds" and value < 0:
            errors[name] = "This cannot be negative."
    if data.get("commentary_kind") and not (data.get("commentary") or "").strip():
        errors["commentary"] = "Enter the commentary, or choose no commentary."
    if data.get("commentary_kind", "") not in CommentaryKind.values:
        errors["commentary_kind"] = "Choose positive progress or area of risk or concern."
    if errors:
        raise ValidationError(errors)


def _apply_figure(
    *, kpi: KPI, period: Period, values: dict[str, Any], by=None, reason: str = ""
) -> tuple[Figure, bool]:
    """Create or update one figure (inside the caller's transaction)."""
    figure = (
        Figure.objects.select_for_update()
        .select_related("period", "kpi")
        .filter(kpi=kpi, period=period)
        .first()
    )
    created = figure is None
    if created:
        figure = Figure(kpi=kpi, period=period)
    old = (figure.actual, figure.target, figure.target_to_agree)
    before = {name: getattr(figure, name) for name in values}
    for name, value in values.items():
        setattr(figure, name, value)
    if not created and all(before[name] == getattr(figure, name) for name in values):
        return figure, False  # nothing changed: no new version, no history row
    if figure.target_to_agree:
        figure.target = None
    reasons = [reason] if reason else []
    if figure.override_rag and old != (figure.actual, figure.target, figure.target_to_agree):
        reasons.append(
            f"Override ({rag.Rag(figure.override_rag).label}) cleared because the figures changed"
        )
        figure.override_rag, figure.override_reason = "", ""
    _refresh(figure)
    if not created:
        figure.version += 1
    figure._history_user = by
    figure._change_reason = "; ".join(reasons) or None
    figure.save()
    _refresh_year_siblings(figure, by=by)
    return figure, created


@records_by
@transaction.atomic
def save_figure(
    *,
    kpi: KPI,
    period: Period,
    version: int | None = None,
    by=None,
    reason: str = "",
    **values: Any,
) -> Figure:
    """Create or update a KPI's figure for a period. ``version`` is the version the
    officer's form was built from (None for a new figure)."""
    unknown = set(values) - set(FIGURE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown figure fields: {sorted(unknown)}")
    existing = Figure.objects.filter(kpi=kpi, period=period).values_list("version", flat=True)
    current_version = existing.first()
    check_version(current_version, version)
    if current_version is not None and version is None:
        raise ValidationError({"version": "This figure already exists: edit it instead."})
    values.setdefault("commentary_kind", "")
    _check_figure(kpi, period, values)
    figure, _ = _apply_figure(kpi=kpi, period=period, values=values, by=by, reason=reason)
    return figure


@records_by
@transaction.atomic
def record_figure(*, kpi: KPI, period: Period, by=None, reason: str = "", **values: Any) -> Figure:
    """Create or update a figure without an edit form (demo data, scripts): checked like
    ``save_figure`` but with no optimistic lock. Unchanged values write nothing."""
    unknown = set(values) - set(FIGURE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown figure fields: {sorted(unknown)}")
    _check_figure(kpi, period, {"commentary_kind": "", **values})
    figure, _ = _apply_figure(kpi=kpi, period=period, values=values, by=by, reason=reason)
    return figure


@records_by
@transaction.atomic
def override_rag(*, figure: Figure, status: str, reason: str, version: int, by=None) -> Figure:
    """Set (or with ``status=""`` clear) a manual RAG override. A reason is always needed
    and is kept in the figure's history."""
    current = Figure.objects.select_for_update().select_related("kpi", "period").get(pk=figure.pk)
    check_version(current.version, version)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the override."})
    if status and status not in {value for value, _ in rag.OVERRIDE_CHOICES}:
        raise ValidationError({"status": "Choose On Track, At Risk or Off Track."})
    if status and current.actual is None:
        raise ValidationError({"status": "There is no figure to rate for this period."})
    current.override_rag = status
    current.override_reason = reason if status else ""
    current.version += 1
    current._history_user = by
    current._change_reason = (
        f"Override to {rag.Rag(status).label}: {reason}"
        if status
        else f"Override removed: {reason}"
    )
    current.save()
    return current


# ---------------------------------------------------------------------------------------------
# Imports

BACKGROUND_ROWS = 200  # files with more data rows than this import as a background task


@records_by
def start_import(*, period: Period, upload, by) -> ImportRun:
    """Record an upload and run it: small files now, large ones as a background task
    (the officer watches the progress page). Nothing is written until every row is valid."""
    from performance import imports

    name = upload.name or "upload"
    file_format = imports.detect_format(name)
    if file_format is None:
        raise ValidationError({"file": "Upload a CSV file (.csv) or an Excel workbook (.xlsx)."})
    if upload.size == 0:
        raise ValidationError({"file": "The file is empty."})
    if upload.size > imports.MAX_BYTES:
        raise ValidationError({"file": "The file is larger than 5 MB."})
    with transaction.atomic():
        run = ImportRun(
            period=period,
            original_filename=name[:255],
            file_format=file_format,
            uploaded_by=by,
        )
        run.file.save(name, upload, save=False)
        run.total_rows = imports.count_rows(run.file, file_format)
        run.in_background = run.total_rows > BACKGROUND_ROWS
        run.save()
    if run.in_background:
        from performance.tasks import run_import_task

        run_import_task.enqueue(run.pk)
    else:
        run_import(run_id=run.pk)
    run.refresh_from_db()
    return run


def _progress(run: ImportRun, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    ImportRun.objects.filter(pk=run.pk).update(**fields, modified_at=timezone.now())


def run_import(*, run_id: int) -> ImportRun:
    """Validate the whole file, then write every row in one transaction or none.

    Idempotent: a finished run is left alone, and re-running a run writes the same values.
    Progress is saved outside the write transaction so the progress page can read it."""
    from performance import imports

    run = ImportRun.objects.select_related("period", "uploaded_by").get(pk=run_id)
    if run.is_finished:
        return run
    _progress(run, status=ImportRun.Status.VALIDATING, started_at=timezone.now())

    def report(done: int) -> None:
        _progress(run, processed_rows=done)

    with run.file.open("rb") as handle:
        rows, errors = imports.validate(
            handle, file_format=run.file_format, period=run.period, progress=report
        )
    if errors:
        _progress(
            run,
            status=ImportRun.Status.FAILED,
            errors=[e.as_dict() for e in errors],
            finished_at=timezone.now(),
        )
        return run
    _progress(run, status=ImportRun.Status.WRITING, processed_rows=0)
    try:
        created, updated = _write_import(run, rows)
    except ValidationError as exc:  # a row became invalid between checking and writing
        _progress(
            run,
            status=ImportRun.Status.FAILED,
            errors=[{"row": None, "column": "", "message": m} for m in exc.messages],
            finished_at=timezone.now(),
        )
        return run
    except Exception:
        logger.exception("Import %s failed while writing", run.pk)
        _progress(
            run,
            status=ImportRun.Status.FAILED,
            errors=[
                {
                    "row": None,
                    "column": "",
                    "message": "An unexpected error stopped the import while saving. "
                    "Nothing was saved. Try again, or tell the portal's administrators.",
                }
            ],
            finished_at=timezone.now(),
        )
        return run
    _progress(
        run,
        status=ImportRun.Status.SUCCEEDED,
        created_count=created,
        updated_count=updated,
        processed_rows=len(rows),
        finished_at=timezone.now(),
    )
    return run


@transaction.atomic
def _write_import(run: ImportRun, rows) -> tuple[int, int]:
    created = updated = 0
    kpis = {k.pk: k for k in KPI.objects.filter(pk__in=[r.kpi_id for r in rows])}
    reason = f"Import {run.pk}: {run.original_filename}"
    for row in rows:
        kpi = kpis[row.kpi_id]
        values = row.values
        _check_figure(kpi, run.period, {"commentary_kind": "", **values})
        _, was_created = _apply_figure(
            kpi=kpi, period=run.period, values=values, by=run.uploaded_by, reason=reason
        )
        created += was_created
        updated += not was_created
    return created, updated


# ---------------------------------------------------------------------------------------------
# Performance reports on agendas


@records_by
@transaction.atomic
def create_performance_report(
    *,
    agenda_item,
    period: Period,
    title: str,
    service_area: ServiceArea | None = None,
    kpis: list[KPI] | None = None,
    charts: bool = True,
    by=None,
    urgency_reasons: str = "",
    is_late: bool | None = None,
):
    """Put a performance report on an agenda item: a ``meetings.Report`` whose body is
    generated (``performance.kpi_report``) from the figures whenever it is shown or printed.

    Added after the agenda was published it is a late paper and needs the reasons for
    urgency (``is_late`` defaults to whether the meeting's agenda is published)."""
    from meetings.models import Report

    errors: dict[str, str] = {}
    if service_area is None and not kpis:
        errors["service_area"] = "Choose a service area or at least one KPI."
    if not title.strip():
        errors["title"] = "Enter the report's title."
    late = agenda_item.meeting.published_at is not None if is_late is None else is_late
    if late and not urgency_reasons.strip():
        errors["urgency_reasons"] = (
            "The agenda is already published: give the reasons this report is added late."
        )
    if errors:
        raise ValidationError(errors)
    params: dict[str, Any] = {"period": period.label, "charts": charts}
    if service_area is not None:
        params["service_area"] = service_area.slug
    if kpis:
        params["kpis"] = sorted(k.reference for k in kpis)
    order = (agenda_item.reports.aggregate(m=Max("order"))["m"] or 0) + 1
    author = getattr(by, "person", None) if by is not None else None
    report = Report(
        agenda_item=agenda_item,
        order=order,
        source=Report.Source.GENERATED,
        title=title.strip(),
        author=author,
        purpose=f"Performance indicators for {period.label}.",
        generator=REPORT_GENERATOR,
        generator_params=params,
        is_late=late,
        # Added to a published agenda: a draft until the officer publishes it as a late
        # paper (meetings.services.publish_late_paper).
        is_draft=late and agenda_item.meeting.published_at is not None,
        urgency_reasons=urgency_reasons.strip() if late else "",
    )
    report._history_user = by
    report.save()
    return report
