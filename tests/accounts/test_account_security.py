"""Throttling per account, equal work for every refusal, API tokens, production settings."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db as _db
from app.models import AuditEvent, User
from app.models.common import utcnow
from app.services.accounts import signin, tokens
from app.services.accounts import users as accounts
from tests.conftest import PASSWORD, make_user

BASE_URL = "https://consult.example.org"


def from_address(client, number: int, email: str, password: str):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": f"198.51.100.{number}"},
    )


def actions(db) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action)))


def test_ten_failures_from_many_addresses_pause_the_account(client, users, db, sent_mail):
    for number in range(10):
        page = from_address(client, number, " Council@Example.org ", "wrong guess")
        assert "Email or password is incorrect." in page.get_data(as_text=True)
    right = from_address(client, 50, "council@example.org", PASSWORD)
    assert right.status_code == 429
    assert "Too many attempts to sign in to this account." in right.get_data(as_text=True)
    assert "reset your password" in right.get_data(as_text=True)
    assert client.get("/account/").status_code == 302  # not signed in
    for number in range(60, 63):
        from_address(client, number, "council@example.org", "more guesses")
    [email] = sent_mail()  # one email, however many attempts follow
    assert email["To"] == "council@example.org"
    assert "too many failed attempts" in email.get_body(("plain",)).get_content()
    recorded = actions(db)
    assert recorded.count("auth.login_failed") == 10
    assert recorded.count("auth.locked") == 1
    assert recorded.count("auth.throttled") == 4
    details = " ".join(str(d) for d in db.session.scalars(sa.select(AuditEvent.details)))
    assert "council@example.org" in details and "guess" not in details  # never a password
    # Another account is not affected.
    assert from_address(client, 70, "partner@unicef.example.org", PASSWORD).status_code == 302


def test_an_unknown_address_is_paused_the_same_way(client, users, sent_mail):
    for number in range(10):
        from_address(client, number, "nobody@example.org", "guess")
    answer = from_address(client, 20, "nobody@example.org", "guess")
    assert answer.status_code == 429 and sent_mail() == []


def reset_password(client, sent_mail, email: str, new: str) -> None:
    """Ask for a reset link, as the owner does, and choose a new password with it."""
    client.post("/reset", data={"email": email})
    link = re.search(
        r"https?://[^/\s]+(/reset/\S+)", sent_mail()[-1].get_body(("plain",)).get_content()
    ).group(1)
    assert client.post(link, data={"password": new, "confirm": new}).status_code == 302


def test_a_password_reset_ends_the_pause(client, users, db, sent_mail):
    for number in range(10):
        from_address(client, number, "council@example.org", "wrong guess")
    reset_password(client, sent_mail, "council@example.org", "copper willow sextant rain")
    answer = from_address(client, 30, "council@example.org", "copper willow sextant rain")
    assert answer.status_code == 302


@pytest.mark.parametrize("state", ["unknown", "pending", "disabled", "wrong password"])
def test_every_refusal_checks_one_password_hash(client, users, db, monkeypatch, state):
    """Unknown, pending and disabled accounts cost what a wrong password does: one hash."""
    pending = User(email="pending@example.org", name="Invited", role="council")
    db.session.add(pending)
    users["visitor"].active = False
    db.session.commit()
    email, password = {
        "unknown": ("nobody@example.org", PASSWORD),
        "pending": ("pending@example.org", PASSWORD),
        "disabled": ("visitor@example.org", PASSWORD),
        "wrong password": ("council@example.org", "not it"),
    }[state]
    checked = []
    real = signin.verify_password
    monkeypatch.setattr(signin, "verify_password", lambda h, p: checked.append(h) or real(h, p))
    page = client.post("/login", data={"email": email, "password": password})
    assert "Email or password is incorrect." in page.get_data(as_text=True)
    assert len(checked) == 1 and checked[0].startswith("$argon2id$")


def test_a_token_expires_after_the_days_chosen(users, db):
    row, token = tokens.create(users["council"], "script", days=7)
    assert tokens.user_for(f"Bearer {token}") == users["council"]
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert tokens.user_for(f"Bearer {token}") is None
    assert tokens.list_for(users["council"]) == []


def test_a_token_only_reads(client, users):
    _row, token = tokens.create(users["council"], "script")
    headers = {"Authorization": f"Bearer {token}"}
    assert tokens.user_for(headers["Authorization"], "GET") == users["council"]
    assert tokens.user_for(headers["Authorization"], "POST") is None


def test_a_token_lifetime_must_be_one_offered(client, auth, users):
    auth.login("council@example.org")
    page = client.post("/account/tokens", data={"name": "script", "days": 3650})
    assert page.status_code == 422
    assert "Not a valid choice" in page.get_data(as_text=True)
    assert tokens.list_for(users["council"]) == []
    listed = client.post("/account/tokens", data={"name": "script", "days": 30})
    assert listed.status_code == 200  # the new token, shown once
    assert "expires" in client.get("/account/").get_data(as_text=True)
    assert "never used" in listed.get_data(as_text=True)


def test_a_password_reset_and_disabling_revoke_tokens(client, users, db, sent_mail):
    _row, council_token = tokens.create(users["council"], "script")
    _row, partner_token = tokens.create(users["partner"], "script")
    reset_password(client, sent_mail, "council@example.org", "copper willow sextant rain")
    assert tokens.user_for(f"Bearer {council_token}") is None
    accounts.set_active(users["admin"], users["partner"].id, False)
    accounts.set_active(users["admin"], users["partner"].id, True)
    assert tokens.user_for(f"Bearer {partner_token}") is None  # enabling does not revive it


@pytest.fixture
def production(tmp_path, monkeypatch):
    """The production settings on a throw-away SQLite database, with one council member."""
    app = create_app(
        "production",
        SECRET_KEY="x" * 64,
        BASE_URL=BASE_URL,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'prod.sqlite'}",
        INSTANCE_DIR=tmp_path,
        RATELIMIT_STORAGE_URI="memory://",
        ARGON2_TIME_COST=1,
        ARGON2_MEMORY_COST=64,
    )
    with app.app_context():
        _db.create_all()
        make_user(_db, "council@example.org", "council")
        yield app
        _db.session.remove()


def test_production_refuses_an_unknown_host(production):
    client = production.test_client()
    assert client.get("/login", base_url=BASE_URL).status_code == 200
    assert client.get("/login", base_url="https://attacker.example").status_code == 400


def test_production_ignores_x_forwarded_host(production):
    client = production.test_client()
    response = client.get(
        "/login",
        base_url=BASE_URL,
        headers={"X-Forwarded-Host": "attacker.example", "X-Forwarded-Proto": "https"},
    )
    assert response.status_code == 200


def test_more_hosts_can_be_trusted(tmp_path):
    app = create_app(
        "production",
        SECRET_KEY="x" * 64,
        BASE_URL=BASE_URL,
        EXTRA_TRUSTED_HOSTS=["agora.internal"],
        INSTANCE_DIR=tmp_path,
    )
    assert app.config["TRUSTED_HOSTS"] == ["consult.example.org", "agora.internal"]


def test_production_headers_and_host_only_cookie(production):
    client = production.test_client()
    form = client.get("/login", base_url=BASE_URL).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = client.post(
        "/login",
        base_url=BASE_URL,
        data={"email": "council@example.org", "password": PASSWORD, "csrf_token": csrf},
        headers={"Referer": f"{BASE_URL}/login"},  # HTTPS forms check where they came from
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=") and "Secure" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_production_requires_its_public_address(tmp_path):
    with pytest.raises(RuntimeError, match="AGORA_BASE_URL"):
        create_app("production", SECRET_KEY="x" * 64, BASE_URL="", INSTANCE_DIR=tmp_path)


def test_development_starts_only_with_the_key_make_run_wrote(tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("development", SECRET_KEY=None, INSTANCE_DIR=tmp_path)
    (tmp_path / "secret_key").write_text("a-random-key-written-once\n")
    app = create_app("development", SECRET_KEY=None, INSTANCE_DIR=tmp_path)
    assert app.config["SECRET_KEY"] == "a-random-key-written-once"


def test_production_never_reads_the_development_key_file(tmp_path):
    (tmp_path / "secret_key").write_text("a-random-key-written-once\n")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", SECRET_KEY=None, BASE_URL=BASE_URL, INSTANCE_DIR=tmp_path)


def test_a_reset_link_points_at_the_site_whatever_host_the_request_names(
    client, app, users, sent_mail
):
    app.config["BASE_URL"] = BASE_URL
    client.post(
        "/reset",
        data={"email": "admin@example.org"},
        headers={"Host": "attacker.example", "X-Forwarded-Host": "attacker.example"},
    )
    [email] = sent_mail()
    body = email.get_body(("plain",)).get_content()
    assert f"{BASE_URL}/reset/" in body
    assert "attacker.example" not in body


def test_failures_are_counted_in_memory_while_the_shared_store_fails(app, monkeypatch):
    from limits.strategies import MovingWindowRateLimiter

    from app.services import rate_counts
    from app.services.accounts import throttle

    class Unreachable:
        def __getattr__(self, _name):
            raise ConnectionError("the rate limit store is down")

    monkeypatch.setattr(rate_counts, "_shared", lambda _strategy, _storage: Unreachable())
    monkeypatch.setattr(throttle, "_counts", rate_counts.Counts(MovingWindowRateLimiter))
    app.config["ACCOUNT_FAILURE_LIMIT"] = "2 per minute"
    key = "someone@example.org"

    assert not throttle.add_failure("ACCOUNT_FAILURE_LIMIT", key)
    assert throttle.add_failure("ACCOUNT_FAILURE_LIMIT", key)
    assert throttle.is_blocked("ACCOUNT_FAILURE_LIMIT", key)
    throttle.clear("ACCOUNT_FAILURE_LIMIT", key)
    assert not throttle.is_blocked("ACCOUNT_FAILURE_LIMIT", key)
