"""Partners writing their organisation's submission; reading submissions and decisions."""

from flask import Blueprint

bp = Blueprint("feedback", __name__)

from app.feedback import decisions, receipts, routes, submit_routes  # noqa: E402,F401
