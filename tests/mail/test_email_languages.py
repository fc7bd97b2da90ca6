"""Every kind of email reaches each person in the language they work in, read as sent."""

import pytest
import sqlalchemy as sa

from app.models import User
from app.services.accounts import signin
from app.services.errors import DomainError
from app.services.feedback import followup
from tests.conftest import PASSWORD, make_user
from tests.feedback.test_feedback_pages import section_form
from tests.helpers import make_consultation
from tests.mail.test_email_html import html_part
from tests.reports.test_decisions_report import world  # noqa: F401  (a fixture)

GREETING = {"en": "Hello Ana Souza,", "fr": "Bonjour Ana Souza,", "es": "Hola, Ana Souza:"}
SUBJECTS = {
    "invitation": {
        "en": "You are invited to Agora",
        "fr": "Invitation à rejoindre Agora",
        "es": "Invitación para unirse a Agora",
    },
    "password_reset": {
        "en": "Reset your Agora password",
        "fr": "Réinitialisation de votre mot de passe Agora",
        "es": "Restablezca su contraseña de Agora",
    },
    "receipt": {
        "en": "Your submission on “Draft culture-2026”",
        "fr": "Votre contribution sur «\u00a0Draft culture-2026\u00a0»",
        "es": "Su contribución sobre “Draft culture-2026”",
    },
    "reminder": {
        "en": "Reminder: the Policy Council awaits your feedback",
        "fr": "Rappel\u00a0: le Conseil politique attend votre contribution",
        "es": "Recordatorio: el Consejo Político espera sus observaciones",
    },
    "consultation_invitation": {
        "en": "Your organisation is invited to comment on a Policy Council draft",
        "fr": "Votre organisation est invitée à commenter un projet du Conseil politique",
        "es": "Su organización está invitada a comentar un borrador del Consejo Político",
    },
    "security_change": {
        "en": "A security change on your Agora account",
        "fr": "Modification de sécurité sur votre compte Agora",
        "es": "Cambio de seguridad en su cuenta de Agora",
    },
    "sign_in_locked": {
        "en": "Sign-in to your Agora account is paused",
        "fr": "La connexion à votre compte Agora est suspendue",
        "es": "El inicio de sesión en su cuenta de Agora está en pausa",
    },
}
LANGUAGES = ("en", "fr", "es")


@pytest.fixture
def ana(db, organisation):
    return make_user(db, "ana@unicef.example.org", "partner", organisation, name="Ana Souza")


def speaking(db, user: User, language: str) -> User:
    user.locale = language
    db.session.commit()
    return user


def send_invitation(client, auth, db, users, organisation, language):
    # A new account starts in the language its inviter signed in with.
    client.post("/language", data={"lang": language})
    auth.login(users["staff"].email)
    client.post(
        "/staff/users/invite",
        data={
            "email": "ana@unicef.example.org",
            "name": "Ana Souza",
            "role": "partner",
            "organisation_id": organisation.id,
        },
    )


def send_reset(client, db, ana, language):
    speaking(db, ana, language)
    client.post("/reset", data={"email": ana.email})


def send_receipt(client, auth, db, ana, organisation, language):
    from app.models import Submission

    consultation = make_consultation()
    followup.add_invitation(None, consultation, organisation.id)
    db.session.commit()
    client.post("/language", data={"lang": language})
    auth.login(ana.email)
    first = consultation.current_version.paragraphs[0]
    slug = consultation.slug
    client.post(
        f"/consultations/{slug}/respond/sections/0",
        data=section_form(consultation, **{f"stance-{first.id}": "support"}),
    )
    lock = db.session.scalar(sa.select(Submission.lock_version))
    client.post(
        f"/consultations/{slug}/respond/questions",
        data={"lock_version": str(lock), f"question-{consultation.questions[0].id}": "4"},
    )
    review = client.get(f"/consultations/{slug}/respond/review").get_data(as_text=True)
    lock = review.split('name="lock_version" type="hidden" value="')[1].split('"')[0]
    client.post(f"/consultations/{slug}/respond/submit", data={"lock_version": lock})


