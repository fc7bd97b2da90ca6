"""Routes of the account pages."""

from flask import flash, redirect, render_template, session, url_for
from flask_babel import _
from flask_login import current_user, login_required

from app.account import bp
from app.account.forms import PreferencesForm, TokenForm
from app.services.accounts import tokens
from app.services.accounts import users as accounts
from app.services.errors import DomainError
from app.utils import attach_error, client_ip


@bp.route("/", methods=["GET", "POST"])
@login_required
def preferences():
    form = PreferencesForm(obj=current_user)
    if form.validate_on_submit():
        accounts.update_preferences(current_user, form.locale.data, form.timezone.data)
        session["lang"] = form.locale.data
        flash(_("Your preferences are saved."), "success")
        return redirect(url_for("account.preferences"))
    return _render(form=form)


def _render(form=None, token_form=None, new_token=None):
    return render_template(
        "account/preferences.html",
        form=form or PreferencesForm(obj=current_user),
        token_form=token_form or TokenForm(),
        tokens=tokens.list_for(current_user),
        new_token=new_token,
    )


@bp.post("/tokens")
@login_required
def create_token():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            _row, token = tokens.create(current_user, form.name.data, ip=client_ip())
        except DomainError as error:
            attach_error(form, error)
        else:
            return _render(new_token=token)
    return _render(token_form=form)


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    tokens.revoke(current_user, token_id, ip=client_ip())  # CSRF checked by CSRFProtect
    flash(_("The token is revoked."), "success")
    return redirect(url_for("account.preferences"))
