"""Staff publish a draft: import with preview, languages, questions, lifecycle, versions."""

import io
import re
from datetime import timedelta

import sqlalchemy as sa

from app.models import Consultation
from app.models.common import utcnow
from tests.helpers import DRAFT_TXT, make_consultation


def upload(text: str | bytes, name: str = "draft.txt"):
    data = text.encode() if isinstance(text, str) else text
    return (io.BytesIO(data), name)


def test_preview_shows_what_was_found_and_saves_nothing(client, auth, users, db):
    auth.login("staff@example.org")
    response = client.post(
        "/staff/consultations/import",
        data={
            "file": upload(DRAFT_TXT),
            "slug": "culture-2026",
            "language": "en",
            "title": "",
            "preview": "Preview",
        },
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 sections" in page and "3 numbered paragraphs" in page
    assert "Culture and peace" in page and "Decent work" in page
    assert "(R&amp;D &gt; 5%)" in page  # escaped, never rendered as markup
    assert db.session.scalar(sa.select(sa.func.count(Consultation.id))) == 0


def test_save_after_preview_uses_the_kept_file(client, auth, users, db):
    auth.login("staff@example.org")
    page = client.post(
        "/staff/consultations/import",
        data={
            "file": upload(DRAFT_TXT),
            "slug": "culture-2026",
            "language": "en",
            "preview": "1",
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    token = page.split('name="upload_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/staff/consultations/import",
        data={
            "upload_token": token,
            "slug": "culture-2026",
            "language": "en",
            "save": "1",
            "title": "Culture first",
        },
        content_type="multipart/form-data",
    )
    assert response.headers["Location"] == "/staff/consultations/culture-2026"
    consultation = db.session.scalar(sa.select(Consultation))
    assert consultation.status == "draft" and consultation.title == {"en": "Culture first"}
    assert [p.number for p in consultation.current_version.paragraphs] == ["1", "2", "3"]


def test_preview_lists_every_problem(client, auth, users):
    auth.login("staff@example.org")
    text = "Heading\n\n1. One.\n1. Again one.\n3. Three, two is missing.\n"
    page = client.post(
        "/staff/consultations/import",
        data={
            "file": upload(text),
            "slug": "problems",
            "language": "en",
            "preview": "1",
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "more than once" in page
    assert "problems to check" in page


def test_taken_slug_is_refused_and_nothing_typed_is_lost(client, auth, users, db):
    make_consultation("culture-2026")
    auth.login("staff@example.org")
    page = client.post(
        "/staff/consultations/import",
        data={
            "file": upload(DRAFT_TXT),
            "slug": "culture-2026",
            "language": "fr",
            "title": "Mon titre",
            "save": "1",
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "already taken" in page
    assert 'value="Mon titre"' in page and 'value="culture-2026"' in page
    assert re.search(r'<option selected value="fr">|<option value="fr" selected>', page)


def test_wrong_file_format_gets_a_clear_message(client, auth, users):
    auth.login("staff@example.org")
    for data, name in [(b"%PDF-1.4", "draft.pdf"), (b"", "empty.txt"), (b"not a zip", "x.docx")]:
        response = client.post(
            "/staff/consultations/import",
            data={
                "file": upload(data, name),
                "slug": "x-1",
                "language": "en",
                "preview": "1",
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == 200
        assert 'class="invalid-feedback' in response.get_data(as_text=True)


def test_preview_without_a_file_asks_for_one(client, auth, users):
    auth.login("staff@example.org")
    page = client.post(
        "/staff/consultations/import",
        data={
            "slug": "x-1",
            "language": "en",
            "preview": "1",
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "Choose a file to import." in page


def test_untranslated_paragraph_shows_the_original_with_a_notice(client, auth, users, db):
    consultation = make_consultation(
        texts={
            "1": {"en": "First.", "fr": "Premier."},
            "2": {"en": "Second."},
            "3": {"en": "Third."},
        }
    )
    page = client.get(
        f"/consultations/{consultation.slug}", headers={"Accept-Language": "fr"}
    ).get_data(as_text=True)
    assert "Premier." in page
    assert "Pas encore traduit" in page or "Not yet translated" in page
    assert '<div lang="en"><p>Second.</p></div>' in page


def test_side_by_side_translation_is_saved(client, auth, users, db):
    consultation = make_consultation()
    paragraph = consultation.current_version.paragraphs[0]
    auth.login("staff@example.org")
    response = client.post(
        f"/staff/consultations/{consultation.slug}/translate/es",
        data={
            f"paragraph-{paragraph.id}": "Primer párrafo.",
        },
    )
    assert response.status_code == 302
    db.session.refresh(paragraph)
    assert paragraph.text == {"en": "First paragraph.", "es": "Primer párrafo."}


def test_translated_file_is_aligned_by_paragraph_number(client, auth, users, db):
    consultation = make_consultation()
    auth.login("staff@example.org")
    translated = "Un\n\n3. Troisième.\n\n1. Premier.\n\n9. De trop.\n"
    client.post(
        f"/staff/consultations/{consultation.slug}/translation-file",
        data={
            "file": upload(translated),
            "language": "fr",
            "title": "Projet",
        },
        content_type="multipart/form-data",
    )
    texts = {p.number: p.text.get("fr") for p in consultation.current_version.paragraphs}
    assert texts == {"1": "Premier.", "2": None, "3": "Troisième."}
    assert consultation.title["fr"] == "Projet"


def test_questions_of_every_kind(client, auth, users, db):
    consultation = make_consultation(status="draft")
    auth.login("staff@example.org")
    response = client.post(
        f"/staff/consultations/{consultation.slug}/questions/new",
        data={
            "kind": "multiple",
            "prompt_en": "Which themes?",
            "prompt_fr": "Quels thèmes ?",
            "options_en": "Peace\nCulture\nWork",
            "options_fr": "Paix\nCulture\nTravail",
            "required": "y",
        },
    )
    assert response.status_code == 302
    question = consultation.questions[-1]
    assert question.kind == "multiple" and question.required
    assert question.options[2] == {"en": "Work", "fr": "Travail"}

    one_option = client.post(
        f"/staff/consultations/{consultation.slug}/questions/new",
        data={
            "kind": "single",
            "prompt_en": "Yes?",
            "options_en": "Yes",
        },
    ).get_data(as_text=True)
    assert "at least two options" in one_option
    assert "Yes?" in one_option  # what was typed is still there


def test_open_then_close_then_archive(client, auth, users, db):
    consultation = make_consultation(status="draft")
    auth.login("staff@example.org")
    deadline = (utcnow() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    path = f"/staff/consultations/{consultation.slug}/open"
    asked = client.post(path, data={"closes_at": deadline}).get_data(as_text=True)
    # Only English exists: opening asks first, naming what is missing.
    assert "Open the consultation with paragraphs not translated?" in asked
    assert "French: paragraphs 1, 2, 3 have no text." in asked
    assert consultation.phase() == "draft"
    client.post(path, data={"closes_at": deadline, "confirmed": "yes"})
    assert consultation.phase() == "open"
    assert consultation.current_version.published_at is not None
    asked = client.post(f"/staff/consultations/{consultation.slug}/close")
    assert "Close the consultation now" in asked.get_data(as_text=True)
    assert consultation.status == "open"  # nothing happens before the yes
    client.post(f"/staff/consultations/{consultation.slug}/close", data={"confirmed": "yes"})
    assert consultation.phase() == "closed"
    client.post(f"/staff/consultations/{consultation.slug}/archive", data={"confirmed": "yes"})
    assert consultation.phase() == "archived"


def test_deadline_in_the_past_is_refused_with_the_dates_kept(client, auth, users, db):
    consultation = make_consultation(status="draft")
    auth.login("staff@example.org")
    page = client.post(
        f"/staff/consultations/{consultation.slug}/open", data={"closes_at": "2020-01-01T10:00"}
    ).get_data(as_text=True)
    assert "The deadline must be in the future" in page
    assert 'value="2020-01-01T10:00"' in page
    assert consultation.status == "draft"


def test_scheduled_opening_is_upcoming_until_its_date(client, auth, users, db):
    consultation = make_consultation(status="draft")
    auth.login("staff@example.org")
    opens = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    closes = (utcnow() + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        f"/staff/consultations/{consultation.slug}/open",
        data={"opens_at": opens, "closes_at": closes, "confirmed": "yes"},
    )
    assert consultation.phase() == "upcoming"
    assert consultation.phase(now=utcnow() + timedelta(days=3)) == "open"
    assert consultation.phase(now=utcnow() + timedelta(days=10)) == "closed"


def test_new_version_keeps_the_earlier_one_and_unchanged_translations(client, auth, users, db):
    consultation = make_consultation(
        texts={
            "1": {"en": "First.", "fr": "Premier."},
            "2": {"en": "Second.", "fr": "Deuxième."},
            "3": {"en": "Third."},
        }
    )
    auth.login("staff@example.org")
    new_text = "One\n\n1. First.\n\n2. Second, amended.\n\nTwo\n\n3. Third.\n"
    response = client.post(
        f"/staff/consultations/{consultation.slug}/versions/new",
        data={
            "file": upload(new_text),
            "change_note": "Paragraph 2 amended",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.refresh(consultation)
    first, second = consultation.versions
    assert second.number == 2 and second.published_at is not None
    assert [p.text for p in first.paragraphs][1] == {"en": "Second.", "fr": "Deuxième."}
    texts = {p.number: p.text for p in second.paragraphs}
    assert texts["1"] == {"en": "First.", "fr": "Premier."}
    assert texts["2"] == {"en": "Second, amended."}
    page = client.get(f"/consultations/{consultation.slug}?version=1").get_data(as_text=True)
    assert "Second." in page and "Version 1" in page


def test_organisations_are_created_and_edited(client, auth, users, db):
    auth.login("staff@example.org")
    response = client.post(
        "/staff/organisations/new",
        data={
            "name": "ACCORD",
            "kind": "ngo",
            "region": "africa",
            "country": "ZA",
        },
    )
    assert response.status_code == 302
    page = client.get("/staff/organisations").get_data(as_text=True)
    assert "ACCORD" in page and "South Africa" in page
    duplicate = client.post(
        "/staff/organisations/new",
        data={
            "name": "accord",
            "kind": "ngo",
            "region": "africa",
            "country": "ZA",
        },
    ).get_data(as_text=True)
    assert "already exists" in duplicate


def test_admin_changes_a_role_and_staff_cannot(client, auth, users, organisation, db):
    auth.login("staff@example.org")
    client.post(
        f"/staff/users/{users['visitor'].id}/role", data={"role": "council", "organisation_id": 0}
    )
    assert users["visitor"].role == "visitor"
    auth.logout()
    auth.login("admin@example.org")
    client.post(
        f"/staff/users/{users['visitor'].id}/role",
        data={"role": "partner", "organisation_id": organisation.id},
    )
    db.session.refresh(users["visitor"])
    assert users["visitor"].role == "partner"
    assert users["visitor"].organisation_id == organisation.id
