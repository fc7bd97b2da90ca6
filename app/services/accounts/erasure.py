"""Erasure: a person's name and email give way to a pseudonym, everything else of theirs ends.

The account row stays, so the audit lines and submission revisions that point to it keep
pointing somewhere: they show the pseudonym from then on, and no audit line is rewritten.
What the person wrote for their organisation stays with the organisation.
"""

import secrets

import sqlalchemy as sa

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import AccountToken, RecoveryCode, User
from app.models.common import utcnow
from app.services.accounts import access, audit, signin
from app.services.errors import Conflict, NotFound
from app.services.exports import jobs
from app.services.ids import is_valid_id


def pseudonym() -> str:
    """A name that says nothing about the person and reads the same in every language."""
    return f"P-{secrets.token_hex(4).upper()}"


def request_erasure(user: User, ip: str | None = None) -> User:
    """The person asks for their account to be erased; an administrator confirms it."""
    if user.erasure_requested_at is None:
        user.erasure_requested_at = utcnow()
        audit.record(user, "user.erasure_requested", user, ip=ip)
        db.session.commit()
    return user


def cancel_request(user: User, ip: str | None = None) -> User:
    """The person takes back their request before an administrator acts on it."""
    if user.erasure_requested_at is not None and user.erased_at is None:
        user.erasure_requested_at = None
        audit.record(user, "user.erasure_cancelled", user, ip=ip)
        db.session.commit()
    return user


def requested(reader: User | None) -> list[User]:
    """The people waiting for an administrator to erase them, oldest request first."""
    access.require(reader, "user.erase")
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.erasure_requested_at.is_not(None), User.erased_at.is_(None))
            .order_by(User.erasure_requested_at)
        )
    )


def person(admin: User | None, user_id: int) -> User:
    """The account an administrator is about to erase."""
    access.require(admin, "user.erase")
    user = db.session.get(User, user_id) if is_valid_id(user_id) else None
    if user is None:
        raise NotFound(_l("No such account."))
    return user


def erase(admin: User, user_id: int, ip: str | None = None) -> User:
    """Erase a person: pseudonym for name and email, no password, sessions, tokens or exports."""
    user = person(admin, user_id)
    if user.erased_at is not None:
        raise Conflict(_l("This person is already erased."))
    if user.id == admin.id:
        raise Conflict(_l("Another administrator erases your own account."))
    revoked, exports = pseudonymise(user)
    audit.record(admin, "user.erased", user, ip=ip, tokens_revoked=revoked, exports=exports)
    db.session.commit()
    return user


def pseudonymise(user: User) -> tuple[int, int]:
    """The erasure itself (the caller asked access, audits and commits): tokens revoked and
    exports deleted."""
    name = pseudonym()
    user.name = name
    user.email = f"{name.lower()}-{user.id}@erased.invalid"
    user.password_hash = None
    user.active = False
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    user.session_version += 1
    user.erased_at = utcnow()
    revoked = signin.revoke_api_tokens(user)
    db.session.execute(sa.delete(AccountToken).where(AccountToken.user_id == user.id))
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    return revoked, jobs.delete_all_of(user)
