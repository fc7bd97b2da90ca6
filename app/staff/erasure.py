"""Staff routes by which an administrator erases a person, after a page that says what goes."""

from flask import flash, redirect, render_template, url_for
from flask_babel import _
from flask_login import current_user

from app.security import reauthentication_required
from app.services.accounts import erasure
from app.services.errors import Conflict, NotFound
from app.staff import bp
from app.staff.forms import ConfirmForm
from app.utils import client_ip


@bp.get("/users/<int:user_id>/erase")
def erase_page(user_id: int):
    person = erasure.person(current_user, user_id)
    return render_template("staff/erase.html", person=person, confirm=ConfirmForm())


@bp.post("/users/<int:user_id>/erase")
@reauthentication_required
def erase(user_id: int):
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired: send it again."), "error")
        return redirect(url_for("staff.erase_page", user_id=user_id))
    try:
        person = erasure.erase(current_user, user_id, ip=client_ip())
    except (Conflict, NotFound) as error:  # a refusal stays a 403
        flash(error.message, "error")
        return redirect(url_for("staff.users_list"))
    flash(_("The person is erased; they now appear as %(name)s.", name=person.name), "success")
    return redirect(url_for("staff.users_list"))
