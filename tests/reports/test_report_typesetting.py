"""The Typst engine behind every PDF report: user text stays text, the compiler stays in its
folder, and the pages come out laid out."""

import time
from types import SimpleNamespace

import pytest

from app.services.accounts.access import COMMAND_LINE
from app.services.exports import job_writers
from app.services.reports import pdf, synthesis_pdf
from tests.reports.test_synthesis_report import (  # noqa: F401
    docx_of,
    docx_text,
    flat,
    pdf_of,
    pdf_text,
    world,
)
from tests.reports_png import Pages, assert_laid_out

TYPST_SYNTAX = (
    '#import "_common.typ": * #read("/etc/passwd") $x^2$ *not bold* _not italic_ '
    "[brackets] @nobody <label> back\\slash \\#escaped #{1 + 1} // not a comment"
)


def test_a_comment_written_in_typst_syntax_prints_as_typed(world, db):  # noqa: F811
    item = world["submissions"][1].items[1]
    item.comment = TYPST_SYNTAX
    db.session.commit()
    text = pdf_text(pdf_of(world["synthesis"]))
    assert flat(TYPST_SYNTAX) in text
    assert "root:" not in text  # /etc/passwd was never read


def test_an_organisation_name_in_typst_syntax_prints_as_typed(world, db):  # noqa: F811
    organisation = world["submissions"][0].organisation
    organisation.name = "#strong[Évidemment] $1$ <x> @y"
    db.session.commit()
    assert "#strong[Évidemment] $1$ <x> @y" in pdf_text(pdf_of(world["synthesis"]))


def test_the_compiler_reads_nothing_outside_its_folder(tmp_path):
    (tmp_path / "report.typ").write_text('#set document(title: "x")\n#read("/etc/passwd")\n')
    with pytest.raises(RuntimeError, match="outside of project root|access denied|not found"):
        pdf.compile_pdf(tmp_path / "report.typ", tmp_path)
    (tmp_path / "up.typ").write_text('#set document(title: "x")\n#read("../secret.txt")\n')
    (tmp_path.parent / "secret.txt").write_text("secret")
    with pytest.raises(RuntimeError):
        pdf.compile_pdf(tmp_path / "up.typ", tmp_path)


def test_the_compiler_is_handed_only_the_template_and_its_data(world, monkeypatch):  # noqa: F811
    seen = []
    real = pdf.compile_pdf

    def listing(source, root, *args, **kwargs):
        seen.append(sorted(p.name for p in root.iterdir()))
        return real(source, root, *args, **kwargs)

    monkeypatch.setattr(pdf, "compile_pdf", listing)
    pdf_of(world["synthesis"])
    assert seen == [
        ["_common.typ", "annex.json", "data.json", "identity.json", "mark.svg", "synthesis.typ"]
    ]


def test_a_character_no_font_draws_is_replaced_rather_than_failing_the_report(world, db):  # noqa: F811
    item = world["submissions"][1].items[1]
    item.comment = "Great \U0001f44d idea \U00013000 and 中国红十字会"
    db.session.commit()
    text = pdf_text(pdf_of(world["synthesis"]))
    assert "Great \ufffd idea \ufffd and 中国红十字会" in text


def test_the_first_pages_of_the_synthesis_report_are_laid_out(world, monkeypatch):  # noqa: F811
    pages = Pages(count=4).install(monkeypatch)
    pdf_of(world["synthesis"], "fr")
    assert len(pages.images) == 4
    for image in pages.images:
        assert_laid_out(image)


def test_charts_carry_their_figures_as_alternative_text(world):  # noqa: F811
    reader = pdf_of(world["synthesis"])
    alts = []

    def walk(node):
        node = node.get_object()
        if node.get("/S") == "/Figure" and "/Alt" in node:
            alts.append(str(node["/Alt"]))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid.get_object(), "get"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert any(alt.startswith("Organisations by kind:") for alt in alts), alts
    assert any(alt.startswith("Stances on paragraph 1:") for alt in alts), alts


def test_a_pdf_report_jobs_bar_moves_through_gathering_typesetting_and_writing(
    world,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    seen = []
    monkeypatch.setattr(synthesis_pdf, "TYPESET_ROWS_PER_SECOND", 1)  # a slow typesetter
    real = pdf.compile_pdf

    def slow(*args, **kwargs):
        time.sleep(1.5)  # long enough for the bar to move while it typesets
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "compile_pdf", slow)
    job = SimpleNamespace(
        synthesis=world["synthesis"], language="en", file_format="pdf", requested_by=COMMAND_LINE
    )
    job_writers.write_synthesis_report(
        job, tmp_path / "report.pdf", lambda done, total=None, percent=None: seen.append(percent)
    )
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    assert seen == sorted(seen)  # never backwards
    labels = [synthesis_pdf.stage_label(p) for p in seen]
    assert labels[0] == "Gathering the feedback" and labels[-1] == "Writing the file"
    assert "Typesetting the PDF" in labels
    assert any(60 < p < 97 for p in seen)  # moved within typesetting, not stuck at its start
    assert max(seen) < 100  # 100 is the finished, renamed file's


def test_quotes_and_wordings_carry_their_feedback_ids_in_both_formats(world):  # noqa: F811
    synthesis = world["synthesis"]
    paragraph = synthesis.result["paragraphs"][0]
    quote, group = paragraph["quotes"][0], paragraph["amendment_groups"][0]
    text = pdf_text(pdf_of(synthesis))
    assert f"— {quote['organisation']} Feedback {quote['feedback_id']}" in text
    assert "Feedback " + ", ".join(str(i) for i in group["feedback_ids"]) in text
    word = docx_text(docx_of(synthesis))
    assert f"— {quote['organisation']} · Feedback {quote['feedback_id']}" in word


def test_names_in_any_script_are_set_in_the_fonts_the_project_ships(world, db):  # noqa: F811
    names = ["Ассоциация городов", "中国城市联合会", "Société d’Économie Sociale"]
    for submission, name in zip(world["submissions"], names, strict=False):
        submission.organisation.name = name
    db.session.commit()
    reader = pdf_of(world["synthesis"])
    text = pdf_text(reader)
    for name in names:
        assert name in text
    fonts = {
        str(font["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all(f.startswith(("NotoSans", "DejaVuSans")) for f in fonts), fonts


def test_a_title_or_a_deciders_name_no_font_draws_does_not_stop_the_report(world, users, db):  # noqa: F811
    consultation = world["consultation"]
    consultation.title = {**consultation.title, "en": "Pact \U0001f91d for the Future"}
    users["council"].name = "Amina \U0001f91d Diallo"
    db.session.commit()
    text = pdf_text(pdf_of(world["synthesis"]))
    assert "Pact \ufffd for the Future" in text and "Amina \ufffd Diallo" in text
