"""Signed one-click unsubscribe tokens: one per person and kind of email, needing no sign-in.

A token says only "this person, this kind"; it is signed with the app's secret key, so it
cannot be made for someone else, and it never expires: an old email's link keeps working,
as RFC 8058 expects. Using it can only turn emails off.
"""

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "agora.unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(user_id: int, kind: str) -> str:
    """The token of one person's emails of one kind."""
    return _serializer().dumps([user_id, kind])


def read_token(token: str) -> tuple[int, str] | None:
    """(user id, kind) from a token this app signed, or None for anything else."""
    if not token or len(token) > 200:
        return None
    try:
        user_id, kind = _serializer().loads(token)
    except (BadSignature, TypeError, ValueError):
        return None
    if not isinstance(user_id, int) or not isinstance(kind, str):
        return None
    return user_id, kind


def link(user_id: int, kind: str) -> str:
    """The page that turns these emails off (GET: a button; POST: at once), as a full URL."""
    return url_for("public.unsubscribe", token=make_token(user_id, kind), _external=True)
