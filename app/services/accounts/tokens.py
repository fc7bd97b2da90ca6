"""Personal API tokens: made on the profile page, sent as `Authorization: Bearer <token>`."""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import ApiToken, User
from app.models.common import utcnow
from app.services.accounts import audit
from app.services.errors import DomainError, NotFound

PREFIX = "agora_"
# Lifetimes offered when a token is made, in days; the first is the default.
LIFETIMES = (90, 7, 30, 365)
DEFAULT_LIFETIME = 90
READ_SCOPE = "read"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(
    user: User, name: str, days: int = DEFAULT_LIFETIME, ip: str | None = None
) -> tuple[ApiToken, str]:
    """A new read-only token for `user`, valid `days`; the clear token is returned once."""
    name = name.strip()
    if not name:
        raise DomainError(
            _l("Give the token a name, for example the script that uses it."), field="name"
        )
    if days not in LIFETIMES:
        raise DomainError(_l("Choose how long the token works."), field="days")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        name=name[:80],
        token_hash=_digest(token),
        scope=READ_SCOPE,
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(row)
    audit.record(user, "token.created", row, ip=ip, name=name, days=days)
    db.session.commit()
    return row, token


def list_for(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(
                ApiToken.user_id == user.id,
                ApiToken.revoked_at.is_(None),
                ApiToken.expires_at > utcnow(),
            )
            .order_by(ApiToken.created_at.desc())
        )
    )


def revoke(user: User, token_id: int, ip: str | None = None) -> None:
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id or row.revoked_at is not None:
        raise NotFound(_l("This token does not exist."))
    row.revoked_at = utcnow()
    audit.record(user, "token.revoked", row, ip=ip)
    db.session.commit()


def user_for(authorization: str | None, method: str = "GET") -> User | None:
    """The active user of a live `Bearer` token, or None; tokens only read."""
    if not authorization or not authorization.startswith("Bearer "):
        return None
    if method not in ("GET", "HEAD") or len(authorization) > 200:
        return None
    token = authorization.removeprefix("Bearer ").strip()
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if (
        row is None
        or row.revoked_at is not None
        or row.expires_at <= utcnow()
        or row.scope != READ_SCOPE
        or not row.user.is_active
    ):
        return None
    row.last_used_at = utcnow()
    db.session.commit()
    return row.user
