"""Saving what a member typed about the draft's paragraphs, the hot path of the deadline rush.

A save from the section page is two statements: one read (the consultation's phase and the
organisation's invitation, the posted section's paragraphs, the submission's version and
status, the stored feedback on those paragraphs and the latest history entry), then the
writes (`paragraph_writes`): the UPDATE that takes the next version only if the submission is
still at the version read, the items, and the history entry (extended when it continues the
same person's autosave). The module stays whole past 400 lines: those statements and the code
that reads their rows are tuned together, and a reader of the save path should find all of it
on one page.
"""

import functools
from dataclasses import dataclass
from typing import NamedTuple

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.orm.util import identity_key

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import (
    Consultation,
    DocumentVersion,
    Paragraph,
    ParagraphFeedback,
    Section,
    Submission,
    SubmissionRevision,
    User,
)
from app.models.common import utcnow
from app.services import language, loading
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
    clean,
    diff,
    require_open_for,
    retrying,
    sort_edits,
    start_submission,
    submission_of,
    too_long,
    writing_version,
)
from app.services.feedback.paragraph_writes import ItemWrite, write_save
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
    "section_to_save",
    "section_to_write",
    "submission_of",
    "writing_version",
]

# The consultation's columns in the save's read are named consultation_<attribute>.
CONSULTATION = "consultation_"
EMPTY = {"stance": None, "comment": "", "amendment": "", "language": None}


@dataclass
class ParagraphInput:
    """What a partner typed about one paragraph."""

    paragraph_id: int
    stance: str | None = None
    comment: str = ""
    amendment: str = ""
    language: str | None = None  # None: detect it


class DraftParagraph(NamedTuple):
    """What a save needs of a paragraph of the draft."""

    id: int
    number: str
    text: dict
    version_id: int


@dataclass
class _State:
    """What one read tells a save about the submission."""

    id: int
    lock_version: int
    version_id: int
    status: str
    latest: LatestRevision | None
    items: dict[int, sa.Row]  # paragraph id -> the stored feedback's columns


@dataclass
class SectionToSave:
    """The section a save posts to and what the save needs of the submission, read at once."""

    paragraphs: dict[int, DraftParagraph]  # in the section's order
    section_count: int  # how many sections the version has
    state: _State | None  # None: the organisation has no submission yet


def consultation_to_write(slug: str, organisation_id: int | None) -> Consultation:
    """The consultation a partner writes on, with its versions only: a page of one section
    reads no draft text beyond that section's, however long the draft. Whether the
    organisation is invited comes in the same statement, for the access rules asked next."""
    found = (
        db.session.execute(
            _consultation_statement(), {"slug": slug, "organisation_id": organisation_id}
        )
        .unique()
        .first()
    )
    if found is None:
        raise _no_consultation(slug)
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


def section_to_save(
    slug: str, organisation_id: int | None, position: int
) -> tuple[Consultation, SectionToSave | None]:
    """The consultation (its phase, whether the organisation is invited) and the section at
    `position` of the version the organisation writes on, with the submission's version,
    status, latest history entry and stored feedback on the section: one statement, nothing
    else of the submission read. The section is None when the version has no such position;
    the caller asks the access rules before it says so."""
    # Core on the session's connection, as the write that follows (paragraph_writes).
    rows = (
        db.session.connection()
        .execute(
            _section_to_save_statement(),
            {"slug": slug, "organisation_id": organisation_id, "position": position},
        )
        .all()
    )
    if not rows:
        raise _no_consultation(slug)
    first = rows[0]
    consultation = loading.as_loaded(Consultation, first._mapping, CONSULTATION)
    access.note_invitation(organisation_id, consultation, first.invited)
    if first.section_version_id is None:
        return consultation, None
    paragraphs = {
        row.paragraph_id: DraftParagraph(
            row.paragraph_id, row.number, row.text, row.section_version_id
        )
        for row in rows
        if row.paragraph_id is not None
    }
    return consultation, SectionToSave(paragraphs, first.section_count, _state(rows))


