"""The published rules every comment, proposed wording and answer must keep to, and the
privacy notice in force."""

from flask import render_template

from app.public import bp
from app.services.accounts import privacy


@bp.get("/rules")
def rules():
    return render_template("public/rules.html")


@bp.get("/privacy")
def privacy_page():
    return render_template("public/privacy.html", notice=privacy.current())
