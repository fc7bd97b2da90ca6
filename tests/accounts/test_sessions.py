"""Sessions bounded on the server, re-authentication, password change, sign-out everywhere."""

import re
import time

import sqlalchemy as sa

from app.models import AuditEvent
from app.services.accounts import tokens
from tests.conftest import PASSWORD, AuthActions, totp_code
from tests.helpers import make_consultation


def age_session(client, **seconds_ago) -> None:
    """Move the session's timestamps into the past, as if time had passed."""
    with client.session_transaction() as session:
        for key, seconds in seconds_ago.items():
            session[f"_{key}"] = time.time() - seconds


def test_a_session_ends_after_thirty_minutes_without_a_request(client, auth, users):
    auth.login("council@example.org")
    age_session(client, seen_at=29 * 60)
    assert client.get("/account/").status_code == 200  # still within the limit, and renewed
    age_session(client, seen_at=31 * 60)
    response = client.get("/account/")
    assert response.headers["Location"].startswith("/login")
    assert "Your session has ended" in client.get("/login").get_data(as_text=True)


def test_a_session_ends_twelve_hours_after_sign_in_even_when_in_use(client, auth, users):
    auth.login("council@example.org")
    age_session(client, signed_in_at=12 * 3600 + 60)
    assert client.get("/account/").headers["Location"].startswith("/login")


def test_the_limits_are_settings(client, auth, users, app):
    app.config["SESSION_IDLE_MINUTES"] = 5
    auth.login("council@example.org")
    age_session(client, seen_at=6 * 60)
    assert client.get("/account/").status_code == 302


def test_a_session_cookie_from_before_the_limits_is_refused(client, auth, users):
    auth.login("council@example.org")
    with client.session_transaction() as session:
        del session["_signed_in_at"]
    assert client.get("/account/").status_code == 302


def test_signing_in_renews_the_session_and_its_csrf_token(app, users):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    before = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        old_csrf = session["csrf_token"]
    response = client.post(
        "/login",
        data={"email": "council@example.org", "password": PASSWORD, "csrf_token": before},
    )
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != old_csrf
    # The token of the signed-out page no longer passes.
    refused = client.post(
        "/account/", data={"locale": "fr", "timezone": "UTC", "csrf_token": before}
    )
    assert refused.status_code == 400


def test_creating_a_token_asks_for_the_password_again_after_a_few_minutes(client, auth, users):
    auth.login("staff@example.org")
    age_session(client, confirmed_at=6 * 60)
    response = client.post(
        "/account/tokens",
        data={"name": "script", "days": 30},
        headers={"Referer": "http://localhost/account/"},
    )
    assert response.headers["Location"].startswith("/confirm?next=/account/")
    assert tokens.list_for(users["staff"]) == []

    wrong = client.post("/confirm?next=/account/", data={"password": "nope", "code": ""})
    assert "This password is not right." in wrong.get_data(as_text=True)
    no_code = client.post("/confirm?next=/account/", data={"password": PASSWORD, "code": ""})
    assert "This code is not right" in no_code.get_data(as_text=True)
    confirmed = client.post(
        "/confirm?next=/account/",
        data={"password": PASSWORD, "code": totp_code("staff@example.org")},
    )
    assert confirmed.headers["Location"] == "/account/"
    made = client.post("/account/tokens", data={"name": "script", "days": 30})
    assert "Copy it now" in made.get_data(as_text=True)
    assert made.headers["Cache-Control"] == "no-store"


def test_changing_a_role_asks_for_the_password_again(client, auth, users, db):
    auth.login("admin@example.org")
    age_session(client, confirmed_at=6 * 60)
    response = client.post(
        f"/staff/users/{users['visitor'].id}/role", data={"role": "council", "organisation_id": 0}
    )
    assert response.headers["Location"].startswith("/confirm")
    db.session.refresh(users["visitor"])
    assert users["visitor"].role == "visitor"


def test_resetting_someones_second_factor_asks_for_the_password_again(client, auth, users, db):
    auth.login("admin@example.org")
    age_session(client, confirmed_at=6 * 60)
    response = client.post(f"/staff/users/{users['staff'].id}/second-factor/reset")
    assert response.headers["Location"].startswith("/confirm")
    db.session.refresh(users["staff"])
    assert users["staff"].has_second_factor


