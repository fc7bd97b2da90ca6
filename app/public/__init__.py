"""Public pages: the consultations and the drafts anyone may read."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from app.public import published, routes, rules  # noqa: E402,F401
