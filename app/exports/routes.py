"""Routes of the export pages; `access` and the export services decide who gets what."""

from collections.abc import Iterator

from flask import (
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import _, format_decimal, get_locale
from flask_login import current_user

from app.exports import bp
from app.exports.forms import (
    ANY,
    FIELDS,
    FILTER_LABELS,
    FORMAT_NAMES,
    KIND_NAMES,
    FeedbackExportForm,
    ReportForm,
    filter_summary,
)
from app.models import Consultation, ExportJob
from app.models.export import EXPORT_STATUSES
from app.security import ask_to_confirm, recently_confirmed
from app.services.accounts import access
from app.services.consultations import lifecycle as consultations
from app.services.errors import DomainError
from app.services.exports import jobs
from app.services.exports.feedback_rows import (
    ExportFilterError,
    ExportFilters,
    Row,
    export_rows,
    heading,
    parse_filters,
)
from app.services.exports.writers import FORMATS, csv_chunks, json_chunks
from app.services.reports import synthesis_pdf
from app.services.synthesis import review
from app.utils import attach_error, client_ip

# Exported feedback is personal data: no shared cache may keep it, nor the browser's disk.
NO_STORE = "private, no-store"


@bp.context_processor
def export_names() -> dict:
    return {
        "KIND_NAMES": KIND_NAMES,
        "FORMAT_NAMES": FORMAT_NAMES,
        "FILTER_LABELS": FILTER_LABELS,
        "filter_summary": filter_summary,
        "EXPORT_STATUSES": EXPORT_STATUSES,
        "export_status": jobs.current_status,
    }


@bp.route("/exports/consultations/<slug>/feedback", methods=["GET", "POST"])
def feedback(slug: str):
    item = consultations.get_by_slug(slug)
    access.require(current_user, "export.feedback", item)
    form = FeedbackExportForm()
    form.section.choices = ANY + _section_choices(item)
    if form.is_submitted() and not recently_confirmed():
        return ask_to_confirm()  # the whole consultation's feedback: password again first
    if form.validate_on_submit():
        try:
            filters = parse_filters(item, form.filters())
        except ExportFilterError as error:
            error.field = FIELDS.get(error.field, error.field)
            attach_error(form, error)
        else:
            return _export(item, form.file_format.data, filters)
    return render_template("exports/feedback.html", consultation=item, form=form)


@bp.post("/exports/consultations/<slug>/syntheses/<int:number>/report")
def synthesis_report(slug: str, number: int):
    item = consultations.get_by_slug(slug)
    synthesis = review.get(current_user, item, number)
    form = ReportForm()
    if not form.validate_on_submit():
        flash(_("Choose the language of the report."), "error")
        return redirect(url_for("council.overview", slug=slug, number=number))
    try:
        job = jobs.start(
            current_user, "synthesis", form.file_format, item,
            synthesis=synthesis, language=form.language.data, ip=client_ip(),
        )  # fmt: skip
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("exports.mine"))
    return redirect(url_for("exports.job", public_id=job.public_id))


@bp.get("/staff/consultations/<slug>/feedback/export")
def moved_feedback(slug: str):
    """The page's address before the Council could export too; bookmarks still work."""
    return redirect(url_for("exports.feedback", slug=slug), 301)


@bp.get("/exports/")
def mine():
    return render_template(
        "exports/mine.html", jobs=jobs.list_own(current_user), listed_days=jobs.LISTED_DAYS
    )


@bp.get("/exports/<public_id>")
def job(public_id: str):
    item = jobs.get_own(current_user, public_id)
    return render_template("exports/job.html", job=item, rows_written=_rows_written(item))


@bp.get("/exports/<public_id>/progress")
def job_progress(public_id: str):
    item = jobs.get_own(current_user, public_id)
    status = jobs.current_status(item)
    response = jsonify(
        status=status,
        status_label=str(EXPORT_STATUSES[status]),
        progress=item.progress,
        rows_written=_rows_written(item),
        finished=status in jobs.FINISHED,
    )
    response.headers["Cache-Control"] = NO_STORE
    return response


@bp.get("/exports/<public_id>/download")
def download(public_id: str):
    delivery = jobs.download(current_user, public_id, ip=client_ip())
    response = send_file(
        delivery.path,
        mimetype=delivery.mimetype,
        as_attachment=True,
        download_name=delivery.filename,
    )
    response.headers["Cache-Control"] = NO_STORE
    return response


def _export(consultation: Consultation, file_format: str, filters: ExportFilters):
    """Small CSV and JSON go straight to the browser; the rest is written by a worker."""
    if jobs.streams(consultation, filters, file_format):
        rows = export_rows(current_user, consultation, filters, file_format, ip=client_ip())
        return _streamed(consultation.slug, file_format, filters, rows)
    try:
        job = jobs.start(
            current_user, "feedback", file_format, consultation,
            filters=filters.as_dict(), language=str(get_locale()), ip=client_ip(),
        )  # fmt: skip
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("exports.mine"))
    return redirect(url_for("exports.job", public_id=job.public_id))


def _streamed(slug: str, file_format: str, filters: ExportFilters, rows: Iterator[Row]):
    mimetype, extension = FORMATS[file_format]
    if file_format == "csv":
        chunks = csv_chunks(rows)
    else:
        chunks = json_chunks(slug, filters.as_dict(), rows)
    name = f"{slug}-feedback.{extension}"
    response = Response(stream_with_context(chunks), mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=name)
    response.headers["Cache-Control"] = NO_STORE
    return response


def _section_choices(consultation: Consultation) -> list[tuple[str, str]]:
    """The current version's sections, by their place in the draft."""
    version = consultation.current_version
    sections = version.sections if version else []
    language = consultation.original_language
    return [
        (str(place), heading(section, language) or _("Section %(place)d", place=place))
        for place, section in enumerate(sections, start=1)
    ]


def _rows_written(job: ExportJob) -> str:
    if job.kind == "synthesis" and job.file_format == "pdf":
        return synthesis_pdf.stage_label(job.progress)  # rows are only its first stage
    if not job.rows_total:
        return ""
    return _(
        "%(done)s of %(total)s rows written",
        done=format_decimal(job.rows_done),
        total=format_decimal(job.rows_total),
    )
