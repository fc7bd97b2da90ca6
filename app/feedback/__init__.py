"""Partners writing their organisation's submission; reading submissions and decisions."""

from flask import Blueprint

bp = Blueprint("feedback", __name__)

from app.feedback import attachment_routes, decisions, receipts, routes, submit_routes  # noqa: E402,F401
