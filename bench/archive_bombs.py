"""Zip bombs given to the draft and feedback imports: memory and time, beside the libraries alone.

A .docx whose one part inflates to SIZE MB (default 1,000) and an .xlsx whose sheet does the
same are each read in a fresh process, twice: by the import (`parse_file`, `read_sheet`,
which check the archive first) and, as the baseline, by python-docx / openpyxl directly, as
the import did before. Prints wall seconds and peak RSS growth of each.

    .venv/bin/python bench/archive_bombs.py [--size 1000]
"""

import argparse
import io
import resource
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024

DOCUMENT = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>"
)
DOCUMENT_END = b"</w:t></w:r></w:p></w:body></w:document>"


def bomb(kind: str, size_mb: int, folder: Path) -> Path:
    """A minimal office file whose main part is `size_mb` MB of one repeated letter."""
    from docx import Document
    from openpyxl import Workbook

    template = io.BytesIO()
    if kind == "docx":
        Document().save(template)
        part, head, tail = "word/document.xml", DOCUMENT, DOCUMENT_END
    else:
        Workbook().save(template)
        part = "xl/worksheets/sheet1.xml"
        head = (
            b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            b'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" '
            b't="inlineStr"><is><t>'
        )
        tail = b"</t></is></c></row></sheetData></worksheet>"
    path = folder / f"bomb.{kind}"
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for item in source.infolist():
            if item.filename != part:
                target.writestr(item, source.read(item))
        with target.open(part, "w", force_zip64=True) as out:
            out.write(head)
            chunk = b"a" * MB
            for _ in range(size_mb):
                out.write(chunk)
            out.write(tail)
    return path


CHILD = """
import resource, sys, time
from pathlib import Path
kind, how, path = sys.argv[1:4]
import io, docx, openpyxl
from app.services.drafts.importer import parse_file
from app.services.feedback.file_rows import read_sheet
data = Path(path).read_bytes()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    if kind == "docx" and how == "import":
        parse_file("bomb.docx", data)
    elif kind == "docx":
        docx.Document(io.BytesIO(data)).paragraphs
    elif how == "import":
        read_sheet("bomb.xlsx", data)
    else:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        list(book.worksheets[0].iter_rows(values_only=True))
    outcome = "read"
except Exception as error:
    outcome = "refused: " + str(getattr(error, "message", error))[:70]
seconds = time.perf_counter() - start
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(f"{seconds:.2f}\\t{grown:.0f}\\t{outcome}")
"""


def run(kind: str, how: str, path: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, kind, how, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return result.stdout.strip() or result.stderr.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="inflated MB of the main part")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("docx", "xlsx"):
            path = bomb(kind, args.size, Path(folder))
            print(f"{kind}: {path.stat().st_size / 1024:.0f} KB inflating to {args.size} MB")
            for how, label in (("library", "baseline, library alone"), ("import", "import")):
                seconds, grown, outcome = run(kind, how, path).split("\t")
                print(f"  {label:<24} {seconds:>7} s  peak RSS +{grown:>6} MB  {outcome}")


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    main()
