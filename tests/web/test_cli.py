"""The `flask` commands promised to the secretariat's scripts."""

from pathlib import Path

import docx
import pypdf
import sqlalchemy as sa

from app.models import Consultation, Organisation, User
from tests.helpers import DRAFT_TXT, make_consultation, make_submitted
from tests.reports.test_synthesis_report import printed

FIXTURES = Path(__file__).parent.parent / "fixtures"


def test_import_prints_sections_and_numbers(runner, tmp_path, db):
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT_TXT)
    result = runner.invoke(
        args=["consultation", "import", str(draft), "--slug", "culture", "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "Culture and peace: 1, 2" in result.output
    assert "Decent work: 3" in result.output
    consultation = db.session.scalar(sa.select(Consultation))
    assert consultation.status == "draft"
    assert consultation.title == {"en": "A DRAFT POSITION ON CULTURE"}


def test_the_real_council_document_imports_into_paragraphs_1_to_17(runner, db):
    result = runner.invoke(
        args=[
            "consultation",
            "import",
            str(FIXTURES / "policy-council-report-fr.txt"),
            "--slug",
            "conseil-politique",
            "--lang",
            "fr",
        ]
    )
    assert result.exit_code == 0, result.output
    consultation = db.session.scalar(sa.select(Consultation))
    version = consultation.current_version
    assert [p.number for p in version.paragraphs] == [str(n) for n in range(1, 18)]
    assert len(version.sections) == 5
    assert "Prendre note" in version.sections[0].intro["fr"]
    assert version.paragraphs[0].text["fr"].startswith("Le niveau local")


def test_bad_input_exits_non_zero_with_one_line(runner, tmp_path, db):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    pdf = tmp_path / "draft.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    good = tmp_path / "good.txt"
    good.write_text(DRAFT_TXT)
    runner.invoke(args=["consultation", "import", str(good), "--slug", "taken", "--lang", "en"])
    cases = [
        ["consultation", "import", str(tmp_path / "missing.txt"), "--slug", "a", "--lang", "en"],
        ["consultation", "import", str(empty), "--slug", "a", "--lang", "en"],
        ["consultation", "import", str(pdf), "--slug", "a", "--lang", "en"],
        ["consultation", "import", str(good), "--slug", "taken", "--lang", "en"],
        ["consultation", "import", str(good), "--slug", "Not A Slug", "--lang", "en"],
        ["consultation", "translate", "nope", str(good), "--lang", "fr"],
        ["consultation", "open", "nope", "--closes", "2030-01-01"],
        ["consultation", "close", "taken"],
    ]
    for args in cases:
        result = runner.invoke(args=args)
        assert result.exit_code != 0, args
        assert "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output


def test_translate_open_and_close(runner, tmp_path, db):
    source = tmp_path / "en.txt"
    source.write_text(DRAFT_TXT)
    french = tmp_path / "fr.txt"
    french.write_text(
        "Culture et paix\n\n1. La culture.\n2. La diplomatie.\n\nTravail\n\n3. Le travail décent.\n"
    )
    runner.invoke(args=["consultation", "import", str(source), "--slug", "c", "--lang", "en"])
    result = runner.invoke(args=["consultation", "translate", "c", str(french), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert "3 paragraphs translated" in result.output
    consultation = db.session.scalar(sa.select(Consultation))
    assert consultation.current_version.sections[1].heading == {
        "en": "Decent work",
        "fr": "Travail",
    }
    result = runner.invoke(args=["consultation", "open", "c", "--closes", "2099-12-31"])
    assert result.exit_code == 0, result.output
    assert consultation.phase() == "open"
    assert consultation.closes_at.isoformat() == "2099-12-31T23:59:00+00:00"
    assert runner.invoke(args=["consultation", "close", "c"]).exit_code == 0
    assert consultation.phase() == "closed"


def test_seed_demo_is_idempotent(runner, db):
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "0 new organisations, 0 new accounts, 0 new consultations" in second.output
    names = set(db.session.scalars(sa.select(Organisation.name)))
    assert {
        "Right to the City Platform",
        "Cities Coalition for Digital Rights",
        "Open Society Foundations",
        "ACCORD",
        "FAO",
        "UNICEF",
    } <= names
    emails = set(db.session.scalars(sa.select(User.email)))
    assert {
        "admin@example.org",
        "staff@example.org",
        "council@example.org",
        "partner@unicef.example.org",
        "partner@righttothecity.example.org",
        "partner@fao.example.org",
    } <= emails
    consultation = db.session.scalar(sa.select(Consultation))
    assert consultation.phase() == "open"
    assert len(consultation.current_version.sections) == 5
    assert len(consultation.questions) == 3
    for paragraph in consultation.current_version.paragraphs:
        assert set(paragraph.text) == {"en", "fr", "es"}


def test_demo_accounts_sign_in(runner, client):
    runner.invoke(args=["seed-demo"])
    response = client.post(
        "/login", data={"email": "partner@fao.example.org", "password": "demo-password-2026"}
    )
    assert response.status_code == 302


def test_seed_demo_is_refused_with_production_settings(app, runner):
    app.config["DEMO_DATA_ALLOWED"] = False
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 1
    assert "production" in result.output


def test_synthesis_show_writes_pdf_and_docx_reports(runner, tmp_path, db, organisation):
    consultation = make_consultation(slug="report-2026")
    first = consultation.current_version.paragraphs[0]
    fao = db.session.scalar(sa.select(Organisation).where(Organisation.name == "FAO"))
    make_submitted(consultation, organisation, [(first, "support", "Très bien, merci.", "", "fr")])
    make_submitted(consultation, fao, [(first, "oppose", "هذا غير كاف", "", "ar")])
    assert runner.invoke(args=["synthesize", "report-2026", "--wait"]).exit_code == 0
    pdf, document = tmp_path / "s.pdf", tmp_path / "s.docx"
    show = ["synthesis", "show", "report-2026", "--language", "fr"]
    result = runner.invoke(args=[*show, "--format", "pdf", "-o", str(pdf)])
    assert result.exit_code == 0, result.output
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    assert "Très bien, merci." in text and printed("هذا غير كاف") in text
    result = runner.invoke(args=[*show, "--format", "docx", "-o", str(document)])
    assert result.exit_code == 0, result.output
    assert "Très bien, merci." in [p.text for p in docx.Document(document).paragraphs]


def test_synthesis_show_report_needs_a_file_and_a_finished_synthesis(runner, tmp_path, db):
    make_consultation(slug="report-2026")
    for args in (
        ["synthesis", "show", "report-2026", "--format", "pdf"],
        ["synthesis", "show", "report-2026", "--format", "docx", "-o", str(tmp_path / "s.docx")],
    ):
        result = runner.invoke(args=args)
        assert result.exit_code == 1, args
        assert len(result.output.strip().splitlines()) == 1, result.output
    assert not (tmp_path / "s.docx").exists()
