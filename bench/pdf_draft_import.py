"""Benchmark importing a long PDF draft against a baseline measured in the same run.

Writes a PDF of N pages (default 200) the way a Council draft is set: a running header
and a "Page N" footer on every page, a heading every few pages, numbered paragraphs of
hard-wrapped lines with words hyphenated at line ends, and paragraphs running over page
breaks. Times `parse_file` on it (text extraction, page furniture, unwrapping, headings,
numbering checks) beside the baseline: PDFium extracting the text of every page and
nothing more, the floor for this import; pypdf doing the same is printed for comparison.

Two PDFs: one from tests/pdf_maker.py (one text operator per line), and, unless
--no-typeset, the same kind of draft typeset by the report engine (Typst: justified,
hyphenated, glyphs placed run by run as real PDFs are), whose writing is not timed.
Target: under 10 s for 200 pages.

    .venv/bin/python bench/pdf_draft_import.py [--pages N] [--no-typeset]
"""

from __future__ import annotations

import argparse
import io
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pypdf import PdfReader  # noqa: E402
from support import load_average, timed  # noqa: E402

from app.services.drafts.importer import parse_file  # noqa: E402
from tests.pdf_maker import pdf_bytes, text_page  # noqa: E402
from tests.typeset import typeset  # noqa: E402

LINES_PER_PAGE = 48
WIDTH = 88
HEADER = "CGLU — Conseil politique — Point 3.2"
WORDS = """le conseil politique gouvernements locaux régionaux développement durable culture
diplomatie des villes coopération décentralisée égalité opportunités paix citoyenneté
institutions communautés transformation gouvernance territoriale financement pacte avenir
solidarité internationale participation inclusion numérique espace public""".split()  # noqa: SIM905


def paragraph_lines(rng: random.Random, number: int) -> list[str]:
    """A numbered paragraph of 3 to 9 full lines, some ending in a hyphenated word."""
    lines, current = [], f"{number}."
    for _ in range(rng.randint(60, 150)):
        word = rng.choice(WORDS)
        if len(current) + 1 + len(word) > WIDTH:
            if len(word) >= 8 and rng.random() < 0.3:
                cut = len(word) // 2
                lines.append(f"{current} {word[:cut]}-")
                current = word[cut:]
                continue
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}"
    lines.append(current.rstrip() + ".")
    return lines


def draft_pdf(pages: int, seed: int = 2026) -> tuple[bytes, int]:
    """The PDF and the number of paragraphs in it."""
    rng = random.Random(seed)
    lines: list[str] = ["PROJET DE DOCUMENT D'ORIENTATION SUR LA CULTURE ET LA PAIX", ""]
    number = 0
    while len(lines) < pages * LINES_PER_PAGE:
        if number % 12 == 0:
            lines.append(f"Partie {number // 12 + 1} : orientations et recommandations")
        number += 1
        lines += paragraph_lines(rng, number)
    chunks = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    chunks = chunks[:pages]
    data = pdf_bytes([text_page(chunk, HEADER, f"Page {n}") for n, chunk in enumerate(chunks, 1)])
    return data, number


def typeset_pdf(pages: int, seed: int = 2026) -> bytes:
    """The same kind of draft set by the report engine (Typst) on about `pages` A4 pages."""
    rng = random.Random(seed)
    sections: list[tuple[str, list[tuple[str, str]]]] = []
    number = 0
    while number < pages * 2.75:  # about as many paragraphs as fill `pages` pages
        if number % 12 == 0:
            sections.append((f"Partie {number // 12 + 1} : orientations et recommandations", []))
        number += 1
        lines = paragraph_lines(rng, number) + paragraph_lines(rng, number)
        text = " ".join(lines).replace("- ", "").split(". ", 1)[1]
        sections[-1][1].append((str(number), text.replace(f" {number}. ", " ")))
    title = "PROJET DE DOCUMENT D'ORIENTATION SUR LA CULTURE ET LA PAIX"
    return typeset("fr", title, sections, HEADER, paper="a4", size="11pt")


def pdfium_only(data: bytes) -> float:
    """PDFium reading the text of every page: the floor for this import."""
    import pypdfium2 as pdfium

    def read() -> None:
        for page in pdfium.PdfDocument(data):
            page.get_textpage().get_text_range()

    return timed(read)[0]


def pypdf_only(data: bytes) -> float:
    """pypdf reading the text of every page (pure Python), for comparison."""
    from pypdf import PdfReader

    def read() -> None:
        for page in PdfReader(io.BytesIO(data)).pages:
            page.extract_text()

    return timed(read)[0]


def run(label: str, data: bytes) -> None:
    """Time the import of `data` beside the baselines and print what it found."""
    baseline = pdfium_only(data)
    ours, draft = timed(lambda: parse_file("draft.pdf", data))
    pypdf = pypdf_only(data)
    print(
        f"{label:<9} import {ours:5.2f} s   baseline (PDFium text only) {baseline:5.2f} s"
        f"   ratio {ours / baseline:4.1f}x   pypdf text only {pypdf:5.2f} s   (target: < 10 s)"
    )
    print(
        f"{'':<9} {len(draft.sections)} sections, {draft.paragraph_count} paragraphs, "
        f"{len(draft.problems)} problems"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--no-typeset", action="store_true", help="skip the Typst PDF")
    args = parser.parse_args()
    data, written = draft_pdf(args.pages)
    print(f"{args.pages} pages, {written} paragraphs written, {load_average()}")
    run("simple", data)
    if not args.no_typeset:
        data = typeset_pdf(args.pages)
        pages = len(PdfReader(io.BytesIO(data)).pages)
        print(f"typeset by Typst: {pages} pages, {len(data) / 1e6:.1f} MB")
        run("typeset", data)


if __name__ == "__main__":
    main()
