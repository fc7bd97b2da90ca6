"""The feedback export form, and the names of what an export holds."""

from datetime import date

from flask_babel import format_date
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField
from wtforms.validators import Optional

from app.forms import BaseForm
from app.lazy_text import lazy_gettext as _l
from app.models import ExportJob
from app.services.exports.feedback_rows import FILTER_KEYS, heading
from app.vocabulary import LANGUAGE_NAMES, ORGANISATION_KINDS, REGIONS
from app.vocabulary import STANCE_LABELS as STANCES

ANY = [("", _l("Any"))]
FIELDS = {"from": "submitted_from", "to": "submitted_to"}  # filter key → form field
FILTER_LABELS = {
    "section": _l("Section"),
    "paragraph": _l("Paragraph number"),
    "stance": _l("Stance"),
    "kind": _l("Kind of organisation"),
    "region": _l("Region"),
    "language": _l("Language of the feedback"),
    "from": _l("Submitted on or after"),
    "to": _l("Submitted on or before"),
    "hidden": _l("Texts hidden by moderation"),
}
HIDDEN_NAMES = {"include": _l("included")}
KIND_NAMES = {
    "feedback": _l("Feedback"),
    "synthesis": _l("Synthesis report"),
    "decisions": _l("Decisions on amendments"),
    "my_data": _l("My data"),
}
FORMAT_NAMES = {
    "csv": "CSV",
    "xlsx": "Excel (.xlsx)",
    "json": "JSON",
    "pdf": "PDF",
    "docx": "Word",
    "zip": _l("ZIP of a JSON file and a PDF"),
}


def filter_summary(job: ExportJob) -> list[tuple[str, str]]:
    """The job's filters as (label, value) in the reader's words: "Stance: Amend", not codes."""
    names = {
        "stance": STANCES,
        "kind": ORGANISATION_KINDS,
        "region": REGIONS,
        "language": LANGUAGE_NAMES,
        "hidden": HIDDEN_NAMES,
    }
    sections = job.consultation.current_version.sections if job.consultation.current_version else []
    summary = []
    for key, value in job.filters.items():
        if key in names:
            shown = str(names[key].get(value, value))
        elif (
            key == "section"
            and value.isascii()
            and value.isdigit()
            and 0 < int(value) <= len(sections)
        ):
            section = sections[int(value) - 1]
            shown = heading(section, job.consultation.original_language) or value
        elif key in ("from", "to"):
            shown = _date(value)
        else:
            shown = value
        summary.append((str(FILTER_LABELS.get(key, key)), shown))
    return summary


def _date(value: str) -> str:
    try:
        return format_date(date.fromisoformat(value), "long")
    except ValueError:
        return value


class ReportForm(BaseForm):
    """A synthesis report: its format from the button pressed, its language chosen."""

    language = SelectField(_l("Language of the report"), choices=list(LANGUAGE_NAMES.items()))
    pdf = SubmitField(_l("PDF report"))
    docx = SubmitField(_l("Word report (.docx)"))

    @property
    def file_format(self) -> str:
        return "docx" if self.docx.data else "pdf"


class FeedbackExportForm(BaseForm):
    file_format = SelectField(
        _l("Format"),
        choices=[
            ("csv", _l("CSV (UTF-8), for spreadsheets")),
            ("xlsx", _l("Excel workbook (.xlsx), a sheet per section and a summary")),
            ("json", _l("JSON, for programs")),
        ],
    )
    section = SelectField(FILTER_LABELS["section"], choices=ANY, validate_choice=False)
    paragraph = StringField(FILTER_LABELS["paragraph"], validators=[Optional()])
    stance = SelectField(
        FILTER_LABELS["stance"], choices=ANY + list(STANCES.items()), validate_choice=False
    )
    kind = SelectField(
        FILTER_LABELS["kind"], choices=ANY + list(ORGANISATION_KINDS.items()), validate_choice=False
    )
    region = SelectField(
        FILTER_LABELS["region"], choices=ANY + list(REGIONS.items()), validate_choice=False
    )
    language = SelectField(
        FILTER_LABELS["language"],
        choices=ANY + list(LANGUAGE_NAMES.items()),
        validate_choice=False,
    )
    submitted_from = DateField(FILTER_LABELS["from"], validators=[Optional()])
    submitted_to = DateField(FILTER_LABELS["to"], validators=[Optional()])
    hidden = BooleanField(_l("Include the texts hidden by moderation (the export is audited so)"))
    submit = SubmitField(_l("Export"))

    def filters(self) -> dict[str, str | None]:
        """The filters as `parse_filters` reads them."""
        values = {key: getattr(self, FIELDS.get(key, key)).data for key in FILTER_KEYS}
        values["hidden"] = "include" if values.get("hidden") is True else None
        return {key: str(value) if value else None for key, value in values.items()}
