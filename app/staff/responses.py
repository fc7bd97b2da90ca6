"""Staff routes for following who answered a consultation and reminding the others."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import _, ngettext
from flask_login import current_user

from app.services.accounts import organisations
from app.services.consultations import lifecycle as consultations
from app.services.errors import DomainError
from app.services.feedback import followup
from app.staff import bp
from app.staff.forms import ConfirmForm
from app.utils import client_ip


@bp.get("/consultations/<slug>/responses")
def responses(slug: str):
    item = consultations.get_by_slug(slug)
    rows = followup.response_table(current_user, item)
    invited = {row.organisation.id for row in rows if row.invitation}
    return render_template(
        "staff/responses.html",
        consultation=item,
        rows=rows,
        counts=followup.state_counts(rows),
        confirm=ConfirmForm(),
        candidates=[o for o in organisations.list_all(current_user) if o.id not in invited],
    )


@bp.post("/consultations/<slug>/responses/invite")
def invite_organisations(slug: str):
    item = consultations.get_by_slug(slug)
    if ConfirmForm().validate_on_submit():
        ids = [int(v) for v in request.form.getlist("organisation_id") if _is_id(v)]
        invited = followup.invite_organisations(current_user, item, ids, ip=client_ip())
        invited_text = ngettext(
            "%(num)d organisation invited.", "%(num)d organisations invited.", invited.organisations
        )
        emailed = ngettext(
            "%(num)d person was emailed.", "%(num)d people were emailed.", invited.emails
        )
        flash(f"{invited_text} {emailed}", "success")
    return redirect(url_for("staff.responses", slug=slug))


def _is_id(value: str) -> bool:
    """ASCII digits within a database id's range ("²" and "٣" are digits to Python too)."""
    return value.isascii() and value.isdigit() and len(value) <= 18


@bp.post("/consultations/<slug>/responses/remind")
def remind(slug: str):
    item = consultations.get_by_slug(slug)
    if ConfirmForm().validate_on_submit():
        try:
            count = followup.send_reminders(current_user, item, ip=client_ip())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("A reminder went to %(count)d organisations.", count=count), "success")
    return redirect(url_for("staff.responses", slug=slug))
