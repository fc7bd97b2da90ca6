"""The Council's review of syntheses: overview, paragraphs, themes, the feedback behind figures."""

from flask import Blueprint

bp = Blueprint("council", __name__)

from app.council import routes, themes  # noqa: E402,F401
