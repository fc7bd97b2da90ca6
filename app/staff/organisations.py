"""Staff routes for organisations."""

from flask import flash, redirect, render_template, url_for
from flask_babel import _
from flask_login import current_user

from app.services.accounts import organisations
from app.services.errors import DomainError
from app.staff import bp
from app.staff.forms import OrganisationForm
from app.utils import attach_error, client_ip


@bp.get("/organisations")
def organisations_list():
    return render_template(
        "staff/organisations.html", organisations=organisations.list_all(current_user)
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
def edit_organisation(organisation_id: int | None = None):
    organisation = organisations.get(current_user, organisation_id) if organisation_id else None
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        try:
            saved = organisations.save(
                current_user,
                form.name.data,
                form.kind.data,
                form.region.data,
                form.country.data or "",
                form.verified.data,
                organisation_id,
                ip=client_ip(),
            )
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(_("%(name)s is saved.", name=saved.name), "success")
            return redirect(url_for("staff.organisations_list"))
    members = organisations.members(current_user, organisation) if organisation else []
    return render_template(
        "staff/organisation.html", form=form, organisation=organisation, members=members
    )
