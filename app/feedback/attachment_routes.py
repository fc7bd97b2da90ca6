"""Files attached to a submission: the partner's page to add and remove them, and downloads."""

import unicodedata
from urllib.parse import quote

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import _
from flask_login import current_user, login_required

from app import confirm
from app.attachment_uploads import (
    AttachmentForm,
    Received,
    flash_accepted,
    json_answer,
    receive,
    wants_json,
)
from app.extensions import csrf
from app.feedback import bp
from app.feedback.routes import _consultation_for_partner
from app.services.errors import DomainError
from app.services.feedback import attachments
from app.services.feedback import saving as feedback
from app.utils import client_ip


def files_page(consultation, received: Received | None = None, status: int = 200):
    """The page listing the organisation's files, with the form to add more."""
    return render_template(
        "feedback/files.html",
        consultation=consultation,
        submission=feedback.submission_of(consultation, current_user.organisation_id),
        form=AttachmentForm(formdata=None),  # the post may be unreadable (too large)
        received=received,
        max_files=attachments.max_files(),
        max_mb=attachments.max_bytes() // (1024 * 1024),
    ), status


@bp.get("/consultations/<slug>/respond/files")
@login_required
def files(slug: str):
    return files_page(_consultation_for_partner(slug))


@bp.post("/consultations/<slug>/respond/files")
@csrf.exempt  # the token is checked once the body may be read: app/attachment_uploads.py
@login_required
def upload_files(slug: str):
    consultation = _consultation_for_partner(slug)
    received = receive(
        lambda name, data: attachments.attach(
            current_user, consultation, name, data, ip=client_ip()
        )
    )
    flash_accepted(received)
    if wants_json():
        return json_answer(received)
    failed = bool(received.refused or received.problem)
    if failed:
        return files_page(consultation, received, 422)
    return redirect(url_for(".files", slug=slug))


@bp.post("/consultations/<slug>/respond/files/<int:attachment_id>/delete")
@login_required
def delete_file(slug: str, attachment_id: int):
    consultation = _consultation_for_partner(slug)
    if not AttachmentForm().validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
        return redirect(url_for(".files", slug=slug))
    if not confirm.confirmed():
        return confirm.ask(
            _("Remove this file from the submission?"),
            _("Remove the file"),
            url_for(".files", slug=slug),
        )
    try:
        removed = attachments.remove(current_user, consultation, attachment_id, ip=client_ip())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("File removed: %(name)s.", name=removed.filename), "success")
    return redirect(url_for(".files", slug=slug))


def content_disposition(filename: str) -> str:
    """`attachment` with the file's name, in UTF-8 (RFC 6266) beside an ASCII fallback."""
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    fallback = fallback.replace("\\", "_").replace('"', "_") or "document"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@bp.get("/attachments/<int:attachment_id>")
@login_required
def download_file(attachment_id: int):
    attachment, chunks = attachments.open_for_download(current_user, attachment_id, ip=client_ip())
    response = Response(chunks, mimetype=attachment.content_type)
    response.headers["Content-Disposition"] = content_disposition(attachment.filename)
    response.headers["Content-Length"] = str(attachment.size)
    # A paper sent to the Council stays out of shared caches and the browser's.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
