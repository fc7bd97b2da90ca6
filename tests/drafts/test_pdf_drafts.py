"""PDF drafts, and text taken out of PDFs, read into the same sections and paragraphs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.services.drafts.importer import ImportFormatError, ParsedDraft, parse_file, parse_text
from tests.pdf_maker import WIDTH, Page, pdf_bytes, text_page, two_column_page, wrap

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# One draft in each working language, set on three pages: a title, a heading, a paragraph
# wrapped with a hyphenated word and a compound word broken at its own hyphen, a paragraph
# running over the page break, a paragraph number alone on its line, and a heading at the
# top of the last page. Headers and footers repeat on every page.
DRAFTS = {
    "en": {
        "header": "UCLG — Policy Council — Item 3.2",
        "footer": "Page {n}",
        "pages": [
            [
                "A DRAFT POSITION ON CULTURE AND CITY DIPLOMACY",
                "",
                "Culture and peace",
                "1. Culture is the fourth pillar of sustainable development, and the develop-",
                "ment of every city depends on the co-",
                "operation of its people and on the networks of the Asia-",
                "Pacific region and of the other regions of the world.",
                "2. Local governments bring communities together in times of crisis and they",
                "must be heard by national governments when the cultural policies that shape",
                "the life of their people are decided, in every region of the world and at",
            ],
            [
                "every level of government, as the Council has said in its earlier reports.",
                "3.",
                "Every paragraph number may stand alone on its line in a PDF file, with the",
                "text of the paragraph on the lines below it.",
            ],
            [
                "Decent work",
                "4. Every city should guarantee decent work for all its inhabitants and the",
                "Council asks for clearer commitments from all spheres of government.",
            ],
        ],
        "sections": {
            "Culture and peace": ["1", "2", "3"],
            "Decent work": ["4"],
        },
        "texts": {
            "1": "Culture is the fourth pillar of sustainable development, and the development "
            "of every city depends on the co-operation of its people and on the networks of "
            "the Asia-Pacific region and of the other regions of the world.",
            "2": "Local governments bring communities together in times of crisis and they must "
            "be heard by national governments when the cultural policies that shape the life "
            "of their people are decided, in every region of the world and at every level of "
            "government, as the Council has said in its earlier reports.",
            "3": "Every paragraph number may stand alone on its line in a PDF file, with the "
            "text of the paragraph on the lines below it.",
        },
    },
    "fr": {
        "header": "CGLU — Conseil politique — Point 3.2",
        "footer": "- {n} -",
        "pages": [
            [
                "OPPORTUNITÉS POUR TOUTES ET TOUS, CULTURE ET DIPLOMATIE DES VILLES",
                "",
                "Priorités et objectifs renouvelés",
                "1. Le Conseil politique a souligné l’importance d’une relation symbiotique",
                "entre les sphères du gouvernement et des mécanismes de co-gouvernance, de la",
                "symbiose rurale-",
                "urbaine et de la coopération décentralisée pour un dévelop-",
                "pement durable des territoires.",
                "2. Le Conseil politique s’est réuni en février 2021 pour échanger sur ses",
                "priorités et discuter des propositions concrètes de son agenda renouvelé,",
            ],
            [
                "basé sur les inégalités croissantes depuis la pandémie, et la méfiance",
                "grandissante entre les communautés et leurs institutions.",
                "3.",
                "Le numéro d’un paragraphe peut se trouver seul sur sa ligne dans un PDF, le",
                "texte du paragraphe venant sur les lignes suivantes.",
            ],
            [
                "Octobre urbain",
                "4. Le Conseil politique s’est réuni dans le cadre d’Octobre urbain et a",
                "introduit des sujets critiques pour le Pacte pour l’avenir.",
            ],
        ],
        "sections": {
            "Priorités et objectifs renouvelés": ["1", "2", "3"],
            "Octobre urbain": ["4"],
        },
        "texts": {
            "1": "Le Conseil politique a souligné l’importance d’une relation symbiotique entre "
            "les sphères du gouvernement et des mécanismes de co-gouvernance, de la symbiose "
            "rurale-urbaine et de la coopération décentralisée pour un développement durable "
            "des territoires.",
            "2": "Le Conseil politique s’est réuni en février 2021 pour échanger sur ses "
            "priorités et discuter des propositions concrètes de son agenda renouvelé, basé "
            "sur les inégalités croissantes depuis la pandémie, et la méfiance grandissante "
            "entre les communautés et leurs institutions.",
            "3": "Le numéro d’un paragraphe peut se trouver seul sur sa ligne dans un PDF, le "
            "texte du paragraphe venant sur les lignes suivantes.",
        },
    },
    "es": {
        "header": "CGLU — Consejo político — Punto 3.2",
        "footer": "{n} / 3",
        "pages": [
            [
                "OPORTUNIDADES PARA TODAS Y TODOS, CULTURA Y DIPLOMACIA DE LAS CIUDADES",
                "",
                "Prioridades y objetivos renovados",
                "1. La cultura es el cuarto pilar del desarrollo sostenible y la participa-",
                "ción de la ciudadanía en la vida cultural es un derecho que los gobiernos",
                "locales deben garantizar en América Latina y en el resto del mundo, con la",
                "co-",
                "operación de todas las esferas de gobierno.",
                "2. Los gobiernos locales reúnen a las comunidades en tiempos de crisis y",
                "deben ser escuchados por los gobiernos nacionales cuando se deciden las",
            ],
            [
                "políticas culturales que dan forma a la vida de sus habitantes en todas",
                "las regiones del mundo y en todos los niveles de gobierno del planeta.",
                "3.",
                "El número de un párrafo puede quedar solo en su línea en un PDF, con el",
                "texto del párrafo en las líneas siguientes.",
            ],
            [
                "Trabajo decente",
                "4. Cada ciudad debería garantizar un trabajo decente para todas las personas",
                "que viven en ella, niños y niñas incluidos.",
            ],
        ],
        "sections": {
            "Prioridades y objetivos renovados": ["1", "2", "3"],
            "Trabajo decente": ["4"],
        },
        "texts": {
            "1": "La cultura es el cuarto pilar del desarrollo sostenible y la participación de "
            "la ciudadanía en la vida cultural es un derecho que los gobiernos locales deben "
            "garantizar en América Latina y en el resto del mundo, con la co-operación de "
            "todas las esferas de gobierno.",
            "2": "Los gobiernos locales reúnen a las comunidades en tiempos de crisis y deben ser "
            "escuchados por los gobiernos nacionales cuando se deciden las políticas culturales "
            "que dan forma a la vida de sus habitantes en todas las regiones del mundo y en "
            "todos los niveles de gobierno del planeta.",
            "3": "El número de un párrafo puede quedar solo en su línea en un PDF, con el texto "
            "del párrafo en las líneas siguientes.",
        },
    },
}


def draft_pdf(language: str) -> bytes:
    """The draft of DRAFTS[language] as a three-page PDF with its header and footer."""
    draft = DRAFTS[language]
    return pdf_bytes(
        [
            text_page(lines, header=draft["header"], footer=draft["footer"].format(n=n))
            for n, lines in enumerate(draft["pages"], 1)
        ]
    )


def extracted_text(language: str, form_feeds: bool) -> str:
    """The same draft as text copied out of a PDF viewer: furniture and line breaks included."""
    draft = DRAFTS[language]
    pages = [
        "\n".join([draft["header"], *lines, draft["footer"].format(n=n)])
        for n, lines in enumerate(draft["pages"], 1)
    ]
    return ("\f" if form_feeds else "\n").join(pages) + "\n"


def sections(draft: ParsedDraft) -> dict[str, list[str]]:
    return {s.heading: [p.number for p in s.paragraphs] for s in draft.sections}


def texts(draft: ParsedDraft) -> dict[str, str]:
    return {p.number: p.text for s in draft.sections for p in s.paragraphs}


def all_text(draft: ParsedDraft) -> str:
    parts = [draft.title, draft.preamble]
    for section in draft.sections:
        parts += [section.heading, section.intro, *(p.text for p in section.paragraphs)]
    return "\n".join(parts)


def assert_reads_like_the_draft(draft: ParsedDraft, language: str) -> None:
    expected = DRAFTS[language]
    assert sections(draft) == expected["sections"]
    found = texts(draft)
    for number, text in expected["texts"].items():
        assert found[number] == text
    assert [p.code for p in draft.problems] == ["text_before_heading"]  # the title, kept
    assert draft.title == expected["pages"][0][0]
    leftovers = all_text(draft)
    assert expected["header"] not in leftovers
    assert not re.search(r"Page \d|- \d -|\d / 3", leftovers)


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_pdf_draft_reads_into_sections_and_whole_paragraphs(language):
    draft = parse_file("draft.pdf", draft_pdf(language))
    assert_reads_like_the_draft(draft, language)


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("form_feeds", [True, False], ids=["pages", "no-page-breaks"])
def test_text_taken_out_of_a_pdf_reads_like_the_pdf(language, form_feeds):
    text = extracted_text(language, form_feeds)
    draft = parse_file("draft.txt", text.encode())
    assert_reads_like_the_draft(draft, language)


def test_a_pdf_is_recognised_by_its_content_whatever_its_name():
    draft = parse_file("draft.txt", draft_pdf("en"))
    assert sections(draft) == DRAFTS["en"]["sections"]


def test_the_council_report_as_a_pdf_matches_its_text_version():
    source = (FIXTURES / "policy-council-report-fr.txt").read_text()
    lines: list[str] = []
    for paragraph in source.splitlines():
        plain = re.sub(r"\*\*|\[|\]\(#\)|✓ ", "", paragraph).strip()
        numbered = re.match(r"^(1[27])\. (.*)", plain)
        if numbered:  # paragraphs 12 and 17 with their number alone on its line
            lines.append(numbered.group(1) + ".")
            plain = numbered.group(2)
        lines += wrap(plain, 85) if plain else [""]
    pages = [
        text_page(lines[start : start + 40], "CGLU — Conseil politique — Point 3.2", f"Page {n}")
        for n, start in enumerate(range(0, len(lines), 40), 1)
    ]
    from_pdf = parse_file("rapport.pdf", pdf_bytes(pages))
    from_text = parse_text(re.sub(r"✓ ", "", source))

    def flat(draft: ParsedDraft) -> list:
        return [
            (s.heading, " ".join(s.intro.split()), [(p.number, p.text) for p in s.paragraphs])
            for s in draft.sections
        ]

    assert len(pages) >= 3
    assert flat(from_pdf) == flat(from_text)
    assert from_pdf.title == from_text.title
    assert [p.code for p in from_pdf.problems] == ["text_before_heading"]


def test_the_council_report_copied_out_of_a_pdf_imports_paragraphs_1_to_17():
    draft = parse_file(
        "rapport.txt", (FIXTURES / "policy-council-report-fr-extracted.txt").read_bytes()
    )
    headings = [s.heading for s in draft.sections]
    assert headings == [
        "Résumé et recommandations",
        "Priorités et objectifs renouvelés",
        "Octobre urbain et le Conseil politique sur les opportunités pour toutes et tous, "
        "la culture et la diplomatie des villes",
        "Le Conseil politique au Bureau exécutif 2022 de CGLU et la relation avec les "
        "Dialogues de CGLU pour la paix",
        "Le Pacte pour l'avenir de CGLU et les réunions avec les Town Halls",
    ]
    numbers = [p.number for s in draft.sections for p in s.paragraphs]
    assert numbers == [str(n) for n in range(1, 18)]
    found = texts(draft)
    assert found["12"].startswith("La session a tourné autour des questions de la solidarité")
    assert found["12"].endswith("en harmonie avec la nature.")
    assert "Conseil politique — Point" not in found["17"] and "Page" not in found["17"]
    assert found["17"].endswith("la FAO et l'UNICEF.")
    assert "co-présidé" in found["4"] and "développement" in found["11"] + found["2"]
    assert "\n" not in found["7"]


def test_lines_repeated_at_page_edges_go_but_the_same_words_in_the_text_stay():
    pages = [
        text_page(
            ["Scope", f"{n}. Paragraph {n} mentions the Policy Council in its text."],
            header="Policy Council",
            footer=f"{n}",
        )
        for n in range(1, 5)
    ]
    draft = parse_file("d.pdf", pdf_bytes(pages))
    assert [p.text for p in draft.sections[0].paragraphs][0] == (
        "Paragraph 1 mentions the Policy Council in its text."
    )
    assert "Policy Council" not in draft.preamble + draft.title


def test_a_scanned_pdf_says_no_text_was_found_and_what_to_do():
    with pytest.raises(ImportFormatError) as raised:
        parse_file("scan.pdf", pdf_bytes([Page(image=True), Page(image=True)]))
    message = str(raised.value.message)
    assert "No text was found in this PDF (pages read: 2)" in message
    assert "scanned" in message and "(OCR)" in message


def test_a_two_column_pdf_says_so_and_what_to_do():
    left = [f"{n}. Left column line of text for the test." for n in range(1, 12)]
    right = ["Right column line of text for the test." for _ in range(11)]
    data = pdf_bytes([two_column_page(left, right), two_column_page(left, right)])
    with pytest.raises(ImportFormatError) as raised:
        parse_file("newsletter.pdf", data)
    message = str(raised.value.message)
    assert "two columns (pages 1, 2, out of 2)" in message
    assert "one column" in message


def test_a_damaged_pdf_gets_a_clear_message():
    with pytest.raises(ImportFormatError) as raised:
        parse_file("draft.pdf", b"%PDF-1.7\nnot really a pdf")
    assert "could not be read as a PDF" in str(raised.value.message)


def test_hard_wrapped_text_not_from_a_pdf_keeps_its_own_reading():
    # No page furniture and no lone numbers: the plain-text importer's rules apply unchanged.
    draft = parse_text("Scope\n\n1. First line\nsecond line.\n\n2. Second.\n")
    assert texts(draft)["1"] == "First line\nsecond line."


def test_a_centred_title_page_is_not_taken_for_two_columns():
    words = ["UCLG", "Draft", "Culture", "Council", "2026", "Daejeon", "Item 3.2", "Peace"]
    words += ["Cities", "Version 2", "Town Halls"]
    title = Page(
        [(WIDTH / 2 - len(word) * 2.75, 760 - 22 * n, word) for n, word in enumerate(words)]
    )
    margin = ["Distribution: general", "Original: English", "Date: 1 March 2026", "Item 3.2"]
    title.runs += [(72, 400 - 16 * n, line) for n, line in enumerate(margin)]
    body = text_page([line for page in DRAFTS["en"]["pages"] for line in page])
    draft = parse_file("draft.pdf", pdf_bytes([title, body]))  # read, not refused
    found = {heading: numbers for heading, numbers in sections(draft).items() if numbers}
    assert found == DRAFTS["en"]["sections"]


def test_a_pdf_of_thousands_of_pages_is_refused_before_it_is_read():
    with pytest.raises(ImportFormatError) as raised:
        parse_file("huge.pdf", pdf_bytes([Page() for _ in range(2001)]))
    assert "2001 pages" in str(raised.value.message)


def test_ligatures_and_soft_hyphens_of_typeset_text_become_plain_letters():
    text = extracted_text("fr", form_feeds=True).replace(
        "dévelop-\npement durable des", "dévelop\u00ad\npement durable et son ﬁnancement des"
    )
    assert "ﬁnancement" in text
    draft = parse_file("draft.txt", text.encode())
    assert "développement durable et son financement" in texts(draft)["1"]
