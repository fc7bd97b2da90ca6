"""The person's choice of what they are told, and how."""

from flask import flash, redirect, url_for
from flask_babel import _
from flask_login import current_user, login_required

from app.account import bp
from app.account.forms import notifications_form
from app.account.routes import _render
from app.services.errors import DomainError
from app.services.notifications import kinds
from app.services.notifications import preferences as notifications
from app.utils import attach_error, client_ip


@bp.post("/notifications")
@login_required
def save_notifications():
    choices = notifications.choices_of(current_user)
    form = notifications_form(kinds.kinds_for(current_user.role), choices)
    if form.validate_on_submit():
        chosen = {kind: getattr(form, kind).data for kind in choices}
        try:
            notifications.save(current_user, chosen, ip=client_ip())
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("Your choice of emails is saved."), "success")
            return redirect(url_for("account.preferences", _anchor="notifications"))
    return _render(notify_form=form)
