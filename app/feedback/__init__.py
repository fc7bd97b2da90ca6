"""Partners writing their organisation's submission; council and staff reading submissions."""

from flask import Blueprint

bp = Blueprint("feedback", __name__)

from app.feedback import routes, submit_routes  # noqa: E402,F401
