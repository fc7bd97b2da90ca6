"""Routes by which a person asks for their account to be erased, or takes the request back."""

from flask import flash, redirect, url_for
from flask_babel import _
from flask_login import current_user, login_required

from app.account import bp
from app.account.forms import ButtonForm
from app.services.accounts import erasure
from app.utils import client_ip


@bp.post("/erasure")
@login_required
def request_erasure():
    if ButtonForm().validate_on_submit():
        erasure.request_erasure(current_user, ip=client_ip())
        flash(
            _("Your request is sent. An administrator will erase your account and tell you."),
            "success",
        )
    return redirect(url_for("account.preferences", _anchor="erasure"))


@bp.post("/erasure/cancel")
@login_required
def cancel_erasure():
    if ButtonForm().validate_on_submit():
        erasure.cancel_request(current_user, ip=client_ip())
        flash(_("Your request to be erased is withdrawn."), "success")
    return redirect(url_for("account.preferences", _anchor="erasure"))
