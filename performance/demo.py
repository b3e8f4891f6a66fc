"""The demo KPIs: the data is in fixtures/demo/performance (kpis.yaml, one CSV file per period
in the KPI import format, reports.yaml), loaded by performance.fixture_loader."""

from __future__ import annotations

from performance import fixture_loader
from scrutiny.fixtures import Fixtures


def load() -> None:
    fixture_loader.load(Fixtures())
