"""Signing in and out, invitations, resets, throttling and server-side session ends."""

import re
from datetime import timedelta

import sqlalchemy as sa

from app.models import AccountToken, AuditEvent, User
from app.models.common import utcnow
from tests.conftest import PASSWORD, AuthActions


def link_in(email) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", email.get_body(("plain",)).get_content()).group(1)


def test_staff_signs_in_and_sees_the_secretariat(client, auth, users):
    response = auth.login("staff@example.org")
    assert response.status_code == 302
    page = client.get("/staff/").get_data(as_text=True)
    assert "Import a draft" in page


def test_wrong_password_keeps_the_email_and_says_so(client, users):
    response = client.post("/login", data={"email": "staff@example.org", "password": "nope"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Email or password is incorrect." in page
    assert 'value="staff@example.org"' in page


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client, users):
    page = client.post("/login", data={"email": "nobody@example.org", "password": PASSWORD})
    assert "Email or password is incorrect." in page.get_data(as_text=True)


def test_sign_in_attempts_are_throttled(client, app, users):
    statuses = [
        client.post("/login", data={"email": "staff@example.org", "password": "x"}).status_code
        for _ in range(12)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[-1] == 429


def test_sign_out_ends_the_session_on_the_server(client, auth, users, app):
    auth.login("staff@example.org")
    with client.session_transaction() as session:
        stolen_cookie = dict(session)
    auth.logout()
    # Replaying the cookie copied before sign-out no longer opens a session.
    with client.session_transaction() as session:
        session.update(stolen_cookie)
    assert client.get("/staff/").headers["Location"].startswith("/login")


def test_disabling_an_account_ends_its_sessions(client, auth, users, app, db):
    auth.login("staff@example.org")
    assert client.get("/staff/").status_code == 200
    other = app.test_client()
    AuthActions(other).login("admin@example.org")
    other.post(f"/staff/users/{users['staff'].id}/disable")
    assert client.get("/staff/").status_code == 302
    assert auth.login("staff@example.org").status_code == 200  # refused: form shown again


def test_session_cookie_is_httponly_and_lax(client, users):
    response = client.post("/login", data={"email": "staff@example.org", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_invitation_lets_a_partner_choose_a_password_once(
    client, auth, users, organisation, sent_mail, db
):
    auth.login("staff@example.org")
    response = client.post(
        "/staff/users/invite",
        data={
            "email": "New.Person@Unicef.example.org",
            "name": "Ana Souza",
            "role": "partner",
            "organisation_id": organisation.id,
        },
    )
    assert response.status_code == 302
    auth.logout()
    [email] = sent_mail()
    assert email["To"] == "new.person@unicef.example.org"
    link = link_in(email)
    assert client.get(link).status_code == 200

    weak = client.post(link, data={"password": "ana-souza-2026-xx", "confirm": "ana-souza-2026-xx"})
    assert "must not contain your name" in weak.get_data(as_text=True)
    strong = "marble cactus lantern orbit"
    assert client.post(link, data={"password": strong, "confirm": strong}).status_code == 302
    assert client.get(link).status_code == 404  # single use
    assert auth.login("new.person@unicef.example.org", strong).status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "new.person@unicef.example.org"))
    assert user.organisation_id == organisation.id and user.role == "partner"


def test_invitation_expires_after_seven_days(client, auth, users, organisation, sent_mail, db):
    auth.login("staff@example.org")
    client.post(
        "/staff/users/invite",
        data={
            "email": "late@example.org",
            "name": "Late Comer",
            "role": "council",
            "organisation_id": 0,
        },
    )
    auth.logout()
    token = db.session.scalar(sa.select(AccountToken))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.get(link_in(sent_mail()[0]))
    assert response.status_code == 404
    assert "expired" in response.get_data(as_text=True)


def test_staff_cannot_invite_an_administrator(client, auth, users):
    auth.login("staff@example.org")
    response = client.post(
        "/staff/users/invite",
        data={
            "email": "boss@example.org",
            "name": "Big Boss",
            "role": "admin",
            "organisation_id": 0,
        },
    )
    assert "You do not have permission" in response.get_data(as_text=True)


def test_password_rules(app):
    from app.services.accounts.passwords import check_password_rules
    from app.services.errors import DomainError

    def refused(password, **who):
        try:
            check_password_rules(password, **who)
        except DomainError:
            return True
        return False

    assert refused("short-pass1")  # 11 characters
    assert refused("x" * 129 + "abc")
    assert refused("passwordpassword")  # common
    assert refused("iloveyou123456")  # common with padding
    assert refused("grace-mwangi-writes", name="Grace Mwangi")
    assert refused("my-unicef-password-x", organisation="UNICEF")
    assert refused("gmwangi-at-work-2026", email="gmwangi@unicef.org")
    assert not refused("marble cactus lantern orbit", name="Grace Mwangi", organisation="UNICEF")
    assert not refused("é" * 6 + "ü" * 6 + "ñ")  # any character is allowed, no composition rules


def test_password_reset_by_emailed_link(client, auth, users, sent_mail, db):
    response = client.post("/reset", data={"email": "council@example.org"})
    assert response.status_code == 302
    client.post("/reset", data={"email": "nobody@example.org"})  # same answer, no email
    [email] = sent_mail()
    link = link_in(email)
    new = "harbour violet compass tide"
    assert client.post(link, data={"password": new, "confirm": new}).status_code == 302
    assert auth.login("council@example.org", PASSWORD).status_code == 200
    assert auth.login("council@example.org", new).status_code == 302
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"auth.reset_requested", "auth.reset_completed", "auth.login"} <= actions


def test_reset_email_is_written_in_the_users_language(client, users, sent_mail, db):
    users["council"].locale = "fr"
    db.session.commit()
    client.post("/reset", data={"email": "council@example.org"})
    [email] = sent_mail()
    assert "Bonjour" in email.get_body(("plain",)).get_content()


def test_passwords_are_stored_with_argon2(users):
    assert users["staff"].password_hash.startswith("$argon2id$")


def test_every_form_has_a_csrf_token(app, users):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    response = client.post("/login", data={"email": "staff@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)


def test_behind_a_proxy_the_clients_address_is_recorded(app, users, db):
    from werkzeug.middleware.proxy_fix import ProxyFix

    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)
    app.test_client().post(
        "/login",
        data={"email": "council@example.org", "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.7"},
    )
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "auth.login"))
    assert event.ip == "203.0.113.7"


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    import pytest

    from app import create_app

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(
            "production",
            SECRET_KEY=None,
            INSTANCE_DIR=tmp_path,
            BASE_URL="https://agora.example.org",
        )
