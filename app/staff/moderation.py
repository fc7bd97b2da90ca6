"""Staff routes for hiding a text that breaks the published rules, and showing it again."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user

from app.models.moderation import HIDDEN_PARTS, HIDE_REASONS
from app.services.consultations import lifecycle as consultations
from app.services.errors import DomainError
from app.services.feedback import moderation, submissions
from app.services.ids import parse_id
from app.staff import bp
from app.staff.forms import ConfirmForm
from app.utils import client_ip


def _page(slug: str, submission_id: int, failed: dict | None = None, status: int = 200):
    consultation = consultations.get_by_slug(slug)
    submission = submissions.get_for_reader(
        current_user, consultation, submission_id, ip=client_ip()
    )
    page = render_template(
        "staff/moderation.html",
        consultation=consultation,
        submission=submission,
        texts=moderation.texts(current_user, submission),
        reasons=HIDE_REASONS,
        parts=HIDDEN_PARTS,
        failed=failed or {},
    )
    return page, status


@bp.get("/consultations/<slug>/submissions/<int:submission_id>/moderation")
def moderation_page(slug: str, submission_id: int):
    return _page(slug, submission_id)


@bp.post("/consultations/<slug>/submissions/<int:submission_id>/moderation/hide")
def hide_text(slug: str, submission_id: int):
    consultation = consultations.get_by_slug(slug)
    submission = submissions.get_for_reader(current_user, consultation, submission_id)
    given = {k: request.form.get(k, "") for k in ("part", "target_id", "reason", "note")}
    if not ConfirmForm().validate_on_submit():
        return _page(
            slug, submission_id, {**given, "error": _("The form expired: send it again.")}, 400
        )
    try:
        moderation.hide(
            current_user, consultation, submission, given["part"],
            parse_id(given["target_id"]) or 0, given["reason"], given["note"], ip=client_ip(),
        )  # fmt: skip
    except DomainError as error:
        return _page(slug, submission_id, {**given, "error": error.message}, 400)
    flash(_("The text is hidden; the organisation was told by email."), "success")
    return redirect(url_for("staff.moderation_page", slug=slug, submission_id=submission_id))


@bp.post("/moderation/<int:moderation_id>/show")
def show_text(moderation_id: int):
    if ConfirmForm().validate_on_submit():
        hiding = moderation.show_again(current_user, moderation_id, ip=client_ip())
        flash(_("The text is shown again."), "success")
        submission = hiding.submission
        return redirect(
            url_for(
                "staff.moderation_page",
                slug=submission.consultation.slug,
                submission_id=submission.id,
            )
        )
    flash(_("The form expired: send it again."), "error")
    return redirect(url_for("staff.dashboard"))
