"""Staff route: import feedback received outside the platform from a CSV or XLSX file."""

import io

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import _, get_locale
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from app.forms import BaseForm
from app.lazy_text import lazy_gettext as _l
from app.services.consultations import lifecycle as consultations
from app.services.errors import DomainError
from app.services.feedback.file_import import (
    FeedbackFileError,
    FeedbackImportError,
    ImportReport,
    import_feedback,
)
from app.services.feedback.file_template import accepted_values, column_guide, feedback_template
from app.staff import bp
from app.utils import attach_error, client_ip


class FeedbackImportForm(BaseForm):
    file = FileField(_l("Feedback file"), validators=[FileRequired(_l("Choose a file to import."))])
    submit = SubmitField(_l("Import the feedback"))


@bp.route("/consultations/<slug>/feedback/import", methods=["GET", "POST"])
def feedback_import(slug: str):
    item = consultations.get_by_slug(slug)
    form = FeedbackImportForm()
    failed: FeedbackImportError | None = None
    if form.validate_on_submit():
        try:
            report = import_feedback(
                current_user,
                item,
                form.file.data.filename,
                _uploaded_bytes(form.file),
                ip=client_ip(),
            )
        except FeedbackImportError as error:
            failed = error
        except DomainError as error:
            # As plain text: Flask-Babel marks lazy strings safe, and this one may quote the
            # file's name.
            attach_error(form, DomainError(str(error.message), field=error.field))
        else:
            flash(_imported_message(report), "success")
            return redirect(url_for("staff.manage", slug=slug))
    locale = str(get_locale())
    return render_template(
        "staff/feedback_import.html",
        consultation=item,
        form=form,
        failed=failed,
        columns=column_guide(locale, _first_paragraph(item)),
        accepted=accepted_values(locale),
    )


@bp.route("/consultations/<slug>/feedback/template.<file_format>")
def feedback_import_template(slug: str, file_format: str):
    if file_format not in ("csv", "xlsx"):
        abort(404)
    item = consultations.get_by_slug(slug)
    data, media_type = feedback_template(current_user, item, file_format, str(get_locale()))
    return send_file(
        io.BytesIO(data),
        mimetype=media_type,
        as_attachment=True,
        download_name=f"feedback-{item.slug}.{file_format}",
    )


def _first_paragraph(item) -> str:
    """The number of the draft's first paragraph, for the example of the paragraph column."""
    version = item.current_version
    return version.paragraphs[0].number if version and version.paragraphs else "1"


def _uploaded_bytes(file_field) -> bytes:
    """The uploaded file, refused above the upload limit without reading all of it."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    data = file_field.data.read(limit + 1)
    if len(data) > limit:
        raise FeedbackFileError(_l("The file is too large (10 MB at most)."))
    return data


def _imported_message(report: ImportReport) -> str:
    return _(
        "Feedback imported from %(rows)d rows: %(submissions)d submissions, %(items)d "
        "paragraph comments, %(general)d general comments, %(organisations)d new "
        "organisations.",
        rows=report.rows,
        submissions=report.submissions,
        items=report.items,
        general=report.general_comments,
        organisations=report.organisations_created,
    )
