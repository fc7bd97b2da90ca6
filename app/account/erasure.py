"""Routes of a person's own data: ask for all of it as a file, ask for the account to be erased,
or take the request back."""

from flask import flash, redirect, url_for
from flask_babel import _, get_locale
from flask_login import current_user, login_required

from app.account import bp
from app.account.forms import ButtonForm
from app.services.accounts import erasure
from app.services.errors import DomainError
from app.services.exports import my_data as my_data_job
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


@bp.post("/my-data")
@login_required
def request_my_data():
    """A worker writes the file; the job's page follows it and offers the download."""
    back = url_for("account.preferences", _anchor="my-data")
    if not ButtonForm().validate_on_submit():
        return redirect(back)
    try:
        job = my_data_job.start(current_user, str(get_locale()), ip=client_ip())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(back)
    return redirect(url_for("exports.job", public_id=job.public_id))


@bp.get("/my-data.json")
@login_required
def my_data():
    """The address of the download before it became a job: bookmarks lead to the button."""
    return redirect(url_for("account.preferences", _anchor="my-data"), 301)
