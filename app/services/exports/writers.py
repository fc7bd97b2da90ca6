"""Feedback rows written as CSV, XLSX or JSON, a batch at a time whatever the export's size.

CSV and XLSX are for spreadsheets, so their text cells go through
`spreadsheet_safety.neutralise` (the import undoes it); JSON is for programs and keeps
every text exactly as stored.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from app.lazy_text import lazy_gettext as _l
from app.services.exports.feedback_rows import COLUMNS, PARAGRAPH, SECTION, STANCE, Row
from app.services.spreadsheet_safety import FORMULA_STARTS, neutralise

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json", "json"),
}
CHUNK = 1000  # rows per piece of a streamed file
# Only text that starts with one of these can need escaping: a cheap test before the call.
_ESCAPE_FIRST = frozenset((*FORMULA_STARTS, "'"))
_FREE_TEXT = tuple(COLUMNS.index(c) for c in ("ref", "organisation", "section"))
_FREE_TEXT += tuple(COLUMNS.index(c) for c in ("comment", "amendment"))
WIDTHS = {
    "id": 9, "ref": 14, "consultation": 18, "version": 8, "organisation": 32,
    "organisation_kind": 18, "region": 18, "country": 8, "language": 9, "section": 30,
    "paragraph": 10, "stance": 9, "comment": 60, "amendment": 60, "submitted_at": 21,
}  # fmt: skip
SUMMARY_COLUMNS = ("section", "paragraph", "support", "amend", "oppose", "none", "total")
STANCES = ("support", "amend", "oppose", "none")
FEEDBACK_SHEET = _l("Feedback")
GENERAL_SHEET = _l("General comments")
SUMMARY_SHEET = _l("Summary")


def _neutralised(row: Row) -> list[object]:
    return [neutralise(c) if c.__class__ is str and c[:1] in _ESCAPE_FIRST else c for c in row]


def csv_chunks(rows: Iterable[Row]) -> Iterator[str]:
    """An RFC 4180 file (`\\r\\n`, quotes where needed) with a UTF-8 BOM, in pieces."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # the csv module's default dialect is RFC 4180
    buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    for number, row in enumerate(rows, start=1):
        writer.writerow(_neutralised(row))
        if number % CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_csv(rows: Iterable[Row], handle: IO[str]) -> None:
    """The CSV into a text file opened with ``encoding="utf-8", newline=""``."""
    for chunk in csv_chunks(rows):
        handle.write(chunk)


def json_chunks(slug: str, filters: dict[str, str], rows: Iterable[Row]) -> Iterator[str]:
    """``{"consultation", "filters", "feedback": [{column: value}]}`` in pieces, text as stored."""
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    yield f'{{"consultation": {dumps(slug)}, "filters": {dumps(filters)}, "feedback": ['
    batch: list[str] = []
    separator = "\n"
    for row in rows:
        batch.append(dumps(dict(zip(COLUMNS, row, strict=True))))
        if len(batch) == CHUNK:
            yield separator + ",\n".join(batch)
            batch, separator = [], ",\n"
    if batch:
        yield separator + ",\n".join(batch)
    yield "\n]}\n"


def write_json(slug: str, filters: dict[str, str], rows: Iterable[Row], handle: IO[str]) -> None:
    """The JSON document into a text file opened with ``encoding="utf-8"``."""
    for chunk in json_chunks(slug, filters, rows):
        handle.write(chunk)


class _Sheets:
    """The workbook's sheets, each with its header, frozen and filtered, and its row count."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.rows: dict[str, int] = {}
        self.sheets: dict[str, WriteOnlyWorksheet] = {}
        self.widths: dict[str, int] = {}  # columns per sheet

    def add(self, name: str, columns: tuple[str, ...], widths: dict[str, int]) -> str:
        """A new sheet with this header; its title, made valid and unique."""
        title = self._title(name)
        sheet = self.workbook.create_sheet(title)
        sheet.freeze_panes = "A2"  # views and widths are written before the first row
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = widths.get(column, 12)
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, column)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        self.sheets[title], self.rows[title], self.widths[title] = sheet, 1, len(columns)
        return title

    def _title(self, name: str) -> str:
        """Excel's rules: at most 31 characters, none of []:*?/\\, unique whatever the case."""
        clean = "".join(" " if c in "[]:*?/\\" else c for c in name).strip(" '") or "Sheet"
        taken = {title.casefold() for title in self.rows}
        title, n = clean[:31], 1
        while title.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            title = clean[: 31 - len(suffix)] + suffix
        return title

    def append(self, title: str, cells: list[object]) -> None:
        self.sheets[title].append(cells)
        self.rows[title] += 1

    def finish(self) -> None:
        """Filters over every row, now that the counts are known (written after the rows)."""
        for title, sheet in self.sheets.items():
            last = get_column_letter(self.widths[title])
            sheet.auto_filter.ref = f"A1:{last}{self.rows[title]}"


def _xlsx_cells(row: Row) -> list[object]:
    # Empty text as no cell at all: openpyxl then writes nothing, a tenth faster.
    cells = [
        None if c == "" else neutralise(c) if c.__class__ is str and c[:1] in _ESCAPE_FIRST else c
        for c in row
    ]
    for index in _FREE_TEXT:  # control characters other than tab, LF, CR cannot be stored
        text = cells[index]
        if text and ILLEGAL_CHARACTERS_RE.search(text):
            cells[index] = ILLEGAL_CHARACTERS_RE.sub("", text)
    return cells


def write_xlsx(rows: Iterable[Row], target: str | IO[bytes]) -> None:
    """All rows on the first sheet, then a sheet per section, then the summary."""
    workbook = Workbook(write_only=True)
    sheets = _Sheets(workbook)
    everything = sheets.add(str(FEEDBACK_SHEET), COLUMNS, WIDTHS)
    by_section: dict[str | None, str] = {}  # sheet title by section heading; None: general
    counts: dict[tuple[str, str], Counter] = {}  # stances by (section, paragraph)
    general = 0
    for row in rows:
        cells = _xlsx_cells(row)
        sheets.append(everything, cells)
        section: str | None = None
        if row[PARAGRAPH]:
            section = str(row[SECTION])
            counts.setdefault((section, str(row[PARAGRAPH])), Counter())[row[STANCE]] += 1
        else:
            general += 1
        title = by_section.get(section)
        if title is None:
            name = str(GENERAL_SHEET) if section is None else section or "Section"
            title = by_section[section] = sheets.add(name, COLUMNS, WIDTHS)
        sheets.append(title, cells)
    summary = sheets.add(str(SUMMARY_SHEET), SUMMARY_COLUMNS, {"section": 30})
    for (section, paragraph), stances in counts.items():
        numbers = [stances[stance] for stance in STANCES]
        sheets.append(summary, [neutralise(section), paragraph, *numbers, sum(numbers)])
    if general:
        sheets.append(summary, [str(GENERAL_SHEET), "", "", "", "", "", general])
    sheets.finish()
    workbook.save(target)


def write_file(
    file_format: str, slug: str, filters: dict[str, str], rows: Iterable[Row], path: str
) -> None:
    """The export in `file_format` at `path`; no half-written file is left if it fails."""
    try:
        if file_format == "xlsx":
            write_xlsx(rows, path)
        else:
            with open(path, "w", encoding="utf-8", newline="") as handle:
                if file_format == "csv":
                    write_csv(rows, handle)
                else:
                    write_json(slug, filters, rows, handle)
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
