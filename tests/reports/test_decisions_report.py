"""“You said, we did”: the Council's decisions published to partners, as a page, a PDF and mail."""

from io import BytesIO

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app import extensions
from app.models import AuditEvent, Organisation
from app.services.errors import Conflict
from app.services.feedback import saving as feedback
from app.services.feedback import submissions
from app.services.feedback.saving import ParagraphInput
from app.services.reports import decisions
from app.services.synthesis import review, runs
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
    "2": {
        "fr": "Les gouvernements locaux mènent la diplomatie des villes en temps de crise.",
        "en": "Local governments lead city diplomacy in times of crisis.",
    },
    "3": {
        "fr": "Chaque ville devrait garantir un travail décent pour tous.",
        "en": "Every city should guarantee decent work for all.",
    },
}
ARABIC_ORGANISATION = "منظمة المدن العربية"
ACCENTED_ORGANISATION = "Cités et Gouvernements Locaux Unis"
MUST = "Chaque ville doit garantir un travail décent pour tous."
REGIONAL = (
    "Les gouvernements locaux et régionaux mènent la diplomatie des villes "
    "en temps de crise et de paix."
)
UNDECIDED = "Les gouvernements locaux mènent la diplomatie des villes avec les Nations unies."
HEBREW_REASON = "ההצעה מחזקת את המחויבות לעבודה הוגנת"
FRENCH_REASON = "Nous retenons « régionaux » ; la paix relève d'un autre paragraphe."


def member_of(db, organisation, email: str, locale: str | None = None):
    member = make_user(db, email, "partner", organisation, name=f"Member of {organisation.name}")
    member.locale = locale
    db.session.commit()
    return member


def submit(consultation, member, items):
    """`member` saves `items` (number, stance, amendment) for their organisation and submits."""
    invite_organisations(extensions.db, consultation, member.organisation)
    by_number = {p.number: p for p in consultation.current_version.paragraphs}
    inputs = [
        ParagraphInput(by_number[n].id, stance, "", amendment, "fr")
        for n, stance, amendment in items
    ]
    saved = feedback.save_paragraphs(member, consultation, inputs, 0)
    answered = feedback.save_answers(
        member, consultation, {consultation.questions[0].id: "4"}, "", saved.submission.lock_version
    )
    # Published by name: the public reads a synthesis only when every organisation allowed it.
    submissions.submit(member, consultation, answered.submission.lock_version, publication="named")
    return member


def decide(synthesis, council, number: str, amendment: str, decision: str, reason: str) -> None:
    paragraph = review.paragraph_of(synthesis, number)
    [group] = [g for g in paragraph.amendment_groups if amendment in g.text]
    review.decide(council, synthesis, paragraph, group.key, decision, reason)


@pytest.fixture
def world(db, users, organisation):
    """Four organisations submitted; a real synthesis released to the Council; two decisions."""
    consultation = make_consultation(language="fr", texts=TEXTS)
    consultation.title = {
        "fr": "Pacte pour l'Avenir : droits culturels",
        "en": "Pact for the Future: cultural rights",
    }
    fao = db.session.scalar(sa.select(Organisation).where(Organisation.name == "FAO"))
    arab = Organisation(name=ARABIC_ORGANISATION, kind="lrg_network", region="middle_east")
    cglu = Organisation(name=ACCENTED_ORGANISATION, kind="lrg_network", region="europe")
    silent = Organisation(name="ACCORD", kind="ngo", region="africa")
    db.session.add_all([arab, cglu, silent])
    db.session.commit()
    members = {
        "unicef": users["partner"],
        "arab": member_of(db, arab, "b@arab.example.org", "fr"),
        "cglu": member_of(db, cglu, "c@cglu.example.org"),
        "fao": member_of(db, fao, "d@fao.example.org", "es"),
    }
    submit(consultation, members["unicef"], [("3", "amend", MUST)])
    submit(consultation, members["arab"], [("3", "amend", MUST)])
    submit(consultation, members["cglu"], [("2", "amend", REGIONAL)])
    submit(consultation, members["fao"], [("2", "amend", UNDECIDED)])
    other_partner = make_user(db, "partner@accord.example.org", "partner", silent)
    synthesis = runs.request_synthesis(users["staff"], consultation)
    db.session.refresh(synthesis)
    assert synthesis.status == "done", synthesis.error
    runs.release(users["staff"], synthesis, "council")
    decide(synthesis, users["council"], "3", MUST, "accept", HEBREW_REASON)
    decide(synthesis, users["council"], "2", REGIONAL, "partial", FRENCH_REASON)
    return {
        "consultation": consultation,
        "synthesis": synthesis,
        "members": members,
        "other_partner": other_partner,
    }


