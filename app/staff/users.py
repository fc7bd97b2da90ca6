"""Staff routes for people: invitations, and for admins roles and disabling."""

from flask import flash, redirect, render_template, url_for
from flask_babel import _
from flask_login import current_user

from app.security import reauthentication_required
from app.services.accounts import organisations, second_factor
from app.services.accounts import users as accounts
from app.services.errors import DomainError
from app.staff import bp
from app.staff.forms import ConfirmForm, InviteForm, RoleForm
from app.utils import attach_error, client_ip


def _organisation_choices() -> list[tuple[int, str]]:
    return [(0, _("— none —"))] + [(o.id, o.name) for o in organisations.list_all(current_user)]


@bp.get("/users")
def users_list():
    return render_template(
        "staff/users.html",
        users=accounts.list_users(current_user),
        role_form=_role_form(),
        confirm=ConfirmForm(),
    )


def _role_form(**kwargs) -> RoleForm:
    form = RoleForm(**kwargs)
    form.organisation_id.choices = _organisation_choices()
    return form


@bp.route("/users/invite", methods=["GET", "POST"])
def invite():
    form = InviteForm()
    form.organisation_id.choices = _organisation_choices()
    if form.validate_on_submit():
        try:
            user = accounts.invite(
                current_user,
                form.email.data,
                form.name.data,
                form.role.data,
                form.organisation_id.data or None,
                ip=client_ip(),
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("An invitation is on its way to %(email)s.", email=user.email), "success")
            return redirect(url_for("staff.users_list"))
    return render_template("staff/invite.html", form=form)


@bp.post("/users/<int:user_id>/role")
@reauthentication_required
def change_role(user_id: int):
    form = _role_form()
    if form.validate_on_submit():
        try:
            user = accounts.change_role(
                current_user,
                user_id,
                form.role.data,
                form.organisation_id.data or None,
                ip=client_ip(),
            )
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("%(name)s is now: %(role)s.", name=user.name, role=user.role_label), "success")
    return redirect(url_for("staff.users_list"))


@bp.post("/users/<int:user_id>/<any(enable, disable):action>")
def set_active(user_id: int, action: str):
    if ConfirmForm().validate_on_submit():
        try:
            user = accounts.set_active(current_user, user_id, action == "enable", ip=client_ip())
        except DomainError as error:
            flash(error.message, "error")
        else:
            if user.active:
                flash(_("%(name)s can sign in again.", name=user.name), "success")
            else:
                flash(
                    _("%(name)s is disabled and signed out everywhere.", name=user.name), "success"
                )
    return redirect(url_for("staff.users_list"))


@bp.post("/users/<int:user_id>/second-factor/reset")
@reauthentication_required
def reset_second_factor(user_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            user = second_factor.reset(current_user, user_id, ip=client_ip())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(
                _("%(name)s sets up a new second factor at their next sign-in.", name=user.name),
                "success",
            )
    return redirect(url_for("staff.users_list"))
