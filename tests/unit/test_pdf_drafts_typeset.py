"""PDF drafts typeset by the report engine (WeasyPrint): real fonts, justified and hyphenated.

Small pages make paragraphs run over page breaks; CSS margin boxes print a running header
and a page number on every page; the last heading is pushed to the top of a page.
"""

from __future__ import annotations

import io
import re
from html import escape
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from app.services.drafts.importer import ParsedDraft, parse_file, parse_text
from tests.unit.test_pdf_drafts import DRAFTS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
STYLE = """
@page { size: A6; margin: 1.6cm 1cm 1.4cm;
  @top-center { content: "%(header)s"; font-size: 7pt }
  @bottom-center { content: "%(footer)s " counter(page); font-size: 7pt } }
body { font-family: serif; font-size: 13pt; hyphens: auto; text-align: justify }
h1 { font-size: 11pt } h2 { font-size: 10pt } .top { break-before: page }
"""
FOOTERS = {"en": "Page", "fr": "Page", "es": "Página"}


def typeset(language: str, title: str, sections: list[tuple[str, list[tuple[str, str]]]]) -> bytes:
    """A PDF of the draft in `language`, set as the report engine sets documents."""
    style = STYLE % {"header": DRAFTS[language]["header"], "footer": FOOTERS[language]}
    body = [f"<h1>{escape(title)}</h1>"]
    for n, (heading, paragraphs) in enumerate(sections):
        top = ' class="top"' if n == len(sections) - 1 else ""
        body.append(f"<h2{top}>{escape(heading)}</h2>")
        body += [f"<p>{number}. {escape(text)}</p>" for number, text in paragraphs]
    html = f'<html lang="{language}"><head><style>{style}</style></head><body>{"".join(body)}'
    return HTML(string=html + "</body></html>").write_pdf()


def draft_sections(language: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The sections of DRAFTS[language] with the full text of each paragraph."""
    draft = DRAFTS[language]
    last_page = " ".join(draft["pages"][2][1:])
    texts = {**draft["texts"], "4": last_page.split(". ", 1)[1]}
    return [
        (heading, [(number, texts[number]) for number in numbers])
        for heading, numbers in draft["sections"].items()
    ]


def flat(draft: ParsedDraft) -> list:
    return [
        (s.heading, [(p.number, " ".join(p.text.split())) for p in s.paragraphs])
        for s in draft.sections
    ]


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_typeset_pdf_reads_back_into_the_same_sections_and_paragraphs(language):
    sections = draft_sections(language)
    data = typeset(language, DRAFTS[language]["pages"][0][0], sections)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    assert len(pages) == 3
    assert all(DRAFTS[language]["header"] in page for page in pages)
    second, third = (page.splitlines()[0] for page in pages[1:])
    assert not re.match(r"\d+\. ", second)  # a paragraph runs over the first page break
    assert third == sections[-1][0]  # the last heading opens the last page
    draft = parse_file("draft.pdf", data)
    assert flat(draft) == [(heading, list(paragraphs)) for heading, paragraphs in sections]
    assert draft.title == DRAFTS[language]["pages"][0][0]
    everything = "\n".join(p.text for s in draft.sections for p in s.paragraphs)
    assert DRAFTS[language]["header"] not in everything
    assert not re.search(r"P[aá]gina? \d", everything) and "\u2010" not in everything


def test_the_council_report_typeset_reads_like_its_text_version():
    source = (FIXTURES / "policy-council-report-fr.txt").read_text()
    from_text = parse_text(source)
    sections = [
        (s.heading, [(p.number, " ".join(p.text.split())) for p in s.paragraphs])
        for s in from_text.sections
    ]
    data = typeset("fr", from_text.title, sections)
    lines = [
        line
        for page in PdfReader(io.BytesIO(data)).pages
        for line in page.extract_text().splitlines()
    ]
    assert sum(line.endswith("\u2010") for line in lines) >= 10  # words hyphenated at line ends
    assert flat(parse_file("rapport.pdf", data)) == sections
