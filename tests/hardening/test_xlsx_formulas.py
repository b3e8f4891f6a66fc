"""Issue 14, finding 3: a formula cell of an XLSX import with no saved value is an error that
names the cell, not a blank; a formula whose value the spreadsheet saved is read as that value."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal as D

import pytest

from performance.models import Figure, ImportRun
from tests.performance.test_imports import HEADER, post_import, setup, xlsx_bytes  # noqa: F401

pytestmark = pytest.mark.django_db


def with_cached_value(content: bytes, cell: str, value: str) -> bytes:
    """The workbook as Excel would save it: the formula of ``cell`` with its computed value."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index(f'<c r="{cell}"')
                end = text.index("</c>", start)
                formula_cell = text[start:end].replace("<v></v>", "").replace("<v/>", "")
                text = text[:start] + formula_cell + f"<v>{value}</v>" + text[end:]
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()


def test_a_formula_without_a_saved_value_is_an_error_naming_the_cell(client, setup):  # noqa: F811
    periods, kpis, officer = setup
    q4 = periods["Q4 2016/17"]
    client.force_login(officer)
    rows = [HEADER, ["KI 397", "x", 85, "=40+20.7", None, None, None, None, None]]
    post_import(client, q4, "formula.xlsx", xlsx_bytes(rows))
    run = ImportRun.objects.get()
    assert run.status == "failed"
    messages = [e["message"] for e in run.errors]
    assert any("Cell D2 holds a formula (=40+20.7) with no saved value" in m for m in messages)
    assert [(e["row"], e["column"]) for e in run.errors] == [(2, "D")]
    assert not Figure.objects.exists()


def test_a_formula_with_its_saved_value_is_read_as_that_value(client, setup):  # noqa: F811
    periods, kpis, officer = setup
    q4 = periods["Q4 2016/17"]
    client.force_login(officer)
    rows = [HEADER, ["KI 397", "x", 85, "=40+20.7", None, None, None, None, None]]
    content = with_cached_value(xlsx_bytes(rows), "D2", "60.7")
    post_import(client, q4, "saved.xlsx", content)
    assert ImportRun.objects.get().status == "succeeded"
    assert Figure.objects.get().actual == D("60.7")


def test_the_xlsx_template_writes_a_title_starting_with_equals_as_text(client, setup):  # noqa: F811
    """A KPI title like ``=HYPERLINK(...)`` is text in the officers' XLSX template (openpyxl
    would otherwise store it as a live formula), downloaded through the real view."""
    from openpyxl import load_workbook

    _, kpis, officer = setup
    hostile = '=HYPERLINK("https://example.org/x","Click")'
    kpis["KI 397"].title = hostile
    kpis["KI 397"].save()
    client.force_login(officer)
    response = client.get("/officer/performance/imports/template.xlsx")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula anywhere in the sheet
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert hostile in titles
