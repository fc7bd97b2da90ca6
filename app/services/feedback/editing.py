"""What every save of a submission shares: the one co-editing rule, the version lock, history.

A member edits three kinds of item: the feedback on a paragraph, the answer to a question and
the general comment. Each records the submission version that last changed it and who changed
it; `clash` is the only rule that decides whether a save may overwrite it.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple, TypeVar

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import Consultation, DocumentVersion, Submission, SubmissionRevision, User
from app.services.accounts import access
from app.services.errors import Conflict, DomainError

MAX_TEXT = 10_000
# Autosaves of the same items by the same person closer than this make one history entry.
COALESCE_WITHIN = timedelta(minutes=5)

T = TypeVar("T")


class ValidationFailed(DomainError):
    """Some fields are wrong; `errors` maps each form field name to its messages."""

    def __init__(self, errors: dict[str, list]) -> None:
        super().__init__(_l("Some answers need correcting."))
        self.errors = errors


class StaleSave(Exception):
    """Another save changed the submission between this save's read and its write."""


@dataclass
class Stored:
    """What the database holds for one item: its values, and which save last changed it."""

    values: dict
    changed_at_version: int
    updated_by_id: int | None
    updated_at: datetime | None


@dataclass
class EditClash:
    """An item someone else changed after this user loaded the page: both texts, to choose."""

    key: str  # "p:<paragraph id>", "q:<question id>" or "general"
    mine: dict
    theirs: dict
    by_id: int | None
    at: datetime | None

    @property
    def by(self) -> User | None:
        """The member who saved the other text."""
        return db.session.get(User, self.by_id) if self.by_id else None


@dataclass
class SaveResult:
    """The outcome of a save: the submission's new version and the items left unsaved."""

    submission_id: int
    lock_version: int
    clashes: list[EditClash] = field(default_factory=list)

    @property
    def submission(self) -> Submission:
        return db.session.get(Submission, self.submission_id)


def clash(stored: Stored | None, base_version: int, user: User) -> bool:
    """The co-editing rule: an item clashes when another member changed it after the page
    was loaded at `base_version` (one's own earlier autosave never clashes)."""
    return (
        stored is not None
        and stored.changed_at_version > base_version
        and stored.updated_by_id != user.id
    )


class Edit(NamedTuple):
    """What a member posted for one item, beside what is stored."""

    key: str
    mine: dict
    stored: Stored | None
    empty: dict  # the values of an item never written


class Change(NamedTuple):
    key: str
    before: dict
    after: dict


def sort_edits(
    edits: list[Edit], base_version: int, user: User
) -> tuple[list[Change], list[EditClash]]:
    """Split the edits into the changes to write and the clashes to show (the same rule for
    every kind of item); unchanged items drop out."""
    changes, clashes = [], []
    for key, mine, stored, empty in edits:
        before = stored.values if stored is not None else empty
        if before == mine:
            continue
        if clash(stored, base_version, user):
            clashes.append(EditClash(key, mine, before, stored.updated_by_id, stored.updated_at))
        else:
            changes.append(Change(key, before, mine))
    return changes, clashes


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for each field that changes."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def clean(text: str | None) -> str:
    """Plain text as typed, with Windows line ends unified and outer blank space removed."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def too_long(text: str) -> list:
    return [_l("Use at most %(n)s characters.", n=f"{MAX_TEXT:,}")] if len(text) > MAX_TEXT else []


def require_open_for(user: User, consultation: Consultation) -> None:
    """Raise unless `user` may write their organisation's submission right now."""
    access.require(user, "submission.write", consultation)
    if consultation.phase() != "open":
        raise Conflict(_l("This consultation is closed: the submission can no longer change."))


def submission_of(
    consultation: Consultation, organisation_id: int | None, with_items: bool = True
) -> Submission | None:
    """The organisation's submission on the consultation, if it has one, with its answers and,
    unless a page shows one section or none, its paragraph items (a long draft has hundreds)."""
    if organisation_id is None:
        return None
    loaded = [so.selectinload(Submission.answers)]
    if with_items:
        loaded.append(so.selectinload(Submission.items))
    return db.session.scalar(
        sa.select(Submission)
        .where(
            Submission.consultation_id == consultation.id,
            Submission.organisation_id == organisation_id,
        )
        .options(*loaded)
    )


def writing_version(consultation: Consultation, submission: Submission | None) -> DocumentVersion:
    """The version an organisation comments on: the one its submission started on, so that
    feedback always points at the text it was given on; the current one for a new submission."""
    return submission.version if submission else consultation.current_version


def start_submission(user: User, consultation: Consultation) -> None:
    """Create the organisation's submission on its first save (once, even in a race)."""
    try:
        with db.session.begin_nested():
            db.session.add(
                Submission(
                    consultation_id=consultation.id,
                    organisation_id=user.organisation_id,
                    version_id=consultation.current_version.id,
                    updated_by_id=user.id,
                )
            )
    except sa.exc.IntegrityError:
        pass  # a colleague's first save created it a moment earlier


