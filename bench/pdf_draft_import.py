"""Benchmark importing a long PDF draft against a baseline measured in the same run.

Writes a PDF of N pages (default 200) the way a Council draft is set: a running header
and a "Page N" footer on every page, a heading every few pages, numbered paragraphs of
hard-wrapped lines with words hyphenated at line ends, and paragraphs running over page
breaks. Times `parse_file` on it (text extraction, page furniture, unwrapping, headings,
numbering checks) beside the baseline: pypdf extracting the text of every page and
nothing more, which no PDF import can beat. Target: under 10 s for 200 pages.

    .venv/bin/python bench/pdf_draft_import.py [--pages N]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.services.drafts.importer import parse_file  # noqa: E402
from tests.pdf_maker import pdf_bytes, text_page  # noqa: E402

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


def extract_only(data: bytes) -> float:
    """pypdf reading the text of every page: the floor for any PDF import."""
    from pypdf import PdfReader

    started = time.perf_counter()
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        page.extract_text()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    data, written = draft_pdf(args.pages)
    print(
        f"{args.pages} pages, {written} paragraphs, {len(data) / 1e6:.1f} MB, {os.cpu_count()} CPUs"
    )
    baseline = extract_only(data)
    started = time.perf_counter()
    draft = parse_file("draft.pdf", data)
    ours = time.perf_counter() - started
    found = draft.paragraph_count
    print(
        f"import {ours:5.2f} s   baseline (pypdf text only) {baseline:5.2f} s"
        f"   ratio {ours / baseline:4.2f}x   (target: under 10 s)"
    )
    print(
        f"{len(draft.sections)} sections, {found} paragraphs found of the {written} written, "
        f"{len(draft.problems)} problems"
    )


if __name__ == "__main__":
    main()
