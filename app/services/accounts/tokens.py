"""Personal API tokens: made on the profile page, sent as `Authorization: Bearer <token>`."""

import hashlib
import secrets

import sqlalchemy as sa

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import ApiToken, User
from app.models.common import utcnow
from app.services.accounts import audit
from app.services.errors import DomainError, NotFound

PREFIX = "agora_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(user: User, name: str, ip: str | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`; the clear token is returned once and never stored."""
    name = name.strip()
    if not name:
        raise DomainError(
            _l("Give the token a name, for example the script that uses it."), field="name"
        )
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name[:80], token_hash=_digest(token))
    db.session.add(row)
    audit.record(user, "token.created", row, ip=ip, name=name)
    db.session.commit()
    return row, token


def list_for(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
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


def user_for(authorization: str | None) -> User | None:
    """The active user of a `Bearer` token, or None."""
    if not authorization or not authorization.startswith("Bearer "):
        return None
    token = authorization.removeprefix("Bearer ").strip()
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None or not row.user.is_active:
        return None
    row.last_used_at = utcnow()
    db.session.commit()
    return row.user
