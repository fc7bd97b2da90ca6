"""A tiny PDF writer for tests and benchmarks: lines of text placed on A4 pages.

Text is set in the standard Helvetica font with WinAnsiEncoding, so any character of
Windows-1252 (accents, ñ, «», —, ’) is written as a PDF reader would find it in a real file.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

WIDTH, HEIGHT = 595, 842  # A4 in points
LEFT, TOP, BOTTOM = 72, 790, 50
LEADING = 14
FONT_SIZE = 11


@dataclass
class Page:
    """Text runs at (x, y) from the bottom left; `image` paints a picture without text."""

    runs: list[tuple[float, float, str]] = field(default_factory=list)
    image: bool = False


def _escape(text: str) -> bytes:
    """A PDF literal string in Windows-1252."""
    raw = text.encode("cp1252", errors="replace")  # "✓" and the like become "?"
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _content(page: Page) -> bytes:
    """The page's content stream."""
    parts = []
    if page.image:
        parts.append(b"q 450 0 0 700 72 70 cm /Im1 Do Q")
    for x, y, text in page.runs:
        parts.append(
            b"BT /F1 %d Tf %.2f %.2f Td (" % (FONT_SIZE, x, y) + _escape(text) + b") Tj ET"
        )
    return b"\n".join(parts)


def pdf_bytes(pages: list[Page], catalog: bytes = b"") -> bytes:
    """A complete PDF file of the given pages; `catalog` adds entries to the document catalog
    (an /OpenAction, say)."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream",
    ]
    kids = []
    for page in pages:
        data = zlib.compress(_content(page))
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >> >>"
            % (WIDTH, HEIGHT, len(objects))
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        if b"stream\n" in body:
            body += b"\nendstream" if not body.endswith(b"endstream") else b""
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def text_page(
    lines: list[str], header: str = "", footer: str = "", indent: dict[int, float] | None = None
) -> Page:
    """A page of lines from the top, with a running header and footer if given."""
    page = Page()
    if header:
        page.runs.append((LEFT, HEIGHT - 40, header))
    y = TOP
    for number, line in enumerate(lines):
        if line:
            page.runs.append((LEFT + (indent or {}).get(number, 0), y, line))
        y -= LEADING
    if footer:
        page.runs.append((WIDTH / 2 - 20, 30, footer))
    return page


def two_column_page(left: list[str], right: list[str]) -> Page:
    """A page set in two columns, as newsletters and some reports are."""
    page = Page()
    for column, x in ((left, LEFT), (right, WIDTH / 2 + 10)):
        for number, line in enumerate(column):
            page.runs.append((x, TOP - number * LEADING, line))
    return page


def wrap(text: str, width: int = 80) -> list[str]:
    """Greedy line breaking at `width` characters, as a PDF's text would be set."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return lines
