"""Routes of a person's own data: download all of it, ask for the account to be erased, or take
the request back."""

import json

from flask import Response, flash, redirect, url_for
from flask_babel import _
from flask_login import current_user, login_required

from app.account import bp
from app.account.forms import ButtonForm
from app.services.accounts import erasure
from app.services.accounts import my_data as my_data_service
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


@bp.get("/my-data.json")
@login_required
def my_data():
    document = my_data_service.collect(current_user, ip=client_ip())
    response = Response(
        json.dumps(document, ensure_ascii=False, indent=2, default=str),
        mimetype="application/json",
    )
    response.headers["Content-Disposition"] = 'attachment; filename="my-agora-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response
