"""Routes of the second factor: the code at sign-in, enrolment, and "confirm it is you"."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user, login_required

from app.auth import bp
from app.auth.forms import ConfirmIdentityForm, SecondFactorForm
from app.auth.pending import complete_sign_in, landing_url, pending_next, pending_user
from app.auth.routes import _login_limit
from app.extensions import limiter
from app.security import mark_confirmed, reauthentication_required
from app.services.accounts import second_factor, signin
from app.services.errors import DomainError
from app.utils import attach_error, client_ip, safe_next_url


def _expired():
    flash(_("Please sign in again: the second step took too long."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/login/second-factor", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def second_factor_step():
    user = pending_user()
    if user is None:
        return _expired()
    if second_factor.needs_enrolment(user):
        return redirect(url_for("auth.enrol"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        try:
            method = second_factor.verify(user, form.code.data, ip=client_ip())
        except DomainError as error:
            attach_error(form, error)
        else:
            next_url = pending_next()
            complete_sign_in(user, method)
            if method == "recovery":
                left = second_factor.remaining_recovery_codes(user)
                flash(_("You used a recovery code. Recovery codes left: %(n)d.", n=left), "info")
            return redirect(next_url or landing_url(user))
    return render_template("auth/second_factor.html", form=form)


@bp.route("/login/set-up-second-factor", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@reauthentication_required
def enrol():
    """Sign-in of a role that needs a factor it has not set up, or a choice on My account."""
    user = current_user if current_user.is_authenticated else pending_user()
    if user is None:
        return _expired()
    if user.has_second_factor:
        return redirect(url_for("account.preferences"))
    form = SecondFactorForm()
    try:
        second_factor.start_enrolment(user)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("account.preferences"))
    if form.validate_on_submit():
        try:
            codes = second_factor.confirm_enrolment(user, form.code.data, ip=client_ip())
        except DomainError as error:
            attach_error(form, error)
        else:
            if not current_user.is_authenticated:
                next_url = pending_next() or landing_url(user)
                complete_sign_in(user, "totp")
            else:
                next_url = url_for("account.preferences")
            return render_template(
                "auth/recovery_codes.html",
                codes=codes,
                next_url=next_url or url_for("public.index"),
            )
    return render_template(
        "auth/enrol.html",
        form=form,
        user=user,
        qr_svg=second_factor.qr_code_svg(user),
        secret=user.totp_secret,
        required=second_factor.is_required(user),
    )


@bp.route("/confirm", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@login_required
def confirm():
    """Password (and second factor) again before a sensitive action."""
    form = ConfirmIdentityForm()
    next_url = safe_next_url(request.args.get("next")) or url_for("account.preferences")
    if form.validate_on_submit():
        try:
            signin.confirm_password(current_user, form.password.data, ip=client_ip())
            if current_user.has_second_factor:
                second_factor.verify(current_user, form.code.data or "", ip=client_ip())
        except DomainError as error:
            attach_error(form, error)
        else:
            mark_confirmed()
            return redirect(next_url)
    return render_template("auth/confirm.html", form=form)
