"""Checking and reading a 20 MB attached file: what an upload costs the web request (the check)
and the worker (the text), beside what receiving the file costs anyway.

Two files at the size limit: a PDF of PAGES text pages padded with a picture, and a Word file
of as many paragraphs with a picture. For each: the check by content (`sniff`, run inside the
upload request), the text taken out (run by the worker), and as the baseline a SHA-256 of the
bytes (which every upload computes) and PDFium or python-docx opening the file alone.

    .venv/bin/python bench/attachment_checks.py [--pages 300]
"""

import argparse
import hashlib
import io
import os
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # support.py, beside this file

from support import print_table, timed  # noqa: E402 - importing it puts the repo on the path

from tests.attachment_files import PAPER  # noqa: E402
from tests.pdf_maker import Page, pdf_bytes, text_page, wrap  # noqa: E402

MB = 1024 * 1024


def big_pdf(pages: int, size: int) -> bytes:
    """`pages` pages of text, then a page painting an incompressible picture up to `size`."""
    body = pdf_bytes([text_page(wrap(f"{n}. {PAPER} " * 6)) for n in range(pages)] + [Page()])
    picture = os.urandom(max(size - len(body) - 400, 0))
    stream = zlib.compress(picture, 0)
    head, _, tail = body.rpartition(b"trailer")
    extra = b"99 0 obj\n<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /Length %d " % len(
        stream
    )
    return (
        head
        + extra
        + b"/Filter /FlateDecode >>\nstream\n"
        + stream
        + b"\nendstream\nendobj\ntrailer"
        + tail
    )


def big_docx(paragraphs: int, size: int) -> bytes:
    import docx

    document = docx.Document()
    for n in range(paragraphs):
        document.add_paragraph(f"{n}. {PAPER}")
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    import zipfile

    padded = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(padded, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("word/media/image1.png", os.urandom(max(size - len(data), 0)))
    return padded.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--size-mb", type=int, default=20)
    arguments = parser.parse_args()
    from app import create_app
    from app.services.feedback.attachment_checks import sniff
    from app.services.feedback.attachment_text import extract

    app = create_app("testing")
    size = arguments.size_mb * MB - 64 * 1024
    files = {
        "pdf": big_pdf(arguments.pages, size),
        "docx": big_docx(arguments.pages * 6, size),
    }
    rows = []
    with app.test_request_context():
        for kind, data in files.items():
            hashing, _ = timed(lambda d=data: hashlib.sha256(d).hexdigest())
            opening, _ = timed(lambda d=data, k=kind: _open_alone(k, d))
            checking, found = timed(lambda d=data: sniff(d))
            assert found.kind == kind
            reading, text = timed(lambda d=data, k=kind: extract(k, d))
            rows.append(
                [
                    kind,
                    f"{len(data) / MB:.1f} MB",
                    f"{checking:.2f} s",
                    f"{hashing:.2f} s",
                    f"{opening:.2f} s",
                    f"{reading:.2f} s",
                    f"{len(text):,}",
                ]
            )
    print_table(
        ["file", "size", "check (request)", "baseline: SHA-256", "baseline: open alone",
         "text (worker)", "characters"],
        rows,
    )  # fmt: skip
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


def _open_alone(kind: str, data: bytes) -> None:
    if kind == "pdf":
        import pypdfium2 as pdfium

        pdfium.PdfDocument(data).close()
    else:
        import docx

        docx.Document(io.BytesIO(data))


if __name__ == "__main__":
    main()
