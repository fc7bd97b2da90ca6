"""PDF drafts typeset by the report engine (Typst): real fonts, justified and hyphenated.

Small pages make paragraphs run over page breaks; every page has a running header and a
page number; the last heading is pushed to the top of a page.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.services.drafts.importer import ParsedDraft, parse_file, parse_text
from tests.drafts.test_pdf_drafts import DRAFTS
from tests.typeset import typeset

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FOOTERS = {"en": "Page", "fr": "Page", "es": "Página"}


def draft_pdf(language: str, title: str, sections: list) -> bytes:
    return typeset(language, title, sections, DRAFTS[language]["header"], FOOTERS[language])


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
    data = draft_pdf(language, DRAFTS[language]["pages"][0][0], sections)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    assert len(pages) == 3
    assert all(DRAFTS[language]["header"] in page for page in pages)
    header = DRAFTS[language]["header"]
    second, third = (
        next(line.strip() for line in page.splitlines() if line.strip() != header)
        for page in pages[1:]
    )
    assert not re.match(r"\d+\. ", second)  # a paragraph runs over the first page break
    assert third == sections[-1][0]  # the last heading opens the last page
    draft = parse_file("draft.pdf", data)
    assert flat(draft) == [(heading, list(paragraphs)) for heading, paragraphs in sections]
    assert draft.title == DRAFTS[language]["pages"][0][0]
    everything = "\n".join(p.text for s in draft.sections for p in s.paragraphs)
    assert DRAFTS[language]["header"] not in everything
    assert not re.search(r"P[aá]gina? \d", everything)
    assert "\u00ad" not in everything and "\ufffe" not in everything


def test_the_council_report_typeset_reads_like_its_text_version():
    source = (FIXTURES / "policy-council-report-fr.txt").read_text()
    from_text = parse_text(source)
    sections = [
        (s.heading, [(p.number, " ".join(p.text.split())) for p in s.paragraphs])
        for s in from_text.sections
    ]
    data = draft_pdf("fr", from_text.title, sections)
    lines = [
        line
        for page in PdfReader(io.BytesIO(data)).pages
        for line in page.extract_text().splitlines()
    ]
    hyphenated = sum(line.rstrip().endswith(("-", "\u00ad", "\u2010")) for line in lines)
    assert hyphenated >= 10  # words hyphenated at line ends
    assert flat(parse_file("rapport.pdf", data)) == sections


def test_a_draft_typeset_in_two_columns_is_refused_with_what_to_do():
    import typst

    from app.services.drafts.importer import ImportFormatError

    text = DRAFTS["fr"]["texts"]["2"]
    paragraphs = "\n\n".join(f'#"{n}. {text}"' for n in range(1, 40))
    document = '#set page(paper: "a4", columns: 2)\n#set par(justify: true)\n\n' + paragraphs
    with pytest.raises(ImportFormatError) as raised:
        parse_file("bulletin.pdf", typst.compile(document.encode()))
    message = str(raised.value.message)
    assert "two columns (pages 1, 2, out of 3)" in message and "one column" in message
