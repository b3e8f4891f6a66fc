"""Dashboard, filters, KPI page and officer pages through the test client."""

from __future__ import annotations

import html
import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Report
from performance import services
from performance.models import Figure
from tests.factories import make_user
from tests.factories.meetings import ExemptAgendaItemFactory
from tests.factories.performance import KPIFactory, ServiceAreaFactory, figure, financial_year

pytestmark = pytest.mark.django_db


def text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def data():
    periods = financial_year()
    fscp = ServiceAreaFactory(name="Family Support & Child Protection", slug="fscp")
    learning = ServiceAreaFactory(name="Learning and Skills", slug="learning")
    ki397 = KPIFactory(
        reference="KI 397",
        slug="ki-397",
        title="Percentage of assessments completed within 45 working days",
        service_area=fscp,
    )
    ki479 = KPIFactory(
        reference="KI 479",
        slug="ki-479",
        title="Repeat referrals",
        service_area=fscp,
        polarity="decrease",
    )
    ki029 = KPIFactory(
        reference="KI 029",
        slug="ki-029",
        title="NEET 16-18",
        service_area=learning,
        polarity="decrease",
    )
    ki490 = KPIFactory(
        reference="KI 490", slug="ki-490", title="Early learning providers", service_area=learning
    )
    ki999 = KPIFactory(
        reference="KI 999", slug="ki-999", title="Never reported", service_area=learning
    )
    for q, value in [(1, "74.2"), (2, "69.8"), (3, "65.1")]:
        figure(ki397, periods[f"Q{q} 2016/17"], target=D("85"), actual=D(value), is_demo=True)
    figure(
        ki397,
        periods["Q4 2016/17"],
        target=D("85"),
        actual=D("60.7"),
        statistical_neighbour=D("83.6"),
        england=D("83.4"),
        commentary_kind="concern",
        commentary="Decline in performance this year.",
    )
    figure(ki479, periods["Q4 2016/17"], target=D("20"), actual=D("20.9"))
    figure(ki029, periods["Q4 2016/17"], target=D("4.7"), actual=D("4.7"))
    figure(ki490, periods["Q4 2016/17"], target_to_agree=True, actual=D("95"))
    return periods, {k.reference: k for k in [ki397, ki479, ki029, ki490, ki999]}


