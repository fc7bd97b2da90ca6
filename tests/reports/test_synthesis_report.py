"""Synthesis reports: the PDF and DOCX files opened with real readers and their content checked."""

import io
import re
from datetime import UTC, datetime

import docx
import pypdf
import pytest
import sqlalchemy as sa
from docx.oxml.ns import qn
from flask_babel import _, force_locale

from app.models import AmendmentDecision, Organisation, Synthesis
from app.services.accounts.access import COMMAND_LINE
from app.services.reports import synthesis as report_service
from app.services.reports import synthesis_annex, synthesis_model
from app.services.synthesis import runs
from tests import pdf_languages
from tests.factories import result_from_rows
from tests.helpers import make_consultation, make_submitted

COMPILED = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)
WORDING = "First paragraph, for every city and town."
ARABIC = "هذا النص لا يذكر المدن الصغيرة"
HEBREW = "הטקסט צריך להזכיר את הערים הקטנות"
FRENCH = "Trop vague pour les zones rurales : le développement « durable » manque."
MARKUP = "Children first <b>not bold</b> & <script>alert(1)</script>"
CAMPAIGN = "Put culture at the heart of the Pact."
STANCES = ("support", "amend", "oppose", "none")


def _result(consultation, submissions) -> dict:
    """A synthesis result with chosen figures, made from real rows."""
    items = [i for s in submissions for i in s.items]
    scale, single = consultation.questions
    return result_from_rows(
        consultation,
        submissions,
        wording=WORDING,
        agreement=0.36,
        created_at=COMPILED,
        participation={
            "submissions": len(submissions),
            "organisations": len(submissions),
            "by_kind": {"un_agency": 2, "ngo": 2},
            "by_region": {"europe": 2, "africa": 1, "middle_east_west_asia": 1},
            "by_language": {"en": 2, "fr": 1, "ar": 1},
            "invited_not_answered": [
                {"id": 99, "name": "Silent Partners", "kind": "ngo", "region": "asia_pacific"}
            ],
        },
        ranking={"consensus": ["2"], "contested": ["1"]},
        themes=[
            {
                "label": {"en": "rural areas", "fr": "zones rurales", "es": "zonas rurales"},
                "size": 2,
                "feedback_ids": [items[0].id, items[2].id],
                "organisations": ["FAO", "UNICEF"],
                "languages": {"en": 1, "fr": 1},
                "quotes": [
                    {
                        "feedback_id": items[2].id,
                        "text": FRENCH,
                        "organisation": "FAO",
                        "language": "fr",
                    }
                ],
            }
        ],
        duplicates=[
            {
                "feedback_ids": [items[0].id, items[2].id],
                "text": CAMPAIGN,
                "count": 2,
                "organisations": ["FAO", "UNICEF"],
            }
        ],
        questions=[
            {
                "id": scale.id,
                "kind": "scale",
                "prompt": dict(scale.prompt),
                "options": [],
                "answers": 2,
                "distribution": {"4": 1, "2": 1},
                "themes": [],
            },
            {
                "id": single.id,
                "kind": "single",
                "prompt": dict(single.prompt),
                "options": [dict(o) for o in single.options],
                "answers": 1,
                "distribution": {"1": 1},
                "themes": [],
            },
        ],
    )


@pytest.fixture
def world(db, users, organisation):
    """Four organisations' feedback, in four languages, and a finished synthesis of it."""
    consultation = make_consultation(
        texts={
            "1": {"en": "First paragraph.", "fr": "Premier paragraphe, développement."},
            "2": {"en": "Second."},
            "3": {"en": "Third."},
        }
    )
    fao = db.session.scalar(sa.select(Organisation).where(Organisation.name == "FAO"))
    arab = Organisation(name="شبكة المدن العربية", kind="ngo", region="middle_east_west_asia")
    hebrew = Organisation(name="Aleph Cities", kind="ngo", region="europe")
    db.session.add_all([arab, hebrew])
    p1, p2, p3 = consultation.current_version.paragraphs
    scale, single = consultation.questions
    submissions = [
        make_submitted(
            consultation,
            organisation,
            [(p1, "amend", MARKUP, WORDING, "en"), (p2, "support", "", "", None)],
            {scale: 4, single: 1},
        ),
        make_submitted(
            consultation,
            fao,
            [
                (p1, "amend", FRENCH, WORDING, "fr"),
                (p3, "oppose", "Line one.\nLine two.", "", "en"),
            ],
            {scale: 2},
        ),
        make_submitted(consultation, arab, [(p1, "oppose", ARABIC, "", "ar")]),
        make_submitted(consultation, hebrew, [(p1, "none", HEBREW, "", "he")]),
    ]
    synthesis = Synthesis(
        consultation=consultation,
        number=1,
        status="done",
        progress=100,
        watermark={"submission_ids": [s.id for s in submissions]},
        result=_result(consultation, submissions),
        finished_at=COMPILED,
    )
    db.session.add(synthesis)
    db.session.flush()
    db.session.add(
        AmendmentDecision(
            synthesis_id=synthesis.id,
            paragraph_id=p1.id,
            group_key=synthesis.result["paragraphs"][0]["amendment_groups"][0]["key"],
            decision="partial",
            reason="Keep the towns, drop the rest.",
            decided_by_id=users["council"].id,
            decided_at=COMPILED,
        )
    )
    # Feedback the report must leave out: sent after the synthesis, and another consultation's.
    late = Organisation(name="Late Comers", kind="ngo", region="europe")
    db.session.add(late)
    make_submitted(consultation, late, [(p1, "oppose", "Sent too late.", "", "en")])
    other = make_consultation(slug="other-2026")
    make_submitted(
        other, organisation, [(other.current_version.paragraphs[0], "oppose", "Secret.", "", "en")]
    )
    db.session.commit()
    return {"consultation": consultation, "synthesis": synthesis, "submissions": submissions}


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_of(synthesis, language="en", progress=None, reader=COMMAND_LINE) -> pypdf.PdfReader:
    out = io.BytesIO()
    report_service.write_pdf(synthesis, language, out, progress, reader=reader)
    return pypdf.PdfReader(io.BytesIO(out.getvalue()))


