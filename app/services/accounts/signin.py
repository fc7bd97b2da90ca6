"""Checking passwords at sign-in: throttling per account, equal timing, audit, sign-outs."""

import functools
import secrets

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import ApiToken, OutboxMessage, User
from app.models.common import utcnow
from app.services import loading
from app.services.accounts import audit, throttle
from app.services.accounts.passwords import check_password_rules, hash_password, verify_password
from app.services.errors import DomainError
from app.services.mail import delivery as mail
from app.services.mail import outbox

LIMIT = "ACCOUNT_FAILURE_LIMIT"
# Hash checked when there is no usable one, so that an unknown, pending or disabled account
# takes as long to refuse as a wrong password on a real one.
_DUMMY_HASH: dict[str, str] = {}


class TooManyAttempts(DomainError):
    """The account has had too many failed sign-ins lately, from whatever address."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def session_account(user_id: int) -> User | None:
    """The account a session cookie names, as this request's persistent User.

    Every request asks, so the row is read by one cached Core statement and made the
    session's User directly (what Session.get does, without its query steps, which cost
    about as much again as the round trip). One already in the session is returned as is,
    as Session.get would."""
    session = db.session()
    known = session.identity_map.get(so.util.identity_key(User, user_id))
    if known is not None:
        return known
    row = session.connection().execute(_account_statement(), {"user_id": user_id}).first()
    return loading.as_loaded(User, row._mapping) if row is not None else None


@functools.cache
def _account_statement() -> sa.Select:
    return sa.select(*loading.columns_of(User)).where(User.id == sa.bindparam("user_id"))


def authenticate(email: str, password: str, ip: str | None = None) -> User:
    """The active user with these credentials; DomainError otherwise (one message for all)."""
    key = normalise_email(email)
    user = db.session.scalar(sa.select(User).where(User.email == key))
    if throttle.is_blocked(LIMIT, key):
        audit.record(None, "auth.throttled", user, ip=ip, email=key[:254])
        db.session.commit()
        raise _too_many()
    password_ok = verify_password(
        user.password_hash if user is not None and user.password_hash else _dummy_hash(),
        password,
    )
    if user is not None and user.is_active and password_ok:
        return user
    locked = throttle.add_failure(LIMIT, key)
    audit.record(None, "auth.login_failed", user, ip=ip, email=key[:254])
    if locked:  # this failure used up the allowance: the next attempts are refused
        _lock_out(user, key, ip)
    db.session.commit()
    raise DomainError(_l("Email or password is incorrect."))


def record_sign_in(
    user: User, ip: str | None = None, method: str = "password", language: str | None = None
) -> None:
    """The user is in (after the second factor, where there is one), working in `language`."""
    user.last_login_at = utcnow()
    remember_language(user, language)
    audit.record(user, "auth.login", user, ip=ip, method=method)
    db.session.commit()


def remember_language(user: User, language: str | None) -> None:
    """Keep the language the person works in, for emails and documents sent to them later."""
    if language in current_app.config["LANGUAGES"]:
        user.locale = language


def still_signing_in(user_id: object, session_version: object) -> User | None:
    """The active user who gave the right password, unless their sessions ended since."""
    if not isinstance(user_id, int) or not isinstance(session_version, int):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or user.session_version != session_version:
        return None
    return user


def _too_many() -> TooManyAttempts:
    return TooManyAttempts(
        _l("Too many attempts to sign in to this account. Try again later, or reset your password.")
    )


def _lock_out(user: User | None, key: str, ip: str | None) -> None:
    """Record the lock-out and tell the owner once, by email, what happened."""
    audit.record(None, "auth.locked", user, ip=ip, email=key[:254])
    message = None
    if user is not None and user.is_active:
        message = mail.queue_email(
            user,
            "sign_in_locked",
            _l("Sign-in to your Agora account is paused"),
            ip=ip or "",
        )
    db.session.commit()
    if message is not None:
        outbox.relay(message)


def notify_security_change(user: User, change: str) -> OutboxMessage:
    """Queue the email telling the owner their password or second factor changed."""
    return mail.queue_email(
        user, "security_change", _l("A security change on your Agora account"), change=change
    )


def _dummy_hash() -> str:
    if "value" not in _DUMMY_HASH:
        _DUMMY_HASH["value"] = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASH["value"]


def forget_failures(user: User) -> None:
    """A password reset ends a lock-out: the owner proved they hold the mailbox."""
    throttle.clear(LIMIT, normalise_email(user.email))


def revoke_api_tokens(user: User) -> int:
    """Revoke every live API token of `user` (the caller commits); how many there were."""
    now = utcnow()
    rows = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for row in rows:
        row.revoked_at = now
    return len(rows)


def sign_out(user: User, ip: str | None = None) -> None:
    """End this person's sessions (every session cookie of theirs stops working)."""
    user.session_version += 1
    audit.record(user, "auth.logout", user, ip=ip)
    db.session.commit()


def sign_out_everywhere(user: User, ip: str | None = None) -> None:
    """End every session and revoke every API token of `user`."""
    user.session_version += 1
    revoked = revoke_api_tokens(user)
    audit.record(user, "auth.signed_out_everywhere", user, ip=ip, tokens_revoked=revoked)
    db.session.commit()


def confirm_password(user: User, password: str, ip: str | None = None) -> None:
    """Re-authentication: the password of the signed-in user, counted like a sign-in."""
    try:
        authenticate(user.email, password, ip=ip)
    except DomainError as error:
        error.field = "password"
        if not isinstance(error, TooManyAttempts):
            error.message = _l("This password is not right.")
        raise


def change_password(user: User, current: str, new: str, ip: str | None = None) -> None:
    """Set a new password after checking the current one; other sessions end."""
    try:
        authenticate(user.email, current, ip=ip)
    except DomainError as error:
        error.field = "current"
        if not isinstance(error, TooManyAttempts):
            error.message = _l("Your current password is not right.")
        raise
    organisation = user.organisation.name if user.organisation else ""
    check_password_rules(new, user.name, user.email, organisation)
    user.password_hash = hash_password(new)
    user.session_version += 1
    audit.record(user, "auth.password_changed", user, ip=ip)
    message = notify_security_change(user, "password")
    db.session.commit()
    outbox.relay(message)