def test_exporting_a_consultations_feedback_asks_for_the_password_again(client, auth, users, db):
    consultation = make_consultation()
    auth.login("staff@example.org")
    age_session(client, confirmed_at=6 * 60)
    url = f"/exports/consultations/{consultation.slug}/feedback"
    assert client.get(url).status_code == 200  # the form itself is not sensitive
    response = client.post(url, data={"file_format": "csv"})
    assert response.headers["Location"].startswith("/confirm")
    assert "text/csv" not in response.headers.get("Content-Type", "")


def test_change_password_needs_the_current_one_and_ends_other_sessions(
    client, auth, users, app, db, sent_mail
):
    auth.login("council@example.org")
    elsewhere = app.test_client()
    AuthActions(elsewhere).login("council@example.org")
    new = "quartz meadow lantern ferry"
    wrong = client.post(
        "/account/password", data={"current": "nope", "password": new, "confirm": new}
    )
    assert wrong.status_code == 422  # as every form posted back with its errors
    assert "Your current password is not right." in wrong.get_data(as_text=True)
    done = client.post(
        "/account/password", data={"current": PASSWORD, "password": new, "confirm": new}
    )
    assert done.status_code == 302
    assert client.get("/account/").status_code == 200  # this session goes on
    assert elsewhere.get("/account/").status_code == 302  # the other one has ended
    auth.logout()
    assert auth.login("council@example.org", new).status_code == 302
    assert "auth.password_changed" in db.session.scalars(sa.select(AuditEvent.action)).all()
    [notice] = sent_mail()  # the owner hears of it, in case it was not them
    assert notice["To"] == "council@example.org"
    assert (
        "The password of your Agora account was changed."
        in notice.get_body(("plain",)).get_content()
    )


def test_sign_out_everywhere_ends_sessions_and_revokes_tokens(client, auth, users, app, db):
    _row, token = tokens.create(users["council"], "script")
    auth.login("council@example.org")
    elsewhere = app.test_client()
    AuthActions(elsewhere).login("council@example.org")
    response = client.post("/account/sign-out-everywhere")
    assert response.headers["Location"].startswith("/login")
    assert client.get("/account/").status_code == 302
    assert elsewhere.get("/account/").status_code == 302
    assert tokens.user_for(f"Bearer {token}") is None


def test_signed_in_pages_and_api_answers_are_not_stored(client, auth, users):
    public = client.get("/")
    assert "no-store" not in public.headers.get("Cache-Control", "")
    assert client.get("/api/v1/consultations").headers["Cache-Control"] == "no-store"
    auth.login("partner@unicef.example.org")
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/account/").headers["Cache-Control"] == "no-store"
    assert "Permissions-Policy" in client.get("/").headers


def test_sign_in_and_sign_out_are_audited(client, auth, users, db):
    auth.login("staff@example.org")
    auth.logout()
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("auth.login") == 1 and actions.count("auth.logout") == 1
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "auth.login"))
    assert event.details["method"] == "totp"


def test_the_account_a_session_names_is_the_sessions_own_clean_user(app, db, users):
    from sqlalchemy.orm import object_session

    from app.models import User
    from app.services.accounts import signin

    partner_id, organisation_id = users["partner"].id, users["partner"].organisation_id
    db.session.remove()

    account = signin.session_account(partner_id)
    assert account.email == "partner@unicef.example.org"
    assert account.organisation.id == organisation_id  # its relationships load as usual
    assert object_session(account) is db.session()
    assert not db.session.dirty and not db.session.new  # loaded, not a change to write
    assert db.session.get(User, partner_id) is account  # the session's one copy
    assert signin.session_account(partner_id) is account
    assert signin.session_account(10**9) is None


def test_a_disabled_account_or_an_ended_session_signs_nobody_in(client, auth, users, db):
    auth.login("partner@unicef.example.org")
    assert client.get("/account/").status_code == 200
    users["partner"].session_version += 1  # "sign out everywhere" from elsewhere
    db.session.commit()
    assert client.get("/account/").headers["Location"].startswith("/login")
