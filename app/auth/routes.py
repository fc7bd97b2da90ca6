"""Routes of the sign-in pages."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import _, get_locale
from flask_login import current_user, login_required

from app.auth import bp
from app.auth.forms import ChoosePasswordForm, LoginForm, ResetRequestForm
from app.auth.pending import complete_sign_in, hold_for_second_factor, landing_url
from app.extensions import limiter
from app.security import end_session
from app.services.accounts import second_factor, signin
from app.services.accounts import users as accounts
from app.services.errors import DomainError
from app.utils import client_ip, safe_next_url


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next_url(request.args.get("next")) or landing_url(current_user))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = signin.authenticate(form.email.data, form.password.data, ip=client_ip())
        except signin.TooManyAttempts as error:
            form.password.errors.append(error.message)
            status = 429
        except DomainError as error:
            form.password.errors.append(error.message)
        else:
            next_url = safe_next_url(request.args.get("next"))
            if user.has_second_factor or second_factor.needs_enrolment(user):
                hold_for_second_factor(user, next_url)
                return redirect(url_for("auth.second_factor_step"))
            complete_sign_in(user, "password")
            return redirect(next_url or landing_url(user))
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    signin.sign_out(current_user, ip=client_ip())
    end_session()
    flash(_("You are signed out."), "success")
    return redirect(url_for("public.index"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _choose_password(token, "invite", _("Welcome! Choose your password"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _choose_password(token, "reset", _("Choose a new password"))


def _choose_password(token: str, purpose: str, heading: str):
    """Shared by invitations and resets: both end with the person choosing a password."""
    row = accounts.redeem_token(token, purpose)
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_password_with_token(
                token, purpose, form.password.data, language=str(get_locale())
            )
        except DomainError as error:
            form.password.errors.append(error.message)
        else:
            flash(_("Your password is saved. You can sign in now."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/choose_password.html", form=form, heading=heading, user=row.user)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data, ip=client_ip())
        flash(
            _("If an account uses this address, a link to reset its password is on its way."),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/request_reset.html", form=form)
