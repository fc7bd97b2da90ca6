"""Routes of the public pages."""

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from app.public import bp
from app.services.accounts import access
from app.services.accounts import users as accounts
from app.services.consultations import lifecycle as consultations
from app.services.consultations import reading, timeline
from app.services.feedback import publication
from app.services.reports import decisions
from app.services.synthesis import runs
from app.utils import query_int, safe_next_url


@bp.get("/")
def index():
    groups = consultations.listing_by_phase(current_user)
    return render_template("public/index.html", groups=groups)


@bp.get("/consultations/<slug>")
def consultation(slug: str):
    item = consultations.get_by_slug(slug, with_text=False)
    access.require(current_user, "consultation.read", item)
    version = consultations.get_version(item, request.args.get("version", type=query_int))
    return render_template(
        "public/consultation.html",
        consultation=item,
        version=version,
        sections=reading.sections(version),
        has_syntheses=bool(runs.readable(current_user, item)),
        has_decisions=decisions.has_published(current_user, item),
        has_published_feedback=publication.is_published(item),
        steps=timeline.steps(item),
        participation=timeline.participation(item),
        invitation_advice=(
            access.invitation_advice() if access.can(current_user, "invitation.ask", item) else None
        ),
    )


@bp.post("/language")
def set_language():
    language = request.form.get("lang", "")
    if language in current_app.config["LANGUAGES"]:
        session["lang"] = language
        if current_user.is_authenticated:
            accounts.update_preferences(current_user, language, current_user.timezone)
    return redirect(safe_next_url(request.form.get("next")) or url_for("public.index"))
