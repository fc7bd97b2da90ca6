"""The signed-in user's own settings."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from app.account import erasure, notifications, privacy, routes  # noqa: E402,F401
