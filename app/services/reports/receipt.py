"""An organisation's submission printed as a PDF: what it sent, when and by whom."""

from collections.abc import Collection
from pathlib import Path
from typing import IO, Any

from flask_babel import _, force_locale, get_locale

from app.i18n import Localized, localize
from app.models import Answer, Question, Submission
from app.services.feedback.submissions import outline, receipt_number
from app.services.reports.pdf import (
    clean,
    fallback_note,
    localized,
    moment,
    render_pdf,
    user_text,
)
from app.services.textdiff import word_diff


def write_pdf(
    submission: Submission,
    language: str,
    target: str | Path | IO[bytes] | None = None,
    hidden: Collection[str] = (),
) -> bytes | None:
    """The submission as a tagged PDF in `language`: bytes, or written to `target`; the texts
    in `hidden` ("comment:12", see moderation.hidden_from) read as hidden by moderation."""
    with force_locale(language):
        return render_pdf("receipt.typ", receipt_data(submission, language, hidden), target)


def receipt_data(
    submission: Submission, language: str, hidden: Collection[str] = ()
) -> dict[str, Any]:
    """What the receipt template lays out, every word in `language`."""
    withheld = user_text(_("Hidden by the secretariat under the rules for feedback."))
    consultation = submission.consultation
    original = consultation.original_language
    title = localize(consultation.title, original)
    name = clean(submission.organisation.name)
    sections = []
    for section_outline in outline(consultation, submission):
        heading = localize(section_outline.section.heading, original)
        entries = []
        for line in section_outline.lines:
            item = line.feedback
            if item is None or item.is_empty:
                continue
            text = localize(line.paragraph.text, original)
            heading_text = _("Paragraph %(number)s", number=line.paragraph.number)
            entries.append(
                {
                    "heading": f"{heading_text}: {item.stance_label}"
                    if item.stance
                    else heading_text,
                    "note": fallback_note(text),
                    "draft": localized(text),
                    "comment": withheld
                    if f"comment:{item.id}" in hidden and item.comment
                    else user_text(item.comment, item.language)
                    if item.comment
                    else None,
                    "amendment": withheld
                    if f"amendment:{item.id}" in hidden and item.amendment
                    else user_text(item.amendment, item.language)
                    if item.amendment
                    else None,
                    "diff": [
                        [op, clean(piece)]
                        for op, piece in word_diff(text.text, clean(item.amendment))
                    ]
                    if item.amendment and f"amendment:{item.id}" not in hidden
                    else [],
                    "feedback_id": item.id,
                }
            )
        sections.append(
            {
                "heading": localized(heading) if heading.text else _("Untitled section"),
                "entries": entries,
            }
        )
    questions = []
    for question in consultation.questions:
        answer = submission.answer_for(question.id)
        questions.append(
            {
                "prompt": localized(localize(question.prompt, original)),
                "answer": withheld
                if answer and f"answer:{answer.id}" in hidden
                else _answer_text(question, answer, original),
            }
        )
    submitted_by = submission.submitted_by
    return {
        "lang": language,
        "doc_title": f"{name} — {title.text}",
        "organisation": user_text(name),
        "lead": _("Submission on"),
        "title": localized(title),
        "caption": _("Receipt"),
        "facts": [
            [_("Organisation"), user_text(name)],
            [_("Status"), submission.status_label],
            [
                _("Submitted at"),
                moment(submission.submitted_at)
                if submission.submitted_at
                else _("Not submitted yet"),
            ],
            [_("Submitted by"), user_text(submitted_by.name if submitted_by else "—")],
            [_("Receipt number"), receipt_number(submission)],
        ],
        "resubmit_note": _(
            "This copy shows the changes saved since it was submitted; they reach the Council"
            " only once it is submitted again."
        )
        if submission.status == "draft" and submission.submitted_at
        else "",
        "sections": sections,
        "labels": {
            "no_feedback": _("No feedback on this section."),
            "comment": _("Comment"),
            "amendment": _("Proposed wording"),
            "diff": _("Changes to the draft"),
            "questions": _("Questions from the Council"),
            "general": _("General comment"),
            "none": _("None"),
            "feedback": _("Feedback"),
        },
        "questions": questions,
        "general": withheld
        if submission.general_comment and f"general:{submission.id}" in hidden
        else user_text(submission.general_comment, submission.general_language)
        if submission.general_comment
        else None,
    }


def _answer_text(question: Question, answer: Answer | None, original: str) -> dict[str, Any] | str:
    """An answer as the submission pages show it: the option's words, "4 / 5", or the text,
    each in the language it is written in."""
    value = answer.value if answer else None
    if value is None or value == "" or value == []:
        return _("No answer")
    if question.kind == "scale":
        return f"{value} / 5"
    options = question.options or []

    def option(index: Any) -> Localized:
        if isinstance(index, int) and index < len(options):
            return localize(options[index], original)
        return Localized(str(index), str(get_locale()), False)

    if question.kind == "single":
        return localized(option(value))
    if question.kind == "multiple":
        chosen = [option(v) for v in value]
        # In the original language only when every option stood in for a missing translation.
        fallback = chosen[0].language if all(o.is_fallback for o in chosen) else None
        return user_text(", ".join(o.text for o in chosen), fallback)
    return user_text(str(value), answer.language if answer else None)
