"""Sessions that the server can end, and the HTTP headers every response carries."""

from flask import Flask, Response
from flask_login import current_user

from app.extensions import db, login_manager
from app.lazy_text import lazy_gettext as _l
from app.models import User
from app.services.accounts import access

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session cookie, if its session has not been ended on the server."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


@login_manager.request_loader
def load_user_from_token(request) -> User | None:
    """API calls may sign in with a personal token instead of the session cookie."""
    if not request.path.startswith("/api/"):
        return None
    from app.services.accounts import tokens

    return tokens.user_for(request.headers.get("Authorization"))


def set_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.after_request(set_security_headers)
    app.jinja_env.globals["can"] = lambda action, target=None: access.can(
        current_user, action, target
    )
