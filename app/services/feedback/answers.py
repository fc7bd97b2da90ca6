"""Saving the answers to the Council's questions and the general comment, under the same
co-editing rule as paragraph feedback."""

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import Answer, Consultation, Question, Submission, User
from app.models.common import utcnow
from app.services import language
from app.services.errors import DomainError
from app.services.feedback.editing import (
    Edit,
    SaveResult,
    Stored,
    ValidationFailed,
    bump,
    clean,
    diff,
    read_latest_revision,
    record_save,
    require_open_for,
    retrying,
    sort_edits,
    start_submission,
    submission_of,
    too_long,
)
from app.vocabulary import LANGUAGES


def _is_index(value: object) -> bool:
    """An option's index in ASCII digits: `²` and `٣` pass str.isdigit() but not int()."""
    text = str(value)
    return text.isascii() and text.isdigit()


def _validate_answer(question: Question, raw: object) -> object:
    """The stored form of an answer, or a DomainError naming the question's field."""
    name = f"question-{question.id}"
    if raw in (None, "", []):
        return None
    if question.kind == "scale":
        if str(raw) not in {"1", "2", "3", "4", "5"}:
            raise DomainError(_l("Choose a value from 1 to 5."), field=name)
        return int(raw)
    if question.kind == "single":
        if not _is_index(raw) or int(raw) >= len(question.options):
            raise DomainError(_l("Choose one of the options."), field=name)
        return int(raw)
    if question.kind == "multiple":
        values = raw if isinstance(raw, list) else [raw]
        if not all(_is_index(v) and int(v) < len(question.options) for v in values):
            raise DomainError(_l("Choose among the options."), field=name)
        return sorted({int(v) for v in values})
    text = clean(str(raw))
    if too_long(text):
        raise DomainError(too_long(text)[0], field=name)
    return text or None


def save_answers(
    user: User,
    consultation: Consultation,
    answers: dict[int, object],
    general_comment: str | None,
    base_version: int,
    general_language: str | None = None,
) -> SaveResult:
    """Save the answers to the Council's questions and the general comment (None: leave it);
    those another member changed since `base_version` come back as clashes, with both texts."""
    require_open_for(user, consultation)
    questions = {q.id: q for q in consultation.questions}
    errors: dict[str, list] = {}
    cleaned: dict[int, object] = {}
    for question_id, raw in answers.items():
        if question_id not in questions:
            continue  # a field the form never offered changes nothing
        try:
            cleaned[question_id] = _validate_answer(questions[question_id], raw)
        except DomainError as error:
            errors.setdefault(error.field, []).append(error.message)
    general_comment = None if general_comment is None else clean(general_comment)
    if general_comment is not None and too_long(general_comment):
        errors["general_comment"] = too_long(general_comment)
    if errors:
        raise ValidationFailed(errors)
    chosen = general_language if general_language in LANGUAGES else None
    return retrying(
        lambda: _save_once(user, consultation, cleaned, general_comment, chosen, base_version)
    )


def _stored_answer(answer: Answer | None) -> Stored | None:
    if answer is None:
        return None
    return Stored(
        {"value": answer.value}, answer.changed_at_version, answer.updated_by_id, answer.updated_at
    )


def _stored_general(submission: Submission, with_language: bool) -> Stored:
    values = {"comment": submission.general_comment}
    if with_language:
        values["language"] = submission.general_language
    return Stored(
        values,
        submission.general_changed_at_version,
        submission.general_updated_by_id,
        submission.general_updated_at,
    )


def _save_once(
    user: User,
    consultation: Consultation,
    cleaned: dict[int, object],
    general_comment: str | None,
    general_language: str | None,
    base_version: int,
) -> SaveResult:
    submission = submission_of(consultation, user.organisation_id)
    if submission is None:
        start_submission(user, consultation)
        submission = submission_of(consultation, user.organisation_id)
    edits = [
        Edit(
            f"q:{qid}",
            {"value": value},
            _stored_answer(submission.answer_for(qid)),
            {"value": None},
        )
        for qid, value in cleaned.items()
    ]
    if general_comment is not None:
        general = {"comment": general_comment}
        if general_language:
            general["language"] = general_language
        stored = _stored_general(submission, bool(general_language))
        edits.append(Edit("general", general, stored, general))
    changes, clashes = sort_edits(edits, base_version, user)
    if not changes:
        db.session.rollback()
        return SaveResult(submission.id, submission.lock_version, clashes)
    now = utcnow()
    latest = read_latest_revision(submission.id)
    read_version, status = submission.lock_version, submission.status
    extra = {}
    for key, _before, after in changes:
        if key == "general":
            extra = {
                "general_comment": after["comment"],
                "general_language": after.get("language") or language.detect(after["comment"]),
                "general_changed_at_version": read_version + 1,
                "general_updated_at": now,
                "general_updated_by_id": user.id,
            }
    version = bump(submission.id, read_version, status, user, now, **extra)
    for key, _before, after in changes:
        if key.startswith("q:"):
            _write_answer(
                submission, int(key.removeprefix("q:")), after["value"], user, version, now
            )
    record_save(submission.id, version, user, now, {k: diff(b, a) for k, b, a in changes}, latest)
    db.session.commit()
    return SaveResult(submission.id, version, clashes)


def _write_answer(
    submission: Submission, question_id: int, value: object, user: User, version: int, now
) -> None:
    answer = submission.answer_for(question_id)
    if answer is None:
        answer = Answer(submission_id=submission.id, question_id=question_id)
        db.session.add(answer)
    answer.value, answer.changed_at_version = value, version
    answer.updated_at, answer.updated_by_id = now, user.id
    answer.language = language.detect(value) if isinstance(value, str) else None
