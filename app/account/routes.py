"""Routes of the account pages."""

from flask import flash, redirect, render_template, session, url_for
from flask_babel import _
from flask_login import current_user, login_required

from app.account import bp
from app.account.forms import (
    ButtonForm,
    ChangePasswordForm,
    PreferencesForm,
    TokenForm,
    notifications_form,
)
from app.security import end_session, reauthentication_required, renew_session
from app.services.accounts import second_factor, signin, tokens
from app.services.accounts import users as accounts
from app.services.errors import DomainError
from app.services.notifications import kinds
from app.services.notifications import preferences as notifications
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


def _render(form=None, token_form=None, new_token=None, password_form=None, notify_form=None):
    """The account page; a form posted back with errors answers 422, as every other form does."""
    refused = any(
        posted is not None and posted.errors
        for posted in (form, token_form, password_form, notify_form)
    )
    if notify_form is None:
        choices = notifications.choices_of(current_user)
        notify_form = notifications_form(list(choices), choices, formdata=None)
    return render_template(
        "account/preferences.html",
        form=form or PreferencesForm(obj=current_user),
        token_form=token_form or TokenForm(),
        password_form=password_form or ChangePasswordForm(),
        notify_form=notify_form,
        notify_kinds=kinds.kinds_for(current_user.role),
        button=ButtonForm(),
        tokens=tokens.list_for(current_user),
        new_token=new_token,
        recovery_codes_left=second_factor.remaining_recovery_codes(current_user),
        factor_required=second_factor.is_required(current_user),
    ), (422 if refused else 200)


@bp.post("/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            signin.change_password(
                current_user, form.current.data, form.password.data, ip=client_ip()
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            renew_session(current_user)  # this session goes on; every other one has ended
            flash(_("Your password is changed. Your other sessions are signed out."), "success")
            return redirect(url_for("account.preferences"))
    return _render(password_form=form)


@bp.post("/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    if ButtonForm().validate_on_submit():
        signin.sign_out_everywhere(current_user, ip=client_ip())
        end_session()
        flash(_("You are signed out on every device, and your API tokens are revoked."), "success")
        return redirect(url_for("auth.login"))
    return redirect(url_for("account.preferences"))


@bp.post("/tokens")
@login_required
@reauthentication_required
def create_token():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            _row, token = tokens.create(
                current_user, form.name.data, form.days.data, ip=client_ip()
            )
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