def pdf_text(reader: pypdf.PdfReader) -> str:
    return flat(" ".join(page.extract_text() for page in reader.pages))


def docx_of(synthesis, language="en", progress=None, reader=COMMAND_LINE) -> docx.document.Document:
    out = io.BytesIO()
    report_service.write_docx(synthesis, language, out, progress, reader=reader)
    return docx.Document(io.BytesIO(out.getvalue()))


def docx_text(document) -> str:
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return flat(" ".join([p.text for p in document.paragraphs] + cells))


def outline_titles(outline) -> list[str]:
    titles = []
    for item in outline:
        if isinstance(item, list):
            titles += outline_titles(item)
        else:
            titles.append(flat(item.title))
    return titles


def test_pdf_holds_every_part_and_every_comment_escaped(world):
    reader = pdf_of(world["synthesis"])
    text = pdf_text(reader)
    assert "Synthesis 1" in text and "Draft culture-2026" in text
    assert "March 5, 2026" in text  # the compilation date, in the reader's locale
    assert "Counts the 4 submissions received by" in text
    for title in synthesis_model.PARTS.values():
        assert flat(str(title)) in text
    for comment in (MARKUP, FRENCH, "Line one. Line two."):
        assert flat(comment) in text  # printed as typed, markup and all
    assert "Sent too late." not in text and "Secret." not in text
    # The amendment group: its diff, who proposed it and the Council's decision.
    assert "Proposed by 2 organisations: FAO, UNICEF" in text
    assert "Decision of the Council: Accept in part" in text
    assert "Keep the towns, drop the rest." in text
    assert "rural areas" in text and CAMPAIGN in text and "Silent Partners" in text
    assert "How well?" in text and "People" in text  # the questions and their options


def test_pdf_is_tagged_with_its_language_and_an_outline_of_its_headings(world):
    reader = pdf_of(world["synthesis"])
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    titles = outline_titles(reader.outline)
    assert flat(str(synthesis_model.PARTS["annex"])) in titles
    assert "Paragraph 1" in titles and "Wording 1" in titles


def test_pdf_table_of_contents_gives_the_page_each_part_starts_on(world):
    reader = pdf_of(world["synthesis"])
    contents = next(p.extract_text() for p in reader.pages if "Contents" in p.extract_text())
    for title in (str(t) for t in synthesis_model.PARTS.values()):
        line = next(flat(line) for line in contents.splitlines() if line.startswith(title[:20]))
        page = int(re.search(r"(\d+)$", line).group(1))
        assert title[:20] in reader.pages[page - 1].extract_text(), (title, page)


def test_pdf_words_added_and_removed_are_marked(world):
    reader = pdf_of(world["synthesis"])
    text = pdf_text(reader)
    assert "Removed words are struck through and added words underlined." in text
    # Both the removed "paragraph." and the added "paragraph, for every city and town." print.
    assert "First paragraph.paragraph, for every city and town." in text.replace(
        " paragraph,", "paragraph,"
    )


def printed(phrase: str) -> str:
    """A right-to-left phrase as pypdf reads it back: its words in the order they are printed,
    left to right, so the phrase's first word comes last when it is set right to left."""
    return " ".join(reversed(phrase.split()))


def test_pdf_right_to_left_comments_read_in_order(world):
    text = pdf_text(pdf_of(world["synthesis"]))
    assert printed(ARABIC) in text
    assert printed(HEBREW) in text
    assert printed("شبكة المدن العربية") in text


