"""Saving what a member typed about the draft's paragraphs, the hot path of the deadline rush.

A save of one paragraph is four statements: one read (the submission's version and status,
the stored feedback on the posted paragraphs, the latest history entry), the UPDATE that takes
the next version only if the submission is still at the version read, the item's UPDATE or
INSERT, and the history entry's INSERT (or UPDATE, when it extends the same person's autosave).
The module stays whole past 400 lines: those statements and the code that reads their rows are
tuned together, and a reader of the save path should find all of it on one page.
"""

import functools
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.orm.util import identity_key

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import (
    Consultation,
    Paragraph,
    ParagraphFeedback,
    Section,
    Submission,
    SubmissionRevision,
    User,
)
from app.models.common import utcnow
from app.services import language
from app.services.accounts import access
from app.services.errors import DomainError, NotFound
from app.services.feedback.answers import save_answers
from app.services.feedback.editing import (
    Change,
    Edit,
    EditClash,
    LatestRevision,
    SaveResult,
    Stored,
    ValidationFailed,
    add_revision,
    bump,
    clean,
    diff,
    record_save,
    require_open_for,
    retrying,
    sort_edits,
    start_submission,
    submission_of,
    too_long,
    writing_version,
)
from app.vocabulary import LANGUAGES
from app.vocabulary import STANCE_LABELS as STANCES

__all__ = [
    "EditClash",
    "ParagraphInput",
    "SaveResult",
    "ValidationFailed",
    "add_revision",
    "consultation_to_write",
    "require_open_for",
    "save_answers",
    "save_paragraphs",
    "section_to_write",
    "submission_of",
    "writing_version",
]

EMPTY = {"stance": None, "comment": "", "amendment": "", "language": None}


@dataclass
class ParagraphInput:
    """What a partner typed about one paragraph."""

    paragraph_id: int
    stance: str | None = None
    comment: str = ""
    amendment: str = ""
    language: str | None = None  # None: detect it


@dataclass
class _State:
    """What one read tells a save about the submission."""

    id: int
    lock_version: int
    version_id: int
    status: str
    latest: LatestRevision | None
    items: dict[int, sa.Row]  # paragraph id -> the stored feedback's columns


def consultation_to_write(slug: str, organisation_id: int | None) -> Consultation:
    """The consultation a save posts to, with its versions only: a save reads no draft text
    beyond the posted section's, however long the draft. Whether the organisation is invited
    comes in the same statement, for the access rules that the save asks next."""
    found = (
        db.session.execute(
            _consultation_statement(), {"slug": slug, "organisation_id": organisation_id}
        )
        .unique()
        .first()
    )
    if found is None:
        raise NotFound(_l("There is no consultation “%(slug)s”.", slug=slug))
    consultation, invited = found
    access.note_invitation(organisation_id, consultation, invited)
    return consultation


def section_to_write(
    consultation: Consultation, organisation_id: int | None, position: int
) -> tuple[Section | None, int]:
    """The section at `position` of the version the organisation writes on, its paragraphs
    loaded, and how many sections that version has: one query."""
    current = consultation.current_version
    row = (
        db.session.execute(
            _section_statement(),
            {
                "consultation_id": consultation.id,
                "organisation_id": organisation_id,
                "current_version_id": current.id if current else None,
                "position": position,
            },
        )
        .unique()
        .first()
    )
    return (row[0], row[1]) if row else (None, 0)


# Statements of the save path are built once (with bound parameters): building and hashing
# them anew on every autosave costs more than running them.


@functools.cache
def _consultation_statement() -> sa.Select:
    invited = access.invitation_exists(sa.bindparam("organisation_id", type_=sa.Integer))
    return (
        sa.select(Consultation, invited.label("invited"))
        .where(Consultation.slug == sa.bindparam("slug"))
        .options(so.joinedload(Consultation.versions))
    )


@functools.cache
def _section_statement() -> sa.Select:
    started = (
        sa.select(Submission.version_id)
        .where(
            Submission.consultation_id == sa.bindparam("consultation_id"),
            Submission.organisation_id == sa.bindparam("organisation_id"),
        )
        .scalar_subquery()
    )
    # The submission's version, else the current one: feedback stays on the version it began on.
    version_id = sa.func.coalesce(started, sa.bindparam("current_version_id"))
    count = sa.select(sa.func.count(Section.id)).where(Section.version_id == version_id)
    return (
        sa.select(Section, count.scalar_subquery())
        .where(Section.version_id == version_id)
        .order_by(Section.position)
        .offset(sa.bindparam("position"))
        .limit(1)
        .options(so.joinedload(Section.paragraphs))
    )


