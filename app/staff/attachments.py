"""Staff attach the files an organisation sent outside the platform to its submission."""

from flask import flash, redirect, url_for
from flask_babel import _
from flask_login import current_user

from app import confirm
from app.attachment_uploads import AttachmentForm, flash_accepted, json_answer, receive, wants_json
from app.extensions import csrf
from app.services.consultations import lifecycle as consultations
from app.services.errors import DomainError
from app.services.feedback import attachments
from app.staff import bp
from app.utils import client_ip


def _back(slug: str, submission_id: int):
    return redirect(url_for("feedback.read_submission", slug=slug, submission_id=submission_id))


@bp.post("/consultations/<slug>/submissions/<int:submission_id>/files")
@csrf.exempt  # the token is checked once the body may be read: app/attachment_uploads.py
def attach_files(slug: str, submission_id: int):
    consultation = consultations.get_by_slug(slug)
    received = receive(
        lambda name, data: attachments.attach_as_staff(
            current_user, consultation, submission_id, name, data, ip=client_ip()
        )
    )
    flash_accepted(received)
    if wants_json():
        return json_answer(received)
    if received.problem:
        flash(received.problem, "error")
    for name, reason in received.refused:
        flash(_("%(name)s was not attached: %(reason)s", name=name, reason=reason), "error")
    return _back(slug, submission_id)


@bp.post("/consultations/<slug>/submissions/<int:submission_id>/files/<int:attachment_id>/delete")
def delete_attached_file(slug: str, submission_id: int, attachment_id: int):
    if not AttachmentForm().validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
        return _back(slug, submission_id)
    if not confirm.confirmed():
        return confirm.ask(
            _("Remove this file from the submission?"),
            _("Remove the file"),
            url_for("feedback.read_submission", slug=slug, submission_id=submission_id),
        )
    try:
        removed = attachments.remove_as_staff(
            current_user,
            consultations.get_by_slug(slug),
            submission_id,
            attachment_id,
            ip=client_ip(),
        )
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("File removed: %(name)s.", name=removed.filename), "success")
    return _back(slug, submission_id)