def readers(users, world) -> dict:
    return {
        "anonymous": None,
        "visitor": users["visitor"],
        "partner": users["partner"],
        "other partner": world["other_partner"],
        "council": users["council"],
        "staff": users["staff"],
    }


def signed_in(app, people: dict) -> dict:
    """One client per reader, each signed in once (sign-in attempts are rate limited)."""
    clients = {}
    for role, user in people.items():
        clients[role] = app.test_client()
        if user is not None:
            AuthActions(clients[role]).login(user.email)
    return clients


def statuses(clients: dict, path: str) -> dict[str, int]:
    return {role: client.get(path).status_code for role, client in clients.items()}


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def publish_path(world, action: str = "publish") -> str:
    slug = world["consultation"].slug
    return f"/staff/consultations/{slug}/syntheses/1/decisions/{action}"


def test_the_report_lists_only_decided_wordings_with_who_proposed_them(app, world):
    report = decisions.you_said_we_did(world["synthesis"], "en")
    assert report.counts == {"accept": 1, "partial": 1, "reject": 0}
    assert report.total == 2
    assert [s.heading.text for s in report.sections] == ["One", "Two"]
    [[p2], [p3]] = [s.paragraphs for s in report.sections]
    assert (p2.number, p2.text.text, p2.text.is_fallback) == ("2", TEXTS["2"]["en"], False)
    [regional] = p2.groups
    assert regional.text == REGIONAL and regional.organisations == [ACCENTED_ORGANISATION]
    assert (regional.decision, regional.outcome, regional.reason) == (
        "partial",
        "Accepted in part",
        FRENCH_REASON,
    )
    assert any(op == "ins" and "régionaux" in text for op, text in regional.diff)
    [must] = p3.groups
    assert must.organisations == sorted(["UNICEF", ARABIC_ORGANISATION])
    assert must.reason == HEBREW_REASON and must.decided_at is not None
    assert UNDECIDED not in str(report)


def test_a_language_without_a_translation_falls_back_to_the_original(app, world):
    report = decisions.you_said_we_did(world["synthesis"], "es")
    paragraph = report.sections[0].paragraphs[0]
    assert paragraph.text.text == TEXTS["2"]["fr"]
    assert paragraph.text.is_fallback and paragraph.text.language == "fr"


def test_who_reads_the_decisions_before_and_after_publishing(app, users, world, db):
    slug = world["consultation"].slug
    clients = signed_in(app, readers(users, world))
    hidden = {role: 404 for role in clients} | {"council": 200, "staff": 200}
    for path in (f"/consultations/{slug}/decisions/1", f"/consultations/{slug}/decisions/1.pdf"):
        assert statuses(clients, path) == hidden, path

    decisions.publish(users["staff"], world["synthesis"])
    partners_too = {role: 200 for role in clients} | {"anonymous": 404, "visitor": 404}
    for path in (
        f"/consultations/{slug}/decisions",
        f"/consultations/{slug}/decisions/1",
        f"/consultations/{slug}/decisions/1.pdf",
    ):
        assert statuses(clients, path) == partners_too, path

    # Visitors read it once the synthesis it reports on is public too.
    runs.release(users["staff"], world["synthesis"], "public")
    everyone = {role: 200 for role in clients}
    for path in (f"/consultations/{slug}/decisions", f"/consultations/{slug}/decisions/1.pdf"):
        assert statuses(clients, path) == everyone, path

    decisions.unpublish(users["staff"], world["synthesis"])
    assert statuses(clients, f"/consultations/{slug}/decisions/1") == hidden
    assert statuses(clients, f"/consultations/{slug}/decisions") == {role: 404 for role in clients}


