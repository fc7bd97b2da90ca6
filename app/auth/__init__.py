"""Signing in and out, invitations and password resets."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from app.auth import factor_routes, routes  # noqa: E402,F401
