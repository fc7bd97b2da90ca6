"""An organisation's submission as a PDF: content read back with pypdf, and who may download it."""

from datetime import UTC, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader

from app.models import Organisation, Question
from app.services.feedback import saving as feedback
from app.services.feedback import submissions
from app.services.feedback.saving import ParagraphInput
from tests import pdf_languages
from tests.conftest import AuthActions, invite_organisations, make_user
from tests.helpers import make_consultation
from tests.reports.test_synthesis_report import printed
from tests.reports_png import Pages, assert_laid_out

TEXTS = {
    "1": {
        "fr": "La culture est le quatrième pilier du développement durable.",
        "en": "Culture is the fourth pillar of sustainable development.",
    },
    "2": {"fr": "Les gouvernements locaux mènent la diplomatie des villes."},
    "3": {
        "fr": "Chaque ville devrait garantir un travail décent pour tous.",
        "en": "Every city should guarantee decent work for all.",
    },
}
ORGANISATION = "جمعية المدن المتحدة"
HEBREW_COMMENT = "אנחנו תומכים בפסקה הזאת"
FRENCH_COMMENT = "Trop vague pour les zones rurales, à préciser."
AMENDMENT = "Chaque ville doit garantir un travail décent pour toutes et tous."
ARABIC_GENERAL = "شكرا على هذه المشاورة"
SPANISH_ANSWER = "Más participación de las ciudades pequeñas."
SUBMITTED_AT = datetime(2026, 3, 5, 14, 30, tzinfo=UTC)


@pytest.fixture
def submitted(db, users):
    """An organisation with an Arabic name submitted feedback in three scripts."""
    consultation = make_consultation(language="fr", texts=TEXTS)
    consultation.title = {"fr": "Pacte pour l'Avenir", "en": "Pact for the Future"}
    consultation.questions.append(
        Question(position=2, kind="text", prompt={"fr": "Qu'ajouteriez-vous ?"})
    )
    organisation = Organisation(name=ORGANISATION, kind="lrg_network", region="middle_east")
    db.session.add(organisation)
    db.session.commit()
    invite_organisations(db, consultation, organisation)
    member = make_user(db, "amal@cities.example.org", "partner", organisation, name="Amal Haddad")
    member.locale, member.timezone = "fr", "Europe/Paris"
    db.session.commit()
    p1, p2, p3 = consultation.current_version.paragraphs
    saved = feedback.save_paragraphs(
        member,
        consultation,
        [
            ParagraphInput(p1.id, "support", HEBREW_COMMENT),
            ParagraphInput(p2.id, "oppose", FRENCH_COMMENT, "", "fr"),
            ParagraphInput(p3.id, "amend", "", AMENDMENT, "fr"),
        ],
        0,
    )
    scale, single, text = consultation.questions
    answered = feedback.save_answers(
        member,
        consultation,
        {scale.id: "4", single.id: "1", text.id: SPANISH_ANSWER},
        ARABIC_GENERAL,
        saved.submission.lock_version,
    )
    submission = submissions.submit(member, consultation, answered.submission.lock_version)
    submission.submitted_at = SUBMITTED_AT
    db.session.commit()
    return {"consultation": consultation, "submission": submission, "member": member}


def pdf_path(submitted) -> str:
    slug = submitted["consultation"].slug
    return f"/consultations/{slug}/submissions/{submitted['submission'].id}/receipt.pdf"


def download(app, user, path: str):
    client = app.test_client()
    if user is not None:
        if user.locale:  # the person signs in in their own language
            client.post("/language", data={"lang": user.locale})
        AuthActions(client).login(user.email)
    return client.get(path)


