"""Staff route: download a consultation's feedback as CSV, XLSX or JSON, filtered."""

import tempfile
from collections.abc import Iterator

from flask import Response, render_template, send_file, stream_with_context
from flask_babel import _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import Optional

from app.i18n import LANGUAGE_NAMES
from app.lazy_text import lazy_gettext as _l
from app.models import Consultation
from app.models.feedback import STANCES
from app.models.organisation import ORGANISATION_KINDS, REGIONS
from app.services import consultations
from app.services.exports.feedback_rows import (
    FILTER_KEYS,
    ExportFilterError,
    ExportFilters,
    Row,
    export_rows,
    heading,
    parse_filters,
)
from app.services.exports.writers import FORMATS, csv_chunks, json_chunks, write_xlsx
from app.staff import bp
from app.utils import attach_error, client_ip

ANY = [("", _l("Any"))]
FIELDS = {"from": "submitted_from", "to": "submitted_to"}  # filter key → form field


class FeedbackExportForm(FlaskForm):
    file_format = SelectField(
        _l("Format"),
        choices=[
            ("csv", _l("CSV (UTF-8), for spreadsheets")),
            ("xlsx", _l("Excel workbook (.xlsx), a sheet per section and a summary")),
            ("json", _l("JSON, for programs")),
        ],
    )
    section = SelectField(_l("Section"), choices=ANY, validate_choice=False)
    paragraph = StringField(_l("Paragraph number"), validators=[Optional()])
    stance = SelectField(_l("Stance"), choices=ANY + list(STANCES.items()), validate_choice=False)
    kind = SelectField(
        _l("Kind of organisation"),
        choices=ANY + list(ORGANISATION_KINDS.items()),
        validate_choice=False,
    )
    region = SelectField(_l("Region"), choices=ANY + list(REGIONS.items()), validate_choice=False)
    language = SelectField(
        _l("Language of the feedback"),
        choices=ANY + list(LANGUAGE_NAMES.items()),
        validate_choice=False,
    )
    submitted_from = DateField(_l("Submitted on or after"), validators=[Optional()])
    submitted_to = DateField(_l("Submitted on or before"), validators=[Optional()])
    submit = SubmitField(_l("Download"))

    def filters(self) -> dict[str, str | None]:
        """The filters as `parse_filters` reads them."""
        values = {key: getattr(self, FIELDS.get(key, key)).data for key in FILTER_KEYS}
        return {key: str(value) if value else None for key, value in values.items()}


@bp.route("/consultations/<slug>/feedback/export", methods=["GET", "POST"])
def feedback_export(slug: str):
    item = consultations.get_by_slug(slug)
    form = FeedbackExportForm()
    form.section.choices = ANY + _section_choices(item)
    if form.validate_on_submit():
        try:
            filters = parse_filters(item, form.filters())
        except ExportFilterError as error:
            error.field = FIELDS.get(error.field, error.field)
            attach_error(form, error)
        else:
            file_format = form.file_format.data
            rows = export_rows(current_user, item, filters, file_format, ip=client_ip())
            return _download(item.slug, file_format, filters, rows)
    return render_template("staff/feedback_export.html", consultation=item, form=form)


def _section_choices(consultation: Consultation) -> list[tuple[str, str]]:
    """The current version's sections, by their place in the draft."""
    version = consultation.current_version
    sections = version.sections if version else []
    language = consultation.original_language
    return [
        (str(place), heading(section, language) or _("Section %(place)d", place=place))
        for place, section in enumerate(sections, start=1)
    ]


def _download(slug: str, file_format: str, filters: ExportFilters, rows: Iterator[Row]):
    """The file as an attachment: CSV and JSON streamed, XLSX built in a temporary file."""
    mimetype, extension = FORMATS[file_format]
    name = f"{slug}-feedback.{extension}"
    if file_format == "xlsx":
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - send_file closes it; already unlinked
        try:
            write_xlsx(rows, handle)
        except BaseException:
            handle.close()
            raise
        handle.seek(0)
        return send_file(handle, mimetype=mimetype, as_attachment=True, download_name=name)
    if file_format == "csv":
        chunks = csv_chunks(rows)
    else:
        chunks = json_chunks(slug, filters.as_dict(), rows)
    response = Response(stream_with_context(chunks), mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response
