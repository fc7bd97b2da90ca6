"""Writing an organisation's submission: saving, conflicts between co-editors, history."""

from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import (
    Answer,
    Consultation,
    DocumentVersion,
    Paragraph,
    ParagraphFeedback,
    Question,
    Submission,
    SubmissionRevision,
    User,
)
from app.models.common import utcnow
from app.models.feedback import STANCES
from app.services import language
from app.services.accounts import access
from app.services.errors import Conflict, DomainError

MAX_TEXT = 10_000
LANGUAGES = ("en", "fr", "es")


class ValidationFailed(DomainError):
    """Some fields are wrong; `errors` maps each form field name to its messages."""

    def __init__(self, errors: dict[str, list]) -> None:
        super().__init__(_l("Some answers need correcting."))
        self.errors = errors


@dataclass
class ParagraphInput:
    """What a partner typed about one paragraph."""

    paragraph_id: int
    stance: str | None = None
    comment: str = ""
    amendment: str = ""
    language: str | None = None  # None: detect it


@dataclass
class EditClash:
    """An item someone else changed after this user loaded the page: both texts, to choose."""

    key: str  # "p:<paragraph id>", "q:<question id>" or "general"
    mine: dict
    theirs: dict
    by: User | None
    at: object


@dataclass
class SaveResult:
    submission: Submission
    clashes: list[EditClash] = field(default_factory=list)


def submission_of(consultation: Consultation, organisation_id: int | None) -> Submission | None:
    """The organisation's submission on the consultation, if it has one."""
    if organisation_id is None:
        return None
    return db.session.scalar(
        sa.select(Submission)
        .where(
            Submission.consultation_id == consultation.id,
            Submission.organisation_id == organisation_id,
        )
        .options(so.selectinload(Submission.items), so.selectinload(Submission.answers))
    )


def writing_version(consultation: Consultation, submission: Submission | None) -> DocumentVersion:
    """The version an organisation comments on: the one its submission started on, so that
    feedback always points at the text it was given on; the current one for a new submission."""
    return submission.version if submission else consultation.current_version


def require_open_for(user: User, consultation: Consultation) -> None:
    """Raise unless `user` may write their organisation's submission right now."""
    access.require(user, "submission.write", consultation)
    if consultation.phase() != "open":
        raise Conflict(_l("This consultation is closed: the submission can no longer change."))


def _start_submission(
    user: User, consultation: Consultation, existing: Submission | None = None
) -> Submission:
    """The user's organisation's submission, created on first save (once, even in a race)."""
    existing = existing or submission_of(consultation, user.organisation_id)
    if existing is not None:
        return existing
    try:
        with db.session.begin_nested():
            submission = Submission(
                consultation=consultation,
                organisation_id=user.organisation_id,
                version=consultation.current_version,
                updated_by=user,
            )
            db.session.add(submission)
    except sa.exc.IntegrityError:
        submission = submission_of(consultation, user.organisation_id)
    return submission