def test_dashboard_shows_the_seed_table_with_ki_397_off_track(client, data):
    response = client.get("/performance/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    page = text(html)
    assert "Performance indicators: Q4 2016/17" in page
    assert "Family Support & Child Protection: Q4 2016/17" in page  # the table caption
    row = page[page.index("KI 397") : page.index("KI 479")]
    assert "Increase 85% 60.7% ✖ Off Track ▼ Worsening (from 65.1% in Q3 2016/17, a demo" in row
    assert 'portal-rag portal-rag--red"><span aria-hidden="true">✖</span> Off Track' in html
    assert "▲ At Risk" in page  # KI 479: 20.9 against 20, within 5%
    assert "✔ On Track" in page  # KI 029 equal to target
    assert "– No target agreed" in page  # KI 490 to agree
    assert "? Not Provided" in page  # KI 999: due May 2017, no figure
    assert "Areas of risk or concern against the targets" in page
    assert "Decline in performance this year." in page
    assert '<th scope="col"' in html and "<caption" in html


@pytest.mark.parametrize(
    "params,shown,hidden",
    [
        ({"rag": "off_track"}, ["KI 397"], ["KI 479", "KI 029", "KI 490", "KI 999"]),
        ({"rag": "at_risk"}, ["KI 479"], ["KI 397", "KI 029"]),
        ({"rag": "on_track"}, ["KI 029"], ["KI 397", "KI 479"]),
        ({"rag": "no_target"}, ["KI 490"], ["KI 397"]),
        ({"rag": "not_provided"}, ["KI 999"], ["KI 397", "KI 490"]),
        ({"rag": "not_due"}, [], ["KI 397", "KI 999"]),
        ({"polarity": "decrease"}, ["KI 479", "KI 029"], ["KI 397", "KI 490"]),
        ({"service_area": "learning"}, ["KI 029", "KI 490"], ["KI 397", "KI 479"]),
        ({"service_area": "fscp", "rag": "off_track"}, ["KI 397"], ["KI 479"]),
        ({"period": "Q3 2016/17"}, ["KI 397"], []),
        ({"period": "Q3 2016/17", "rag": "off_track"}, ["KI 397"], ["KI 479"]),
    ],
)
def test_dashboard_filters(client, data, params, shown, hidden):
    page = text(client.get("/performance/", params).content.decode())
    for ref in shown:
        assert f" {ref} " in page, (params, ref)
    for ref in hidden:
        assert f" {ref} " not in page, (params, ref)


def test_filter_uses_the_override_not_the_computed_status(client, data):
    periods, kpis = data
    f = Figure.objects.get(kpi=kpis["KI 397"], period=periods["Q4 2016/17"])
    services.override_rag(
        figure=f, status="at_risk", reason="Data cleansing in progress", version=f.version
    )
    page = text(client.get("/performance/", {"rag": "at_risk"}).content.decode())
    assert " KI 397 " in page and "Set by hand: Data cleansing in progress" in page
    page = text(client.get("/performance/", {"rag": "off_track"}).content.decode())
    assert " KI 397 " not in page


def test_dashboard_query_count_stays_flat(client, data, django_assert_max_num_queries):
    periods, _ = data

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/performance/").status_code == 200
        return len(ctx.captured_queries)

    client.get("/performance/")  # warm the council cache
    few = count()
    area = ServiceAreaFactory()
    for _ in range(30):
        kpi = KPIFactory(service_area=area)
        figure(kpi, periods["Q3 2016/17"], target=D("10"), actual=D("9"))
        figure(kpi, periods["Q4 2016/17"], target=D("10"), actual=D("11"))
    assert count() == few
    with django_assert_max_num_queries(few):
        client.get("/performance/", {"rag": "on_track"})


def test_kpi_page_has_chart_data_table_definition_and_commentary(client, data):
    html = client.get("/performance/kpis/ki-397/").content.decode()
    assert html.count("<h1") == 1
    assert "<svg" in html and "<title id=" in html and "<desc id=" in html
    page = text(html)
    assert "Latest: 60.7% for Q4 2016/17 against a target of 85%. ✖ Off Track" in page
    assert "KI 397: figures by period" in page
    assert "Q1 2016/17 (demo) 74.2%" in page
    assert "Demo figures:" in page
    assert "KI 397: comparators" in page and "83.6%" in page
    assert "Decline in performance this year." in page
    assert client.get("/performance/kpis/no-such/").status_code == 404


def test_kpi_page_query_count_is_flat(client, data, django_assert_max_num_queries):
    periods, kpis = data
    client.get("/performance/kpis/ki-397/")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/performance/kpis/ki-397/")
    services.ensure_financial_year(start_year=2017)
    from performance.models import Period

    for q in Period.objects.filter(kind="quarter", financial_year=2017):
        figure(kpis["KI 397"], q, target=D("85"), actual=D("70"))
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        client.get("/performance/kpis/ki-397/")


@pytest.mark.parametrize(
    "url",
    [
        "/officer/performance/",
        "/officer/performance/kpis/add/",
        "/officer/performance/kpis/ki-397/",
        "/officer/performance/kpis/ki-397/edit/",
        "/officer/performance/periods/",
        "/officer/performance/reports/new/",
        "/officer/performance/areas/add/",
    ],
)
def test_officer_pages_need_an_officer(client, data, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(make_user("councillor"))
    assert client.get(url).status_code == 403
    client.force_login(make_user("officer"))
    response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


def test_officer_adds_a_kpi_and_a_figure(client, data):
    periods, _ = data
    client.force_login(make_user("officer"))
    response = client.post(
        "/officer/performance/kpis/add/",
        {
            "reference": "KI 500",
            "title": "New indicator",
            "service_area": data[1]["KI 397"].service_area_id,
            "unit": "days",
            "polarity": "decrease",
            "frequency": "quarterly",
            "tolerance": "10",
            "tolerance_kind": "absolute",
            "first_year": "2016",
        },
    )
    assert response.status_code == 302
    q1 = periods["Q1 2016/17"]
    url = f"/officer/performance/kpis/ki-500/figures/{q1.pk}/"
    response = client.post(url, {"target": "100", "actual": "105", "commentary_kind": ""})
    assert response.status_code == 302
    f = Figure.objects.get(kpi__reference="KI 500")
    assert f.computed_rag == "at_risk"  # 5 days over, band 10 days


def test_stale_figure_form_shows_a_conflict_and_keeps_what_was_typed(client, data):
    periods, kpis = data
    officer = make_user("officer")
    client.force_login(officer)
    q4 = periods["Q4 2016/17"]
    f = Figure.objects.get(kpi=kpis["KI 397"], period=q4)
    stale = f.version
    services.save_figure(
        kpi=kpis["KI 397"], period=q4, version=stale, target=D("85"), actual=D("61.0")
    )
    response = client.post(
        f"/officer/performance/kpis/ki-397/figures/{q4.pk}/",
        {"version": stale, "target": "85", "actual": "62.4", "commentary_kind": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this record" in html
    assert 'value="62.4"' in html
    assert Figure.objects.get(pk=f.pk).actual == D("61.0")


def test_officer_overrides_with_a_reason_and_sees_it_in_history(client, data):
    periods, kpis = data
    client.force_login(make_user("officer", username="clerk"))
    f = Figure.objects.get(kpi=kpis["KI 397"], period=periods["Q4 2016/17"])
    url = f"/officer/performance/figures/{f.pk}/override/"
    response = client.post(url, {"status": "at_risk", "reason": "", "version": f.version})
    assert "Give the reason for the override." in response.content.decode()
    response = client.post(
        url, {"status": "at_risk", "reason": "Late data validated", "version": f.version}
    )
    assert response.status_code == 302
    page = text(
        client.get(f"/officer/performance/kpis/ki-397/figures/{f.period_id}/").content.decode()
    )
    assert "History of this figure" in page
    assert "clerk" in page and "Override to At Risk: Late data validated" in page


def test_officer_puts_a_performance_report_on_an_agenda(client, data):
    periods, kpis = data
    from tests.factories.meetings import AgendaItemFactory

    item = AgendaItemFactory(title="Corporate Performance Q4 (2016/17)")
    client.force_login(make_user("officer"))
    form = client.get("/officer/performance/reports/new/").content.decode()
    assert "Corporate Performance Q4 (2016/17)" in form
    response = client.post(
        "/officer/performance/reports/new/",
        {
            "agenda_item": item.pk,
            "period": periods["Q4 2016/17"].pk,
            "service_area": kpis["KI 397"].service_area_id,
            "title": "Q4 performance highlights",
            "charts": "on",
        },
    )
    # The item's meeting is published, so the report is late and needs reasons.
    assert response.status_code == 200
    assert "give the reasons this report is added late" in response.content.decode()
    response = client.post(
        "/officer/performance/reports/new/",
        {
            "agenda_item": item.pk,
            "period": periods["Q4 2016/17"].pk,
            "service_area": kpis["KI 397"].service_area_id,
            "title": "Q4 performance highlights",
            "charts": "on",
            "urgency_reasons": "Figures were validated after publication.",
        },
    )
    report = Report.all_objects.get(agenda_item=item)
    assert response.status_code == 302
    assert report.source == "generated" and report.generator == "performance.kpi_report"
    assert report.generator_params == {
        "period": "Q4 2016/17",
        "charts": True,
        "service_area": "fscp",
    }
    assert report.is_late
    preview = text(client.get(response["Location"]).content.decode())
    assert "KI 397" in preview and "✖ Off Track" in preview


def test_exempt_papers_never_reach_performance_pages(client, data):
    periods, kpis = data
    canary = "CANARY-PERF-7c1d"
    item = ExemptAgendaItemFactory(title=f"Exempt {canary}")
    services.create_performance_report(
        agenda_item=item,
        period=periods["Q4 2016/17"],
        title=f"Exempt performance {canary}",
        kpis=[kpis["KI 397"]],
        urgency_reasons=f"Reasons {canary}",
    )
    for url in [
        "/performance/",
        "/performance/kpis/ki-397/",
        "/sitemap.xml",
        "/performance/?rag=off_track",
    ]:
        assert canary not in client.get(url).content.decode(), url


def test_officer_meeting_page_links_to_performance_reports(client, data):
    from tests.factories.meetings import AgendaItemFactory

    periods, kpis = data
    item = AgendaItemFactory(title="Corporate Performance Q4 (2016/17)")
    other = AgendaItemFactory(title="Somewhere else")
    services.create_performance_report(
        agenda_item=item,
        period=periods["Q4 2016/17"],
        title="Q4 KPIs",
        kpis=[kpis["KI 397"]],
        is_late=False,
    )
    client.force_login(make_user("officer"))
    page = client.get(f"/officer/meetings/{item.meeting_id}/").content.decode()
    assert "Performance reports" in page and "Q4 KPIs" in page
    link = f"/officer/performance/reports/new/?meeting={item.meeting_id}"
    assert link in page
    form = client.get(link).content.decode()
    assert "Corporate Performance Q4 (2016/17)" in form and "Somewhere else" not in form
    assert other.meeting_id != item.meeting_id


@pytest.mark.parametrize("query", ["period=Q9+1999", "rag=purple", "service_area=nowhere"])
def test_bad_filter_values_do_not_break_the_dashboard(client, data, query):
    response = client.get(f"/performance/?{query}")
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1
