"""Error pages: every failure answers a translated page (or JSON under /api), never a traceback."""

import contextlib
import math
import time
import uuid

import sqlalchemy as sa
from flask import Flask, current_app, g, jsonify, render_template, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db, limiter
from app.lazy_text import lazy_gettext as _l
from app.services.accounts import refusals
from app.services.errors import Conflict, DomainError, Forbidden, NotFound, Unavailable
from app.utils import client_ip

MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please sign in to see this page."),
    403: _l("You do not have permission to see this page."),
    404: _l("This page does not exist."),
    405: _l("This action is not allowed here."),
    413: _l("The file is too large."),
    429: _l("Too many attempts. Please wait a minute and try again."),
    500: _l("Something went wrong on our side. Please try again later."),
}


def _respond(status: int, message: object):
    if request.path.startswith("/api/"):
        return jsonify(error=str(message), status=status), status
    return render_template("errors.html", status=status, message=message), status


def _audit_refusal() -> None:
    """Every 403 leaves a trace: probing for what one may not see is worth knowing about."""
    try:
        refusals.record_refusal(current_user, request.method, request.full_path, client_ip())
    except Exception:  # an audit failure must not turn a refusal into an error page
        current_app.logger.exception("could not audit a refused request")
        db.session.rollback()


def handle_http_error(error: HTTPException):
    status = error.code or 500
    if status == 403:
        _audit_refusal()
    if status == 413:
        return _respond(status, _too_large())
    if status == 429:
        return _too_many()
    return _respond(status, MESSAGES.get(status, error.description))


def _too_many():
    """A rate limit refused the request: the page, and when to try again."""
    response = current_app.make_response(_respond(429, MESSAGES[429]))
    with contextlib.suppress(Exception):  # the limit's storage is gone: the page alone
        limit = limiter.current_limit
        if limit is not None:
            response.headers["Retry-After"] = str(max(1, math.ceil(limit.reset_at - time.time())))
    return response


def _too_large():
    return _l(
        "This is too large to send: files of up to %(size)d MB are accepted.",
        size=current_app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024),
    )


def handle_csrf_error(error: CSRFError):
    return _respond(400, _l("The form had expired. Please submit it again."))


def handle_domain_error(error: DomainError):
    status = {NotFound: 404, Forbidden: 403, Conflict: 409, Unavailable: 503}.get(type(error), 400)
    if status == 403:
        _audit_refusal()
    return _respond(status, error.message)


def handle_unexpected_error(error: Exception):
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    return _respond(500, MESSAGES[500])


UNAVAILABLE = _l("The service is briefly unavailable. Please try again in a moment.")
UNAVAILABLE_AUTOSAVE = _l(
    "The server cannot save right now: your text is kept in this browser and will be saved "
    "as soon as the server answers again."
)
UNAVAILABLE_RETRY_SECONDS = 5


def handle_database_unavailable(error: Exception):
    """The database is gone or stuck: a translated 503 with an incident id, never a 500."""
    incident = uuid.uuid4().hex[:12].upper()
    current_app.logger.error(
        "database unavailable on %s %s, incident %s: %s",
        request.method,
        request.path,
        incident,
        error,
        exc_info=error,
    )
    # The reader's language while the signed-in account can still tell it; else the browser's.
    with contextlib.suppress(Exception):
        get_locale()
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone; the pool replaces it later
        current_app.logger.warning("rollback failed during incident %s", incident)
    # The page must not read the database again: render it for an anonymous visitor.
    from app.extensions import login_manager

    g._login_user = login_manager.anonymous_user()
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        response = jsonify(
            status="unavailable",
            incident=incident,
            retry_after=UNAVAILABLE_RETRY_SECONDS,
            message=str(UNAVAILABLE_AUTOSAVE),
            error=str(UNAVAILABLE),
        )
    else:
        response = current_app.make_response(
            render_template("errors.html", status=503, message=UNAVAILABLE, incident=incident)
        )
    response.status_code = 503
    response.headers["Retry-After"] = str(UNAVAILABLE_RETRY_SECONDS)
    # The request's session changes are undone with its transaction (the page's own CSRF
    # token included): a sign-in that could not be recorded leaves the browser signed out,
    # with its session and forms' CSRF token as they were.
    session.modified = False
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(sa.exc.OperationalError, handle_database_unavailable)
    app.register_error_handler(sa.exc.TimeoutError, handle_database_unavailable)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(DomainError, handle_domain_error)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected_error)