def test_pdf_in_french_with_the_original_standing_in_for_missing_texts(world):
    reader = pdf_of(world["synthesis"], "fr")
    text = pdf_text(reader)
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert "5 mars 2026" in text
    assert "Premier paragraphe, développement." in text
    assert "zones rurales" in text and "rural areas" not in text
    assert "Soutien" in text  # the stances, named in French


def test_docx_has_real_headings_tables_and_a_table_of_contents(world):
    document = docx_of(world["synthesis"])
    headings = {(p.style.name, p.text) for p in document.paragraphs}
    for title in synthesis_model.PARTS.values():
        assert ("Heading 1", str(title)) in headings
    assert ("Heading 2", "Paragraph 1") in headings
    assert ("Heading 3", "Proposed wordings") in headings
    instructions = document.element.body.findall(".//" + qn("w:instrText"))
    assert any(i.text.startswith("TOC") for i in instructions)
    assert document.settings.element.find(qn("w:updateFields")) is not None
    heat_map = next(t for t in document.tables if t.rows[0].cells[-1].text == "Consensus")
    first = next(row for row in heat_map.rows if row.cells[0].text == "1")
    assert [c.text for c in first.cells[1:5]] == ["0", "2", "1", "1"]
    assert first.cells[-1].text == "Contested"  # two amend, one oppose: no side has 3 in 4
    shading = first.cells[2]._tc.tcPr.find(qn("w:shd"))
    assert shading.get(qn("w:fill")) == "EEE2D1"  # amend: half the stances, level 2 of 4
    assert first.cells[2].paragraphs[0].runs[0].bold  # and in bold, the most frequent
    sections = [row.cells[0].text for row in heat_map.rows if len(set(row.cells)) == 1]
    assert sections == ["One", "Two"]  # each section's heading across the table
    kinds = next(t for t in document.tables if t.rows[0].cells[0].text == "Kind of organisation")
    assert [[c.text for c in row.cells] for row in kinds.rows[1:]] == [
        ["NGO", "2"],
        ["UN agency", "2"],
    ]


def test_docx_marks_the_diff_the_decision_and_every_comment(world):
    document = docx_of(world["synthesis"])
    runs_of = [
        (r.text, r.font.strike, r.font.underline) for p in document.paragraphs for r in p.runs
    ]
    assert ("paragraph.", True, None) in runs_of
    assert ("paragraph, for every city and town.", None, True) in runs_of
    text = docx_text(document)
    assert "Decision of the Council: Accept in part" in text
    assert "Keep the towns, drop the rest." in text
    for comment in (MARKUP, FRENCH, ARABIC, HEBREW):
        assert comment in text
    assert "Sent too late." not in text and "Secret." not in text
    assert "Line one." in text and "Line two." in text


def test_docx_sets_right_to_left_paragraphs_and_the_readers_language(world):
    document = docx_of(world["synthesis"], "fr")
    arabic = next(p for p in document.paragraphs if p.text == ARABIC)
    assert arabic._p.pPr.find(qn("w:bidi")) is not None
    assert arabic.runs[0]._r.rPr.find(qn("w:rtl")) is not None
    french = next(p for p in document.paragraphs if p.text == FRENCH)
    assert french._p.pPr is None or french._p.pPr.find(qn("w:bidi")) is None
    assert document.core_properties.language == "fr-FR"
    assert "5 mars 2026" in docx_text(document)


def test_annex_lists_organisations_alphabetically_in_slices_with_progress(world, monkeypatch):
    monkeypatch.setattr(synthesis_annex, "ANNEX_SLICE", 1)
    calls = []
    document = docx_of(world["synthesis"], progress=lambda done, total: calls.append((done, total)))
    texts = [p.text for p in document.paragraphs]
    annex = texts[texts.index(str(synthesis_model.PARTS["annex"])) :]
    first = annex.index("Paragraph 1 (4 feedback items)")
    who = [
        t
        for t in annex[first:]
        if t.endswith(("— Support with amendments", "— Oppose", "— No position"))
    ]
    assert who[:4] == [
        "Aleph Cities — No position",
        "FAO — Support with amendments",
        "UNICEF — Support with amendments",
        "شبكة المدن العربية — Oppose",
    ]
    assert calls[0] == (0, 6) and calls[-1] == (6, 6)
    assert [done for done, _total in calls] == sorted(done for done, _total in calls)
    assert len(calls) > 4  # one call per slice read, not only at the end


def test_empty_consultation_gives_a_short_report_saying_so(db, users):
    consultation = make_consultation(slug="nobody-answered")
    synthesis = runs.request_synthesis(COMMAND_LINE, consultation, allow_empty=True)
    db.session.refresh(synthesis)
    assert synthesis.status == "done"
    reader = pdf_of(synthesis)
    assert len(reader.pages) <= 2
    text = pdf_text(reader)
    assert "No organisation had submitted feedback" in text
    assert str(synthesis_model.PARTS["annex"]) not in text
    document = docx_of(synthesis, "es")
    with force_locale("es"):
        expected = [_("No feedback")]
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == expected


