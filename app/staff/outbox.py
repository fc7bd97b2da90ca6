"""Staff routes for the background work that failed: look at it, and send it again."""

from flask import flash, redirect, render_template, url_for
from flask_babel import _
from flask_login import current_user

from app.services.errors import DomainError
from app.services.mail import outbox
from app.staff import bp
from app.staff.forms import ConfirmForm
from app.utils import client_ip


@bp.get("/outbox")
def failed_outbox():
    return render_template("staff/outbox.html", failed=outbox.failed_messages(current_user))


@bp.post("/outbox/<int:message_id>/retry")
def retry_outbox(message_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            outbox.retry(current_user, message_id, ip=client_ip())
            flash(_("Sent again: it will be tried as before."), "success")
        except DomainError as error:
            flash(str(error), "warning")
    return redirect(url_for("staff.failed_outbox"))
