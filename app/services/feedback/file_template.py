"""What a feedback file holds, told in the reader's language, and blank files to fill in.

The column guide gives each column's meaning and an example as the reader would write it;
the templates are an empty CSV and a workbook whose coded columns offer, in drop-downs,
the values the import accepts, listed in full on a second sheet. Both are built for one
locale, which the caller chooses (services never read the request).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from babel import Locale
from flask_babel import force_locale
from flask_babel.speaklater import LazyString

from app.lazy_text import lazy_gettext as _l
from app.models import Consultation, User
from app.services.accounts import access
from app.services.feedback.file_rows import REQUIRED
from app.services.feedback.vocabulary import LANGUAGE_CODES, fold, vocabularies
from app.vocabulary import ORGANISATION_KINDS, REGIONS
from app.vocabulary import STANCE_LABELS as STANCES

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FEEDBACK_ROWS = 1000  # rows of the workbook's first sheet that carry the drop-downs
VALUES_SHEET = _l("Accepted values")
FEEDBACK_SHEET = _l("Feedback")
MEANINGS: dict[str, LazyString] = {
    "ref": _l("Your own reference for the letter or email, kept as given."),
    "organisation": _l("The organisation's name. A name not known yet creates the organisation."),
    "organisation_kind": _l("For a new organisation: its kind, as a code or by its name."),
    "region": _l("For a new organisation: its region, as a code or by its name."),
    "country": _l("For a new organisation: its country, as a two-letter code or by its name."),
    "language": _l("The language of the comment, as a code or by its name; detected if empty."),
    "paragraph": _l("The paragraph's number as printed in the draft; empty for a general comment."),
    "stance": _l("Support, amendments, opposition or no position, as a code or by its name."),
    "comment": _l("The comment, as the organisation wrote it."),
    "amendment": _l("The new wording the organisation proposes for the paragraph, if any."),
    "submitted_at": _l("When the feedback was received: a date, or a date and time (ISO 8601)."),
}
CODED = ("stance", "organisation_kind", "region", "language", "country")


@dataclass
class ColumnGuide:
    """One column of the file: its header, what it holds, and an example in the reader's words."""

    name: str
    meaning: str
    example: str
    code: str = ""  # the code the example stands for, when it is a name


def accepted_values(locale: str) -> dict[str, list[tuple[str, str]]]:
    """(name in `locale`, code) of every coded column, in the platform's order."""
    babel_locale = Locale.parse(locale)
    with force_locale(locale):
        values = {
            "stance": [(str(label), code) for code, label in STANCES.items()],
            "organisation_kind": [(str(label), code) for code, label in ORGANISATION_KINDS.items()],
            "region": [(str(label), code) for code, label in REGIONS.items()],
        }
    values["language"] = [(babel_locale.languages[code], code) for code in LANGUAGE_CODES]
    countries = vocabularies()["country"].codes
    names = babel_locale.territories
    values["country"] = sorted(
        ((names.get(code, code), code) for code in countries), key=lambda pair: fold(pair[0])
    )
    return values


def column_guide(locale: str, paragraph: str = "1") -> list[ColumnGuide]:
    """Every column of the file, what it holds, and an example written as the reader would."""
    values = accepted_values(locale)
    with force_locale(locale):
        examples = {
            "ref": ("L-2026/7", ""),
            "organisation": ("UNICEF", ""),
            "organisation_kind": _named(values, "organisation_kind", "un_agency"),
            "region": _named(values, "region", "latin_america"),
            "country": _named(values, "country", "SN"),
            "language": _named(values, "language", locale),
            "paragraph": (paragraph, ""),
            "stance": _named(values, "stance", "amend"),
            "comment": (str(_l("Cities should be named in this paragraph.")), ""),
            "amendment": (str(_l("Local governments shall take part in every decision.")), ""),
            "submitted_at": ("2026-03-01", ""),
        }
        return [ColumnGuide(name, str(MEANINGS[name]), *examples[name]) for name in REQUIRED]


def _named(values: dict[str, list[tuple[str, str]]], column: str, code: str) -> tuple[str, str]:
    """The reader's name for `code` in `column`, and the code."""
    return next(name for name, found in values[column] if found == code), code


def template_csv() -> bytes:
    """An empty feedback file: the header row, UTF-8 with a BOM so that Excel reads accents."""
    out = io.StringIO(newline="")
    csv.writer(out).writerow(REQUIRED)
    return ("\ufeff" + out.getvalue()).encode()


def feedback_template(
    actor: User, consultation: Consultation, file_format: str, locale: str
) -> tuple[bytes, str]:
    """The blank file to fill in for `consultation` as (content, media type), for staff."""
    access.require(actor, "feedback.import")
    if file_format == "csv":
        return template_csv(), "text/csv; charset=utf-8"
    version = consultation.current_version
    numbers = [p.number for p in version.paragraphs] if version else []
    return template_xlsx(locale, numbers), XLSX_TYPE


def template_xlsx(locale: str, paragraphs: list[str]) -> bytes:
    """A workbook to fill in: the header, drop-downs of accepted values, and those values listed.

    The drop-downs offer the names in `locale`; a value typed by hand (a code, or a name in
    another language) is allowed after a warning, because the import accepts it too.
    """
    from xlsxwriter import Workbook  # only loaded when a template is asked for
    from xlsxwriter.utility import xl_col_to_name

    values = accepted_values(locale)
    lists = {column: values[column] for column in CODED}
    lists["paragraph"] = [(number, "") for number in paragraphs]
    out = io.BytesIO()
    workbook = Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    with force_locale(locale):
        feedback_name, values_name = str(FEEDBACK_SHEET)[:31], str(VALUES_SHEET)[:31]
        hint = str(_l("Choose from the list, or type a code or a name in another language."))
        code_header = str(_l("code"))
    bold = workbook.add_format({"bold": True})
    text = workbook.add_format({"num_format": "@"})  # "4.1" and "007" stay as typed
    feedback = workbook.add_worksheet(feedback_name)
    accepted = workbook.add_worksheet(values_name)
    for index, column in enumerate(REQUIRED):
        feedback.write_string(0, index, column, bold)
        width = 60 if column in ("comment", "amendment") else 20
        feedback.set_column(index, index, width, text if column in ("ref", "paragraph") else None)
    feedback.freeze_panes(1, 0)
    accepted.freeze_panes(1, 0)
    quoted = values_name.replace("'", "''")
    for pair, (column, entries) in enumerate(lists.items()):
        names, codes = 2 * pair, 2 * pair + 1
        accepted.write_string(0, names, column, bold)
        accepted.set_column(names, names, 30)
        if column != "paragraph":
            accepted.write_string(0, codes, f"{column} ({code_header})", bold)
            accepted.set_column(codes, codes, 22)
        for row, (name, code) in enumerate(entries, start=1):
            accepted.write_string(row, names, name)
            if code:
                accepted.write_string(row, codes, code)
        if not entries:
            continue
        letter = xl_col_to_name(names)
        target = REQUIRED.index(column)
        feedback.data_validation(
            1,
            target,
            FEEDBACK_ROWS,
            target,
            {
                "validate": "list",
                "source": f"='{quoted}'!${letter}$2:${letter}${len(entries) + 1}",
                "error_type": "warning",
                "input_title": column,
                "input_message": hint[:255],
                "ignore_blank": True,
            },
        )
    workbook.close()
    return out.getvalue()
