"""Streamed workbooks: the file XlsxWriter itself would write, in a fraction of the time."""

import io
import zipfile

from openpyxl import load_workbook
from openpyxl.utils.escape import unescape
from xlsxwriter import Workbook

from app.services.exports.xlsx_stream import StreamedWorkbook

COLUMNS = ("id", "text", "more", "number")
WIDTHS = {"id": 9, "text": 60}
TEXTS = [
    "plain",
    " leading space",
    "trailing space ",
    "\ttab first",
    "line\nbreak",
    "\rcarriage return",
    "bell\x07 escape\x1b unit\x1f",
    "_x0041_ typed as such",
    "a & b <c> \"d\" 'e'",
    "Coopération décentralisée — ñandú",
    "نحن ندعم هذه الفقرة",
    "🎭 culture",
    "=1+1",
]
ROWS = [[n, text, "" if n % 2 else None, n / 4] for n, text in enumerate(TEXTS, start=1)]
SHEETS = {"First": ROWS, "O'Brien (2)": ROWS[::-1], "Empty": []}


def streamed() -> bytes:
    out = io.BytesIO()
    with StreamedWorkbook() as workbook:
        sheets = {name: workbook.add_sheet(name, COLUMNS, WIDTHS) for name in SHEETS}
        for number in range(len(ROWS)):  # rows of several sheets interleaved
            for name, rows in SHEETS.items():
                if number < len(rows):
                    sheets[name].append(rows[number])
        workbook.save(out)
    return out.getvalue()


def by_xlsxwriter() -> bytes:
    """The same workbook written cell by cell by XlsxWriter, in constant-memory mode."""
    out = io.BytesIO()
    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    workbook = Workbook(out, options)
    bold = workbook.add_format({"bold": True})
    for name, rows in SHEETS.items():
        sheet = workbook.add_worksheet(name)
        sheet.freeze_panes(1, 0)
        for index, column in enumerate(COLUMNS):
            sheet.set_column(index, index, WIDTHS.get(column, 12))
        sheet.write_row(0, 0, COLUMNS, bold)
        for row, cells in enumerate(rows, start=1):
            for column, value in enumerate(cells):
                if isinstance(value, str) and value:
                    sheet.write_string(row, column, value)
                elif isinstance(value, int | float):
                    sheet.write_number(row, column, value)
        sheet.autofilter(0, 0, len(rows), len(COLUMNS) - 1)
    workbook.close()
    return out.getvalue()


def parts(data: bytes) -> dict[str, bytes]:
    """Every part of the package but the one holding the time it was made."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist() if "core" not in name}


def test_the_package_is_part_for_part_the_one_xlsxwriter_writes():
    ours, theirs = parts(streamed()), parts(by_xlsxwriter())
    assert list(ours) == list(theirs)
    for name in ours:
        assert ours[name] == theirs[name], name


def test_openpyxl_reads_every_cell_back():
    workbook = load_workbook(io.BytesIO(streamed()))
    assert workbook.sheetnames == list(SHEETS)
    first = workbook["First"]
    assert (first.freeze_panes, first.auto_filter.ref, first.dimensions) == (
        "A2",
        "A1:D14",
        "A1:D14",
    )
    header, *values = first.iter_rows(values_only=True)
    assert header == COLUMNS
    assert [row[0] for row in values] == list(range(1, len(TEXTS) + 1))
    # openpyxl leaves OOXML's _xHHHH_ escapes as they are; Excel and the import undo them.
    assert [unescape(row[1]) for row in values] == TEXTS
    assert [row[2] for row in values] == [None] * len(TEXTS)
    assert [row[3] for row in values] == [n / 4 for n in range(1, len(TEXTS) + 1)]
    assert all(cell.data_type != "f" for row in first.iter_rows() for cell in row)
    assert list(workbook["Empty"].iter_rows(values_only=True)) == [COLUMNS]


def test_text_shaped_like_cell_markup_stays_text():
    # XlsxWriter's constant-memory mode writes text from <r> to </r> into the file unescaped.
    markup = '<r><t>a</t></r></is></c><c r="B2"><f>1+1</f></c><c><is><r><t>b</t></r>'
    out = io.BytesIO()
    with StreamedWorkbook() as workbook:
        workbook.add_sheet("Sheet", ("text", "more"), {}).append([markup, None])
        workbook.save(out)
    sheet = load_workbook(out).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["text", "more"],
        [markup, None],
    ]
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row if cell.value)
