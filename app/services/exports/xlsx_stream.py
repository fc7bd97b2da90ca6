"""Workbooks of any size in one pass: rows stream to disk, XlsxWriter lays out the sheets.

XlsxWriter's constant-memory mode spends about 13 µs on each cell (a dozen calls that check,
store, escape and write it), 40 s for the 2.9 million cells of a 100,000-item export. Here a
row is one string: the same XML XlsxWriter writes for its cells, appended to its sheet's
temporary file. `save` then has XlsxWriter write the workbook with each sheet's header row,
frozen pane, column widths and filter over the rows, and splices the rows into each sheet.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Self

from xlsxwriter import Workbook
from xlsxwriter.utility import xl_col_to_name, xl_range

DEFAULT_WIDTH = 12
_OPTIONS = {
    "constant_memory": True,  # cells as inline strings, like the rows spliced in
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
_ZIP64_FROM = 2**31 - 1  # bytes: a part this large needs ZIP64 sizes, declared before writing
# Text that needs more than writing out: what XlsxWriter escapes, and what XML cannot carry.
_SPECIAL = re.compile("[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_ESCAPE_LIKE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")
_NOT_IN_SHEET_NAMES = re.compile("[\x00-\x1f\ufffe\uffff]")  # written unescaped by XlsxWriter


@dataclass
class Sheet:
    """A sheet being written: its header and the rows so far, in a temporary file."""

    title: str
    columns: tuple[str, ...]
    widths: Mapping[str, float]
    path: Path
    handle: IO[str]
    rows: int = 1  # the header's
    letters: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.letters = [xl_col_to_name(index) for index in range(len(self.columns))]

    def append(self, cells: Sequence[object]) -> None:
        """The cells as the next row: text as text, numbers as numbers, None or "" as no cell."""
        self.rows += 1
        self.handle.write(_row_xml(self.rows, self.letters, cells))


class StreamedWorkbook:
    """Sheets filled row by row, in any order between sheets; a context that cleans up."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="xlsx-")
        self.sheets: list[Sheet] = []

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for sheet in self.sheets:
            sheet.handle.close()
        self._folder.cleanup()

    def add_sheet(self, name: str, columns: tuple[str, ...], widths: Mapping[str, float]) -> Sheet:
        """A new sheet with this header row, under `name` made a valid, unique sheet name."""
        path = Path(self._folder.name) / f"{len(self.sheets) + 1}.xml"
        # newline="": line breaks inside text are written as they are, on every system
        handle = path.open("w", encoding="utf-8", newline="")
        sheet = Sheet(self._title(name), columns, widths, path, handle)
        self.sheets.append(sheet)
        return sheet

    def _title(self, name: str) -> str:
        """`name` cut and cleaned to a sheet name Excel accepts, unique whatever the case."""
        # Excel refuses control characters, any of []:*?/\ and an apostrophe at either end.
        clean = _NOT_IN_SHEET_NAMES.sub("", name)
        clean = "".join(" " if c in "[]:*?/\\" else c for c in clean).strip(" '") or "Sheet"
        taken = {sheet.title.casefold() for sheet in self.sheets}
        title, n = _cut(clean, 31), 1
        while title.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            title = _cut(clean, 31 - len(suffix)) + suffix
        return title

    def save(self, target: str | IO[bytes]) -> None:
        """The .xlsx file at a path or into a binary file."""
        for sheet in self.sheets:
            sheet.handle.close()
        layout = Path(self._folder.name) / "layout.xlsx"
        self._write_layout(str(layout))
        # XlsxWriter stores the n-th sheet added as this part.
        parts = {f"xl/worksheets/sheet{n}.xml": s for n, s in enumerate(self.sheets, start=1)}
        with (
            zipfile.ZipFile(layout) as source,
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out,
        ):
            for name in source.namelist():
                sheet = parts.get(name)
                if sheet is None:
                    out.writestr(name, source.read(name))
                else:
                    _splice(source.read(name).decode("utf-8"), sheet, name, out)

    def _write_layout(self, path: str) -> None:
        """Every sheet with its header row, frozen, column widths and a filter over the rows."""
        workbook = Workbook(path, _OPTIONS)
        bold = workbook.add_format({"bold": True})
        for sheet in self.sheets:
            layout = workbook.add_worksheet(sheet.title)
            layout.freeze_panes(1, 0)
            for index, column in enumerate(sheet.columns):
                layout.set_column(index, index, sheet.widths.get(column, DEFAULT_WIDTH))
            layout.write_row(0, 0, sheet.columns, bold)
            layout.autofilter(0, 0, sheet.rows - 1, len(sheet.columns) - 1)
        workbook.close()


def _splice(xml: str, sheet: Sheet, name: str, out: zipfile.ZipFile) -> None:
    """The sheet XlsxWriter wrote with its header only, with the rows after the header."""
    head, tail = xml.split("</sheetData>")
    last = len(sheet.columns) - 1
    header_only = f'<dimension ref="{xl_range(0, 0, 0, last)}"/>'
    head = head.replace(header_only, f'<dimension ref="{xl_range(0, 0, sheet.rows - 1, last)}"/>')
    before, after = head.encode("utf-8"), f"</sheetData>{tail}".encode()
    size = len(before) + sheet.path.stat().st_size + len(after)
    with out.open(name, "w", force_zip64=size > _ZIP64_FROM) as part:
        part.write(before)
        with sheet.path.open("rb") as rows:
            shutil.copyfileobj(rows, part, 1 << 20)
        part.write(after)


def _cut(text: str, units: int) -> str:
    """`text` cut to `units` UTF-16 code units (how Excel counts), no apostrophe at the end."""
    while len(text.encode("utf-16-le")) > 2 * units:
        text = text[:-1]
    return text.rstrip(" '") or "Sheet"


def _row_xml(number: int, letters: list[str], cells: Sequence[object]) -> str:
    """A <row> as XlsxWriter writes it in constant-memory mode (inline strings)."""
    xml = [f'<row r="{number}">']
    for letter, value in zip(letters, cells, strict=True):
        if value is None or value == "":
            continue
        if value.__class__ in (int, float):
            xml.append(f'<c r="{letter}{number}"><v>{value:.16G}</v></c>')
            continue
        text = str(value)
        if _SPECIAL.search(text):
            text = _escaped(text)
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        xml.append(f'<c r="{letter}{number}" t="inlineStr"><is><t{space}>{text}</t></is></c>')
    xml.append("</row>")
    return "".join(xml)


def _escaped(text: str) -> str:
    """`text` escaped for a cell, as XlsxWriter does it."""
    text = text.replace("\ufffe", "").replace("\uffff", "")  # XML cannot carry these two
    # OOXML writes control characters as _xHHHH_, and the underscore of a _xHHHH_ typed as
    # such as _x005F_ so that it reads back as typed.
    text = _ESCAPE_LIKE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda match: f"_x{ord(match[0]):04X}_", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
