"""The SVG trend chart, parsed as XML."""

from __future__ import annotations

from decimal import Decimal as D
from xml.etree import ElementTree

import pytest

from performance.charts import Series, kpi_chart, nice_step, render_svg
from tests.factories.performance import KPIFactory, figure, financial_year

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


@pytest.mark.django_db
def test_kpi_chart_has_title_desc_actuals_target_and_comparators():
    periods = financial_year()
    kpi = KPIFactory(reference="KI 397", title="Assessments within 45 working days")
    for label, value in [("Q1", "74.2"), ("Q2", "69.8"), ("Q3", "65.1")]:
        figure(kpi, periods[f"{label} 2016/17"], target=D("85"), actual=D(value))
    figure(
        kpi,
        periods["Q4 2016/17"],
        target=D("85"),
        actual=D("60.7"),
        statistical_neighbour=D("83.6"),
        england=D("83.4"),
    )
    figures = list(kpi.figures.select_related("period", "kpi").order_by("period__start_date"))
    root = parse(kpi_chart(kpi, figures, status_text="Off Track"))
    assert root.get("role") == "img"
    labelled_by = root.get("aria-labelledby").split()
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert [title.get("id"), desc.get("id")] == labelled_by
    assert title.text == "KI 397 Assessments within 45 working days: trend"
    assert "Latest period Q4 2016/17: 60.7%, target 85%; Off Track" in desc.text
    assert "Actual: Q1 2016/17 74.2%, Q2 2016/17 69.8%" in desc.text
    assert "Statistical neighbour average: Q4 2016/17 83.6%" in desc.text
    actual = root.find(f"{SVG}polyline[@class='series-actual']")
    points = [tuple(map(float, p.split(","))) for p in actual.get("points").split()]
    assert len(points) == 4
    ys = [y for _, y in points]
    assert ys == sorted(ys), "a falling figure is drawn going down (SVG y grows downwards)"
    target = root.find(f"{SVG}polyline[@class='series-target']")
    assert target.get("stroke-dasharray")
    assert len({p.split(",")[1] for p in target.get("points").split()}) == 1  # flat line at 85
    # The single comparator points are drawn as short lines with their own markers.
    assert root.find(f"{SVG}line[@class='series-statistical_neighbour']") is not None
    legend = [t.text for t in root.iter(f"{SVG}text")]
    for name in ["Actual", "Target", "Statistical neighbour average", "England average"]:
        assert name in legend
    assert "Regional average" not in legend  # no regional figures, no regional series
    for label in ["Q1 2016/17", "Q4 2016/17", "0%", "100%"]:
        assert label in legend
    # Content Security Policy: no inline style anywhere in the chart.
    assert not any("style" in el.attrib for el in root.iter())
    assert root.find(f"{SVG}style") is None


def test_missing_values_break_the_line_and_text_is_escaped():
    svg = render_svg(
        labels=["Q1", "Q2", "Q3", "Q4"],
        series=[Series("actual", "Actual <b>", [D("1"), None, D("3"), D("4")], "#000")],
        title="A & B <script>",
        description="desc",
        unit="number",
        id_prefix="c1",
    )
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "A & B <script>"
    lines = root.findall(f"{SVG}polyline")
    assert [len(pl.get("points").split()) for pl in lines] == [2]
    assert root.find(f"{SVG}line[@class='series-actual']") is not None  # the lone Q1
    assert "<script>" not in svg


@pytest.mark.parametrize(
    "span,expected", [(100, 20), (10, 2), (7, 2), (0.5, 0.1), (1500, 500), (3, 1)]
)
def test_nice_step(span, expected):
    assert nice_step(span) == pytest.approx(expected)
