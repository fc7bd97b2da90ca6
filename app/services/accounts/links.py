"""Single-use account links (invitation, password reset): only a token's hash is stored.

The clear token exists only in the email: the mail service issues it when it sends one.
"""

import hashlib
import secrets
from datetime import timedelta

from app.extensions import db
from app.models import AccountToken, User
from app.models.common import utcnow

LIFETIMES = {"invite": timedelta(days=7), "reset": timedelta(hours=2)}


def issue(user: User, purpose: str) -> str:
    """Store the hash of a fresh random token of this purpose; return the clear token."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            purpose=purpose,
            token_hash=digest(token),
            user=user,
            expires_at=utcnow() + LIFETIMES[purpose],
        )
    )
    return token


def digest(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()