def flat_text(data: bytes) -> str:
    pages = PdfReader(BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_member_downloads_the_submission_in_their_language_and_zone(app, submitted):
    response = download(app, submitted["member"], pdf_path(submitted))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(BytesIO(response.data))
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    text = flat_text(response.data)
    assert printed(ORGANISATION) in text
    assert "Pacte pour l'Avenir" in text
    # Submitted at 14:30 UTC: 15:30 in Paris, the date in French.
    assert "5 mars 2026, 15:30 (Europe/Paris)" in text
    assert "Amal Haddad" in text
    assert submissions.receipt_number(submitted["submission"]) in text
    for expected in (
        TEXTS["1"]["fr"],
        printed(HEBREW_COMMENT),
        FRENCH_COMMENT,
        AMENDMENT,
        printed(ARABIC_GENERAL),
        SPANISH_ANSWER,
        "Qu'ajouteriez-vous ?",
        "4 / 5",
    ):
        assert expected in text, expected


def test_an_english_reader_gets_the_english_draft_and_the_original_where_untranslated(
    app, users, submitted
):
    text = flat_text(download(app, users["staff"], pdf_path(submitted)).data)
    assert TEXTS["1"]["en"] in text and TEXTS["3"]["en"] in text
    # Paragraph 2 has no English text: the French original stands in, and says so.
    assert TEXTS["2"]["fr"] in text
    assert "Not yet translated: shown in the original language (French)." in text
    assert "March 5, 2026, 2:30" in text and "(UTC)" in text
    # The proposed wording is printed whole and as a word diff against the draft.
    assert text.count("toutes et tous") == 2


def test_who_may_download_a_submission(app, db, users, organisation, submitted):
    path = pdf_path(submitted)
    other = make_user(db, "someone@unicef.example.org", "partner", organisation)
    seen = {
        role: download(app, user, path).status_code
        for role, user in {
            "member": submitted["member"],
            "staff": users["staff"],
            "council": users["council"],
            "other organisation": other,
            "visitor": users["visitor"],
            "anonymous": None,
        }.items()
    }
    assert seen == {
        "member": 200,
        "staff": 200,
        "council": 200,
        "other organisation": 404,
        "visitor": 404,
        "anonymous": 302,
    }


def test_a_submission_is_not_found_under_another_consultation(app, users, submitted):
    other = make_consultation(slug="other-2026")
    path = f"/consultations/{other.slug}/submissions/{submitted['submission'].id}/receipt.pdf"
    assert download(app, users["staff"], path).status_code == 404
    missing = f"/consultations/{submitted['consultation'].slug}/submissions/999999/receipt.pdf"
    assert download(app, users["staff"], missing).status_code == 404


def test_the_receipt_and_submission_pages_link_to_the_pdf(app, users, submitted):
    slug = submitted["consultation"].slug
    link = f'href="{pdf_path(submitted)}"'
    member = app.test_client()
    AuthActions(member).login(submitted["member"].email)
    assert link in member.get(f"/consultations/{slug}/respond/receipt").get_data(as_text=True)
    staff = app.test_client()
    AuthActions(staff).login(users["staff"].email)
    page = staff.get(f"/consultations/{slug}/submissions/{submitted['submission'].id}")
    assert link in page.get_data(as_text=True)


def test_the_receipts_first_page_is_laid_out(app, submitted, monkeypatch):
    pages = Pages(count=1).install(monkeypatch)
    assert download(app, submitted["member"], pdf_path(submitted)).status_code == 200
    assert len(pages.images) == 1
    assert_laid_out(pages.images[0])


def test_each_text_the_organisation_wrote_is_read_in_its_own_language(app, users, submitted):
    pdf = download(app, users["staff"], pdf_path(submitted)).data
    # An English copy: the French comment and wording, the Spanish answer, each in its own.
    assert PdfReader(BytesIO(pdf)).trailer["/Root"]["/Lang"] == "en"
    assert pdf_languages.language_of(pdf, FRENCH_COMMENT) == {"fr"}
    assert pdf_languages.language_of(pdf, AMENDMENT) == {"fr"}
    assert pdf_languages.language_of(pdf, SPANISH_ANSWER) == {"es"}
    # The French draft stands in for its missing English translation, and says so.
    assert pdf_languages.language_of(pdf, TEXTS["2"]["fr"]) == {"fr"}
    assert pdf_languages.language_of(pdf, "Questions from the Council") == {"en"}
