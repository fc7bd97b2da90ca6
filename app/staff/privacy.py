"""The administrators' page for the privacy notice: read it, publish a new version."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user

from app.services.accounts import access, privacy
from app.services.errors import Forbidden
from app.staff import bp
from app.staff.forms import ConfirmForm
from app.utils import client_ip


def _page(texts: dict, errors: dict | None = None, status: int = 200):
    notice = privacy.current()
    page = render_template(
        "staff/privacy.html",
        notice=notice,
        texts=texts,
        errors=errors or {},
        languages=privacy.LANGUAGES,
        confirm=ConfirmForm(),
    )
    return page, status


@bp.get("/privacy")
def privacy_admin():
    if not access.can(current_user, "privacy.manage"):
        raise Forbidden(_("Only administrators edit the privacy notice."))
    notice = privacy.current()
    return _page(dict(notice.text) if notice else dict(privacy.FIRST_DRAFT))


@bp.post("/privacy")
def publish_privacy():
    texts = {language: request.form.get(f"text_{language}", "") for language in privacy.LANGUAGES}
    if not ConfirmForm().validate_on_submit():
        return _page(texts, {"form": _("The form expired: send it again.")}, 400)
    try:
        notice = privacy.publish(current_user, texts, ip=client_ip())
    except privacy.NoticeInvalid as error:
        return _page(texts, {error.field: error.message}, 400)
    flash(
        _("Version %(version)d is published: everyone accepts it at their next page.",
          version=notice.version),
        "success",
    )  # fmt: skip
    return redirect(url_for("staff.privacy_admin"))
