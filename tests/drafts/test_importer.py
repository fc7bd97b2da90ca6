"""Tests for the draft importer (text, Markdown and Word drafts into numbered paragraphs)."""

from __future__ import annotations

import io
import re
import textwrap
from pathlib import Path

import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

from app.services.drafts.importer import (
    ImportFormatError,
    ParsedDraft,
    parse_docx,
    parse_file,
    parse_markdown,
    parse_text,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def numbers(draft: ParsedDraft) -> list[list[str]]:
    """Paragraph numbers, section by section."""
    return [[p.number for p in s.paragraphs] for s in draft.sections]


def codes(draft: ParsedDraft) -> list[str]:
    """Problem codes in order."""
    return [p.code for p in draft.problems]


def paragraph(draft: ParsedDraft, number: str) -> str:
    """Text of the paragraph with that number."""
    return next(p.text for s in draft.sections for p in s.paragraphs if p.number == number)


# --- the real Council document -------------------------------------------------------------


@pytest.fixture(scope="module")
def council() -> ParsedDraft:
    data = (FIXTURES / "policy-council-report-fr.txt").read_bytes()
    return parse_file("policy-council-report-fr.txt", data)


def test_council_report_sections_and_numbers(council):
    assert [s.heading for s in council.sections] == [
        "Résumé et recommandations",
        "Priorités et objectifs renouvelés",
        "Octobre urbain et le Conseil politique sur les opportunités pour toutes et tous, "
        "la culture et la diplomatie des villes",
        "Le Conseil politique au Bureau exécutif 2022 de CGLU et la relation avec les "
        "Dialogues de CGLU pour la paix",
        "Le Pacte pour l'avenir de CGLU et les réunions avec les Town Halls",
    ]
    assert numbers(council) == [
        ["1", "2", "3", "4"],
        ["5", "6", "7", "8", "9", "10"],
        ["11", "12", "13"],
        ["14", "15", "16"],
        ["17"],
    ]
    assert council.paragraph_count == 17


def test_council_report_problems_title_and_preamble(council):
    assert codes(council) == ["text_before_heading"]
    assert council.title == (
        "OPPORTUNITES POUR TOUTES ET TOUS, CULTURE ET DIPLOMATIE DES VILLES : "
        "LES CLES DU DEVELOPPEMENT DURABLE ET DE LA PAIX"
    )
    assert council.preamble.startswith("Point 3.2\n\n✓ Pour information\n\nOPPORTUNITES")
    assert "Résumé" not in council.preamble


def test_council_report_recommendation_stays_in_intro(council):
    intro = council.sections[0].intro
    assert intro.startswith("Le Conseil politique sur les opportunités")
    assert "Ce document présente les résultats" in intro
    assert intro.endswith(
        "L'Assemblée générale est invitée à :\n\n1. Prendre note du rapport du Conseil "
        "politique sur les opportunités pour toutes et tous, la culture et la diplomatie "
        "des villes."
    )
    assert paragraph(council, "1").startswith("Le niveau local et territorial est essentiel")
    assert all(not s.intro for s in council.sections[1:])


def test_council_report_markup_lines_and_blank_gaps(council):
    assert "par Souad Ben Abderrahime, maire de Tunis, Li Mingyuan" in paragraph(council, "4")
    assert "inclus dans la Déclaration d'Izmir pour protéger" in paragraph(council, "12")
    assert paragraph(council, "13").startswith("La réunion a également donné un aperçu")
    assert "*" not in paragraph(council, "13")
    assert paragraph(council, "3").startswith("Le Conseil politique a également apporté")
    lines = {p.number: p.line for s in council.sections for p in s.paragraphs}
    assert (lines["1"], lines["3"], lines["17"]) == (19, 24, 51)


COUNCIL_NUMBERS = [
    ["1", "2", "3", "4"],
    ["5", "6", "7", "8", "9", "10"],
    ["11", "12", "13"],
    ["14", "15", "16"],
    ["17"],
]
COUNCIL_HEADING_STARTS = (
    "Résumé et",
    "Priorités et",
    "Octobre urbain",
    "Le Conseil politique au",
    "Le Pacte",
)


def council_variant(shape: str) -> tuple[str, bytes]:
    """The Council report re-saved the ways drafts arrive: (filename, data)."""
    text = (FIXTURES / "policy-council-report-fr.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    if shape == "markdown":
        marked = [
            "## " + line if line.startswith(COUNCIL_HEADING_STARTS) else line for line in lines
        ]
        marked = ["# " + line if line.startswith("OPPORTUNITES") else line for line in marked]
        return "report.md", "\n".join(marked).encode()
    if shape == "pandoc":  # every heading at level 1, the title too
        marked = [
            "# " + line if line.startswith((*COUNCIL_HEADING_STARTS, "OPPORT")) else line
            for line in lines
        ]
        return "report.md", "\n".join(marked).encode()
    if shape == "hard-wrapped":
        wrapped = [part for line in lines for part in (textwrap.wrap(line, 72) or [""])]
        return "report.txt", "\n".join(wrapped).encode()
    if shape == "no-blank-lines":
        return "report.txt", "\n".join(line for line in lines if line.strip()).encode()
    return "report.txt", text.replace("\n", "\r\n").encode("cp1252", errors="replace")


@pytest.mark.parametrize(
    "shape", ["markdown", "pandoc", "hard-wrapped", "no-blank-lines", "windows"]
)
def test_council_report_in_other_shapes(shape):
    draft = parse_file(*council_variant(shape))
    assert numbers(draft) == COUNCIL_NUMBERS
    assert [s.heading.split()[0] for s in draft.sections] == [
        "Résumé",
        "Priorités",
        "Octobre",
        "Le",
        "Le",
    ]
    assert draft.title.startswith("OPPORTUNITES POUR TOUTES ET TOUS")
    assert draft.title.endswith("DE LA PAIX")
    assert re.search(r"invitée à :\n+1\. Prendre note du rapport", draft.sections[0].intro)
    assert codes(draft) == ["text_before_heading"]


# --- plain text drafts -----------------------------------------------------------------------

WRAPPED = """\
DRAFT CHARTER ON LOCAL DEMOCRACY
For consultation until 30 June

Introduction

The Council invites comments on this draft.

1. Local governments are the sphere closest to people. They
deliver most public services and are trusted more than other
levels of government.

2. The charter covers:
(a) participation in decision making;
(b) access to information; and
(c) accountability.

Principles

3. Participation should be:
- open to all residents,
- accessible, and
- timely.
4. Information is published in plain language.
"""


def test_wrapped_lines_and_lists_stay_in_their_paragraph():
    draft = parse_text(WRAPPED)
    assert [s.heading for s in draft.sections] == ["Introduction", "Principles"]
    assert numbers(draft) == [["1", "2"], ["3", "4"]]
    assert draft.sections[0].intro == "The Council invites comments on this draft."
    assert paragraph(draft, "1") == (
        "Local governments are the sphere closest to people. They\n"
        "deliver most public services and are trusted more than other\n"
        "levels of government."
    )
    assert paragraph(draft, "2").splitlines() == [
        "The charter covers:",
        "(a) participation in decision making;",
        "(b) access to information; and",
        "(c) accountability.",
    ]
    assert paragraph(draft, "3").splitlines()[1:] == [
        "- open to all residents,",
        "- accessible, and",
        "- timely.",
    ]
    assert draft.title == "DRAFT CHARTER ON LOCAL DEMOCRACY"
    assert draft.preamble == "DRAFT CHARTER ON LOCAL DEMOCRACY\nFor consultation until 30 June"
    assert codes(draft) == ["text_before_heading"]


@pytest.mark.parametrize(
    "style",
    ["{n}. ", "{n}) ", "{n} - ", "{n} – ", "§ {n} ", "§{n}. ", "**{n}.** ", "({n}) ", "{n}.\t"],
)
def test_numbering_styles(style):
    body = "\n\n".join(style.format(n=n) + f"Text of paragraph {n}." for n in (1, 2, 3))
    draft = parse_text("Scope\n\n" + body + "\n")
    assert numbers(draft) == [["1", "2", "3"]]
    assert paragraph(draft, "2") == "Text of paragraph 2."
    assert codes(draft) == []


def test_sub_numbers_and_bis_follow_the_sequence():
    text = (
        "General provisions\n\n1. Purpose of the charter.\n1.1 Definitions apply.\n"
        "1.2. Scope applies.\n2. Second paragraph.\n2 bis. Inserted paragraph.\n3. Third.\n"
    )
    draft = parse_text(text)
    assert numbers(draft) == [["1", "1.1", "1.2", "2", "2 bis", "3"]]
    assert paragraph(draft, "1.2") == "Scope applies."
    assert codes(draft) == []


def test_numbered_headings_over_sub_numbered_paragraphs():
    text = (
        "1. Introduction\n\n1.1 The council met twice.\n\n1.2 It adopted a plan.\n\n"
        "2. Priorities\n\n2.1 Housing comes first.\n"
    )
    draft = parse_text(text)
    assert [s.heading for s in draft.sections] == ["1. Introduction", "2. Priorities"]
    assert numbers(draft) == [["1.1", "1.2"], ["2.1"]]
    assert codes(draft) == []


def test_lead_in_list_inside_a_paragraph_keeps_the_real_numbering():
    text = (
        "Recommendations\n\n6. Members agreed.\n\n7. The Assembly is invited to:\n\n"
        "1. take note of the report;\n2. adopt the work plan.\n\n8. The next meeting is in May.\n"
    )
    draft = parse_text(text)
    assert numbers(draft) == [["6", "7", "8"]]
    assert paragraph(draft, "7") == (
        "The Assembly is invited to:\n\n1. take note of the report;\n2. adopt the work plan."
    )
    # The draft is an excerpt starting at 6: that is reported, nothing else is.
    assert codes(draft) == ["skipped_number"]


def test_lead_in_list_at_the_end_of_the_document():
    text = "Decision\n\n1. The Board met.\n\n2. The Board decides to:\n1. approve;\n2. publish.\n"
    draft = parse_text(text)
    assert numbers(draft) == [["1", "2"]]
    assert paragraph(draft, "2").endswith("1. approve;\n2. publish.")


def test_lead_in_list_then_numbering_from_1_in_the_next_section():
    text = (
        "Summary\n\nThe Assembly is invited to:\n\n1. take note;\n2. approve.\n\n"
        "Context\n\n1. The local level matters.\n2. Trust matters.\n"
    )
    draft = parse_text(text)
    assert draft.sections[0].intro == ("The Assembly is invited to:\n\n1. take note;\n2. approve.")
    assert numbers(draft) == [[], ["1", "2"]]
    assert codes(draft) == []


def test_colon_followed_by_real_paragraphs_is_not_a_list():
    text = "Summary\n\nThe Council notes that:\n\n1. Cities grow.\n2. Budgets shrink.\n"
    draft = parse_text(text)
    assert numbers(draft) == [["1", "2"]]
    assert draft.sections[0].intro == "The Council notes that:"


def test_numbering_problems():
    text = (
        "Section A\n\n1. One.\n\n2. Two.\n\n2. Two again.\n\n4. Four.\n\n6. Six.\n\n7.\n\n"
        "Section B\n\n8. Eight.\n\n5. Five.\n"
    )
    draft = parse_text(text)
    assert numbers(draft) == [["1", "2", "2", "4", "6", "7"], ["8", "5"]]
    assert [(p.code, p.line) for p in draft.problems] == [
        ("duplicate_number", 7),
        ("skipped_number", 9),
        ("skipped_number", 11),
        ("empty_paragraph", 13),
        ("out_of_order", 19),
    ]
    message = str(draft.problems[0].message)
    assert "2" in message and "7" in message


def test_number_alone_on_its_line_takes_the_text_below():
    draft = parse_text("Scope\n\n1.\nThe text comes on the next line.\n\n2. Second.\n")
    assert paragraph(draft, "1") == "The text comes on the next line."
    assert codes(draft) == []


def test_no_heading_makes_one_untitled_section():
    draft = parse_text("This draft has no headings at all.\n\n1. First.\n2. Second.\n")
    assert [s.heading for s in draft.sections] == [""]
    assert draft.sections[0].intro == "This draft has no headings at all."
    assert draft.preamble == ""
    assert numbers(draft) == [["1", "2"]]
    assert codes(draft) == ["no_heading"]


def test_numbering_restarting_in_each_section_is_reported_once_per_section():
    draft = parse_text("Part one\n\n1. A.\n2. B.\n\nPart two\n\n1. C.\n2. D.\n")
    assert numbers(draft) == [["1", "2"], ["1", "2"]]
    assert codes(draft) == ["numbering_restart"]


def test_heading_directly_above_paragraphs_and_wrapped_year():
    text = (
        "Context\n1. The Council was created in\n2019. It meets twice a year.\n"
        "Objectives\n2. Reduce inequalities.\n"
    )
    draft = parse_text(text)
    assert [s.heading for s in draft.sections] == ["Context", "Objectives"]
    assert paragraph(draft, "1") == "The Council was created in\n2019. It meets twice a year."


def test_bold_and_capital_headings_followed_directly_by_text():
    text = (
        "**Background**\nThe Council was set up in 2019.\n\n1. It meets twice a year.\n\n"
        "NEXT STEPS\nWork continues.\n\n2. A report follows.\n"
    )
    draft = parse_text(text)
    assert [s.heading for s in draft.sections] == ["Background", "NEXT STEPS"]
    assert [s.intro for s in draft.sections] == [
        "The Council was set up in 2019.",
        "Work continues.",
    ]


STRATEGY = """\
Item 4.1
For decision

DRAFT STRATEGY ON LOCAL FINANCE 2023-2026

Executive summary

This paper sets out the draft strategy.

The Executive Bureau is invited to:

a) endorse the draft strategy;
b) mandate the Secretariat to consult members.

I. Context

1. Local governments face a financing gap estimated at
USD 4.5 trillion a year.

II. Strategic objectives

2. The strategy pursues four objectives.

Annex: timeline
"""


def test_unnumbered_first_section_roman_headings_and_closing_line():
    draft = parse_text(STRATEGY)
    assert draft.title == "DRAFT STRATEGY ON LOCAL FINANCE 2023-2026"
    assert draft.preamble == ("Item 4.1\nFor decision\n\nDRAFT STRATEGY ON LOCAL FINANCE 2023-2026")
    assert [s.heading for s in draft.sections] == [
        "Executive summary",
        "I. Context",
        "II. Strategic objectives",
    ]
    assert draft.sections[0].intro.endswith("b) mandate the Secretariat to consult members.")
    assert numbers(draft) == [[], ["1"], ["2"]]
    assert paragraph(draft, "2") == "The strategy pursues four objectives.\n\nAnnex: timeline"
    assert codes(draft) == ["text_before_heading"]


def test_title_line_opening_the_document_goes_to_the_preamble():
    text = "Draft Policy on Open Data\n\nComments are welcome.\n\nPurpose\n\n1. Open data.\n"
    draft = parse_text(text)
    assert draft.title == "Draft Policy on Open Data"
    assert draft.preamble == "Draft Policy on Open Data\n\nComments are welcome."
    assert [s.heading for s in draft.sections] == ["Purpose"]


# --- Markdown -----------------------------------------------------------------------------------

MARKDOWN = """\
# Draft Urban Agenda

Prepared by the *Policy Council* for consultation.

## 1 Vision

1. Cities should be **inclusive** and [sustainable](https://example.org/sdg).
2. Everyone has a right to the city.

## 2 Action

Intro to the action section.

3. Local action needs funding:
   - national transfers;
   - own revenue.

4\\. Escaped numbers are still numbers.

Closing words
-------------

5. Final paragraph.
"""


def test_markdown_headings_title_and_inline_markup():
    draft = parse_markdown(MARKDOWN)
    assert draft.title == "Draft Urban Agenda"
    assert draft.preamble == (
        "Draft Urban Agenda\n\nPrepared by the Policy Council for consultation."
    )
    assert [s.heading for s in draft.sections] == ["1 Vision", "2 Action", "Closing words"]
    assert numbers(draft) == [["1", "2"], ["3", "4"], ["5"]]
    assert paragraph(draft, "1") == "Cities should be inclusive and sustainable."
    assert paragraph(draft, "3") == (
        "Local action needs funding:\n- national transfers;\n- own revenue."
    )
    assert paragraph(draft, "4") == "Escaped numbers are still numbers."
    assert draft.sections[1].intro == "Intro to the action section."
    assert codes(draft) == ["text_before_heading"]


def test_markdown_title_alone_is_not_a_problem():
    draft = parse_markdown("# Title\n\n## Scope\n\n1. One.\n")
    assert (draft.title, draft.preamble, codes(draft)) == ("Title", "Title", [])
    assert [s.heading for s in draft.sections] == ["Scope"]


def test_markdown_front_matter_title():
    draft = parse_markdown("---\ntitle: Peace Charter\nlang: en\n---\n\n# Articles\n\n1. One.\n")
    assert draft.title == "Peace Charter"
    assert [s.heading for s in draft.sections] == ["Articles"]
    assert codes(draft) == []


def test_markdown_single_heading_with_paragraphs_is_a_section():
    draft = parse_markdown("# Recommendations\n\n1. One.\n2. Two.\n")
    assert [s.heading for s in draft.sections] == ["Recommendations"]
    assert draft.title == ""


# --- files and errors -------------------------------------------------------------------------


def test_parse_file_dispatch_and_decoding():
    text = "Résumé\n\n1. Équité pour toutes et tous.\n"
    for data in (text.encode(), b"\xef\xbb\xbf" + text.encode(), text.encode("cp1252")):
        draft = parse_file("Draft.TXT", data)
        assert draft.sections[0].heading == "Résumé"
        assert paragraph(draft, "1") == "Équité pour toutes et tous."
    assert paragraph(parse_file("a.txt", text.encode("utf-16")), "1").startswith("Équité")
    markdown = parse_file("notes.Markdown", b"## Scope\n\n1. One.\n")
    assert markdown.sections[0].heading == "Scope"


@pytest.mark.parametrize(
    ("filename", "data", "fragment"),
    [
        ("draft.txt", b"", "empty"),
        ("draft.md", b" \n\t\n", "empty"),
        ("draft.docx", b"", "empty"),
        ("draft.docx", b"this is not a zip file", "Word"),
        ("draft.pdf", b"%PDF-1.7", "read as a PDF"),
        ("draft", b"1. One.", "cannot be imported"),
        ("draft.txt", b"Just a letter.\n\nNo numbers here.\n", "No numbered paragraph"),
        ("draft.txt", b"\x00\x01binary\x00", "could not be read"),
    ],
)
def test_unreadable_files_raise_import_format_error(filename, data, fragment):
    with pytest.raises(ImportFormatError) as caught:
        parse_file(filename, data)
    assert fragment in str(caught.value.args[0])


def test_parse_text_rejects_whitespace():
    with pytest.raises(ImportFormatError):
        parse_text("   \n\n")


# --- Word documents -------------------------------------------------------------------------


def docx_bytes(document) -> bytes:
    """Save a python-docx document to bytes."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def restart_numbering(document, paragraph, start: int = 1) -> None:
    """Give a "List Number" paragraph a new list instance that restarts at start."""
    numbering = document.part.numbering_part.element
    num_id = str(max(int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))) + 1)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), num_id)
    abstract = OxmlElement("w:abstractNumId")
    abstract.set(qn("w:val"), "7")  # the abstract list behind the template's "List Number"
    override = OxmlElement("w:lvlOverride")
    override.set(qn("w:ilvl"), "0")
    start_override = OxmlElement("w:startOverride")
    start_override.set(qn("w:val"), str(start))
    override.append(start_override)
    num.extend([abstract, override])
    numbering.append(num)
    num_pr = OxmlElement("w:numPr")
    num_id_el = OxmlElement("w:numId")
    num_id_el.set(qn("w:val"), num_id)
    num_pr.append(num_id_el)
    paragraph._p.get_or_add_pPr().append(num_pr)


def test_docx_heading_styles_and_typed_numbers():
    document = Document()
    document.add_paragraph("Charter on Local Finance", style="Title")
    document.add_heading("Summary", level=1)
    document.add_paragraph("This report sets out the Council's proposals.")
    document.add_paragraph("1. Local governments need predictable transfers.")
    line_break = document.add_paragraph("2. Transfers should be")
    line_break.add_run().add_break()
    line_break.add_run("indexed to inflation.")
    document.add_heading("Recommendations", level=2)
    document.add_paragraph("3. Members are invited to:")
    document.add_paragraph("1. approve the charter;")
    document.add_paragraph("4. The secretariat reports in 2025.")
    document.add_paragraph().add_run("Follow-up").bold = True
    document.add_paragraph("5. A review takes place in 2027.")
    closing = document.add_paragraph()
    closing.add_run("Adopted in Daejeon, October 2022").bold = True
    draft = parse_docx(docx_bytes(document))
    assert draft.title == "Charter on Local Finance"
    assert [s.heading for s in draft.sections] == ["Summary", "Recommendations", "Follow-up"]
    assert draft.sections[0].intro == "This report sets out the Council's proposals."
    assert numbers(draft) == [["1", "2"], ["3", "4"], ["5"]]
    assert paragraph(draft, "2") == "Transfers should be\nindexed to inflation."
    assert paragraph(draft, "3") == "Members are invited to:\n1. approve the charter;"
    # A bold line with nothing under it closes the document: it is text, not a section.
    assert paragraph(draft, "5").endswith("2027.\n\nAdopted in Daejeon, October 2022")
    assert codes(draft) == []
    assert [p.line for p in draft.sections[0].paragraphs] == [4, 5]


def test_docx_automatic_numbering_continues_across_headings():
    document = Document()
    document.add_heading("Vision", level=1)
    document.add_paragraph("Cities for all.", style="List Number")
    document.add_paragraph("Culture matters.", style="List Number")
    document.add_paragraph("A supporting point.", style="List Bullet")
    document.add_heading("Action", level=1)
    document.add_paragraph("Act locally.", style="List Number")
    document.add_paragraph("", style="List Number")
    draft = parse_docx(docx_bytes(document))
    assert [s.heading for s in draft.sections] == ["Vision", "Action"]
    assert numbers(draft) == [["1", "2"], ["3", "4"]]
    assert paragraph(draft, "2") == "Culture matters.\n• A supporting point."
    assert paragraph(draft, "3") == "Act locally."
    assert codes(draft) == ["empty_paragraph"]


def test_docx_lead_in_list_then_restarted_numbering():
    document = Document()
    document.add_paragraph("POINT 3.2")
    document.add_paragraph("Summary and recommendations", style="Heading 1")
    document.add_paragraph("The General Assembly is invited to:")
    document.add_paragraph("Take note of the report.", style="List Number")
    document.add_paragraph("Endorse the work plan.", style="List Number")
    first = document.add_paragraph("The local level is essential.", style="List Number")
    restart_numbering(document, first)
    document.add_paragraph("Trust must be rebuilt.", style="List Number")
    draft = parse_docx(docx_bytes(document))
    assert [s.heading for s in draft.sections] == ["Summary and recommendations"]
    assert draft.sections[0].intro == (
        "The General Assembly is invited to:\n1. Take note of the report.\n"
        "2. Endorse the work plan."
    )
    assert numbers(draft) == [["1", "2"]]
    assert paragraph(draft, "1") == "The local level is essential."
    assert draft.preamble == "POINT 3.2"
    assert codes(draft) == ["text_before_heading"]


def council_docx() -> bytes:
    """The Council report as Word would have it: Heading 1 and automatic numbering."""
    document = Document()
    for line in (
        (FIXTURES / "policy-council-report-fr.txt").read_text(encoding="utf-8").splitlines()
    ):
        line = line.replace("**", "").replace("[", "").replace("](#)", "")
        number, _, rest = line.partition(". ")
        if not line.strip():
            continue
        if line.startswith(COUNCIL_HEADING_STARTS):
            document.add_heading(line, level=1)
        elif number.isdigit():
            item = document.add_paragraph(rest, style="List Number")
            if rest.startswith("Le niveau local"):  # the real numbering restarts at 1
                restart_numbering(document, item)
        else:
            document.add_paragraph(line)
    return docx_bytes(document)


def test_docx_council_report_with_automatic_numbering():
    draft = parse_file("rapport.docx", council_docx())
    assert numbers(draft) == COUNCIL_NUMBERS
    assert draft.sections[0].intro.endswith(
        "L'Assemblée générale est invitée à :\n1. Prendre note du rapport du Conseil politique "
        "sur les opportunités pour toutes et tous, la culture et la diplomatie des villes."
    )
    assert draft.title.startswith("OPPORTUNITES")
    assert codes(draft) == ["text_before_heading"]


def test_docx_outline_numbering_tables_and_tracked_changes():
    document = Document()
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="50">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            '<w:lvlText w:val="%1."/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            '<w:lvlText w:val="%1.%2"/></w:lvl>'
            '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
            '<w:lvlText w:val="(%3)"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="50"><w:abstractNumId w:val="50"/></w:num>')
    )

    def numbered(paragraph, level: int):
        paragraph._p.get_or_add_pPr().append(
            parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="50"/></w:numPr>'
            )
        )
        return paragraph

    numbered(document.add_heading("Introduction", 1), 0)
    numbered(document.add_paragraph("The council met in Tunis."), 1)
    numbered(document.add_paragraph("It adopted:"), 1)
    numbered(document.add_paragraph("a plan;"), 2)
    numbered(document.add_paragraph("a budget."), 2)
    numbered(document.add_heading("Priorities", 1), 0)
    housing = numbered(document.add_paragraph("Housing first, see "), 1)
    housing._p.append(
        parse_xml(f"<w:hyperlink {nsdecls('w')}><w:r><w:t>the report</w:t></w:r></w:hyperlink>")
    )
    housing._p.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="2" w:author="x"><w:r><w:delText>gone</w:delText>'
            "</w:r></w:del>"
        )
    )
    table = document.add_table(rows=2, cols=2)
    for (row, col), value in {
        (0, 0): "City",
        (0, 1): "People",
        (1, 0): "Tunis",
        (1, 1): "1m",
    }.items():
        table.cell(row, col).text = value
    numbered(document.add_paragraph("Last paragraph."), 1)
    draft = parse_docx(docx_bytes(document))
    assert [s.heading for s in draft.sections] == ["1. Introduction", "2. Priorities"]
    assert numbers(draft) == [["1.1", "1.2"], ["2.1", "2.2"]]
    assert paragraph(draft, "1.2") == "It adopted:\n(a) a plan;\n(b) a budget."
    assert paragraph(draft, "2.1") == "Housing first, see the report\nCity | People\nTunis | 1m"
    assert codes(draft) == []


def test_docx_localised_heading_style_and_bold_headings():
    document = Document()
    localised = document.styles.add_style("Überschrift 1", WD_STYLE_TYPE.PARAGRAPH)
    localised.font.size = 16
    document.add_paragraph("Einleitung", style=localised)
    document.add_paragraph("1. Der Rat hat getagt.")
    document.add_paragraph("Ziele", style=localised)
    document.add_paragraph("2. Gleichheit fördern.")
    draft = parse_docx(docx_bytes(document))
    assert [s.heading for s in draft.sections] == ["Einleitung", "Ziele"]
    assert numbers(draft) == [["1"], ["2"]]

    plain = Document()
    plain.add_paragraph().add_run("Context").bold = True
    plain.add_paragraph("The Council met in February.")
    plain.add_paragraph("1. It agreed on priorities.")
    plain.add_paragraph().add_run("Next steps").bold = True
    plain.add_paragraph("2. A report follows.")
    draft = parse_docx(docx_bytes(plain))
    assert [s.heading for s in draft.sections] == ["Context", "Next steps"]
    assert draft.sections[0].intro == "The Council met in February."
    assert codes(draft) == []
