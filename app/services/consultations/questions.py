"""The Council's questions on a consultation."""

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import Consultation, Question, User
from app.models.consultation import QUESTION_KINDS
from app.services.accounts import access, audit
from app.services.errors import DomainError, NotFound

CHOICE_KINDS = {"single", "multiple"}


def _clean_texts(texts: dict[str, str]) -> dict[str, str]:
    return {language: text.strip() for language, text in texts.items() if text and text.strip()}


def _options_from_lines(options: dict[str, str]) -> list[dict[str, str]]:
    """Turn one block of lines per language into a list of translated options, line by line."""
    lines = {
        lang: [x.strip() for x in (text or "").splitlines() if x.strip()]
        for lang, text in options.items()
    }
    count = max((len(v) for v in lines.values()), default=0)
    return [
        {lang: values[i] for lang, values in lines.items() if i < len(values)} for i in range(count)
    ]


def _validate(consultation: Consultation, kind: str, prompt: dict, options: list) -> None:
    if kind not in QUESTION_KINDS:
        raise DomainError(_l("Choose the kind of question."), field="kind")
    if not prompt.get(consultation.original_language):
        raise DomainError(
            _l("Write the question in the original language of the draft."),
            field=f"prompt_{consultation.original_language}",
        )
    if kind in CHOICE_KINDS and len(options) < 2:
        raise DomainError(
            _l("A choice question needs at least two options, one per line."),
            field=f"options_{consultation.original_language}",
        )


def save_question(
    actor: User,
    consultation: Consultation,
    kind: str,
    prompt: dict[str, str],
    options: dict[str, str],
    required: bool,
    question_id: int | None = None,
) -> Question:
    """Add a question, or update the one with `question_id`."""
    access.require(actor, "consultation.manage")
    prompt = _clean_texts(prompt)
    option_list = _options_from_lines(options) if kind in CHOICE_KINDS else []
    _validate(consultation, kind, prompt, option_list)
    if question_id is None:
        question = Question(consultation=consultation, position=len(consultation.questions))
        db.session.add(question)
    else:
        question = get_question(consultation, question_id)
    question.kind, question.prompt, question.options = kind, prompt, option_list
    question.required = required
    audit.record(actor, "question.saved", consultation, kind=kind)
    db.session.commit()
    return question


def get_question(consultation: Consultation, question_id: int) -> Question:
    question = next((q for q in consultation.questions if q.id == question_id), None)
    if question is None:
        raise NotFound(_l("This question does not exist."))
    return question


def delete_question(actor: User, consultation: Consultation, question_id: int) -> None:
    """Remove a question while the consultation is still a draft."""
    access.require(actor, "consultation.manage")
    question = get_question(consultation, question_id)
    if consultation.status != "draft":
        raise DomainError(_l("Questions can only be removed before the consultation opens."))
    db.session.delete(question)
    db.session.flush()
    for position, remaining in enumerate(q for q in consultation.questions if q is not question):
        remaining.position = position
    audit.record(actor, "question.deleted", consultation)
    db.session.commit()


def options_as_lines(question: Question, language: str) -> str:
    return "\n".join(option.get(language, "") for option in question.options)
