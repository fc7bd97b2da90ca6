"""The half-way state between a right password and the second factor, kept in the session."""

import time

from flask import flash, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.models import User
from app.security import clear_session, start_session
from app.services.accounts import access, signin
from app.utils import client_ip

PENDING = "_pending_sign_in"
# The second factor must follow the password within this many seconds.
PENDING_SECONDS = 300


def hold_for_second_factor(user: User, next_url: str | None) -> None:
    """Remember, in a fresh session, that `user` gave the right password a moment ago."""
    clear_session()
    session[PENDING] = {
        "user": user.id,
        "version": user.session_version,
        "at": time.time(),
        "next": next_url,
    }


def pending_user() -> User | None:
    """The user half-way through signing in, if the password was given recently enough."""
    state = session.get(PENDING)
    if not isinstance(state, dict) or time.time() - state.get("at", 0) > PENDING_SECONDS:
        return None
    return signin.still_signing_in(state.get("user"), state.get("version"))


def pending_next() -> str | None:
    state = session.get(PENDING)
    return state.get("next") if isinstance(state, dict) else None


def complete_sign_in(user: User, method: str) -> None:
    """Open a new session for `user` (a new cookie and CSRF token) and record the sign-in."""
    first_time = user.last_login_at is None
    # Read before the session changes hands: the language the sign-in pages were shown in.
    shown = str(get_locale())
    start_session(user)
    signin.record_sign_in(user, ip=client_ip(), method=method, language=shown)
    if first_time and not user.has_second_factor:
        flash(
            _("Welcome! You can protect your account with a second factor on My account."),
            "info",
        )


# Each role's own area, in order of precedence: the first the person may enter is theirs.
LANDINGS = (
    ("staff.area", "staff.dashboard"),
    ("council.home", "council.home"),
    ("partner.home", "feedback.home"),
)


def landing_url(user: User) -> str:
    """The first page of the person's own area after sign-in; the home page for visitors."""
    for action, endpoint in LANDINGS:
        if access.can(user, action):
            return url_for(endpoint)
    return url_for("public.index")
