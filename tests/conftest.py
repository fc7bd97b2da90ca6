"""Fixtures shared by the whole suite: the app, its client, accounts of every role."""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import g
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db as _db
from app.extensions import limiter
from app.models import Organisation, User
from app.models.common import utcnow
from app.services.accounts.passwords import hash_password

PASSWORD = "a-long-enough-passphrase-42"
# The second factor of the staff and admin fixtures (they must have one to sign in).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
IN_CI = os.environ.get("CI", "").lower() == "true"


def needs_service(reason: str):
    """Skip on a developer's machine without the service; fail loudly in CI."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the service must be running)", pytrace=False)
    pytest.skip(reason)


class FreshRequestClient(FlaskClient):
    """A test client whose requests each start with an empty `g`, as they do in production.

    The `app` fixture holds an app context for the whole test so that tests can use the
    session; requests reuse that context, and without this the signed-in user and the
    locale cached in `g` by one request would leak into the next.
    """

    def open(self, *args, **kwargs):
        for key in list(g):
            g.pop(key)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """Compile the .po catalogues the app reads, as `make test` does, for a bare `pytest`."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (Path(__file__).parent.parent / "translations").glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source, mo.open("wb") as target:
                write_mo(target, read_po(source))


@pytest.fixture
def app_settings() -> dict:
    """Settings a test module gives the app beside the testing ones (override it there)."""
    return {}


@pytest.fixture
def app(tmp_path: Path, app_settings: dict):
    app = create_app(
        "testing",
        INSTANCE_DIR=tmp_path,
        MAIL_FILE_DIR=str(tmp_path / "mail"),
        **app_settings,
    )
    app.test_client_class = FreshRequestClient
    with app.app_context():
        _db.create_all()
        limiter.reset()
        yield app
        _db.session.remove()
        _db.drop_all()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def organisation(db):
    org = Organisation(name="UNICEF", kind="un_agency", region="north_america", country="US")
    other = Organisation(name="FAO", kind="un_agency", region="europe", country="IT")
    db.session.add_all([org, other])
    db.session.commit()
    return org


def make_user(db, email: str, role: str, organisation=None, name: str = "Test Person") -> User:
    user = User(
        email=email,
        name=name,
        role=role,
        organisation=organisation,
        password_hash=hash_password(PASSWORD),
    )
    if role in ("staff", "admin"):
        user.totp_secret, user.totp_enabled_at = TOTP_SECRET, utcnow()
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def users(db, organisation):
    """One account per role, keyed by role."""
    return {
        "visitor": make_user(db, "visitor@example.org", "visitor"),
        "partner": make_user(db, "partner@unicef.example.org", "partner", organisation),
        "council": make_user(db, "council@example.org", "council"),
        "staff": make_user(db, "staff@example.org", "staff"),
        "admin": make_user(db, "admin@example.org", "admin"),
    }


def invite_organisations(db, consultation, *organisations) -> None:
    """Invite organisations (by default every one there is) to a consultation, as staff do."""
    from app.models import ConsultationInvitation

    chosen = organisations or db.session.scalars(db.select(Organisation)).all()
    invited = {
        i.organisation_id
        for i in db.session.scalars(
            db.select(ConsultationInvitation).filter_by(consultation_id=consultation.id)
        )
    }
    db.session.add_all(
        ConsultationInvitation(consultation=consultation, organisation=o)
        for o in chosen
        if o.id not in invited
    )
    db.session.commit()


@pytest.fixture
def invite(db):
    """`invite(consultation, *organisations)`: let partners answer, as an invitation does."""
    return lambda consultation, *organisations: invite_organisations(
        db, consultation, *organisations
    )


def totp_code(email: str, secret: str = TOTP_SECRET) -> str:
    """A code the account has not used yet, as an authenticator app would show it."""
    import pyotp
    import sqlalchemy as sa

    totp = pyotp.TOTP(secret)
    now = totp.timecode(datetime.now(UTC))
    user = _db.session.scalar(
        sa.select(User).where(User.email == email).execution_options(populate_existing=True)
    )
    last = user.totp_last_step if user is not None else None
    fresh = [step for step in (now - 1, now, now + 1) if last is None or step > last]
    if not fresh:
        # A fourth sign-in of one person within 30 s: a person would wait for the next code.
        user.totp_last_step = now - 2
        _db.session.commit()
        fresh = [now - 1]
    return totp.generate_otp(fresh[0])


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = PASSWORD, secret: str = TOTP_SECRET):
        """Sign in, with the second factor when the account has one."""
        response = self._client.post("/login", data={"email": email, "password": password})
        if response.status_code == 302 and response.headers["Location"].endswith(
            "/login/second-factor"
        ):
            response = self._client.post(
                "/login/second-factor", data={"code": totp_code(email, secret)}
            )
        return response

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def sent_mail(app):
    """The emails written by the development mail backend, oldest first."""

    def read() -> list[str]:
        folder = Path(app.config["MAIL_FILE_DIR"])
        if not folder.exists():
            return []
        from email import message_from_bytes, policy

        return [
            message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(folder.glob("*.eml"))
        ]

    return read
