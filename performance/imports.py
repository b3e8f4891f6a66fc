"""Reading and checking a period's figures from CSV or XLSX. Nothing here writes: the
services write only when ``validate`` returns no errors (all or nothing).

The file has a header row, then one row per KPI. Columns (in any order; names are not
case-sensitive; spaces and underscores are the same):

- ``reference`` (required): the PI reference, for example ``KI 397``
- ``title``: ignored (the template fills it in to help whoever types the figures)
- ``target``: a number, or ``to agree``; empty keeps the stored target
- ``actual`` (required column): the figure; a leading ``*`` (the papers' cumulative mark),
  ``%``, ``£`` and thousands commas are allowed; empty keeps the stored figure
- ``statistical_neighbour``, ``england``, ``region``: comparators; empty keeps them
- ``commentary_type``: ``positive`` or ``concern`` (or the words "Positive progress" /
  "Area of risk or concern"); ``commentary``: the text

Errors name the spreadsheet row (the header is row 1) and the column (letter and name).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from performance.models import KPI, CommentaryKind, Period, format_number
from scrutiny import csvexport

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000

COLUMNS = [
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
REQUIRED = ["reference", "actual"]
ALIASES = {
    "pi_ref": "reference",
    "pi_reference": "reference",
    "ref": "reference",
    "quarter_figure": "actual",
    "figure": "actual",
    "statistical_neighbour_average": "statistical_neighbour",
    "england_average": "england",
    "regional_average": "region",
}
NUMBER_COLUMNS = ["target", "actual", "statistical_neighbour", "england", "region"]
TO_AGREE = {"to agree", "tba", "tbc", "to be agreed"}
COMMENTARY_WORDS = {
    "": "",
    "positive": CommentaryKind.POSITIVE,
    "positive progress": CommentaryKind.POSITIVE,
    "concern": CommentaryKind.CONCERN,
    "risk": CommentaryKind.CONCERN,
    "area of risk or concern": CommentaryKind.CONCERN,
    "areas of risk or concern": CommentaryKind.CONCERN,
}


@dataclass(frozen=True)
class ImportError_:
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class CleanRow:
    row: int
    kpi_id: int
    values: dict[str, Any] = field(default_factory=dict)


def detect_format(filename: str) -> str | None:
    lower = filename.lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith(".xlsx"):
        return "xlsx"
    return None


class UnreadableFile(Exception):
    pass


def _read_rows(handle, file_format: str) -> list[list[Any]]:
    """Every row of the file as a list of cell values (the header first)."""
    data = handle.read()
    if file_format == "csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise UnreadableFile(
                    "The file could not be read as text: save it as CSV (UTF-8)."
                ) from exc
        if "\x00" in text:
            raise UnreadableFile("The file is not a CSV text file.")
        try:
            return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
        except csv.Error as exc:
            raise UnreadableFile(f"The CSV file is not valid: {exc}.") from exc
    values = _xlsx_rows(data, data_only=True)
    # A formula's value is whatever the program that saved the file computed; a file written
    # by a script (or "saved" without recalculating) has none, and the cell would read as
    # blank. Such cells are named, never taken as empty.
    formulas = _xlsx_rows(data, data_only=False)
    unvalued = [
        FormulaCell(row_number, get_column_letter(col + 1), str(_formula_text(formula)))
        for row_number, (row, formula_row) in enumerate(zip(values, formulas, strict=False), 1)
        for col, formula in enumerate(formula_row)
        if _is_formula(formula) and (col >= len(row) or row[col] is None)
    ]
    if unvalued:
        raise FormulaCells(unvalued)
    return values


def _xlsx_rows(data: bytes, *, data_only: bool) -> list[list[Any]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise UnreadableFile("The file could not be opened as an Excel workbook (.xlsx).") from exc
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _is_formula(value: Any) -> bool:
    if isinstance(value, str):
        return value.startswith("=") and len(value) > 1
    return isinstance(value, ArrayFormula | DataTableFormula)


def _formula_text(value: Any) -> str:
    return getattr(value, "text", None) or str(value)


@dataclass(frozen=True)
class FormulaCell:
    row: int
    column: str
    formula: str


class FormulaCells(UnreadableFile):
    """Cells holding a formula with no saved value."""

    def __init__(self, cells: list[FormulaCell]):
        self.cells = cells
        super().__init__(f"{len(cells)} cell(s) hold a formula with no saved value.")

    def errors(self) -> list[ImportError_]:
        return [
            ImportError_(
                cell.row,
                cell.column,
                f"Cell {cell.column}{cell.row} holds a formula ({cell.formula[:60]}) with no "
                "saved value, so the portal cannot read it. Open the file in Excel or "
                "LibreOffice and save it again (that stores the values), or type the "
                "figure in place of the formula.",
            )
            for cell in self.cells[:50]
        ]


def count_rows(fieldfile, file_format: str) -> int:
    """Data rows in the file (for progress), 0 if it cannot be read."""
    try:
        with fieldfile.open("rb") as handle:
            rows = _read_rows(handle, file_format)
    except UnreadableFile:
        return 0
    return sum(1 for row in rows[1:] if not _blank(row))


def _blank(row: list[Any]) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in row)


def _normalise_header(value: Any) -> str:
    key = "_".join(str(value or "").strip().lower().replace("-", " ").split())
    return ALIASES.get(key, key)


def parse_number(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = str(value).strip().lstrip("*").replace(",", "").replace("£", "").rstrip("%")
        text = text.strip()
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError from exc
    if not number.is_finite():
        raise ValueError
    return number


def validate(
    handle,
    *,
    file_format: str,
    period: Period,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[CleanRow], list[ImportError_]]:
    """Check every row; return the clean rows and every error found (not just the first)."""
    errors: list[ImportError_] = []
    try:
        rows = _read_rows(handle, file_format)
    except FormulaCells as exc:
        return [], exc.errors()
    except UnreadableFile as exc:
        return [], [ImportError_(None, "", str(exc))]
    if not rows or _blank(rows[0]):
        return [], [ImportError_(1, "", "The first row must be the column headings.")]
    headers = [_normalise_header(h) for h in rows[0]]
    columns: dict[str, int] = {}
    for index, name in enumerate(headers):
        letter = get_column_letter(index + 1)
        if not name:
            continue
        if name not in COLUMNS:
            errors.append(
                ImportError_(
                    1,
                    letter,
                    f"Unknown column heading “{rows[0][index]}”. "
                    f"Use the headings of the template: {', '.join(COLUMNS)}.",
                )
            )
        elif name in columns:
            errors.append(ImportError_(1, letter, f"The column “{name}” appears twice."))
        else:
            columns[name] = index
    for name in REQUIRED:
        if name not in columns:
            errors.append(ImportError_(1, "", f"The column “{name}” is missing."))
    if errors:
        return [], errors
    data_rows = [(n, row) for n, row in enumerate(rows[1:], start=2) if not _blank(row)]
    if not data_rows:
        return [], [ImportError_(None, "", "The file has headings but no figures.")]
    if len(data_rows) > MAX_ROWS:
        return [], [ImportError_(None, "", f"The file has more than {MAX_ROWS} rows.")]

    kpis = {k.reference.upper(): k for k in KPI.objects.all()}
    seen: dict[str, int] = {}
    clean: list[CleanRow] = []

    def col(name: str) -> str:
        return f"{get_column_letter(columns[name] + 1)} ({name})"

    for count, (number, row) in enumerate(data_rows, start=1):
        if progress is not None and count % 50 == 0:
            progress(count)

        def cell(name: str, row=row) -> Any:
            index = columns.get(name)
            if index is None or index >= len(row):
                return None
            value = row[index]
            if isinstance(value, str):
                value = csvexport.read_cell(value.strip()).strip()
                return value or None
            return value

        row_errors: list[ImportError_] = []
        reference = " ".join(str(cell("reference") or "").split())
        kpi = kpis.get(reference.upper())
        if not reference:
            row_errors.append(ImportError_(number, col("reference"), "Enter the PI reference."))
        elif kpi is None:
            row_errors.append(
                ImportError_(number, col("reference"), f"There is no KPI “{reference}”.")
            )
        elif reference.upper() in seen:
            row_errors.append(
                ImportError_(
                    number,
                    col("reference"),
                    f"{reference} is already on row {seen[reference.upper()]}.",
                )
            )
        else:
            seen[reference.upper()] = number
            if kpi.first_year > period.financial_year or (
                kpi.last_year is not None and kpi.last_year < period.financial_year
            ):
                row_errors.append(
                    ImportError_(
                        number,
                        col("reference"),
                        f"{kpi.reference} is not reported in {period.financial_year_label} "
                        f"(active {kpi.active_years_text}).",
                    )
                )
        values: dict[str, Any] = {}
        for name in NUMBER_COLUMNS:
            raw = cell(name)
            if raw is None:
                continue
            if name == "target" and isinstance(raw, str) and raw.lower() in TO_AGREE:
                values["target"] = None
                values["target_to_agree"] = True
                continue
            try:
                value = parse_number(raw)
            except ValueError:
                hint = ' or "to agree"' if name == "target" else ""
                row_errors.append(
                    ImportError_(number, col(name), f"“{raw}” is not a number{hint}.")
                )
                continue
            if kpi is not None and kpi.unit == "percent" and not 0 <= value <= 100:
                row_errors.append(
                    ImportError_(
                        number,
                        col(name),
                        f"{format_number(value)} is not a percentage between 0 and 100.",
                    )
                )
            elif kpi is not None and kpi.unit != "pounds" and value < 0:
                row_errors.append(
                    ImportError_(number, col(name), f"{format_number(value)} cannot be negative.")
                )
            elif abs(value) >= Decimal("1e10"):
                row_errors.append(ImportError_(number, col(name), "This number is too large."))
            else:
                values[name] = value.quantize(Decimal("0.0001"))
                if name == "target":
                    values["target_to_agree"] = False
        kind_raw = cell("commentary_type")
        commentary = cell("commentary")
        if kind_raw is not None:
            kind = COMMENTARY_WORDS.get(str(kind_raw).strip().lower())
            if kind is None:
                row_errors.append(
                    ImportError_(
                        number,
                        col("commentary_type"),
                        f"“{kind_raw}” is not a commentary type: use “positive” or “concern”.",
                    )
                )
            else:
                if kind and commentary is None:
                    row_errors.append(
                        ImportError_(
                            number,
                            col("commentary"),
                            "Enter the commentary for this commentary type.",
                        )
                    )
                values["commentary_kind"] = kind
        if commentary is not None:
            values["commentary"] = str(commentary)
            if kind_raw is None:
                row_errors.append(
                    ImportError_(
                        number,
                        col("commentary_type") if "commentary_type" in columns else "",
                        "Say whether the commentary is “positive” or “concern”.",
                    )
                )
        errors.extend(row_errors)
        if not row_errors and kpi is not None:
            clean.append(CleanRow(row=number, kpi_id=kpi.pk, values=values))
    if progress is not None:
        progress(len(data_rows))
    return ([] if errors else clean), errors


# ---------------------------------------------------------------------------------------------
# Templates to download


def template_rows(period: Period | None) -> list[list[Any]]:
    kpis = KPI.objects.select_related("service_area")
    if period is not None:
        kpis = kpis.active_in(period.financial_year)
    return [COLUMNS] + [[k.reference, k.title, "", "", "", "", "", "", ""] for k in kpis]


def template_xlsx(period: Period | None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Figures {period.label}".replace("/", "-")[:31] if period else "Figures"
    for row in template_rows(period):
        sheet.append(row)
    # openpyxl stores any string starting with "=" as a formula: text stays text (the XLSX
    # counterpart of scrutiny.csvexport's formula rule), exactly as typed.
    for cells in sheet.iter_rows():
        for cell in cells:
            if cell.data_type == "f":
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["B"].width = 60
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
