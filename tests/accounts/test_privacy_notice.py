"""The privacy notice: administrators publish versions; each person accepts the one in force."""

import sqlalchemy as sa

from app.models import AuditEvent, User
from app.services.accounts import privacy

HTML = {"Accept": "text/html,application/xhtml+xml"}
TEXTS = {
    "en": "We keep your name and email to run the consultations.",
    "fr": "Nous conservons vos nom et adresse pour mener les consultations.",
    "es": "Conservamos su nombre y correo para llevar a cabo las consultas.",
}


def publish(client, auth, texts=TEXTS):
    auth.login("admin@example.org")
    response = client.post("/staff/privacy", data={f"text_{k}": v for k, v in texts.items()})
    auth.logout()
    return response


def test_nobody_is_asked_before_a_notice_is_published(client, auth, users):
    auth.login("partner@unicef.example.org")
    assert client.get("/account/", headers=HTML).status_code == 200


def test_an_administrator_publishes_and_a_person_accepts_at_sign_in(client, auth, users, db):
    page = client.get("/staff/privacy")  # signed out: sent to sign in
    assert page.status_code == 302
    auth.login("admin@example.org")
    draft = client.get("/staff/privacy", headers=HTML).get_data(as_text=True)
    assert privacy.FIRST_DRAFT["fr"][:40] in draft  # a first draft to start from
    auth.logout()
    assert publish(client, auth).status_code == 302
    partner = users["partner"]

    auth.login(partner.email)
    client.post("/language", data={"lang": "fr"})  # she reads the site in French
    asked = client.get("/account/", headers=HTML)

    assert asked.status_code == 302 and "/account/privacy" in asked.headers["Location"]
    notice = client.get(asked.headers["Location"], headers=HTML).get_data(as_text=True)
    assert TEXTS["fr"] in notice and TEXTS["en"] not in notice
    done = client.post("/account/privacy", data={"version": "1", "next": "/account/"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/account/")
    assert client.get("/account/", headers=HTML).status_code == 200
    person = db.session.get(User, partner.id)
    assert person.privacy_version == 1 and person.privacy_accepted_at is not None
    actions = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action.like("privacy.%")).order_by(AuditEvent.id)
    ).all()
    assert [(a.action, a.details["version"]) for a in actions] == [
        ("privacy.published", 1),
        ("privacy.accepted", 1),
    ]


def test_a_new_version_asks_again_and_an_old_one_cannot_be_accepted(client, auth, users, db):
    publish(client, auth)
    auth.login("partner@unicef.example.org")
    client.post("/account/privacy", data={"version": "1"})
    auth.logout()
    publish(client, auth, {**TEXTS, "en": "We now also keep your time zone."})
    auth.login("partner@unicef.example.org")

    asked = client.get("/account/", headers=HTML)
    notice = client.get(asked.headers["Location"], headers=HTML).get_data(as_text=True)

    assert "We now also keep your time zone." in notice
    assert "The notice changed since you accepted it." in notice
    client.post("/account/privacy", data={"version": "1"})  # the page read before the change
    assert db.session.get(User, users["partner"].id).privacy_version == 1
    client.post("/account/privacy", data={"version": "2"})
    assert db.session.get(User, users["partner"].id).privacy_version == 2


def test_a_form_sent_while_the_notice_waits_still_goes_through(client, auth, users, db):
    publish(client, auth)
    auth.login("partner@unicef.example.org")

    response = client.post("/account/", data={"locale": "es", "timezone": "UTC"}, headers=HTML)

    assert "/account/privacy" not in response.headers.get("Location", "")
    assert db.session.get(User, users["partner"].id).locale == "es"


def test_a_version_missing_a_language_is_refused_with_the_texts_kept(client, auth, users, db):
    auth.login("admin@example.org")
    response = client.post(
        "/staff/privacy", data={"text_en": "Kept text", "text_fr": "Texte", "text_es": " "}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Write the notice in this language too." in page and "Kept text</textarea>" in page
    assert privacy.current() is None


def test_only_administrators_publish(client, auth, users, db):
    auth.login("staff@example.org")
    assert client.get("/staff/privacy").status_code == 403
    assert (
        client.post("/staff/privacy", data={f"text_{k}": v for k, v in TEXTS.items()}).status_code
        == 403
    )
    assert privacy.current() is None


def test_the_notice_in_force_is_public(client, auth, users):
    publish(client, auth)
    page = client.get("/privacy").get_data(as_text=True)
    assert TEXTS["en"] in page and "Version 1" in page
