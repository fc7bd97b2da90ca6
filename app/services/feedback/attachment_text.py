"""The text of an attached file, as a reader would read it: PDF pages, Word and ODT paragraphs.

Run by a worker after the upload (the file was already checked when it was received). Text
is kept up to `MAX_CHARACTERS`: a position paper is a few thousand words; a book attached
by mistake should not fill the database.
"""

import io
import re
import zipfile
from xml.etree import ElementTree

MAX_CHARACTERS = 200_000
ODT_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
BLANK_RUNS = re.compile(r"[ \t\u00a0]+")
BLANK_LINES = re.compile(r"\n{3,}")


def extract(kind: str, data: bytes) -> str:
    """The text of a file of `kind` (pdf, docx or odt), paragraphs apart by a blank line."""
    reader = {"pdf": _pdf_text, "docx": _docx_text, "odt": _odt_text}[kind]
    return tidy(reader(data))[:MAX_CHARACTERS]


def tidy(text: str) -> str:
    """Spaces collapsed, at most one blank line between paragraphs."""
    lines = [BLANK_RUNS.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n")]
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _pdf_text(data: bytes) -> str:
    import pypdfium2 as pdfium

    from app.services.drafts.pdf import MAX_PAGES, PDFIUM_LOCK

    pages = []
    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(data)
        try:
            # Thousands of blank pages fit in a small file: reading them all would hold the
            # process's one PDF lock (drafts wait on it too) for minutes, for no text.
            for index in range(min(len(document), MAX_PAGES)):
                page = document[index]
                textpage = page.get_textpage()
                pages.append(_unwrapped(textpage.get_text_range()))
                textpage.close()
                page.close()
                if sum(len(p) for p in pages) > MAX_CHARACTERS:
                    break
        finally:
            document.close()
    return "\n\n".join(pages)


def _unwrapped(page: str) -> str:
    """A page's lines joined back into running text: PDF breaks lines where the type did,
    not where the writer did; a blank line or a line ending a sentence stays a break."""
    lines = [line.strip() for line in page.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if out and out[-1] and line and not out[-1].endswith((".", ":", "!", "?", ";")):
            joiner = "" if out[-1].endswith("-") else " "
            out[-1] = f"{out[-1]}{joiner}{line}"
        else:
            out.append(line)
    return "\n".join(out)


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n\n".join(p for p in parts if p.strip())


def _odt_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = ElementTree.fromstring(archive.read("content.xml"))
    return "\n\n".join(
        text
        for element in root.iter()
        if element.tag in (f"{ODT_TEXT}p", f"{ODT_TEXT}h")
        if (text := _odt_paragraph(element)).strip()
    )


def _spaces(count: str) -> str:
    """`<text:s c="n"/>`: n spaces, as a file says; `tidy` makes any run one space, so a
    count of billions (a file built to exhaust the worker's memory) or of nonsense is one."""
    return " " if not (count.isascii() and count.isdigit()) else " " * min(int(count), 8)


def _odt_paragraph(element: ElementTree.Element) -> str:
    """A paragraph's text with ODT's spacing elements turned back into characters."""
    out = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag == f"{ODT_TEXT}s":
            out.append(_spaces(child.get(f"{ODT_TEXT}c", "")))
        elif tag == f"{ODT_TEXT}tab":
            out.append("\t")
        elif tag == f"{ODT_TEXT}line-break":
            out.append("\n")
        elif tag not in (f"{ODT_TEXT}p", f"{ODT_TEXT}h", f"{ODT_TEXT}note"):
            out.append(_odt_paragraph(child))
        out.append(child.tail or "")
    return "".join(out)
