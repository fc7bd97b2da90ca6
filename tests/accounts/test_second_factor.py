"""The TOTP second factor: enrolment, codes used once, recovery codes, throttling, reset."""

import re
from datetime import UTC, datetime

import pyotp
import sqlalchemy as sa

from app.models import AuditEvent, RecoveryCode, User
from app.services import demo
from tests.conftest import PASSWORD, TOTP_SECRET, AuthActions, make_user, totp_code


def actions(db) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def password_step(client, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def current_code(secret: str = TOTP_SECRET) -> str:
    return pyotp.TOTP(secret).now()


def test_staff_without_a_factor_sets_one_up_at_first_sign_in(client, db, organisation):
    make_user(db, "new.staff@example.org", "visitor")
    user = db.session.scalar(sa.select(User).where(User.email == "new.staff@example.org"))
    user.role = "staff"  # a staff account that never set up its factor
    db.session.commit()

    response = password_step(client, "new.staff@example.org")
    assert response.headers["Location"].endswith("/login/second-factor")
    assert client.get("/staff/").status_code == 302  # the password alone opens nothing
    page = client.get("/login/second-factor", follow_redirects=True).get_data(as_text=True)
    assert "Set up a second factor" in page
    assert "<svg" in page  # the QR code
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)

    wrong = client.post("/login/set-up-second-factor", data={"code": "000000"})
    assert "This code is not right" in wrong.get_data(as_text=True)

    done = client.post("/login/set-up-second-factor", data={"code": current_code(secret)})
    codes = re.findall(r"<code class=\"user-text\">([A-Z0-9-]{19})</code>", done.get_data(True))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert done.headers["Cache-Control"] == "no-store"
    assert client.get("/staff/").status_code == 200
    stored = db.session.scalars(sa.select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not any(c.replace("-", "") in h for c in codes for h in stored)
    assert "auth.second_factor_enabled" in actions(db)


def test_staff_with_a_factor_needs_the_code_after_the_password(client, users):
    password_step(client, "staff@example.org")
    assert client.get("/staff/").status_code == 302
    response = client.post("/login/second-factor", data={"code": current_code()})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200


def test_a_code_is_accepted_only_once(client, auth, users):
    code = totp_code("staff@example.org")
    password_step(client, "staff@example.org")
    assert client.post("/login/second-factor", data={"code": code}).status_code == 302
    auth.logout()
    password_step(client, "staff@example.org")
    replay = client.post("/login/second-factor", data={"code": code})
    assert "This code is not right, or it was already used." in replay.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_a_recovery_code_signs_in_once(client, auth, db, organisation):
    user = make_user(db, "partner2@unicef.example.org", "partner", organisation)
    auth.login(user.email)
    client.get("/account/")
    page = client.get("/login/set-up-second-factor").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    done = client.post("/login/set-up-second-factor", data={"code": current_code(secret)})
    first = re.findall(r"([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})", done.get_data(True))[0]
    auth.logout()

    password_step(client, user.email)
    response = client.post("/login/second-factor", data={"code": first.lower()})
    assert response.status_code == 302
    assert "Recovery codes left: 9." in client.get("/").get_data(as_text=True)
    auth.logout()
    password_step(client, user.email)
    again = client.post("/login/second-factor", data={"code": first})
    assert "already used" in again.get_data(as_text=True)
    assert "auth.recovery_code_used" in actions(db)


def test_wrong_codes_are_throttled_per_account(client, users, db):
    password_step(client, "admin@example.org")
    for _ in range(5):
        client.post("/login/second-factor", data={"code": "123456"})
    blocked = client.post("/login/second-factor", data={"code": current_code()})
    assert "Too many wrong codes" in blocked.get_data(as_text=True)
    assert client.get("/staff/users").status_code == 302
    assert actions(db).count("auth.second_factor_failed") == 5


def test_the_second_step_must_follow_the_password_soon(client, users):
    password_step(client, "staff@example.org")
    with client.session_transaction() as session:
        pending = dict(session["_pending_sign_in"])
        pending["at"] -= 301
        session["_pending_sign_in"] = pending
    response = client.post("/login/second-factor", data={"code": current_code()})
    assert response.headers["Location"].endswith("/login")
    assert client.get("/staff/").status_code == 302


def test_partner_may_choose_a_second_factor_on_my_account(client, auth, users):
    auth.login("partner@unicef.example.org")
    first = client.get("/").get_data(as_text=True)
    assert "You can protect your account with a second factor on My account." in first
    page = client.get("/account/").get_data(as_text=True)
    assert "Set up a second factor" in page
    assert client.get("/login/set-up-second-factor").status_code == 200


def test_an_admin_resets_a_users_factor_and_it_is_audited(client, auth, users, db, app, sent_mail):
    staff = users["staff"]
    auth.login("admin@example.org")
    assert "Reset the second factor" in client.get("/staff/users").get_data(as_text=True)
    client.post(f"/staff/users/{staff.id}/second-factor/reset")
    db.session.refresh(staff)
    assert staff.totp_secret is None and not staff.has_second_factor
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "user.second_factor_reset")
    )
    assert event.actor_id == users["admin"].id and event.object_id == staff.id
    [notice] = sent_mail()
    assert notice["To"] == "staff@example.org"
    assert "An administrator removed the second factor" in notice.get_body(("plain",)).get_content()
    other = app.test_client()
    password_step(other, "staff@example.org")
    assert "Set up a second factor" in other.get(
        "/login/second-factor", follow_redirects=True
    ).get_data(as_text=True)


def test_staff_cannot_reset_a_second_factor(client, auth, users, db):
    auth.login("staff@example.org")
    client.post(f"/staff/users/{users['admin'].id}/second-factor/reset")
    db.session.refresh(users["admin"])
    assert users["admin"].has_second_factor


def test_demo_staff_sign_in_with_the_key_seed_demo_prints(runner, client, db):
    result = runner.invoke(args=["seed-demo"])
    assert demo.DEMO_TOTP_SECRET in result.output
    password_step(client, "staff@example.org", demo.DEMO_PASSWORD)
    code = pyotp.TOTP(demo.DEMO_TOTP_SECRET).at(datetime.now(UTC))
    assert client.post("/login/second-factor", data={"code": code}).status_code == 302
    assert client.get("/staff/").status_code == 200


def test_auth_helper_signs_the_same_person_in_several_times(client, users):
    auth = AuthActions(client)
    for _ in range(4):
        assert auth.login("staff@example.org").status_code == 302
        assert client.get("/staff/").status_code == 200
        auth.logout()


def test_the_page_asked_for_is_reached_after_the_second_step(client, users):
    client.post(
        "/login?next=/staff/users", data={"email": "staff@example.org", "password": PASSWORD}
    )
    response = client.post("/login/second-factor", data={"code": current_code()})
    assert response.headers["Location"] == "/staff/users"
