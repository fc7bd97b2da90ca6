"""Staff routes for running syntheses, following their progress and releasing them."""

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import _, ngettext
from flask_login import current_user

from app import confirm
from app.lazy_text import lazy_gettext as _l
from app.services.consultations import lifecycle as consultations
from app.services.errors import DomainError
from app.services.reports import decisions
from app.services.synthesis import runs, vector_jobs, vectors
from app.staff import bp
from app.staff.forms import ConfirmForm
from app.utils import client_ip

# Releasing asks first, in words that say who will read the synthesis.
RELEASE_WORDS = {
    "council": (
        _l("Release synthesis %(number)d to the Council?"),
        _l("Release to the Council"),
    ),
    "public": (
        _l("Publish synthesis %(number)d to everyone? Anyone, signed in or not, can then read it."),
        _l("Publish to everyone"),
    ),
}


@bp.get("/consultations/<slug>/syntheses")
def syntheses(slug: str):
    item = consultations.get_by_slug(slug)
    items = runs.readable(current_user, item)
    return render_template(
        "staff/syntheses.html",
        consultation=item,
        syntheses=items,
        decided=decisions.decision_counts(items),
        withheld=runs.withheld_from_public(current_user, items),
        confirm=ConfirmForm(),
        vector_status=vectors.status(),
        vector_progress=vector_jobs.progress(item.id),
    )


@bp.post("/consultations/<slug>/syntheses")
def run_synthesis(slug: str):
    item = consultations.get_by_slug(slug)
    if ConfirmForm().validate_on_submit():
        try:
            synthesis = runs.request_synthesis(current_user, item, ip=client_ip())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Synthesis %(number)d is queued.", number=synthesis.number), "success")
    return redirect(url_for("staff.syntheses", slug=slug))


@bp.get("/consultations/<slug>/syntheses/<int:number>/progress")
def synthesis_progress(slug: str, number: int):
    synthesis = runs.get_any(current_user, consultations.get_by_slug(slug), number)
    return jsonify(
        status=synthesis.status,
        status_label=synthesis.status_label,
        progress=synthesis.progress,
        error=synthesis.error,
    )


@bp.post("/consultations/<slug>/syntheses/<int:number>/<any(retry, release):action>")
def change_synthesis(slug: str, number: int, action: str):
    synthesis = runs.get_any(current_user, consultations.get_by_slug(slug), number)
    if ConfirmForm().validate_on_submit():
        audience = request.form.get("audience", "")
        if action == "release" and audience in RELEASE_WORDS and not confirm.confirmed():
            question, words = RELEASE_WORDS[audience]
            back = url_for("staff.syntheses", slug=slug)
            return confirm.ask(str(question) % {"number": number}, str(words), back)
        try:
            if action == "retry":
                runs.retry(current_user, synthesis, ip=client_ip())
                flash(_("Synthesis %(number)d is queued again.", number=number), "success")
            else:
                runs.release(current_user, synthesis, audience, ip=client_ip())
                flash(_("Who may read synthesis %(number)d is saved.", number=number), "success")
        except DomainError as error:
            flash(error.message, "error")
    return redirect(url_for("staff.syntheses", slug=slug))


@bp.post("/consultations/<slug>/syntheses/<int:number>/decisions/<any(publish, unpublish):action>")
def publish_decisions(slug: str, number: int, action: str):
    synthesis = runs.get_any(current_user, consultations.get_by_slug(slug), number)
    if ConfirmForm().validate_on_submit():
        try:
            if action == "publish":
                emailed = decisions.publish(current_user, synthesis, ip=client_ip())
                flash(_published_message(number, emailed), "success")
            else:
                decisions.unpublish(current_user, synthesis, ip=client_ip())
                message = _("The decisions on synthesis %(number)d are withdrawn.", number=number)
                flash(message, "success")
        except DomainError as error:
            flash(error.message, "error")
    return redirect(url_for("staff.syntheses", slug=slug))


def _published_message(number: int, emailed: int) -> str:
    return ngettext(
        "The decisions on synthesis %(number)d are published; %(num)d person was emailed.",
        "The decisions on synthesis %(number)d are published; %(num)d people were emailed.",
        emailed,
        number=number,
    )
