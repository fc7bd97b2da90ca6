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

from app.lazy_text import lazy_gettext as _l
from app.services.exports.feedback_rows import COLUMNS, PARAGRAPH, SECTION, STANCE, Row
from app.services.exports.xlsx_stream import Sheet, StreamedWorkbook
from app.services.spreadsheet_safety import FORMULA_STARTS, neutralise
from app.vocabulary import STANCES

FORMATS = {
    "csv": ("text/csv", "csv"),  # the response adds "; charset=utf-8" to a text/ type
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json", "json"),
}
CHUNK = 1000  # rows per piece of a streamed file
# Only text that starts with one of these can need escaping: a cheap test before the call.
_ESCAPE_FIRST = frozenset((*FORMULA_STARTS, "'"))
WIDTHS = {
    "id": 9, "ref": 14, "consultation": 18, "version": 8, "organisation": 32,
    "organisation_kind": 18, "region": 18, "country": 8, "language": 9, "section": 30,
    "paragraph": 10, "stance": 9, "comment": 60, "amendment": 60, "submitted_at": 21,
}  # fmt: skip
SUMMARY_COLUMNS = ("section", "paragraph", "support", "amend", "oppose", "none", "total")
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


def write_xlsx(rows: Iterable[Row], target: str | IO[bytes]) -> None:
    """All rows on the first sheet, then a sheet per section, then the summary."""
    with StreamedWorkbook() as workbook:
        _fill(workbook, rows)
        workbook.save(target)


def _fill(workbook: StreamedWorkbook, rows: Iterable[Row]) -> None:
    """One pass over the rows writes the first sheet and the sections' at once."""
    everything = workbook.add_sheet(str(FEEDBACK_SHEET), COLUMNS, WIDTHS)
    by_section: dict[str | None, Sheet] = {}  # sheet by section heading; None: general
    counts: dict[tuple[str, str], Counter] = {}  # stances by (section, paragraph)
    general = 0
    for row in rows:
        cells = _neutralised(row)
        everything.append(cells)
        section: str | None = None
        if row[PARAGRAPH]:
            section = str(row[SECTION])
            counts.setdefault((section, str(row[PARAGRAPH])), Counter())[row[STANCE]] += 1
        else:
            general += 1
        sheet = by_section.get(section)
        if sheet is None:
            name = str(GENERAL_SHEET) if section is None else section or "Section"
            sheet = by_section[section] = workbook.add_sheet(name, COLUMNS, WIDTHS)
        sheet.append(cells)
    summary = workbook.add_sheet(str(SUMMARY_SHEET), SUMMARY_COLUMNS, {"section": 30})
    for (section, paragraph), stances in counts.items():
        numbers = [stances[stance] for stance in STANCES]
        summary.append([neutralise(section), paragraph, *numbers, sum(numbers)])
    if general:
        summary.append([str(GENERAL_SHEET), "", "", "", "", "", general])


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