def _no_consultation(slug: str) -> NotFound:
    return NotFound(_l("There is no consultation “%(slug)s”.", slug=slug))


# Statements of the save path are built once (with bound parameters): building and hashing
# them anew on every autosave costs more than running them.


@functools.cache
def _consultation_statement() -> sa.Select:
    return (
        sa.select(Consultation, _invited())
        .where(Consultation.slug == sa.bindparam("slug"))
        .options(so.joinedload(Consultation.versions))
    )


def _invited() -> sa.Label:
    return access.invitation_exists(sa.bindparam("organisation_id", type_=sa.Integer)).label(
        "invited"
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


@functools.cache
def _section_to_save_statement() -> sa.Select:
    """The consultation named by `slug` (not its title and summary in every language: a save
    shows none) with whether the organisation is invited; outer-joined to it, one row per
    paragraph of the shown section with the submission's state."""
    consultation = Consultation.__table__
    submission = Submission.__table__
    section = Section.__table__
    paragraph = Paragraph.__table__
    item = ParagraphFeedback.__table__
    revision = SubmissionRevision.__table__
    # The section is a subquery in FROM, which cannot see the consultation beside it there.
    consultation_id = (
        sa.select(consultation.c.id)
        .where(consultation.c.slug == sa.bindparam("slug"))
        .correlate(None)
        .scalar_subquery()
    )
    ours = sa.and_(
        submission.c.consultation_id == consultation_id,
        submission.c.organisation_id == sa.bindparam("organisation_id"),
    )
    started = sa.select(submission.c.version_id).where(ours).correlate(None).scalar_subquery()
    # The submission's version, else the current one: feedback stays on the version it began on.
    version_id = sa.func.coalesce(started, _current_version_id(consultation_id))
    shown = (
        sa.select(section.c.id, section.c.version_id)
        .where(section.c.version_id == version_id)
        .order_by(section.c.position)
        .offset(sa.bindparam("position"))
        .limit(1)
        .subquery("shown")
    )
    count = sa.select(sa.func.count(section.c.id)).where(section.c.version_id == version_id)
    return (
        sa.select(
            *loading.columns_of(Consultation, CONSULTATION, leave_out=("title", "summary")),
            _invited(),
            count.scalar_subquery().label("section_count"),
            shown.c.version_id.label("section_version_id"),
            paragraph.c.id.label("paragraph_id"),
            paragraph.c.number,
            paragraph.c.text,
            *_state_columns(),
        )
        .select_from(
            consultation.outerjoin(shown, sa.true())
            .outerjoin(paragraph, paragraph.c.section_id == shown.c.id)
            .outerjoin(submission, ours)
            .outerjoin(revision, revision.c.id == _latest_revision_id())
            .outerjoin(
                item,
                sa.and_(
                    item.c.submission_id == submission.c.id, item.c.paragraph_id == paragraph.c.id
                ),
            )
        )
        .where(consultation.c.slug == sa.bindparam("slug"))
        .order_by(paragraph.c.position)
    )


def _current_version_id(consultation_id: sa.ColumnElement) -> sa.ScalarSelect:
    """Consultation.current_version's id in SQL: its latest published version, else its
    latest."""
    version = DocumentVersion.__table__
    return (
        sa.select(version.c.id)
        .where(version.c.consultation_id == consultation_id)
        .order_by(version.c.published_at.is_(None), version.c.number.desc())
        .limit(1)
        .correlate(None)
        .scalar_subquery()
    )


def _state_columns() -> list[sa.ColumnElement]:
    """The submission's version and status, its latest history entry, a stored item."""
    submission = Submission.__table__
    item = ParagraphFeedback.__table__
    revision = SubmissionRevision.__table__
    return [
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
        item.c.stance,
        item.c.comment,
        item.c.amendment,
        item.c.language,
        item.c.language_confirmed,
        item.c.changed_at_version,
        item.c.updated_at,
        item.c.updated_by_id,
    ]


def _latest_revision_id() -> sa.ScalarSelect:
    submission = Submission.__table__
    history = SubmissionRevision.__table__.alias("history")
    return (
        sa.select(sa.func.max(history.c.id))
        .where(history.c.submission_id == submission.c.id)
        .scalar_subquery()
    )


def save_paragraphs(
    user: User,
    consultation: Consultation,
    inputs: list[ParagraphInput],
    base_version: int,
    section: SectionToSave | None = None,
) -> SaveResult:
    """Save what a member typed; items others changed since `base_version` come back as clashes.

    A save posted from a section page passes the section it read (`section_to_save`): its
    paragraphs and the submission's state are then not read again, unless the save must retry.
    """
    require_open_for(user, consultation)
    ids = [i.paragraph_id for i in inputs]
    paragraphs = _paragraphs(ids, section.paragraphs if section else None)
    inputs = [_normalise(paragraphs, i) for i in inputs]
    _validate_items(paragraphs, inputs)
    known = iter([section.state] if section else [])
    return retrying(
        lambda: _save_once(user, consultation, paragraphs, inputs, base_version, next(known, None))
    )


def _paragraphs(
    ids: list[int], shown: dict[int, DraftParagraph] | None
) -> dict[int, DraftParagraph]:
    """The posted paragraphs, from the section read already when there is one."""
    if shown is not None:
        found = {pid: shown[pid] for pid in ids if pid in shown}
    else:
        found = {
            row.id: DraftParagraph(*row)
            for row in db.session.execute(_paragraphs_statement(), {"ids": ids})
        }
    if len(found) != len(set(ids)):
        raise DomainError(_l("This paragraph is not part of the draft."))
    return found


@functools.cache
def _paragraphs_statement() -> sa.Select:
    return (
        sa.select(Paragraph.id, Paragraph.number, Paragraph.text, Section.version_id)
        .join(Section, Paragraph.section_id == Section.id)
        .where(Paragraph.id.in_(sa.bindparam("ids", expanding=True)))
    )


def _normalise(paragraphs: dict[int, DraftParagraph], item: ParagraphInput) -> ParagraphInput:
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


def _validate_items(paragraphs: dict[int, DraftParagraph], items: list[ParagraphInput]) -> None:
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
    posted = sa.and_(
        item.c.submission_id == submission.c.id,
        item.c.paragraph_id.in_(sa.bindparam("paragraph_ids", expanding=True)),
    )
    return (
        sa.select(*_state_columns(), item.c.paragraph_id)
        .select_from(
            submission.outerjoin(revision, revision.c.id == _latest_revision_id()).outerjoin(
                item, posted
            )
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
    return _state(rows)


def _state(rows: list[sa.Row]) -> _State | None:
    """The state from the rows of a read with `_state_columns` and a `paragraph_id` each."""
    first = rows[0] if rows else None
    if first is None or first.id is None:
        return None
    latest = None
    if first.revision_id is not None:
        latest = LatestRevision(
            first.revision_id, first.actor_id, first.action, first.at, first.changes
        )
    items = {row.paragraph_id: row for row in rows if row.item_id is not None}
    return _State(first.id, first.lock_version, first.version_id, first.status, latest, items)


def _check_version(paragraphs: dict[int, DraftParagraph], version_id: int) -> None:
    """Feedback stays on the version the submission was started on."""
    if any(p.version_id != version_id for p in paragraphs.values()):
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
    paragraphs: dict[int, DraftParagraph],
    inputs: list[ParagraphInput],
    base_version: int,
    state: _State | None,
) -> SaveResult:
    ids = list(paragraphs)
    if state is None:
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
    items = [_item_write(state, change) for change in changes]
    diffs = {key: diff(before, after) for key, before, after in changes}
    version = write_save(
        state.id, state.lock_version, state.status, user, utcnow(), items, diffs, state.latest
    )
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


def _item_write(state: _State, change: Change) -> ItemWrite:
    paragraph_id = int(change.key.removeprefix("p:"))
    stored = state.items.get(paragraph_id)
    after = change.after
    return ItemWrite(
        paragraph_id,
        stored.item_id if stored is not None else None,
        after["stance"],
        after["comment"],
        after["amendment"],
        _language(stored, after),
        after["language"] is not None,
    )


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
