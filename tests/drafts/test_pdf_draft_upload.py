"""PDF drafts through the staff import form and the `consultation import` command."""

import io
import re
from pathlib import Path

import sqlalchemy as sa

from app.models import Consultation
from tests.drafts.test_pdf_drafts import DRAFTS, draft_pdf
from tests.pdf_maker import Page, pdf_bytes


def post_draft(client, data: bytes, name: str, **fields):
    return client.post(
        "/staff/consultations/import",
        data={
            "file": (io.BytesIO(data), name),
            "slug": "pdf-2026",
            "language": "fr",
            **fields,
        },
        content_type="multipart/form-data",
    )


def test_the_import_form_offers_pdf_files(client, auth, users):
    auth.login("staff@example.org")
    page = client.get("/staff/consultations/import").get_data(as_text=True)
    assert re.search(
        r'<input[^>]*accept="\.pdf,\.docx,\.txt,\.md,\.markdown"[^>]*type="file"', page
    )
    assert "A .pdf, .docx, .txt or .md file" in page


def test_a_pdf_draft_is_previewed_then_saved(client, auth, users, db):
    auth.login("staff@example.org")
    page = post_draft(client, draft_pdf("fr"), "projet.pdf", preview="1").get_data(as_text=True)
    assert "2 sections" in page and "4 numbered paragraphs" in page
    assert "Priorités et objectifs renouvelés" in page and "Octobre urbain" in page
    assert "CGLU — Conseil politique — Point 3.2" not in page
    token = page.split('name="upload_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/staff/consultations/import",
        data={"upload_token": token, "slug": "pdf-2026", "language": "fr", "save": "1"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    consultation = db.session.scalar(sa.select(Consultation))
    paragraphs = consultation.current_version.paragraphs
    assert [p.number for p in paragraphs] == ["1", "2", "3", "4"]
    assert paragraphs[1].text["fr"] == DRAFTS["fr"]["texts"]["2"]


def test_a_scanned_pdf_is_explained_by_the_file_field(client, auth, users, db):
    auth.login("staff@example.org")
    page = post_draft(client, pdf_bytes([Page(image=True)]), "scan.pdf", preview="1")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "No text was found in this PDF" in text and 'class="invalid-feedback' in text
    assert 'value="pdf-2026"' in text  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count(Consultation.id))) == 0


def test_the_command_imports_a_pdf_and_prints_what_it_found(runner, tmp_path, db):
    draft = tmp_path / "borrador.pdf"
    draft.write_bytes(draft_pdf("es"))
    result = runner.invoke(
        args=["consultation", "import", str(draft), "--slug", "borrador", "--lang", "es"]
    )
    assert result.exit_code == 0, result.output
    assert "Prioridades y objetivos renovados: 1, 2, 3" in result.output
    assert "Trabajo decente: 4" in result.output


def test_the_command_reports_a_two_column_pdf_in_one_line(runner, tmp_path, db):
    from tests.pdf_maker import two_column_page

    left = [f"{n}. Left column line of text." for n in range(1, 12)]
    right = ["Right column line of text." for _ in range(11)]
    draft = tmp_path / "newsletter.pdf"
    draft.write_bytes(pdf_bytes([two_column_page(left, right)]))
    result = runner.invoke(
        args=["consultation", "import", str(draft), "--slug", "n", "--lang", "en"]
    )
    assert result.exit_code != 0
    assert "two columns" in result.output and "Traceback" not in result.output


def test_the_command_imports_text_copied_out_of_a_pdf(runner, db):
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    source = fixtures / "policy-council-report-fr-extracted.txt"
    result = runner.invoke(
        args=["consultation", "import", str(source), "--slug", "conseil", "--lang", "fr"]
    )
    assert result.exit_code == 0, result.output
    assert "5 sections, 17 paragraphs" in result.output
    assert "Le Pacte pour l'avenir de CGLU et les réunions avec les Town Halls: 17" in result.output
    assert "Priorités et objectifs renouvelés: 5, 6, 7, 8, 9, 10" in result.output
