"""Loads the demo KPIs from fixtures/demo/performance: kpis.yaml (service areas and KPI
definitions), one CSV file per period in the portal's own KPI import format (read and checked
by ``performance.imports.validate``, exactly as an officer's upload is), and reports.yaml (the
performance report put on an agenda).

KPIs are created and changed through ``performance.services.create_kpi``/``update_kpi``;
figures are written through ``record_figure``, the same write an import makes for each row
(``_apply_figure``), with ``is_demo`` set for the periods a KPI's ``demo_figures`` lists (the
import format has no column for it). An import run (``start_import``) is not used: it would
store each file as an upload an officer made. Figures are written KPI by KPI, the year figure
of a cumulative KPI first, then the quarters in order.

Idempotent: unchanged KPIs and figures write nothing.
"""

from __future__ import annotations

import re
from decimal import Decimal

from meetings.models import AgendaItem, Report
from performance import imports, services
from performance.models import KPI, Period, ServiceArea
from scrutiny.fixtures import FixtureError, Fixtures, as_date, put

FOLDER = "performance"
PERIOD_FILE = re.compile(r"^(\d{4})-\d{2}-(q[1-4]|year)$")


def load(fixtures: Fixtures) -> None:
    data = fixtures.read(f"{FOLDER}/kpis.yaml")
    for year in data.get("financial_years") or ():
        services.ensure_financial_year(start_year=year)
    for order, spec in enumerate(data["service_areas"], start=1):
        put(ServiceArea, {"slug": spec["slug"]}, {"name": spec["name"], "order": order})
    kpis = [_kpi(dict(data.get("defaults") or {}), dict(spec)) for spec in data["kpis"]]
    figures = _read_figures(fixtures)
    demo = {spec["reference"]: set(spec.get("demo_figures") or ()) for spec in data["kpis"]}
    for kpi in kpis:
        for key, period in sorted(figures, key=lambda p: _period_order(p[1])):
            values = figures[(key, period)].get(kpi.pk)
            if values is None:
                continue
            services.record_figure(
                kpi=kpi, period=period, is_demo=key in demo[kpi.reference], **values
            )
    for spec in (fixtures.read(f"{FOLDER}/reports.yaml") or {}).get("reports") or ():
        _report(fixtures, spec)


def _kpi(defaults: dict, spec: dict) -> KPI:
    spec.pop("demo_figures", None)
    reference = spec.pop("reference")
    fields = defaults | spec
    fields["service_area"] = ServiceArea.objects.get(slug=fields["service_area"])
    if fields.get("tolerance") is not None:
        fields["tolerance"] = Decimal(str(fields["tolerance"]))
    kpi = KPI.objects.filter(reference=reference).first()
    if kpi is None:
        kpi = services.create_kpi(reference=reference, **fields)
        kpi.refresh_from_db()
        return kpi
    changed = {k: v for k, v in fields.items() if getattr(kpi, k) != v}
    if changed:
        kpi = services.update_kpi(kpi=kpi, version=kpi.version, **changed)
    return kpi


def _period(key: str) -> Period:
    match = PERIOD_FILE.match(key)
    if match is None:
        raise FixtureError(
            f"{FOLDER}/{key}.csv: name a period file like 2016-17-q1 or 2016-17-year"
        )
    year, part = int(match[1]), match[2]
    periods = Period.objects.filter(financial_year=year)
    if part == "year":
        return periods.get(kind=Period.Kind.YEAR)
    return periods.get(kind=Period.Kind.QUARTER, number=int(part[1]))


def _period_order(period: Period):
    # The year figure first (the quarters of a cumulative KPI are measured against it).
    return (period.financial_year, period.kind != Period.Kind.YEAR, period.number or 0)


def _read_figures(fixtures: Fixtures) -> dict:
    """{(file key, period): {kpi pk: values}} from every period file, checked by the importer."""
    figures = {}
    for name in fixtures.files(FOLDER, "*.csv"):
        key = name.rsplit("/", 1)[-1].removesuffix(".csv")
        period = _period(key)
        with fixtures.path(name).open("rb") as handle:
            rows, errors = imports.validate(handle, file_format="csv", period=period)
        if errors:
            raise FixtureError(
                f"{name}: " + "; ".join(f"row {e.row} {e.column}: {e.message}" for e in errors[:5])
            )
        figures[(key, period)] = {row.kpi_id: row.values for row in rows}
    return figures


def _report(fixtures: Fixtures, spec: dict) -> None:
    where = spec["meeting"]
    item = AgendaItem.all_objects.filter(
        meeting__committee__slug=where["committee"],
        meeting__start__date=as_date(where["date"]),
        title=spec["item"],
    ).first()
    if item is None:
        raise FixtureError(f"{FOLDER}/reports.yaml: no agenda item {spec['item']!r}")
    if Report.all_objects.filter(agenda_item=item, generator=services.REPORT_GENERATOR).exists():
        return
    services.create_performance_report(
        agenda_item=item,
        period=_period(spec["period"]),
        title=spec["title"],
        service_area=None,
        kpis=list(KPI.objects.filter(service_area__slug__in=spec["service_areas"])),
        is_late=spec.get("is_late"),
    )
