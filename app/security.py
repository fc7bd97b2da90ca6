"""Sessions that the server can end, and the HTTP headers every response carries."""

import time
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.exceptions import SecurityError

from app.extensions import login_manager
from app.lazy_text import lazy_gettext as _l
from app.models import User
from app.services.accounts import access, signin
from app.utils import safe_next_url

# Keys this module keeps in the signed session cookie, as seconds since the epoch.
SIGNED_IN_AT = "_signed_in_at"
SEEN_AT = "_seen_at"
CONFIRMED_AT = "_confirmed_at"
# The language a visitor chose survives signing in and out; nothing else does.
_KEPT_ACROSS_SIGN_IN = ("lang",)

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
    user = signin.session_account(int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


@login_manager.request_loader
def load_user_from_token(request) -> User | None:
    """API calls may sign in with a personal token instead of the session cookie."""
    if not request.path.startswith("/api/"):
        return None
    from app.services.accounts import tokens

    return tokens.user_for(request.headers.get("Authorization"), request.method)


def clear_session() -> None:
    """Empty the session (CSRF token included) but for the language chosen."""
    kept = {key: session[key] for key in _KEPT_ACROSS_SIGN_IN if key in session}
    session.clear()
    session.update(kept)


def end_session() -> None:
    """Sign out in this browser."""
    logout_user()
    clear_session()


def start_session(user: User) -> None:
    """A new session for `user`: nothing of the one before is kept, the CSRF token included."""
    clear_session()
    login_user(user)
    now = time.time()
    session[SIGNED_IN_AT] = session[SEEN_AT] = session[CONFIRMED_AT] = now


def renew_session(user: User) -> None:
    """Keep the signed-in session after the user's session version moved (password change)."""
    # current_user is a proxy to the signed-in user: handing it to login_user would make
    # the proxy point at itself.
    login_user(getattr(user, "_get_current_object", lambda: user)())


def mark_confirmed() -> None:
    """The user has just typed their password (and second factor) again."""
    session[CONFIRMED_AT] = time.time()


def end_expired_session() -> None:
    """Sign out a session idle too long or too old; checked on every request."""
    if "_user_id" not in session or not current_user.is_authenticated:
        return
    config = current_app.config
    now = time.time()
    signed_in_at = session.get(SIGNED_IN_AT, 0)
    seen_at = session.get(SEEN_AT, 0)
    if (
        now - seen_at > config["SESSION_IDLE_MINUTES"] * 60
        or now - signed_in_at > config["SESSION_ABSOLUTE_HOURS"] * 3600
    ):
        logout_user()
        for key in (SIGNED_IN_AT, SEEN_AT, CONFIRMED_AT):
            session.pop(key, None)
        flash(_("Your session has ended. Please sign in again."), "info")
        return
    if now - seen_at >= 30:  # rewriting the cookie on every request would be wasted work
        session[SEEN_AT] = now


def recently_confirmed() -> bool:
    minutes = current_app.config["REAUTHENTICATION_MINUTES"]
    return time.time() - session.get(CONFIRMED_AT, 0) <= minutes * 60


def reauthentication_required(view: Callable) -> Callable:
    """Ask for the password (and second factor) again unless given in the last few minutes."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user.is_authenticated and not recently_confirmed():
            return ask_to_confirm()
        return view(*args, **kwargs)

    return wrapper


def ask_to_confirm() -> Response:
    """Send the user to "confirm it is you", then back to where they were."""
    flash(_("Confirm it is you, then do it again."), "info")
    return redirect(url_for("auth.confirm", next=_return_path()))


def _return_path() -> str:
    """Where to come back after confirming: this page, or for a form, the page it was on."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and safe_next_url(referrer.path):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("account.preferences")


def set_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", current_app.config["PERMISSIONS_POLICY"])
    if current_app.config["HSTS"]:
        response.headers.setdefault("Strict-Transport-Security", current_app.config["HSTS"])
    if _is_private(response):
        # Signed-in pages and API answers (a new token, personal data) stay out of every cache.
        cache_control = response.headers.get("Cache-Control", "")
        if "no-store" not in cache_control:
            response.headers["Cache-Control"] = "no-store"
    return response


def _is_private(response: Response) -> bool:
    if request.endpoint == "static":
        return False
    return (
        request.path.startswith("/api/")
        or request.blueprint == "auth"
        or current_user.is_authenticated
    )


def refuse_unknown_host(error: SecurityError) -> Response:
    """A request for a host not in TRUSTED_HOSTS: a plain 400, since no URL can be built for it."""
    return Response("Bad Request: unknown host.", status=400, mimetype="text/plain")


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.before_request(end_expired_session)
    app.register_error_handler(SecurityError, refuse_unknown_host)
    app.after_request(set_security_headers)
    app.jinja_env.globals["can"] = lambda action, target=None: access.can(
        current_user, action, target
    )
