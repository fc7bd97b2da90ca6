"""Staff routes by which an administrator erases a person or an organisation, after a page that
says what goes."""

from flask import flash, redirect, render_template, url_for
from flask_babel import _
from flask_login import current_user

from app.security import reauthentication_required
from app.services.accounts import erasure, organisation_erasure, organisations
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


@bp.get("/organisations/<int:organisation_id>/erase")
def erase_organisation_page(organisation_id: int):
    item = organisation_erasure.organisation(current_user, organisation_id)
    return render_template(
        "staff/erase_organisation.html",
        organisation=item,
        waiting=organisation_erasure.not_archived(current_user, item),
        members=organisations.members(current_user, item),
        confirm=ConfirmForm(),
    )


@bp.post("/organisations/<int:organisation_id>/erase")
@reauthentication_required
def erase_organisation(organisation_id: int):
    page = url_for("staff.erase_organisation_page", organisation_id=organisation_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired: send it again."), "error")
        return redirect(page)
    try:
        item = organisation_erasure.erase(current_user, organisation_id, ip=client_ip())
    except Conflict as error:  # not yet archived, or erased already: the page says why
        flash(error.message, "error")
        return redirect(page)
    except NotFound as error:
        flash(error.message, "error")
        return redirect(url_for("staff.organisations_list"))
    flash(_("The organisation is erased; it now appears as %(name)s.", name=item.name), "success")
    return redirect(url_for("staff.organisations_list"))
