"""One palette for the site, the emails and the reports, every text colour readable (AA)."""

import io
import json
import re
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from app import palette
from app.services.reports import pdf
from app.services.reports.docx_builder import DocxBuilder

APP = Path(__file__).resolve().parents[2] / "app"
TEXT_COLOURS = ("ink", "accent", "muted", "warm")


def test_the_style_sheet_declares_the_same_palette():
    css = (APP / "static" / "css" / "app.css").read_text()
    declared = dict(re.findall(r"--agora-([a-z]+):\s*(#[0-9a-fA-F]{6})", css))
    assert {name: value.lower() for name, value in declared.items()} == palette.PALETTE


@pytest.mark.parametrize("colour", TEXT_COLOURS)
@pytest.mark.parametrize("background", ["paper", "tint"])
def test_every_text_colour_keeps_aa_contrast(colour, background):
    assert palette.contrast(palette.PALETTE[colour], palette.WHITE) >= 4.5
    assert palette.contrast(palette.PALETTE[colour], palette.PALETTE[background]) >= 4.5


def test_white_on_the_accent_is_readable_on_buttons():
    assert palette.contrast(palette.WHITE, palette.PALETTE["accent"]) >= 4.5


def test_the_contrast_formula_gives_the_known_extremes():
    assert round(palette.contrast("#000000", "#ffffff"), 1) == 21.0
    assert palette.contrast("#777777", "#777777") == 1.0


def test_the_site_header_draws_the_same_name_mark():
    base = (APP / "templates" / "base.html").read_text()
    assert palette.MARK_PATH in base
    assert palette.PALETTE["accent"] in base and palette.MARK_GOLD in base


def test_the_report_templates_take_their_colours_from_the_palette(app, tmp_path):
    for template in (APP / "templates" / "reports").glob("*.typ"):
        literal = set(re.findall(r'rgb\("(#[0-9a-fA-F]{6})"\)', template.read_text()))
        # Only the diff's highlight fills are the templates' own.
        assert literal <= {"#d7f0dc", "#f8d7da"}, template.name
    with app.test_request_context():
        pdf._write_identity(tmp_path)
    identity = json.loads((tmp_path / "identity.json").read_text())
    assert identity["colours"]["accent"] == palette.PALETTE["accent"]
    assert identity["colours"]["stances"] == palette.STANCES
    assert palette.PALETTE["accent"] in (tmp_path / "mark.svg").read_text()


def test_word_headings_and_table_headers_use_the_palette():
    builder = DocxBuilder("en")
    builder.name_mark("UCLG Policy Council consultations")
    builder.heading("Participation", 1)
    builder.table(["Figure", "Number"], [["Submissions", "4"]])
    out = io.BytesIO()
    builder.document.save(out)
    document = docx.Document(io.BytesIO(out.getvalue()))
    accent = palette.word_colour("accent")
    assert str(document.styles["Heading 1"].font.color.rgb) == accent
    header = document.tables[0].rows[0].cells[0]._tc
    assert header.tcPr.find(qn("w:shd")).get(qn("w:fill")) == palette.word_colour("tint")
    [mark, detail] = document.sections[0].header.paragraphs[0].runs
    assert (mark.text, str(mark.font.color.rgb)) == (palette.MARK_NAME, accent)
    assert detail.text.strip() == "UCLG Policy Council consultations"