def _clean(text: str | None) -> str:
    """Plain text as typed, with Windows line ends unified and outer blank space removed."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _validate_items(paragraphs: list[Paragraph], items: list[ParagraphInput]) -> None:
    paragraphs = {p.id: p for p in paragraphs}
    errors: dict[str, list] = {}
    for item in items:
        paragraph = paragraphs[item.paragraph_id]
        if item.stance is not None and item.stance not in STANCES:
            errors.setdefault(f"stance-{item.paragraph_id}", []).append(_l("Choose a stance."))
        for name in ("comment", "amendment"):
            if len(getattr(item, name)) > MAX_TEXT:
                errors.setdefault(f"{name}-{item.paragraph_id}", []).append(
                    _l("Use at most %(n)s characters.", n=f"{MAX_TEXT:,}")
                )
        if (item.comment or item.amendment) and not item.stance:
            errors.setdefault(f"stance-{item.paragraph_id}", []).append(
                _l(
                    "Choose a stance for paragraph %(number)s: you wrote a comment or wording.",
                    number=paragraph.number,
                )
            )
        if item.language is not None and item.language not in LANGUAGES:
            errors.setdefault(f"language-{item.paragraph_id}", []).append(
                _l("Choose English, French or Spanish.")
            )
    if errors:
        raise ValidationFailed(errors)


def _normalise(paragraphs: list[Paragraph], item: ParagraphInput) -> ParagraphInput:
    """Trim texts; wording identical to the draft is no amendment at all."""
    original = next((p for p in paragraphs if p.id == item.paragraph_id), None)
    if original is None:
        raise DomainError(_l("This paragraph is not part of the draft."))
    amendment = _clean(item.amendment)
    drafted = {_clean(text) for text in original.text.values()}
    if amendment in drafted:
        amendment = ""
    return ParagraphInput(
        item.paragraph_id,
        item.stance or None,
        _clean(item.comment),
        amendment,
        item.language or None,
    )


def _item_values(item: ParagraphFeedback | None) -> dict:
    if item is None:
        return {"stance": None, "comment": "", "amendment": "", "language": None}
    return {
        "stance": item.stance,
        "comment": item.comment,
        "amendment": item.amendment,
        "language": item.language if item.language_confirmed else None,
    }


def save_paragraphs(
    user: User,
    consultation: Consultation,
    inputs: list[ParagraphInput],
    base_version: int,
) -> SaveResult:
    """Save what a member typed; items others changed since `base_version` come back as clashes."""
    require_open_for(user, consultation)
    existing = submission_of(consultation, user.organisation_id)
    paragraphs = writing_version(consultation, existing).paragraphs
    inputs = [_normalise(paragraphs, i) for i in inputs]
    _validate_items(paragraphs, inputs)
    attempts = iter([existing])  # the first attempt reuses what was just read

    def attempt() -> SaveResult:
        return _save_paragraphs_once(user, consultation, inputs, base_version, next(attempts, None))

    return _retrying(attempt)


def _retrying(save, attempts: int = 3):
    """Run a save again when another save landed between its read and its write."""
    for attempt in range(attempts):
        try:
            return save()
        except StaleDataError:
            db.session.rollback()
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _save_paragraphs_once(user, consultation, inputs, base_version, existing) -> SaveResult:
    submission = _start_submission(user, consultation, existing)
    result = SaveResult(submission)
    new_version = submission.lock_version + 1
    changes: dict[str, dict] = {}
    for posted in inputs:
        stored = submission.item_for(posted.paragraph_id)
        before = _item_values(stored)
        after = {
            "stance": posted.stance,
            "comment": posted.comment,
            "amendment": posted.amendment,
            "language": posted.language,
        }
        if before == after:
            continue
        if _changed_by_someone_else(stored, base_version, user):
            result.clashes.append(
                EditClash(
                    f"p:{posted.paragraph_id}", after, before, stored.updated_by, stored.updated_at
                )
            )
            continue
        if stored is None:
            stored = ParagraphFeedback(paragraph_id=posted.paragraph_id)
            submission.items.append(stored)
        _apply(stored, posted, user, new_version)
        changes[f"p:{posted.paragraph_id}"] = _diff(before, after)
    if changes:
        _record_save(submission, user, changes)
    db.session.commit()
    return result


def _changed_by_someone_else(stored, base_version: int, user: User) -> bool:
    """Changed after the page was loaded, by another member (one's own autosave never clashes)."""
    return (
        stored is not None
        and stored.changed_at_version > base_version
        and stored.updated_by_id != user.id
    )


def _apply(item: ParagraphFeedback, posted: ParagraphInput, user: User, version: int) -> None:
    item.stance, item.comment, item.amendment = posted.stance, posted.comment, posted.amendment
    item.language_confirmed = posted.language is not None
    item.language = posted.language or language.detect(f"{posted.comment}\n{posted.amendment}")
    item.changed_at_version = version
    item.updated_by, item.updated_at = user, utcnow()


def _diff(before: dict, after: dict) -> dict:
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def _record_save(submission: Submission, user: User, changes: dict) -> None:
    """Mark the submission changed (a submitted one becomes a draft again) and log the change."""
    now = utcnow()
    next_version = submission.lock_version + 1  # what the UPDATE at commit will set
    submission.updated_at, submission.updated_by = now, user
    if submission.status in {"submitted", "withdrawn"}:
        submission.status = "draft"
    add_revision(submission, next_version, "saved", user, now, changes)


def add_revision(
    submission: Submission,
    lock_version: int,
    action: str,
    actor: User | None,
    at,
    changes: dict | None = None,
) -> None:
    """Add a history entry without loading the submission's whole history."""
    db.session.add(
        SubmissionRevision(
            submission_id=submission.id,
            lock_version=lock_version,
            action=action,
            actor_id=actor.id if actor else None,
            at=at,
            changes=changes or {},
        )
    )


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
        if not str(raw).isdigit() or int(raw) >= len(question.options):
            raise DomainError(_l("Choose one of the options."), field=name)
        return int(raw)
    if question.kind == "multiple":
        values = raw if isinstance(raw, list) else [raw]
        if not all(str(v).isdigit() and int(v) < len(question.options) for v in values):
            raise DomainError(_l("Choose among the options."), field=name)
        return sorted({int(v) for v in values})
    text = _clean(str(raw))
    if len(text) > MAX_TEXT:
        raise DomainError(_l("Use at most %(n)s characters.", n=f"{MAX_TEXT:,}"), field=name)
    return text or None


def save_answers(
    user: User,
    consultation: Consultation,
    answers: dict[int, object],
    general_comment: str,
    base_version: int,
    general_language: str | None = None,
) -> SaveResult:
    """Save the answers to the Council's questions and the general comment."""
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
    general_comment = _clean(general_comment)
    if len(general_comment) > MAX_TEXT:
        errors.setdefault("general_comment", []).append(
            _l("Use at most %(n)s characters.", n=f"{MAX_TEXT:,}")
        )
    if errors:
        raise ValidationFailed(errors)
    return _retrying(
        lambda: _save_answers_once(
            user, consultation, cleaned, general_comment, general_language, base_version
        )
    )


def _save_answers_once(
    user, consultation, cleaned, general_comment, general_language, base_version
) -> SaveResult:
    submission = _start_submission(user, consultation)
    result = SaveResult(submission)
    new_version = submission.lock_version + 1
    changes: dict[str, dict] = {}
    for question_id, value in cleaned.items():
        stored = submission.answer_for(question_id)
        before = stored.value if stored else None
        if before == value:
            continue
        if (
            stored is not None
            and stored.changed_at_version > base_version
            and submission.updated_by_id != user.id
        ):
            result.clashes.append(
                EditClash(
                    f"q:{question_id}",
                    {"value": value},
                    {"value": before},
                    submission.updated_by,
                    submission.updated_at,
                )
            )
            continue
        if stored is None:
            stored = Answer(question_id=question_id)
            submission.answers.append(stored)
        stored.value, stored.changed_at_version = value, new_version
        if isinstance(value, str):
            stored.language = language.detect(value)
        changes[f"q:{question_id}"] = {"value": [before, value]}
    if general_comment != submission.general_comment:
        if (
            submission.general_changed_at_version > base_version
            and submission.updated_by_id != user.id
        ):
            result.clashes.append(
                EditClash(
                    "general",
                    {"comment": general_comment},
                    {"comment": submission.general_comment},
                    submission.updated_by,
                    submission.updated_at,
                )
            )
        else:
            changes["general"] = {"comment": [submission.general_comment, general_comment]}
            submission.general_comment = general_comment
            submission.general_changed_at_version = new_version
    if general_language in LANGUAGES:
        submission.general_language = general_language
    elif "general" in changes:
        submission.general_language = language.detect(general_comment)
    if changes:
        _record_save(submission, user, changes)
    db.session.commit()
    return result
