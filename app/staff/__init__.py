"""The secretariat's pages: consultations, organisations and people."""

from flask import Blueprint, abort
from flask_login import current_user

from app.extensions import login_manager
from app.services.accounts import access

bp = Blueprint("staff", __name__)


@bp.before_request
def require_staff():
    """Every staff page is refused to anyone else before its route runs."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not access.can(current_user, "staff.area"):
        abort(403)


from app.staff import (  # noqa: E402,F401
    audit,
    consultations,
    erasure,
    feedback_import,
    moderation,
    organisations,
    outbox,
    privacy,
    publication,
    responses,
    syntheses,
    users,
)