def save_paragraphs(
    user: User,
    consultation: Consultation,
    inputs: list[ParagraphInput],
    base_version: int,
) -> SaveResult:
    """Save what a member typed; items others changed since `base_version` come back as clashes."""
    require_open_for(user, consultation)
    paragraphs = _paragraphs([i.paragraph_id for i in inputs])
    inputs = [_normalise(paragraphs, i) for i in inputs]
    _validate_items(paragraphs, inputs)
    return retrying(lambda: _save_once(user, consultation, paragraphs, inputs, base_version))


def _paragraphs(ids: list[int]) -> dict[int, Paragraph]:
    """The posted paragraphs: those the page already loaded cost no query."""
    found: dict[int, Paragraph] = {}
    for pid in ids:
        paragraph = db.session.identity_map.get(identity_key(Paragraph, pid))
        if paragraph is not None:
            found[pid] = paragraph
    missing = [pid for pid in ids if pid not in found]
    if missing:
        found.update(
            (p.id, p)
            for p in db.session.scalars(sa.select(Paragraph).where(Paragraph.id.in_(missing)))
        )
    if len(found) != len(set(ids)):
        raise DomainError(_l("This paragraph is not part of the draft."))
    return found


def _normalise(paragraphs: dict[int, Paragraph], item: ParagraphInput) -> ParagraphInput:
    """Trim texts; wording identical to the draft is no amendment at all."""
    amendment = clean(item.amendment)
    if amendment in {clean(text) for text in paragraphs[item.paragraph_id].text.values()}:
        amendment = ""
    return ParagraphInput(
        item.paragraph_id,
        item.stance or None,
        clean(item.comment),
        amendment,
        item.language or None,
    )


def _validate_items(paragraphs: dict[int, Paragraph], items: list[ParagraphInput]) -> None:
    errors: dict[str, list] = {}
    for item in items:
        pid = item.paragraph_id
        if item.stance is not None and item.stance not in STANCES:
            errors.setdefault(f"stance-{pid}", []).append(_l("Choose a stance."))
        for name in ("comment", "amendment"):
            if too_long(getattr(item, name)):
                errors.setdefault(f"{name}-{pid}", []).extend(too_long(getattr(item, name)))
        if (item.comment or item.amendment) and not item.stance:
            errors.setdefault(f"stance-{pid}", []).append(
                _l(
                    "Choose a stance for paragraph %(number)s: you wrote a comment or wording.",
                    number=paragraphs[pid].number,
                )
            )
        if item.language is not None and item.language not in LANGUAGES:
            errors.setdefault(f"language-{pid}", []).append(
                _l("Choose English, French or Spanish.")
            )
    if errors:
        raise ValidationFailed(errors)


@functools.cache
def _read_statement() -> sa.Select:
    """The save's one read, built once: the submission's version, status and latest history
    entry, with the stored feedback on the posted paragraphs outer-joined to it."""
    submission = Submission.__table__
    item = ParagraphFeedback.__table__
    revision = SubmissionRevision.__table__
    history = revision.alias("history")
    latest = (
        sa.select(sa.func.max(history.c.id))
        .where(history.c.submission_id == submission.c.id)
        .scalar_subquery()
    )
    posted = sa.and_(
        item.c.submission_id == submission.c.id,
        item.c.paragraph_id.in_(sa.bindparam("paragraph_ids", expanding=True)),
    )
    return (
        sa.select(
            submission.c.id,
            submission.c.lock_version,
            submission.c.version_id,
            submission.c.status,
            revision.c.id.label("revision_id"),
            revision.c.actor_id,
            revision.c.action,
            revision.c.at,
            revision.c.changes,
            item.c.id.label("item_id"),
            item.c.paragraph_id,
            item.c.stance,
            item.c.comment,
            item.c.amendment,
            item.c.language,
            item.c.language_confirmed,
            item.c.changed_at_version,
            item.c.updated_at,
            item.c.updated_by_id,
        )
        .select_from(
            submission.outerjoin(revision, revision.c.id == latest).outerjoin(item, posted)
        )
        .where(
            submission.c.consultation_id == sa.bindparam("consultation_id"),
            submission.c.organisation_id == sa.bindparam("organisation_id"),
        )
    )