def test_taking_the_synthesis_back_takes_its_published_decisions_back(app, users, world, db):
    slug = world["consultation"].slug
    clients = signed_in(app, readers(users, world))
    decisions.publish(users["staff"], world["synthesis"])
    runs.release(users["staff"], world["synthesis"], "")
    staff_only = {role: 404 for role in clients} | {"staff": 200}
    assert statuses(clients, f"/consultations/{slug}/decisions/1") == staff_only
    with pytest.raises(Conflict, match="Release synthesis 1 first"):
        decisions.publish(users["staff"], world["synthesis"])


def test_staff_publish_and_every_member_of_a_submitting_organisation_is_emailed(
    client, auth, users, world, db, sent_mail
):
    before = len(sent_mail())
    auth.login(users["staff"].email)
    response = client.post(publish_path(world), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The decisions on synthesis 1 are published; 4 people were emailed." in page
    assert "Withdraw from partners" in page
    db.session.refresh(world["synthesis"])
    assert world["synthesis"].decisions_published_at is not None

    mails = sent_mail()[before:]
    by_recipient = {m["To"]: m for m in mails}
    members = world["members"]
    assert sorted(by_recipient) == sorted(m.email for m in members.values())
    assert world["other_partner"].email not in by_recipient
    # Each in the member's language: the title follows their locale, French or English.
    assert (
        "Pact for the Future: cultural rights" in by_recipient[members["unicef"].email]["Subject"]
    )
    assert "Pacte pour l'Avenir" in by_recipient[members["arab"].email]["Subject"]
    # Spanish has no title: the original stands in.
    assert "Pacte pour l'Avenir" in by_recipient[members["fao"].email]["Subject"]
    body = by_recipient[members["cglu"].email].get_body(("plain",)).get_content()
    assert f"/consultations/{world['consultation'].slug}/decisions" in body
    assert f"Hello Member of {ACCENTED_ORGANISATION}," in body

    # Publishing again tells nobody twice.
    client.post(publish_path(world))
    assert len(sent_mail()) == before + len(members)
    [event] = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "decisions.published")
    ).all()
    assert event.actor_id == users["staff"].id and event.details["decisions"] == 2


