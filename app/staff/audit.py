"""Staff routes for reading the audit trail and taking it away as CSV."""

import csv
import io
from collections.abc import Iterator

from flask import Response, render_template, request, stream_with_context
from flask_babel import _
from flask_login import current_user

from app.services.accounts import audit
from app.services.accounts.audit_labels import action_label
from app.services.spreadsheet_safety import neutralise
from app.staff import bp
from app.staff.forms import AuditFilterForm
from app.utils import client_ip

CSV_COLUMNS = (
    "at",
    "person",
    "email",
    "organisation",
    "action",
    "description",
    "object",
    "object_id",
    "details",
    "ip",
)


def _filter_form() -> tuple[AuditFilterForm, audit.AuditFilters]:
    """The filters from the query string; invalid values are shown as errors and ignored."""
    form = AuditFilterForm(formdata=request.args)
    choices = audit.filter_choices(current_user)
    form.organisation.choices = [(0, _("Any"))] + choices.organisations
    form.action.choices = [("", _("Any"))] + [(a, action_label(a)) for a in choices.actions]
    form.consultation.choices = [(0, _("Any"))] + choices.consultations
    if request.args and not form.validate():
        return form, audit.AuditFilters()
    return form, audit.AuditFilters(
        person=(form.person.data or "").strip(),
        organisation_id=form.organisation.data or None,
        action=form.action.data or "",
        consultation_id=form.consultation.data or None,
        since=form.since.data,
        until=form.until.data,
    )


@bp.get("/audit")
def audit_trail():
    form, filters = _filter_form()
    found = audit.search(current_user, filters, page=request.args.get("page", 1, type=int) or 1)
    query = {key: value for key, value in request.args.items() if key != "page"}
    return render_template(
        "staff/audit.html",
        form=form,
        found=found,
        query=query,
        action_label=action_label,
        shown_details=audit.shown_details,
        erased=audit.erased_people(),
    )


@bp.get("/audit.csv")
def audit_csv():
    _, filters = _filter_form()
    lines = audit.export_lines(current_user, filters, ip=client_ip())
    return Response(
        stream_with_context(_csv(lines, audit.erased_people())),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-trail.csv"'},
    )


def _csv(lines: Iterator, erased: frozenset) -> Iterator[str]:
    # Quoted by the csv module: a name holding CR/LF stays inside its cell, never a new line.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow(CSV_COLUMNS)
    for event, person in lines:
        writer.writerow(
            neutralise(str(value)) if isinstance(value, str) else value
            for value in (
                event.at.isoformat(),
                person.name if person else "",
                person.email if person else "",
                person.organisation.name if person and person.organisation else "",
                event.action,
                action_label(event.action),
                event.object_type,
                event.object_id if event.object_id is not None else "",
                audit.details_text(event, erased),
                event.ip or "",
            )
        )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
