"""The report's part on general comments: those typed in the form and those read from the
files organisations attached, each quote from a file naming it and linking to it."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import _

from app.services.reports.docx_builder import DocxBuilder
from app.services.reports.pdf import user_text
from app.services.reports.synthesis_model import GeneralComment, SynthesisReport
from app.services.synthesis import schema


def general_comments(result: schema.SynthesisResult) -> list[GeneralComment]:
    """The synthesis's general comments as the report prints them."""
    base = current_app.config["BASE_URL"].rstrip("/")
    return [
        GeneralComment(
            organisation=g.organisation,
            text=g.text,
            language=g.language,
            filename=g.filename if g.attachment_id else "",
            link=f"{base}/attachments/{g.attachment_id}" if g.attachment_id else "",
        )
        for g in result.general_comments
    ]


def _intro() -> str:
    return _(
        "Each attached file counts as its organisation’s general comment; the quote is the "
        "opening of its text."
    )


def _source(comment: GeneralComment) -> str:
    return _("From the attached file %(name)s", name=comment.filename) if comment.filename else ""


def pdf_data(report: SynthesisReport) -> dict[str, Any]:
    """The part as the Typst template reads it."""
    return {
        "general_intro": _intro(),
        "no_general": _("No organisation wrote a general comment or attached a file."),
        "general": [
            {
                "text": user_text(g.text, g.language),
                "who": user_text(g.organisation),
                "source": user_text(_source(g)) if g.filename else None,
                "link": g.link,
            }
            for g in report.general
        ],
    }


def write_docx(doc: DocxBuilder, report: SynthesisReport, title: str) -> None:
    """The part in the Word report."""
    doc.heading(title, 1)
    if not report.general:
        doc.paragraph(_("No organisation wrote a general comment or attached a file."))
        return
    doc.paragraph(_intro())
    for comment in report.general:
        if comment.filename:
            doc.paragraph(_source(comment), bold=True)
        doc.paragraph(comment.text, "Quote")
        line = f"— {comment.organisation}"
        if comment.link:
            line += f" · {_('Download the file %(name)s', name=comment.filename)}: {comment.link}"
        doc.paragraph(line)