def test_staff_withdraw_the_decisions_and_it_is_audited(client, auth, users, world, db):
    decisions.publish(users["staff"], world["synthesis"])
    auth.login(users["staff"].email)
    page = client.post(publish_path(world, "unpublish"), follow_redirects=True).get_data(
        as_text=True
    )
    assert "The decisions on synthesis 1 are withdrawn." in page
    assert "Publish to partners" in page
    db.session.refresh(world["synthesis"])
    assert world["synthesis"].decisions_published_at is None
    actions = db.session.scalars(
        sa.select(AuditEvent.action)
        .where(AuditEvent.action.startswith("decisions."))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["decisions.published", "decisions.unpublished"]


def test_publishing_without_any_decision_is_refused_with_the_reason(
    client, auth, users, db, organisation, sent_mail
):
    consultation = make_consultation(language="fr", texts=TEXTS)
    submit(consultation, users["partner"], [("3", "amend", MUST)])
    synthesis = runs.request_synthesis(users["staff"], consultation)
    before = len(sent_mail())
    auth.login(users["staff"].email)
    path = f"/staff/consultations/{consultation.slug}/syntheses/1/decisions/publish"
    page = client.post(path, follow_redirects=True).get_data(as_text=True)
    assert (
        "The Council has not decided on any proposed wording of synthesis 1 yet: "
        "there is nothing to publish."
    ) in page
    assert "No decision yet" in page and "Publish to partners" not in page
    db.session.refresh(synthesis)
    assert synthesis.decisions_published_at is None
    assert len(sent_mail()) == before


@pytest.mark.parametrize("role", ["partner", "council", "visitor"])
def test_only_staff_publish(client, auth, users, world, db, role):
    auth.login(users[role].email)
    assert client.post(publish_path(world)).status_code == 403
    db.session.refresh(world["synthesis"])
    assert world["synthesis"].decisions_published_at is None


def test_the_pdf_holds_every_decision_with_accented_and_right_to_left_text(
    client, auth, users, world
):
    decisions.publish(users["staff"], world["synthesis"])
    auth.login(users["partner"].email)
    response = client.get(f"/consultations/{world['consultation'].slug}/decisions/1.pdf")
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(BytesIO(response.data))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    text = pdf_text(response.data)
    assert "You said, we did" in text
    assert "Pact for the Future: cultural rights" in text
    assert TEXTS["3"]["en"] in text
    for expected in (
        MUST,
        REGIONAL,
        printed(ARABIC_ORGANISATION),
        ACCENTED_ORGANISATION,
        printed(HEBREW_REASON),
        FRENCH_REASON,
        "Wording 1: Accepted",
        "Accepted in part",
    ):
        assert expected in " ".join(text.split()), expected
    assert "Nations unies" not in text and "FAO" not in text


def test_the_page_shows_the_report_and_links_to_its_pdf(client, auth, users, world):
    decisions.publish(users["staff"], world["synthesis"])
    slug = world["consultation"].slug
    auth.login(world["other_partner"].email)
    page = client.get(f"/consultations/{slug}/decisions").get_data(as_text=True)
    assert "<h1>You said, we did</h1>" in page
    assert f'href="/consultations/{slug}/decisions/1.pdf"' in page
    assert ARABIC_ORGANISATION in page and HEBREW_REASON in page
    assert "Accepted in part" in page and "Nations unies" not in page
    assert "Not published" not in page
    # The Council's French reason says its language, told from its words, on an English page.
    assert '<div class="user-text" dir="auto" lang="fr"><p>Nous retenons' in page


def test_staff_preview_the_report_before_publishing(client, auth, users, world):
    auth.login(users["staff"].email)
    listing = client.get(f"/staff/consultations/{world['consultation'].slug}/syntheses")
    page = listing.get_data(as_text=True)
    assert "2 decisions of the Council" in page and "Publish to partners" in page
    preview = client.get(f"/consultations/{world['consultation'].slug}/decisions/1")
    assert "Not published: only the secretariat and the Council" in preview.get_data(as_text=True)


def test_partner_home_and_public_page_link_to_the_report_once_published(client, auth, users, world):
    slug = world["consultation"].slug
    link = f'href="/consultations/{slug}/decisions"'
    auth.login(users["partner"].email)
    assert link not in client.get("/my-consultations").get_data(as_text=True)
    assert link not in client.get(f"/consultations/{slug}").get_data(as_text=True)
    decisions.publish(users["staff"], world["synthesis"])
    assert link in client.get("/my-consultations").get_data(as_text=True)
    assert link in client.get(f"/consultations/{slug}").get_data(as_text=True)
    auth.logout()
    assert link not in client.get(f"/consultations/{slug}").get_data(as_text=True)
    runs.release(users["staff"], world["synthesis"], "public")
    assert link in client.get(f"/consultations/{slug}").get_data(as_text=True)


def test_the_reports_first_page_is_laid_out(client, auth, users, world, monkeypatch):
    decisions.publish(users["staff"], world["synthesis"])
    auth.login(users["partner"].email)
    pages = Pages(count=1).install(monkeypatch)
    response = client.get(f"/consultations/{world['consultation'].slug}/decisions/1.pdf")
    assert response.status_code == 200
    assert len(pages.images) == 1
    assert_laid_out(pages.images[0])


def test_the_pdf_reads_each_wording_and_reason_in_the_language_it_was_written_in(app, world):
    with app.test_request_context():
        pdf = decisions.write_pdf(world["synthesis"], "en")
    # French wordings and reason inside an English report; the reason's language is not
    # recorded, so it is told from its words.
    assert pdf_languages.language_of(pdf, MUST) == {"fr"}
    assert pdf_languages.language_of(pdf, FRENCH_REASON) == {"fr"}
    assert pdf_languages.language_of(pdf, "You said, we did") == {"en"}
