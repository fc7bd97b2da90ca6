"""Reading a PDF draft's text, page by page, with PDFium; refusing what cannot be read in order.

A PDF keeps positioned text, not paragraphs: the lines found here go through the same layout
recovery as text taken out of a PDF (``unwrap``). Scanned pages (no text) and pages set in
two columns (whose lines cannot be put back in reading order reliably) are refused with a
message saying what was found and what to do.

PDFium (through pypdfium2) reads a typeset page in milliseconds, where pure-Python readers
take a third of a second or more for pages set by the report engine: 200 such pages in
over 30 s with pypdf. PDFium is not thread-safe, so one lock serialises its use.
"""

from __future__ import annotations

import threading
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
PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD
_PDFIUM = threading.Lock()
# Every reader of PDFs in the process (drafts, attached files) takes this one lock.
PDFIUM_LOCK = _PDFIUM


@dataclass
class PdfPage:
    """The lines of one page and where each starts, as a share of the page width."""

    lines: list[str]
    starts: list[float]


def read_pages(data: bytes) -> list[PdfPage]:
    """The text lines of every page, or ImportFormatError for a damaged, locked or huge file."""
    import pypdfium2 as pdfium  # only loaded for PDF files

    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as error:
            if getattr(error, "err_code", None) == PASSWORD_ERROR:
                message = _l("This PDF is protected by a password. Save a copy without protection.")
            else:
                message = _l("This file could not be read as a PDF. Is it damaged?")
            raise ImportFormatError(message) from error
        try:
            if len(document) > MAX_PAGES:
                raise ImportFormatError(
                    _l(
                        "This PDF has %(pages)d pages; drafts of more than %(most)d pages "
                        "cannot be imported.",
                        pages=len(document),
                        most=MAX_PAGES,
                    )
                )
            return [_page_text(document, index) for index in range(len(document))]
        except ImportFormatError:
            raise
        except Exception as error:  # noqa: BLE001 - a damaged page can fail anywhere in PDFium
            raise ImportFormatError(
                _l("This file could not be read as a PDF. Is it damaged?")
            ) from error
        finally:
            document.close()


def _page_text(document, index: int) -> PdfPage:  # noqa: ANN001 - a pypdfium2 PdfDocument
    """One page's lines, and where each line of text starts."""
    page = document[index]
    try:
        width = page.get_width() or 1.0
        text_page = page.get_textpage()
        try:
            text = text_page.get_text_range()
            starts = [text_page.get_rect(n)[0] / width for n in range(text_page.count_rects())]
        finally:
            text_page.close()
    finally:
        page.close()
    # PDFium joins a line ending in "-" to the next one and marks the hyphen U+FFFE (or \x02),
    # whether it splits a word or belongs to one ("co-operation"): the line is split again
    # for the unwrapping to decide. Justified lines come out with a space for every gap the
    # typesetter widened.
    text = text.replace("\ufffe", "-\n").replace("\x02", "-\n")
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
