"""Real Chromium: an officer imports a quarter (after a bad file is refused), a councillor
filters the dashboard to Off Track; axe-core finds no WCAG A/AA violations on the way."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from conftest import login
from tests.factories import PersonFactory, make_user
from tests.factories.performance import KPIFactory, ServiceAreaFactory, figure, financial_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup(transactional_db):
    periods = financial_year()
    area = ServiceAreaFactory(name="Family Support & Child Protection", slug="fscp")
    ki397 = KPIFactory(
        reference="KI 397",
        slug="ki-397",
        title="Percentage of assessments completed within 45 working days",
        service_area=area,
    )
    KPIFactory(
        reference="KI 029",
        slug="ki-029",
        title="NEET 16-18",
        service_area=area,
        polarity="decrease",
    )
    for q, value in [(1, "74.2"), (2, "69.8"), (3, "65.1")]:
        figure(ki397, periods[f"Q{q} 2016/17"], target=D("85"), actual=D(value), is_demo=True)
    make_user("officer", username="clerk")
    make_user("councillor", username="cllr", person=PersonFactory(name="Cahal Burke"))
    return periods


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_officer_imports_a_quarter_and_councillor_filters_to_off_track(page, axe, setup, tmp_path):
    bad = write(
        tmp_path / "q4-bad.csv",
        "reference,title,target,actual,commentary_type,commentary\n"
        "KI 397,,85,sixty,,\n"
        "KI 029,,4.7,4.7,,\n",
    )
    good = write(
        tmp_path / "q4.csv",
        "reference,title,target,actual,statistical_neighbour,england,commentary_type,commentary\n"
        "KI 397,,85,60.7,83.6,83.4,concern,Decline in performance this year.\n"
        "KI 029,,4.7,4.7,,,positive,It is noted that DfE no longer use this cohort.\n",
    )
    login(page, "clerk")
    page.goto("/officer/")
    page.get_by_role("link", name="Performance indicators and imports").click()
    assert page.locator("h1").inner_text() == "Performance indicators"
    assert axe(page) == []
    page.get_by_role("link", name="Import figures").click()
    assert axe(page) == []
    page.select_option("#id_period", label="Q4 2016/17")
    page.set_input_files("#id_file", bad)
    page.get_by_role("button", name="Check and import").click()
    assert "Nothing was imported: 1 problem found" in page.content()
    errors = page.locator("table").inner_text()
    assert "2" in errors and "D (actual)" in errors and "“sixty” is not a number" in errors
    assert axe(page) == []
    page.get_by_role("link", name="Upload a corrected file").click()
    assert page.locator("#id_period option:checked").inner_text() == "Q4 2016/17"
    page.set_input_files("#id_file", good)
    page.get_by_role("button", name="Check and import").click()
    assert "Figures imported" in page.content()
    assert "2 added, 0 updated for Q4 2016/17" in page.content()
    assert axe(page) == []
    page.goto("/officer/performance/imports/")
    assert "q4.csv" in page.content() and "q4-bad.csv" in page.content()
    page.get_by_role("button", name="Sign out").click()

    login(page, "cllr")
    page.get_by_role("link", name="Performance", exact=True).first.click()
    assert page.locator("h1").inner_text() == "Performance indicators: Q4 2016/17"
    assert axe(page) == []
    page.select_option("#id_rag", label="Off Track")
    page.get_by_role("button", name="Apply filters").click()
    table = page.locator("table").first.inner_text()
    assert "KI 397" in table and "Off Track" in table and "KI 029" not in table
    assert "rag=off_track" in page.url
    page.get_by_role("link", name="KI 397").click()
    assert page.locator("h1").inner_text().startswith("KI 397")
    assert page.locator("svg[role=img] title").text_content().startswith("KI 397")
    assert "Off Track" in page.locator("main").inner_text()
    assert axe(page) == []


def test_officer_pages_pass_axe(page, axe, setup):
    login(page, "clerk")
    for path in [
        "/officer/performance/kpis/ki-397/",
        "/officer/performance/kpis/ki-397/edit/",
        f"/officer/performance/kpis/ki-397/figures/{setup['Q3 2016/17'].pk}/",
        "/officer/performance/periods/",
        "/officer/performance/reports/new/",
        "/performance/?rag=not_provided",
    ]:
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        assert axe(page) == [], path
