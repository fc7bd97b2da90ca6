"""The published rules every comment, proposed wording and answer must keep to."""

from flask import render_template

from app.public import bp


@bp.get("/rules")
def rules():
    return render_template("public/rules.html")
