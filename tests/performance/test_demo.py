"""Demo data from seed 000: KI 397 is Off Track with its trend; the report is on the agenda."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest

from meetings.extensions import report_generators
from meetings.models import Report
from performance import demo
from performance.models import KPI, Figure

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(demo_module, db):
    """The demo council, loaded once for this module (conftest.demo_module)."""


def test_seed_tables_are_loaded_with_ki_397_off_track(loaded, client):
    assert KPI.objects.count() == 19
    ki397 = KPI.objects.get(reference="KI 397")
    assert ki397.polarity == "increase"
    q4 = Figure.objects.get(kpi=ki397, period__label="Q4 2016/17")
    assert (q4.target, q4.actual, q4.computed_rag) == (D("85"), D("60.7"), "off_track")
    assert not q4.is_demo
    earlier = Figure.objects.filter(kpi=ki397, period__kind="quarter").exclude(pk=q4.pk)
    assert earlier.count() == 3 and all(f.is_demo for f in earlier)
    page = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/performance/").content.decode())
    )
    assert "KI 397" in page and "Demo figures:" in page
    row = page[page.index("KI 397") : page.index("KI 443")]
    assert "Off Track" in row and "Worsening (from 65.1% in Q3 2016/17, a demo figure)" in row
    detail = client.get("/performance/kpis/ki-397/").content.decode()
    assert detail.count("<polyline") >= 2 and "60.7%" in detail


@pytest.mark.parametrize(
    "reference,status",
    [
        ("KI 029", "on_track"),  # 4.7 against 4.7, lower is better: equal is On Track
        ("KI 012a", "off_track"),  # 4 schools against 0
        ("KI 458", "at_risk"),  # 68 against 70: within 5%
        ("KI 490", "no_target"),  # target to agree
        ("KI 220", "on_track"),  # cumulative 12 against 18
    ],
)
def test_seed_edges(loaded, reference, status):
    f = Figure.objects.get(kpi__reference=reference, period__label="Q4 2016/17")
    assert f.computed_rag == status


def test_cumulative_ki_220_earlier_quarters_use_the_year_target_pro_rata(loaded):
    q2 = Figure.objects.get(kpi__reference="KI 220", period__label="Q2 2016/17")
    assert q2.effective_target == D("9") and q2.target_is_pro_rata


def test_demo_puts_the_performance_report_on_the_panel_agenda(loaded):
    report = Report.all_objects.get(generator="performance.kpi_report")
    assert report.agenda_item.title == "Corporate Performance Q4 (2016/17)"
    html = str(report_generators.render(report, for_print=True))
    assert "KI 397" in html and "Off Track" in html and "<svg" in html


def test_demo_is_idempotent(loaded):
    from performance.models import Figure as F

    counts = (KPI.objects.count(), F.objects.count(), F.history.count(), Report.all_objects.count())
    demo.load()
    assert (
        KPI.objects.count(),
        F.objects.count(),
        F.history.count(),
        Report.all_objects.count(),
    ) == counts
