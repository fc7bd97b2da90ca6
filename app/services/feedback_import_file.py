"""Reading a feedback file (CSV or XLSX) into numbered rows, and its cells into values.

Pure functions: nothing is saved. Row numbers are the ones a spreadsheet shows (the header
is row 1), and every text cell has the export's formula escaping undone.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache

from babel import Locale
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.models.organisation import ORGANISATION_KINDS, REGIONS
from app.services.errors import DomainError
from app.services.importer import ImportFormatError, decode_text
from app.services.spreadsheet_safety import restore

COLUMNS = (
    "id", "ref", "consultation", "version", "organisation", "organisation_kind", "region",
    "country", "language", "section", "paragraph", "stance", "comment", "amendment",
    "submitted_at",
)
# Filled by the platform on export; an import may leave them empty or out.
INFORMATIONAL = frozenset({"id", "consultation", "version", "section"})
REQUIRED = tuple(c for c in COLUMNS if c not in INFORMATIONAL)
DELIMITERS = (",", ";", "\t")


class FeedbackFileError(DomainError):
    """The file as a whole cannot be imported (format, encoding, header); no row was read."""

    def __init__(self, message: object) -> None:
        super().__init__(message, field="file")


@dataclass
class Sheet:
    """The header's columns (name → index) and the non-blank rows under it."""

    columns: dict[str, int]
    rows: list[tuple[int, list[object]]]  # (row number as the spreadsheet shows it, cells)


def read_sheet(filename: str, data: bytes) -> Sheet:
    """The rows of a .csv or .xlsx file, or FeedbackFileError with one clear reason."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if extension not in {"csv", "xlsx"}:
        raise FeedbackFileError(
            _l("Files of type “%(extension)s” cannot be imported. Use a .csv or .xlsx file.",
               extension=f".{extension}" if extension else name)
        )
    if not data.strip():
        raise FeedbackFileError(_l("The file is empty."))
    rows = _csv_rows(data) if extension == "csv" else _xlsx_rows(data)
    return _with_header(rows)


def _csv_rows(data: bytes) -> list[list[object]]:
    """Records of an RFC 4180 file in UTF-8 (BOM or not) or Windows-1252, `,` or `;`."""
    try:
        text = decode_text(data)
    except ImportFormatError as error:
        raise FeedbackFileError(error.message) from None
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)  # ties keep the comma
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise FeedbackFileError(
            _l("This file could not be read as CSV. Save it as “CSV UTF-8” and try again.")
        ) from error


def _xlsx_rows(data: bytes) -> list[list[object]]:
    """Rows of the first sheet of an Excel workbook, empty rows included (they keep numbers)."""
    import openpyxl  # loaded only for workbooks

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
        finally:
            workbook.close()
    except Exception as error:  # noqa: BLE001 - a damaged workbook can fail anywhere in openpyxl
        raise FeedbackFileError(
            _l("This file could not be read as an Excel workbook (.xlsx). Is it damaged?")
        ) from error


def _with_header(records: list[list[object]]) -> Sheet:
    """The first non-blank record is the header; blank records are skipped but counted."""
    columns: dict[str, int] | None = None
    rows: list[tuple[int, list[object]]] = []
    for number, record in enumerate(records, start=1):
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in record):
            continue
        if columns is None:
            columns = _header_columns(record)
        else:
            rows.append((number, record))
    if columns is None:
        raise FeedbackFileError(_l("The file is empty."))
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise FeedbackFileError(
            _l("These columns are missing from the header row: %(columns)s.",
               columns=", ".join(missing))
        )
    if not rows:
        raise FeedbackFileError(_l("The file has a header row but no feedback rows."))
    return Sheet(columns, rows)


def _header_columns(record: list[object]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(record):
        name = "_".join(cell_text(cell).strip().lstrip("\ufeff").lower().split())
        if not name:
            continue
        if name in columns:
            raise FeedbackFileError(
                _l("The column “%(column)s” appears twice in the header row.", column=name)
            )
        columns[name] = index
    return columns


def cell_text(value: object) -> str:
    """A cell as text: numbers as typed ("12", not "12.0"), escaped formulas restored."""
    if value is None:
        return ""
    if isinstance(value, str):
        return restore(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def cell_datetime(value: object) -> datetime | None:
    """An ISO 8601 date or date-time (or an Excel date cell) in UTC; naive times are UTC.

    None for an empty cell; ValueError for anything else.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    else:
        text = cell_text(value).strip()
        if not text:
            return None
        moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _normalised(text: str) -> str:
    """Case, underscores and hyphens do not matter: "UN agency" = "un_agency"."""
    return " ".join(text.casefold().replace("_", " ").replace("-", " ").split())


@lru_cache(maxsize=1)
def _kind_aliases() -> dict[str, str]:
    return _aliases(ORGANISATION_KINDS)


@lru_cache(maxsize=1)
def _region_aliases() -> dict[str, str]:
    return _aliases(REGIONS)


def _aliases(labels: dict[str, object]) -> dict[str, str]:
    """Each code, by itself and by its English label."""
    with force_locale("en"):
        pairs = [(code, code) for code in labels]
        pairs += [(str(label), code) for code, label in labels.items()]
    return {_normalised(alias): code for alias, code in pairs}


def organisation_kind(text: str) -> str | None:
    """The kind code of a code or English label, None if unknown."""
    return _kind_aliases().get(_normalised(text))


def region(text: str) -> str | None:
    """The region code of a code or English label, None if unknown."""
    return _region_aliases().get(_normalised(text))


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """ISO 3166 alpha-2 codes (no regions such as EU or the 'unknown' ZZ)."""
    territories = Locale.parse("en").territories
    return frozenset(c for c in territories if len(c) == 2 and c.isalpha()) - {
        "ZZ", "EU", "EZ", "UN", "XA", "XB", "QO",
    }
