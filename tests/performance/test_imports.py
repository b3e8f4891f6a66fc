"""Imports from real CSV and XLSX files: every error by row and column, all or nothing,
templates, history, background runs with a progress page."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from performance import services
from performance.models import KPI, Figure, ImportRun
from tests.factories import make_user
from tests.factories.performance import KPIFactory, ServiceAreaFactory, figure, financial_year

pytestmark = pytest.mark.django_db

HEADER = [
    "reference",
    "title",
    "target",
    "actual",
    "statistical_neighbour",
    "england",
    "region",
    "commentary_type",
    "commentary",
]


def csv_bytes(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def setup():
    periods = financial_year()
    area = ServiceAreaFactory(name="Family Support & Child Protection")
    kpis = {
        "KI 397": KPIFactory(reference="KI 397", service_area=area, polarity="increase"),
        "KI 479": KPIFactory(reference="KI 479", service_area=area, polarity="decrease"),
        "KI 012a": KPIFactory(
            reference="KI 012a", service_area=area, polarity="decrease", unit="number"
        ),
    }
    officer = make_user("officer", username="perf-officer")
    return periods, kpis, officer


def post_import(client, period, name, content):
    return client.post(
        "/officer/performance/imports/new/",
        {"period": period.pk, "file": SimpleUploadedFile(name, content)},
    )


def test_officer_imports_a_quarter_from_csv(client, setup):
    periods, kpis, officer = setup
    q4 = periods["Q4 2016/17"]
    figure(kpis["KI 479"], q4, target=D("20"), actual=D("30"))  # updated by the import
    client.force_login(officer)
    content = csv_bytes(
        [
            HEADER,
            [
                "KI 397",
                "Assessments",
                "85",
                "60.7%",
                "83.6",
                "83.4",
                "",
                "concern",
                "Decline this year.",
            ],
            ["KI 479", "", "20", "27.6", "19.4", "", "", "", ""],
            ["ki 012a", "", "0", "*4", "", "", "", "positive", "Two more schools."],
        ]
    )
    response = post_import(client, q4, "q4.csv", content)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert run.status == "succeeded" and not run.in_background
    assert (run.created_count, run.updated_count) == (2, 1)
    assert run.uploaded_by == officer and run.created_at is not None
    ki397 = Figure.objects.get(kpi=kpis["KI 397"], period=q4)
    assert ki397.actual == D("60.7") and ki397.computed_rag == "off_track"
    assert ki397.statistical_neighbour == D("83.6") and ki397.commentary_kind == "concern"
    assert ki397.history.first().history_user == officer
    assert "Import" in ki397.history.first().history_change_reason
    assert Figure.objects.get(kpi=kpis["KI 012a"], period=q4).actual == 4
    page = client.get(run.get_absolute_url()).content.decode()
    assert "2 added, 1 updated" in page
    assert 'http-equiv="refresh"' not in page
    history = client.get("/officer/performance/imports/").content.decode()
    assert "q4.csv" in history and "perf-officer" in history


BAD_ROWS = [
    HEADER,
    ["KI 397", "", "85", "61", "", "", "", "", ""],  # valid: must not be written either
    ["KI 999", "", "85", "61", "", "", "", "", ""],  # unknown KPI
    ["KI 479", "", "20", "about 27", "", "", "", "", ""],  # not a number
    ["KI 397", "", "85", "62", "", "", "", "", ""],  # duplicate
    ["KI 012a", "", "0", "-1", "", "", "", "", ""],  # negative count
    ["", "", "", "5", "", "", "", "", ""],  # no reference
]
EXPECTED_ERRORS = [
    (3, "A (reference)", "There is no KPI"),
    (4, "D (actual)", "is not a number"),
    (5, "A (reference)", "already on row 2"),
    (6, "D (actual)", "cannot be negative"),
    (7, "A (reference)", "Enter the PI reference"),
]


def _assert_errors(run, expected):
    got = [(e["row"], e["column"], e["message"]) for e in run.errors]
    assert len(got) == len(expected), got
    for (row, column, message), (erow, ecolumn, emessage) in zip(got, expected, strict=True):
        assert (row, column) == (erow, ecolumn)
        assert emessage in message


def test_bad_csv_lists_every_error_and_writes_nothing(client, setup):
    periods, kpis, officer = setup
    q4 = periods["Q4 2016/17"]
    client.force_login(officer)
    post_import(client, q4, "bad.csv", csv_bytes(BAD_ROWS))
    run = ImportRun.objects.get()
    assert run.status == "failed"
    _assert_errors(run, EXPECTED_ERRORS)
    assert not Figure.objects.exists()
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Nothing was imported: 5 problems found" in page
    assert "KI 999" in page and "about 27" in page


def test_bad_xlsx_lists_every_error_and_writes_nothing(client, setup):
    periods, kpis, officer = setup
    q4 = periods["Q4 2016/17"]
    figure(kpis["KI 397"], q4, target=D("85"), actual=D("50"))
    rows = [
        HEADER,
        ["KI 397", "", 85, 60.7, None, None, None, None, None],
        ["KI 479", "", "twenty", 27.6, None, None, None, None, None],
        ["KI 397", "", 85, 140, None, None, None, "maybe", "Text"],
    ]
    client.force_login(officer)
    post_import(client, q4, "bad.xlsx", xlsx_bytes(rows))
    run = ImportRun.objects.get()
    assert run.status == "failed"
    _assert_errors(
        run,
        [
            (3, "C (target)", 'is not a number or "to agree"'),
            (4, "A (reference)", "already on row 2"),
            (4, "D (actual)", "not a percentage between 0 and 100"),
            (4, "H (commentary_type)", "is not a commentary type"),
        ],
    )
    # The valid row 2 was not written either: the stored figure is untouched.
    assert Figure.objects.get(kpi=kpis["KI 397"], period=q4).actual == D("50")
    assert Figure.objects.count() == 1


def test_good_xlsx_with_to_agree_target(client, setup):
    periods, kpis, officer = setup
    q4 = periods["Q4 2016/17"]
    client.force_login(officer)
    post_import(
        client,
        q4,
        "good.xlsx",
        xlsx_bytes([HEADER, ["KI 397", "x", "to agree", 95, None, None, None, None, None]]),
    )
    assert ImportRun.objects.get().status == "succeeded"
    f = Figure.objects.get()
    assert f.target_to_agree and f.target is None and f.computed_rag == "no_target"


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("not-excel.xlsx", b"reference,actual\nKI 397,5\n", "could not be opened as an Excel"),
        ("headers.csv", csv_bytes([["ref", "value"], ["KI 397", "5"]]), "Unknown column heading"),
        (
            "missing.csv",
            csv_bytes([["reference", "target"], ["KI 397", "5"]]),
            "“actual” is missing",
        ),
        ("empty-rows.csv", csv_bytes([HEADER]), "no figures"),
        ("binary.csv", b"\x00\x01\x02reference", "not a CSV"),
    ],
)
def test_unreadable_or_malformed_files_fail_with_a_reason(client, setup, name, content, message):
    periods, _, officer = setup
    client.force_login(officer)
    post_import(client, periods["Q1 2016/17"], name, content)
    run = ImportRun.objects.get()
    assert run.status == "failed"
    assert any(message in e["message"] for e in run.errors), run.errors
    assert not Figure.objects.exists()


def test_wrong_file_type_is_refused_on_the_form(client, setup):
    periods, _, officer = setup
    client.force_login(officer)
    response = post_import(client, periods["Q1 2016/17"], "figures.pdf", b"%PDF-1.4")
    assert response.status_code == 200
    assert "Upload a CSV file (.csv) or an Excel workbook (.xlsx)" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_failure_while_writing_rolls_back_every_row(setup, monkeypatch):
    periods, kpis, officer = setup
    q4 = periods["Q4 2016/17"]
    real = services._apply_figure
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["kpi"].reference)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(services, "_apply_figure", flaky)
    content = csv_bytes(
        [
            HEADER,
            ["KI 397", "", "85", "60", "", "", "", "", ""],
            ["KI 479", "", "20", "27", "", "", "", "", ""],
        ]
    )
    run = services.start_import(period=q4, upload=SimpleUploadedFile("q4.csv", content), by=officer)
    assert calls == ["KI 397", "KI 479"]
    assert run.status == "failed" and "Nothing was saved" in run.errors[0]["message"]
    assert not Figure.objects.exists()


def test_templates_download_and_round_trip(client, setup):
    periods, kpis, officer = setup
    client.force_login(officer)
    q4 = periods["Q4 2016/17"]
    response = client.get("/officer/performance/imports/template.csv", {"period": q4.label})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="kpi-figures-q4-2016-17.csv"'
    assert response.content.startswith("\ufeff".encode())  # the one CSV writer's BOM
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert {r[0] for r in rows[1:]} == set(kpis)
    response = client.get("/officer/performance/imports/template.xlsx", {"period": q4.label})
    assert response["Content-Disposition"] == ('attachment; filename="kpi-figures-q4-2016-17.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    filled = [list(r) for r in sheet.iter_rows(values_only=True)]
    for row in filled[1:]:
        row[3] = 50
    post_import(client, q4, "filled.xlsx", xlsx_bytes(filled))
    assert ImportRun.objects.get().status == "succeeded"
    assert Figure.objects.filter(period=q4, actual=50).count() == 3
    assert client.get("/officer/performance/imports/template.pdf").status_code == 404


def test_the_csv_template_never_carries_a_formula(client, setup):
    """The template is written by scrutiny.csvexport: a KPI title that starts like a formula
    is text in the spreadsheet."""
    _, _, officer = setup
    KPIFactory(reference="KI 666", title='=HYPERLINK("http://evil.example","Click")')
    client.force_login(officer)
    response = client.get("/officer/performance/imports/template.csv")
    assert response["Content-Disposition"] == 'attachment; filename="kpi-figures.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["KI 666", '\'=HYPERLINK("http://evil.example","Click")'] in [r[:2] for r in rows]


def test_large_file_runs_as_a_background_task(client, setup):
    periods, _, officer = setup
    area = ServiceAreaFactory()
    KPI.objects.bulk_create(
        [
            KPI(
                reference=f"BIG {n}",
                slug=f"big-{n}",
                title=f"Big {n}",
                service_area=area,
                first_year=2016,
            )
            for n in range(260)
        ]
    )
    rows = [HEADER] + [[f"BIG {n}", "", "50", str(n % 100), "", "", "", "", ""] for n in range(260)]
    client.force_login(officer)
    post_import(client, periods["Q3 2016/17"], "big.csv", csv_bytes(rows))
    run = ImportRun.objects.get()
    assert run.in_background and run.total_rows == 260
    # Tests run tasks immediately (ImmediateBackend): the task has finished.
    assert run.status == "succeeded" and run.created_count == 260
    assert Figure.objects.filter(period=periods["Q3 2016/17"]).count() == 260


def test_progress_page_refreshes_itself_with_a_stop_button(client, setup):
    """No <meta http-equiv="refresh"> (WCAG 2.2.1: it cannot be stopped; axe meta-refresh):
    static/js/auto-refresh.mjs reloads the page and offers "Stop refreshing"; without
    JavaScript the page offers "Refresh now"."""
    periods, _, officer = setup
    run = ImportRun.objects.create(
        period=periods["Q1 2016/17"],
        original_filename="big.csv",
        file_format="csv",
        uploaded_by=officer,
        status="validating",
        in_background=True,
        total_rows=1000,
        processed_rows=250,
    )
    client.force_login(officer)
    page = client.get(run.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "js/auto-refresh.mjs" in page and 'data-auto-refresh="2"' in page
    assert "Refresh now" in page and "Stop refreshing" in page
    assert "25%" in page and "250 of 1000 rows checked" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)


def test_import_pages_are_for_officers_only(client, setup):
    periods, _, _ = setup
    for url in [
        "/officer/performance/imports/new/",
        "/officer/performance/imports/",
        "/officer/performance/imports/template.csv",
    ]:
        assert client.get(url).status_code == 302
    client.force_login(make_user("councillor"))
    for url in [
        "/officer/performance/imports/new/",
        "/officer/performance/imports/",
        "/officer/performance/imports/template.csv",
    ]:
        assert client.get(url).status_code == 403
