"""“You said, we did”: the Council's decisions on a consultation, as a page and a PDF."""

from io import BytesIO

from flask import render_template, send_file
from flask_babel import get_locale
from flask_login import current_user

from app.feedback import bp
from app.services.consultations import lifecycle as consultations
from app.services.reports import decisions


@bp.get("/consultations/<slug>/decisions")
def decisions_page(slug: str):
    consultation = consultations.get_by_slug(slug)
    return _page(consultation, decisions.latest_published(current_user, consultation))


@bp.get("/consultations/<slug>/decisions/<int:number>")
def decisions_of_synthesis(slug: str, number: int):
    consultation = consultations.get_by_slug(slug)
    return _page(consultation, decisions.readable(current_user, consultation, number))


@bp.get("/consultations/<slug>/decisions/<int:number>.pdf")
def decisions_pdf(slug: str, number: int):
    consultation = consultations.get_by_slug(slug)
    synthesis = decisions.readable(current_user, consultation, number)
    language = str(get_locale())
    return send_file(
        BytesIO(decisions.write_pdf(synthesis, language)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{slug}-decisions-{number}-{language}.pdf",
    )


def _page(consultation, synthesis):
    return render_template(
        "feedback/decisions.html",
        consultation=consultation,
        report=decisions.you_said_we_did(synthesis, str(get_locale())),
    )
