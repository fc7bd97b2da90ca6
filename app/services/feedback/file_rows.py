"""Reading a feedback file (CSV or XLSX) into checked rows, and the organisations it adds.

Pure functions: nothing is read from or written to the database. Row numbers are the ones a
spreadsheet shows (the header is row 1), and every text cell has the export's formula
escaping undone. Repeated paragraphs and the writing live in ``feedback_import``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from flask_babel.speaklater import LazyString

from app import vocabulary
from app.lazy_text import lazy_gettext as _l
from app.services.archives import XLSX_LIMITS, ArchiveRefused, check_office_file
from app.services.drafts.importer import ImportFormatError, decode_text
from app.services.errors import DomainError
from app.services.feedback.vocabulary import language_code, unknown_value, vocabularies
from app.services.spreadsheet_safety import restore

DETAILS = ("organisation_kind", "region", "country")  # of an organisation the file creates
# The export's columns but id, consultation, version and section, informational on import.
REQUIRED = ("ref", "organisation", *DETAILS, "language", "paragraph", "stance", "comment")
REQUIRED += ("amendment", "submitted_at")
DELIMITERS = (",", ";", "\t")
STANCES = frozenset(vocabulary.STANCES)
LANGUAGES = frozenset(vocabulary.LANGUAGES)
MAX_TEXT = 10_000
MAX_NAME = 200
MAX_REF = 120


class FeedbackFileError(DomainError):
    """The file as a whole cannot be imported (format, encoding, header); no row was read."""

    def __init__(self, message: object) -> None:
        super().__init__(message, field="file")


@dataclass
class RowError:
    """Why one row of the file cannot be imported (numbered as a spreadsheet shows it)."""

    row: int
    message: LazyString


@dataclass
class Sheet:
    """The header's columns (name → index) and the non-blank rows under it."""

    columns: dict[str, int]
    rows: list[tuple[int, list[object]]]  # (row number as the spreadsheet shows it, cells)


@dataclass(slots=True)
class Row:
    """One row that passed the checks of a single row, its values parsed.

    The organisation's kind, region and country stay as written: they only matter, and are
    only checked, when the organisation is new.
    """

    number: int
    organisation: str
    organisation_kind: str
    region: str
    country: str
    paragraph_id: int | None  # None: a general comment
    paragraph: str
    stance: str | None
    comment: str
    amendment: str
    language: str | None
    submitted_at: datetime | None
    ref: str


def read_sheet(filename: str, data: bytes) -> Sheet:
    """The rows of a .csv or .xlsx file, or FeedbackFileError with one clear reason."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].lower()
    extension = "." + name.rsplit(".", 1)[-1] if "." in name else name
    if extension not in {".csv", ".xlsx"}:
        message = _l(
            "Files of type “%(extension)s” cannot be imported. Use a .csv or .xlsx file.",
            extension=extension,
        )
        raise FeedbackFileError(message)
    if not data.strip():
        raise FeedbackFileError(_l("The file is empty."))
    return _with_header(_csv_records(data) if extension == ".csv" else _xlsx_records(data))


def _csv_records(data: bytes) -> list[list[object]]:
    """Records of an RFC 4180 file in UTF-8 (BOM or not) or Windows-1252, `,` or `;`."""
    try:
        text = decode_text(data)
    except ImportFormatError as error:
        raise FeedbackFileError(error.message) from None
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)  # the header decides; a tie keeps ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise FeedbackFileError(
            _l("This file could not be read as CSV. Save it as “CSV UTF-8” and try again.")
        ) from error


def _xlsx_records(data: bytes) -> list[list[object]]:
    """Rows of the first sheet of a workbook; empty rows are kept so numbers stay right."""
    import openpyxl  # only loaded for workbooks
    from openpyxl.utils.escape import unescape

    try:
        check_office_file(data, XLSX_LIMITS)
    except ArchiveRefused as error:
        raise FeedbackFileError(error.message) from None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            # Excel and XlsxWriter store CR and other control characters as _xHHHH_ escapes,
            # which openpyxl leaves as they are.
            return [
                [unescape(cell) if isinstance(cell, str) else cell for cell in row]
                for row in workbook.worksheets[0].iter_rows(values_only=True)
            ]
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
            _l(
                "These columns are missing from the header row: %(columns)s.",
                columns=", ".join(missing),
            )
        )
    if not rows:
        raise FeedbackFileError(_l("The file has a header row but no feedback rows."))
    return Sheet(columns, rows)


def _header_columns(record: list[object]) -> dict[str, int]:
    """Column indexes by name; names ignore case and surrounding spaces."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(record):
        name = "_".join(cell_text(cell).replace("\ufeff", "").lower().split())
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
    """An ISO 8601 date or date-time, or an Excel date cell, in UTC (naive times are UTC).

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


def parse_row(
    number: int,
    cells: list[object],
    columns: dict[str, int],
    paragraph_ids: dict[str, int],
    errors: list[RowError],
) -> Row | None:
    """The row's values, or None after adding each of its problems to `errors`."""

    def raw(column: str) -> object:
        index = columns.get(column)
        return cells[index] if index is not None and index < len(cells) else None

    def text(column: str) -> str:
        return cell_text(raw(column))

    tables = vocabularies()
    problems: list[LazyString] = []
    organisation = text("organisation").strip()
    if not organisation:
        problems.append(_l("The organisation is missing."))
    elif len(organisation) > MAX_NAME:
        problems.append(_l("The organisation's name is longer than 200 characters."))
    paragraph = text("paragraph").strip()
    paragraph_id = paragraph_ids.get(paragraph) if paragraph else None
    if paragraph and paragraph_id is None:
        problems.append(_l("Paragraph %(number)s is not in the draft.", number=paragraph))
    written = text("stance").strip()
    stance = tables["stance"].code(written) if written else None
    if written and stance is None:
        problems.append(unknown_value("stance", written))
    # Kept exactly as written; text of nothing but spaces counts as empty.
    comment, amendment = (text(c) if text(c).strip() else "" for c in ("comment", "amendment"))
    for column, value in (("comment", comment), ("amendment", amendment)):
        if len(value) > MAX_TEXT:
            problems.append(_l("The %(column)s is longer than 10,000 characters.", column=column))
    given = stance or written.lower() or None  # a misspelt stance still counts as given
    problems += _content_problems(paragraph, given, comment, amendment)
    written = text("language").strip()
    language = language_code(written) if written else None  # "fr-FR" and "français" are fr
    if written and language is None:
        problems.append(unknown_value("language", written))
    try:
        submitted_at = cell_datetime(raw("submitted_at"))
    except ValueError:
        submitted_at = None
        problems.append(
            _l(
                "“%(value)s” is not a date: use ISO 8601, for example 2026-03-01 "
                "or 2026-03-01T14:30:00Z.",
                value=text("submitted_at"),
            )
        )
    ref = text("ref")
    if len(ref) > MAX_REF:
        problems.append(_l("The ref is longer than 120 characters."))
    if problems:
        errors.extend(RowError(number, problem) for problem in problems)
        return None
    details = [text(column).strip() for column in DETAILS]
    return Row(
        number,
        organisation,
        *details,
        paragraph_id,
        paragraph,
        stance,
        comment,
        amendment,
        language,
        submitted_at,
        ref,
    )