def send_consultation_invitation(client, auth, db, users, ana, organisation, language):
    speaking(db, ana, language)
    consultation = make_consultation()
    auth.login(users["staff"].email)
    client.post(
        f"/staff/consultations/{consultation.slug}/responses/invite",
        data={"organisation_id": [str(organisation.id)]},
    )
    return consultation


def send_reminder(client, auth, db, users, ana, organisation, language):
    consultation = send_consultation_invitation(
        client, auth, db, users, ana, organisation, language
    )
    client.post(f"/staff/consultations/{consultation.slug}/responses/remind")


def send_security_change(client, db, ana, language):
    from app.services.mail import outbox

    speaking(db, ana, language)
    message = signin.notify_security_change(ana, "password")
    db.session.commit()
    outbox.relay(message)


def send_lock_out(app, db, ana, language):
    speaking(db, ana, language)
    app.config["ACCOUNT_FAILURE_LIMIT"] = "2 per 15 minutes"
    for _ in range(2):
        with pytest.raises(DomainError):
            signin.authenticate(ana.email, "not-the-password", ip="192.0.2.1")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", sorted(SUBJECTS))
def test_each_email_is_written_in_the_recipients_language(
    app, client, auth, db, users, organisation, ana, sent_mail, kind, language
):
    if kind == "invitation":
        db.session.delete(ana)
        db.session.commit()
        send_invitation(client, auth, db, users, organisation, language)
    elif kind == "password_reset":
        send_reset(client, db, ana, language)
    elif kind == "receipt":
        send_receipt(client, auth, db, ana, organisation, language)
    elif kind == "consultation_invitation":
        send_consultation_invitation(client, auth, db, users, ana, organisation, language)
    elif kind == "reminder":
        send_reminder(client, auth, db, users, ana, organisation, language)
    elif kind == "security_change":
        send_security_change(client, db, ana, language)
    else:
        send_lock_out(app, db, ana, language)
    emails = [m for m in sent_mail() if m["To"] == "ana@unicef.example.org"]
    assert emails, f"no {kind} email was sent"
    email = emails[-1]
    assert email["Subject"] == SUBJECTS[kind][language]
    assert GREETING[language] in email.get_body(("plain",)).get_content()
    # Its HTML part: the same words and links, in a page that says its language.
    assert GREETING[language] in html_part(email, language)


def test_the_decisions_notice_reaches_each_member_in_their_language(
    client,
    auth,
    users,
    world,  # noqa: F811
    sent_mail,
):
    auth.login(users["staff"].email)
    slug = world["consultation"].slug
    client.post(f"/staff/consultations/{slug}/syntheses/1/decisions/publish")
    members = world["members"]
    by_recipient = {m["To"]: m for m in sent_mail()}
    greetings = {
        "unicef": "Hello Test Person,",
        "arab": "Bonjour Member of",
        "fao": "Hola, Member of FAO:",
    }
    languages = {"unicef": "en", "arab": "fr", "fao": "es"}
    for who, greeting in greetings.items():
        assert greeting in by_recipient[members[who].email].get_body(("plain",)).get_content()
        assert greeting in html_part(by_recipient[members[who].email], languages[who])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_language_of_the_sign_in_page_becomes_the_persons_language(client, db, ana, language):
    client.post("/language", data={"lang": language})
    client.post("/login", data={"email": ana.email, "password": PASSWORD})
    db.session.expire_all()
    assert db.session.scalar(sa.select(User.locale).where(User.id == ana.id)) == language


def test_the_language_an_invitation_is_accepted_in_becomes_the_persons_language(
    client, auth, db, users, organisation, sent_mail
):
    send_invitation(client, auth, db, users, organisation, "en")
    auth.logout()
    link = [
        w for w in sent_mail()[-1].get_body(("plain",)).get_content().split() if "/invitation/" in w
    ][0]
    path = "/invitation/" + link.split("/invitation/", 1)[1]
    client.post("/language", data={"lang": "es"})
    chosen = "una-contraseña-bastante-larga-2026"
    response = client.post(path, data={"password": chosen, "confirm": chosen})
    assert response.headers["Location"] == "/login"
    db.session.expire_all()
    new = db.session.scalar(sa.select(User).where(User.email == "ana@unicef.example.org"))
    assert new.locale == "es"