def _read(
    consultation: Consultation, organisation_id: int, paragraph_ids: list[int]
) -> _State | None:
    """The submission's version, status and latest history entry, and the stored feedback on
    the posted paragraphs: one statement, nothing else of the submission loaded."""
    rows = db.session.execute(
        _read_statement(),
        {
            "consultation_id": consultation.id,
            "organisation_id": organisation_id,
            "paragraph_ids": paragraph_ids,
        },
    ).all()
    if not rows:
        return None
    first = rows[0]
    latest = None
    if first.revision_id is not None:
        latest = LatestRevision(
            first.revision_id, first.actor_id, first.action, first.at, first.changes
        )
    items = {row.paragraph_id: row for row in rows if row.item_id is not None}
    return _State(first.id, first.lock_version, first.version_id, first.status, latest, items)


def _check_version(paragraphs: dict[int, Paragraph], version_id: int) -> None:
    """Feedback stays on the version the submission was started on."""
    if any(p.section.version_id != version_id for p in paragraphs.values()):
        raise DomainError(_l("This paragraph is not part of the draft."))


def _stored(item: sa.Row | None) -> Stored | None:
    if item is None:
        return None
    values = {
        "stance": item.stance,
        "comment": item.comment,
        "amendment": item.amendment,
        "language": item.language if item.language_confirmed else None,
    }
    return Stored(values, item.changed_at_version, item.updated_by_id, item.updated_at)


def _posted(item: ParagraphInput) -> dict:
    return {
        "stance": item.stance,
        "comment": item.comment,
        "amendment": item.amendment,
        "language": item.language,
    }


def _save_once(
    user: User,
    consultation: Consultation,
    paragraphs: dict[int, Paragraph],
    inputs: list[ParagraphInput],
    base_version: int,
) -> SaveResult:
    ids = list(paragraphs)
    state = _read(consultation, user.organisation_id, ids)
    if state is None:
        _check_version(paragraphs, consultation.current_version.id)
        start_submission(user, consultation)
        state = _read(consultation, user.organisation_id, ids)
    _check_version(paragraphs, state.version_id)
    edits = [
        Edit(f"p:{i.paragraph_id}", _posted(i), _stored(state.items.get(i.paragraph_id)), EMPTY)
        for i in inputs
    ]
    changes, clashes = sort_edits(edits, base_version, user)
    if not changes:
        _commit_keeping_the_rest(state)  # nothing written: end the read's transaction
        return SaveResult(state.id, state.lock_version, clashes)
    now = utcnow()
    version = bump(state.id, state.lock_version, state.status, user, now)
    _write_items(state, changes, user, version, now)
    diffs = {key: diff(before, after) for key, before, after in changes}
    record_save(state.id, version, user, now, diffs, state.latest)
    _commit_keeping_the_rest(state)
    return SaveResult(state.id, version, clashes)


def _commit_keeping_the_rest(state: _State) -> None:
    """Commit, forgetting only what this save changed: the save wrote through statements of
    its own, so the signed-in account and the consultation the request loaded are still
    current, and reading them again after the commit would cost a round trip each."""
    session = db.session()
    keys = [identity_key(ParagraphFeedback, item.item_id) for item in state.items.values()]
    for key in [identity_key(Submission, state.id), *keys]:
        loaded = session.identity_map.get(key)
        if loaded is not None:
            session.expire(loaded)
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _write_items(
    state: _State, changes: list[Change], user: User, version: int, now: datetime
) -> None:
    """One UPDATE for the changed items that exist, one INSERT for the new ones."""
    updates, inserts = [], []
    for key, _before, after in changes:
        paragraph_id = int(key.removeprefix("p:"))
        stored = state.items.get(paragraph_id)
        row = {
            "stance": after["stance"],
            "comment": after["comment"],
            "amendment": after["amendment"],
            "language": _language(stored, after),
            "language_confirmed": after["language"] is not None,
            "changed_at_version": version,
            "updated_at": now,
            "updated_by_id": user.id,
        }
        if stored is None:
            inserts.append({**row, "submission_id": state.id, "paragraph_id": paragraph_id})
        else:
            updates.append({**row, "item_id": stored.item_id})
    table = ParagraphFeedback.__table__
    if updates:
        db.session.execute(_update_items_statement(), updates)
    if inserts:
        db.session.execute(table.insert(), inserts)


@functools.cache
def _update_items_statement() -> sa.Update:
    table = ParagraphFeedback.__table__
    return table.update().where(table.c.id == sa.bindparam("item_id"))


def _language(stored: sa.Row | None, after: dict) -> str | None:
    """The language chosen, else the one detected (again only when the text changed)."""
    if after["language"] is not None:
        return after["language"]
    if (
        stored is not None
        and not stored.language_confirmed
        and (stored.comment, stored.amendment) == (after["comment"], after["amendment"])
    ):
        return stored.language
    return language.detect(f"{after['comment']}\n{after['amendment']}")