def bump(
    submission_id: int, read_version: int, status: str, user: User, now: datetime, **values
) -> int:
    """Take the next version of the submission (and write `values`), provided it is still at
    `read_version`: the lock is checked by the UPDATE itself, its row count says whether it
    held. A submitted submission that changes is a draft again."""
    new_version = read_version + 1
    done = db.session.execute(
        _bump_statement(),
        {
            "lock_id": submission_id,
            "lock_read": read_version,
            "lock_version": new_version,
            "updated_at": now,
            "updated_by_id": user.id,
            "status": status_after_save(status),
            **values,
        },
    )
    if done.rowcount != 1:
        raise StaleSave
    return new_version


def status_after_save(status: str) -> str:
    """A submitted (or withdrawn) submission that changes is a draft again."""
    return "draft" if status in {"submitted", "withdrawn"} else status


@functools.cache
def _bump_statement() -> sa.Update:
    """UPDATE submission SET <the parameters' columns> WHERE id = ? AND lock_version = ?"""
    table = Submission.__table__
    return table.update().where(
        table.c.id == sa.bindparam("lock_id"), table.c.lock_version == sa.bindparam("lock_read")
    )


def retrying(save: Callable[[], T], attempts: int = 3) -> T:
    """Run a save again when another save landed between its read and its write."""
    for attempt in range(attempts):
        try:
            return save()
        except (StaleSave, StaleDataError):
            db.session.rollback()
            if attempt == attempts - 1:
                raise Conflict(
                    _l("Others are saving this submission right now. Please save again.")
                ) from None
    raise AssertionError("unreachable")


@dataclass
class LatestRevision:
    """The last entry of a submission's history, as far as coalescing needs it."""

    id: int
    actor_id: int | None
    action: str
    at: datetime
    changes: dict


def latest_revision_id(submission_id_column) -> sa.ScalarSelect:
    """The id of the submission's latest history entry, as a correlated subquery."""
    history = so.aliased(SubmissionRevision)
    return (
        sa.select(sa.func.max(history.id))
        .where(history.submission_id == submission_id_column)
        .correlate_except(history)
        .scalar_subquery()
    )


def read_latest_revision(submission_id: int) -> LatestRevision | None:
    row = db.session.execute(
        sa.select(
            SubmissionRevision.id,
            SubmissionRevision.actor_id,
            SubmissionRevision.action,
            SubmissionRevision.at,
            SubmissionRevision.changes,
        ).where(SubmissionRevision.id == latest_revision_id(submission_id))
    ).first()
    return LatestRevision(*row) if row else None


def record_save(
    submission_id: int,
    lock_version: int,
    user: User,
    now: datetime,
    changes: dict,
    latest: LatestRevision | None,
) -> None:
    """Log a save in the history: one statement, which extends the latest entry when it is
    the same person's save of the same items a few minutes ago (autosave is one entry)."""
    extended, changes = history_entry(latest, user, now, changes)
    if extended is not None:
        db.session.execute(
            _extend_statement(),
            {"entry_id": extended, "lock_version": lock_version, "at": now, "changes": changes},
        )
        return
    db.session.execute(
        SubmissionRevision.__table__.insert(),
        {
            "submission_id": submission_id,
            "lock_version": lock_version,
            "action": "saved",
            "actor_id": user.id,
            "at": now,
            "changes": changes,
        },
    )


def history_entry(
    latest: LatestRevision | None, user: User, now: datetime, changes: dict
) -> tuple[int | None, dict]:
    """Where a save goes in the history: (the latest entry's id and the two diffs merged) when
    it continues the same person's saves of the same items, else (None, its own diff)."""
    if _continues(latest, user, now, changes):
        return latest.id, merge(latest.changes, changes)
    return None, changes


@functools.cache
def _extend_statement() -> sa.Update:
    table = SubmissionRevision.__table__
    return table.update().where(table.c.id == sa.bindparam("entry_id"))


def _continues(latest: LatestRevision | None, user: User, now: datetime, changes: dict) -> bool:
    return (
        latest is not None
        and latest.action == "saved"
        and latest.actor_id == user.id
        and now - latest.at <= COALESCE_WITHIN
        and set(changes) <= set(latest.changes)
    )


def merge(earlier: dict, later: dict) -> dict:
    """Two consecutive diffs as one: each field from its first value to its last."""
    merged = {key: dict(fields) for key, fields in earlier.items()}
    for key, fields in later.items():
        into = merged.setdefault(key, {})
        for name, (before, after) in fields.items():
            first = into[name][0] if name in into else before
            if first == after:
                into.pop(name, None)
            else:
                into[name] = [first, after]
    return {key: fields for key, fields in merged.items() if fields}


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