def test_control_characters_pasted_into_a_comment_break_neither_file(world, db):
    item = world["submissions"][1].items[1]
    item.comment = "Pasted\x0b from\x00 a spreadsheet\x1f."
    db.session.commit()
    assert "Pasted from a spreadsheet." in pdf_text(pdf_of(world["synthesis"]))
    assert "Pasted from a spreadsheet." in docx_text(docx_of(world["synthesis"]))


def test_pdf_past_its_annex_limit_points_to_the_word_report_which_lists_everything(world, app):
    full = pdf_text(pdf_of(world["synthesis"], "fr"))
    app.config["REPORT_PDF_ANNEX_LIMIT"] = 2
    capped = pdf_text(pdf_of(world["synthesis"], "fr"))
    assert "plus qu’une annexe PDF ne peut en contenir (2)" in capped
    assert "plus qu’une annexe PDF" not in full
    assert len(capped) < len(full)  # the annex's entries are gone, the rest is there
    assert "Synthèse 1" in capped
    word = docx_text(docx_of(world["synthesis"]))
    assert "Line one." in word and "more than a PDF annex" not in word


def test_decisions_show_only_to_readers_who_may_read_them(world, users, db):
    synthesis = world["synthesis"]
    synthesis.released_to = "public"
    users["council"].name = "Amina Diallo"
    db.session.commit()
    council = pdf_text(pdf_of(synthesis, reader=users["council"]))
    assert "Decision of the Council: Accept in part" in council and "Amina Diallo" in council
    partner = pdf_text(pdf_of(synthesis, reader=users["partner"]))
    assert "Decision of the Council" not in partner  # not published to partners yet
    assert "Keep the towns, drop the rest." not in partner  # nor its reason
    synthesis.decisions_published_at = synthesis.finished_at
    db.session.commit()
    published = pdf_text(pdf_of(synthesis, reader=users["partner"]))
    assert "Decision of the Council: Accept in part" in published
    assert "Amina Diallo" not in published  # who decided is for the Council and staff


FRENCH_REASON = "Nous gardons les villes et laissons le reste du texte de côté."


def _reason_in_french(db, synthesis) -> None:
    decision = db.session.scalar(
        sa.select(AmendmentDecision).where(AmendmentDecision.synthesis_id == synthesis.id)
    )
    decision.reason = FRENCH_REASON
    db.session.commit()


def test_pdf_reads_each_comment_and_reason_in_the_language_it_was_written_in(world, db):
    _reason_in_french(db, world["synthesis"])
    out = io.BytesIO()
    report_service.write_pdf(world["synthesis"], "en", out, reader=COMMAND_LINE)
    pdf = out.getvalue()
    # The theme's quote and the annex entry: French inside an English report.
    assert pdf_languages.language_of(pdf, FRENCH) == {"fr"}
    assert pdf_languages.language_of(pdf, FRENCH_REASON) == {"fr"}  # detected: not recorded
    # Right-to-left text is drawn a word at a time: each word says its language.
    for word in ("هذا", "النص", "يذكر", "الصغيرة"):
        assert pdf_languages.language_of(pdf, word) == {"ar"}, word
    assert pdf_languages.language_of(pdf, "Line one.") == {"en"}
    assert pdf_languages.language_of(pdf, "Removed words are struck through") == {"en"}


def _languages_of_runs(document, text: str) -> set[tuple[str | None, str | None]]:
    """(w:val, w:bidi) of the w:lang of every run of `text`, (None, None) for a run without."""
    found = set()
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if run.text and run.text in text:
                properties = run._r.rPr
                lang = properties.find(qn("w:lang")) if properties is not None else None
                found.add(
                    (lang.get(qn("w:val")), lang.get(qn("w:bidi")))
                    if lang is not None
                    else (None, None)
                )
    return found


def test_docx_runs_carry_the_language_each_text_was_written_in(world, db):
    _reason_in_french(db, world["synthesis"])
    document = docx_of(world["synthesis"])
    assert _languages_of_runs(document, FRENCH) == {("fr-FR", None)}
    assert _languages_of_runs(document, FRENCH_REASON) == {("fr-FR", None)}
    assert _languages_of_runs(document, ARABIC) == {(None, "ar")}
    assert _languages_of_runs(document, HEBREW) == {(None, "he")}
    assert _languages_of_runs(document, "Line one.\nLine two.") == {("en-GB", None)}
    # What the report itself says is in the document's language, set once for every run.
    assert _languages_of_runs(
        document, "Removed words are struck through and added words underlined."
    ) == {(None, None)}
    assert document.core_properties.language == "en-GB"
