"""A performance report on an agenda: rendered through the report generator registry, on the
public report page, and inside a real built agenda pack (read back from the PDF)."""

from __future__ import annotations

import re
from decimal import Decimal as D
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ValidationError

from meetings.extensions import report_generators
from meetings.models import Report
from performance import services
from scrutiny.models import Council
from tests.factories.meetings import AgendaItemFactory, MeetingFactory
from tests.factories.performance import KPIFactory, ServiceAreaFactory, figure, financial_year
from tests.packs.helpers import ok_build, pack, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    periods = financial_year()
    area = ServiceAreaFactory(name="Family Support & Child Protection", slug="fscp")
    ki397 = KPIFactory(
        reference="KI 397",
        slug="ki-397",
        title="Percentage of assessments completed within 45 working days",
        service_area=area,
    )
    ki223 = KPIFactory(
        reference="KI 223",
        slug="ki-223",
        title="First time entrants",
        service_area=area,
        polarity="decrease",
        unit="number",
    )
    other = KPIFactory(reference="KI 012a", slug="ki-012a", title="Schools in an Ofsted category")
    for q, value in [(1, "74.2"), (2, "69.8"), (3, "65.1"), (4, "60.7")]:
        figure(ki397, periods[f"Q{q} 2016/17"], target=D("85"), actual=D(value))
    figure(
        ki223,
        periods["Q4 2016/17"],
        target=D("175"),
        actual=D("153"),
        commentary_kind="positive",
        commentary="Better than our target.",
    )
    figure(other, periods["Q4 2016/17"], target=D("0"), actual=D("4"))
    # A later quarter must not appear in a Q4 2016/17 report's trend.
    services.ensure_financial_year(start_year=2017)
    from performance.models import Period

    figure(ki397, Period.objects.get(label="Q1 2017/18"), target=D("85"), actual=D("99"))
    item = AgendaItemFactory(title="Corporate Performance Q4 (2016/17)")
    return services.create_performance_report(
        agenda_item=item,
        period=periods["Q4 2016/17"],
        title="Q4 performance: Family Support & Child Protection",
        service_area=area,
        is_late=False,
    )


def test_report_is_a_generated_report_on_the_agenda_item(report):
    assert report.source == Report.Source.GENERATED
    assert report.generator == "performance.kpi_report"
    assert report.generator_params == {
        "period": "Q4 2016/17",
        "charts": True,
        "service_area": "fscp",
    }
    assert report in Report.objects.all()  # public: a published meeting's public item


def test_rendered_through_the_registry_with_table_commentary_and_charts(report):
    html = str(report_generators.render(report, for_print=False))
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "<h1" not in html  # the report page owns the h1
    assert "KI 397" in page and "✖ Off Track" in page and "▼ Worsening" in page
    assert "KI 223" in page and "✔ On Track" in page and "Better than our target." in page
    assert "KI 012a" not in page  # another service area
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 2
    root = ElementTree.fromstring(svgs[0])
    ids = root.get("aria-labelledby").split()
    assert ids[0].startswith(f"report-{report.pk}-")
    labels = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Q4 2016/17" in labels and "Q1 2017/18" not in labels
    assert "Statuses are as at the meeting" in page
    printed = str(report_generators.render(report, for_print=True))
    assert "page-break" in printed and "KI 397" in printed


def test_kpis_instead_of_a_service_area(report):
    from performance.models import KPI, Period

    item = AgendaItemFactory()
    other = services.create_performance_report(
        agenda_item=item,
        period=Period.objects.get(label="Q4 2016/17"),
        title="Two KPIs",
        kpis=list(KPI.objects.filter(reference__in=["KI 012a", "KI 397"])),
        charts=False,
        is_late=False,
    )
    html = str(report_generators.render(other, for_print=False))
    assert "KI 012a" in html and "KI 397" in html and "KI 223" not in html
    assert "<svg" not in html


def test_report_needs_a_choice_and_late_reports_need_reasons(report):
    from performance.models import Period

    period = Period.objects.get(label="Q4 2016/17")
    with pytest.raises(ValidationError) as err:
        services.create_performance_report(agenda_item=report.agenda_item, period=period, title="X")
    assert {"service_area", "urgency_reasons"} <= set(err.value.message_dict)
    draft = AgendaItemFactory(meeting=MeetingFactory())  # not published: not late
    created = services.create_performance_report(
        agenda_item=draft, period=period, title="Draft", kpis=[report_kpi()]
    )
    assert not created.is_late


def report_kpi():
    from performance.models import KPI

    return KPI.objects.get(reference="KI 397")


def test_a_missing_period_does_not_break_the_page(report):
    report.generator_params = {"period": "Q9 1999/00", "service_area": "fscp"}
    html = str(report_generators.render(report, for_print=True))
    assert "cannot be shown" in html


def test_public_report_page_shows_the_generated_body(client, report):
    response = client.get(f"/reports/{report.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "KI 397" in html and "Off Track" in html and "<svg" in html


def test_performance_report_is_in_the_built_agenda_pack(report):
    Council.objects.create(name="Kirklees Council", address="Town Hall, Huddersfield")
    ok_build(report.agenda_item.meeting)
    text = "\n".join(texts(pack(report.agenda_item.meeting).path))
    flat = re.sub(r"\s+", " ", text)
    assert "Q4 performance: Family Support & Child Protection" in flat
    assert "KI 397" in flat and "Off Track" in flat and "Worsening" in flat
    assert "60.7%" in flat and "Better than our target." in flat
    # The chart is drawn into the PDF: its axis labels are real text.
    assert "Q1 2016/17" in flat and "Statistical neighbour" not in flat
