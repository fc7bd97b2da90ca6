"""Reading a PDF draft's text, page by page, with pypdf; refusing what cannot be read in order.

A PDF keeps positioned text, not paragraphs: the lines found here go through the same layout
recovery as text taken out of a PDF (``unwrap``). Scanned pages (no text) and pages set in
two columns (whose lines cannot be put back in reading order reliably) are refused with a
message saying what was found and what to do.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass

from app.lazy_text import lazy_gettext as _l
from app.services.drafts.errors import ImportFormatError
from app.services.drafts.text import Block
from app.services.drafts.unwrap import Line, strip_page_furniture, unwrapped_blocks

# A page is set in two columns when this share of its lines start right of the middle.
RIGHT_COLUMN_SHARE = 0.25
MIN_LINES_FOR_COLUMNS = 8
# Where a right-hand column starts, as a share of the page width.
COLUMN_START = (0.45, 0.7)
# Share of those lines that start at the same place when they make a column.
ALIGNED_SHARE = 0.6
# A draft is a few dozen pages; a limit keeps one upload from holding a worker for minutes.
MAX_PAGES = 2000


@dataclass
class PdfPage:
    """The lines of one page and where each starts, as a share of the page width."""

    lines: list[str]
    starts: list[float]


def read_pages(data: bytes) -> list[PdfPage]:
    """The text lines of every page, or ImportFormatError for a damaged, locked or huge file."""
    from pypdf import PdfReader  # only loaded for PDF files

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ImportFormatError(
                _l("This PDF is protected by a password. Save a copy without protection.")
            )
        if len(reader.pages) > MAX_PAGES:
            raise ImportFormatError(
                _l(
                    "This PDF has %(pages)d pages; drafts of more than %(most)d pages cannot "
                    "be imported.",
                    pages=len(reader.pages),
                    most=MAX_PAGES,
                )
            )
        return [_page_text(page) for page in reader.pages]
    except ImportFormatError:
        raise
    except Exception as error:  # noqa: BLE001 - a damaged file can fail anywhere inside pypdf
        raise ImportFormatError(
            _l("This file could not be read as a PDF. Is it damaged?")
        ) from error


def _page_text(page) -> PdfPage:  # noqa: ANN001 - a pypdf PageObject
    """One page's lines, and the left edge of each run of text that starts a line."""
    width = float(page.mediabox.width) or 1.0
    left = float(page.mediabox.left)
    starts: list[float] = []
    state = {"y": None}

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if state["y"] is None or abs(y - state["y"]) > 1:
            starts.append((x - left) / width)
        state["y"] = y

    text = page.extract_text(visitor_text=visit) or ""
    # Justified lines come out with a space for every gap the typesetter widened.
    return PdfPage([" ".join(line.split()) for line in text.splitlines()], starts)


def _is_two_columns(page: PdfPage) -> bool:
    """Return True if many lines start at one place near the middle, as a second column does.

    Centred lines (a title page, a heading) start near the middle too, but each at its own
    place; the lines of a column are aligned on its left edge, beside lines at the margin.
    """
    if len(page.starts) < MIN_LINES_FOR_COLUMNS:
        return False
    low, high = COLUMN_START
    right = [round(x, 2) for x in page.starts if low <= x <= high]
    if len(right) < RIGHT_COLUMN_SHARE * len(page.starts):
        return False
    aligned = Counter(right).most_common(1)[0][1]
    left = sum(1 for x in page.starts if x < low)
    return aligned >= ALIGNED_SHARE * len(right) and left >= RIGHT_COLUMN_SHARE * len(page.starts)


def pdf_blocks(data: bytes) -> list[Block]:
    """The draft's paragraphs and headings as blocks, or ImportFormatError saying what is wrong."""
    pages = read_pages(data)
    if not pages:
        raise ImportFormatError(_l("This PDF has no pages."))
    with_text = [page for page in pages if any(page.lines)]
    if not with_text:
        raise ImportFormatError(
            _l(
                "No text was found in this PDF (pages read: %(pages)d): it seems to be a scanned "
                "image. Import the original document (.docx or .txt), or run the PDF through "
                "text recognition (OCR) first.",
                pages=len(pages),
            )
        )
    columns = [n for n, page in enumerate(pages, 1) if _is_two_columns(page)]
    if columns and len(columns) >= 0.3 * len(with_text):
        raise ImportFormatError(
            _l(
                "This PDF is set in two columns (pages %(pages)s, out of %(total)d), so its "
                "lines cannot be put back in reading order. Import the original document "
                "(.docx), or save the draft as a PDF with one column of text.",
                pages=_page_list(columns),
                total=len(pages),
            )
        )
    line_pages: list[list[Line]] = []
    number = 0
    for page in pages:
        line_pages.append([])
        for text in page.lines:
            number += 1
            line_pages[-1].append(Line(text, number))
    return unwrapped_blocks(strip_page_furniture(line_pages))


def _page_list(numbers: list[int], shown: int = 5) -> str:
    """ "1, 2, 3, 4, 5…" for a long list of page numbers."""
    text = ", ".join(str(n) for n in numbers[:shown])
    return text + ("…" if len(numbers) > shown else "")
