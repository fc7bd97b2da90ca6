"""Exports for staff and the Council: the feedback export page, export jobs and their files."""

from flask import Blueprint
from flask_login import current_user

from app.extensions import login_manager

bp = Blueprint("exports", __name__)


@bp.before_request
def require_sign_in():
    """Every export belongs to someone: anonymous visitors are asked to sign in first."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


from app.exports import routes  # noqa: E402,F401
