"""Reading the submission forms, whose fields depend on the draft's paragraphs and questions."""

from collections.abc import Iterable

from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, RadioField

from app.forms import CONTROL_CHARACTER_MESSAGE, BaseForm, has_control_characters
from app.lazy_text import lazy_gettext as _l
from app.models import Question
from app.models.feedback import PUBLICATION
from app.services.feedback.saving import DraftParagraph, ParagraphInput

LANGUAGE_CHOICES = [
    ("", _l("Detect automatically")),
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
]


class SubmissionForm(BaseForm):
    """CSRF and the version the page was loaded at; the other fields are read by name."""

    lock_version = HiddenField()
    # Checked by the service, which names the field in its error.
    publication = RadioField(choices=list(PUBLICATION), validate_choice=False)

    def base_version(self) -> int:
        value = (self.lock_version.data or "").strip()
        return int(value) if value.isascii() and value.isdigit() and len(value) < 18 else 0

    def text_errors(self, posted: MultiDict) -> dict[str, list]:
        """The posted fields read by name that hold a control character, each with its error."""
        return {
            name: [CONTROL_CHARACTER_MESSAGE]
            for name, values in posted.lists()
            if any(has_control_characters(value) for value in values)
        }


def paragraph_inputs(form: MultiDict, paragraphs: Iterable[DraftParagraph]) -> list[ParagraphInput]:
    """The posted stance, comment, wording and language of each paragraph of a section.

    Only the paragraphs of the section are read: any other field posted is ignored. A
    paragraph whose conflict the user settled with "keep the saved text" is left out.
    """
    inputs = []
    for paragraph in paragraphs:
        pid = paragraph.id
        if f"comment-{pid}" not in form and f"stance-{pid}" not in form:
            continue
        if form.get(f"keep-{pid}") == "theirs":
            continue
        inputs.append(
            ParagraphInput(
                paragraph_id=pid,
                stance=form.get(f"stance-{pid}") or None,
                comment=form.get(f"comment-{pid}", ""),
                amendment=form.get(f"amendment-{pid}", ""),
                language=form.get(f"language-{pid}") or None,
            )
        )
    return inputs


def answer_inputs(form: MultiDict, questions: list[Question]) -> dict[int, object]:
    """The posted answer of each question: a list for multiple choice, a string otherwise."""
    answers: dict[int, object] = {}
    for question in questions:
        name = f"question-{question.id}"
        if form.get(f"keep-q{question.id}") == "theirs":
            continue
        if question.kind == "multiple":
            answers[question.id] = form.getlist(name)
        elif name in form or question.kind in {"single", "scale"}:
            answers[question.id] = form.get(name, "")
    return answers


def general_comment(form: MultiDict) -> str | None:
    """The posted general comment; None when the member chose to keep the one saved by a
    colleague, or the page did not post it."""
    if form.get("keep-general") == "theirs":
        return None
    return form.get("general_comment")