def _content_problems(
    paragraph: str, stance: str | None, comment: str, amendment: str
) -> list[LazyString]:
    """What is wrong with the row's feedback itself, if anything."""
    if not (stance or comment or amendment):
        return [_l("The row has no stance, comment or amendment.")]
    if paragraph and (comment or amendment) and not stance:
        return [_l("Give a stance (support, amend, oppose or none) with the comment or amendment.")]
    if not paragraph and (amendment or stance not in {None, "none"}):
        return [
            _l(
                "Without a paragraph the row is a general comment, which has no stance or "
                "amendment: give the paragraph."
            )
        ]
    if not paragraph and not comment:
        return [_l("The row has no paragraph and no comment.")]
    return []


def detail_code(column: str, text: str) -> str | None:
    """The code an organisation_kind, region or country cell names; None if it names none.

    Codes, or the names the platform shows in English, French or Spanish (CLDR names for
    countries), whatever the case and accents.
    """
    return vocabularies()[column].code(text)


@dataclass
class NewOrganisation:
    """An organisation the file names that does not exist yet, and where each detail came from."""

    name: str
    first_row: int
    details: dict[str, tuple[str, int]] = field(default_factory=dict)  # column → (code, row)
    given: set[str] = field(default_factory=set)  # columns some row filled in, valid or not


def new_organisations(
    rows: list[Row], existing: dict[str, int], errors: list[RowError]
) -> dict[str, NewOrganisation]:
    """The organisations to create (by lowercased name), their details agreed across rows.

    The details of an organisation that exists already are informational and ignored.
    """
    new: dict[str, NewOrganisation] = {}
    for row in rows:
        key = row.organisation.lower()
        if key in existing:
            continue
        organisation = new.setdefault(key, NewOrganisation(row.organisation, row.number))
        for column in DETAILS:
            written = getattr(row, column)
            if written:
                organisation.given.add(column)
                _settle(organisation, column, written, row.number, errors)
    for organisation in new.values():
        if not {"organisation_kind", "region"} <= organisation.given:
            message = _l(
                "“%(name)s” is a new organisation: give its organisation_kind and region.",
                name=organisation.name,
            )
            errors.append(RowError(organisation.first_row, message))
    return new


def _settle(
    organisation: NewOrganisation, column: str, written: str, row: int, errors: list[RowError]
) -> None:
    """Record one detail of a new organisation, or why the row's value cannot be used."""
    code = detail_code(column, written)
    settled = organisation.details.setdefault(column, (code, row)) if code else None
    if code is None:
        message = unknown_value(column, written)
    elif settled and settled[0] != code:
        message = _l(
            "The new organisation “%(name)s” has another %(column)s in row %(other)d.",
            name=organisation.name,
            column=column,
            other=settled[1],
        )
    else:
        return
    errors.append(RowError(row, message))
