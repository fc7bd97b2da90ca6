"""The writes of a paragraph save: one statement on PostgreSQL, three elsewhere.

On PostgreSQL the version bump, the items and the history entry go in one data-modifying
WITH. The items and the entry are written from the bump's RETURNING row, so when another save
took the version first the bump matches nothing and nothing else is written: the lock is still
checked by the UPDATE itself, and the save costs one round trip instead of three. SQLite (the
development default and the tests) runs the same three writes one after the other.
"""

import functools
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from app.extensions import db
from app.models import ParagraphFeedback, Submission, SubmissionRevision, User
from app.services.feedback.editing import (
    LatestRevision,
    StaleSave,
    bump,
    history_entry,
    record_save,
    status_after_save,
)


@dataclass
class ItemWrite:
    """The values a save writes on one paragraph's feedback."""

    paragraph_id: int
    item_id: int | None  # None: the organisation never wrote on this paragraph
    stance: str | None
    comment: str
    amendment: str
    language: str | None
    language_confirmed: bool


# The posted items travel as one array per column, so the statement has the same text (and
# stays in SQLAlchemy's and PostgreSQL's caches) however many paragraphs a save changes. The
# arrays' parameter names must not be column names: an UPDATE would add those to its SET.
_POSTED = {
    "item_id": sa.Integer,
    "paragraph_id": sa.Integer,
    "stance": sa.String,
    "comment": sa.Text,
    "amendment": sa.Text,
    "language": sa.String,
    "language_confirmed": sa.Boolean,
}


def write_save(
    submission_id: int,
    read_version: int,
    status: str,
    user: User,
    now: datetime,
    items: list[ItemWrite],
    diffs: dict,
    latest: LatestRevision | None,
) -> int:
    """Take the version after `read_version` and write the items and the history entry; raise
    StaleSave, having written nothing, when another save took that version first."""
    if db.session.get_bind().dialect.name != "postgresql":
        version = bump(submission_id, read_version, status, user, now)
        _write_items(submission_id, items, user, version, now)
        record_save(submission_id, version, user, now, diffs, latest)
        return version
    version = read_version + 1
    extended, changes = history_entry(latest, user, now, diffs)
    params = {
        "lock_id": submission_id,
        "lock_read": read_version,
        "new_version": version,
        "now": now,
        "user_id": user.id,
        "status_after": status_after_save(status),
        "entry_id": extended,
        "entry_changes": changes,
    }
    params.update({f"posted_{name}": [getattr(i, name) for i in items] for name in _POSTED})
    # On the session's connection, in its transaction: a Core statement needs none of the
    # ORM's execution steps, which cost about as much as the round trip.
    statement = _one_statement(extended is not None)
    if db.session.connection().execute(statement, params).scalar_one() != 1:
        raise StaleSave
    return version


@functools.cache
def _one_statement(extends_entry: bool) -> sa.Select:
    """WITH bumped AS (UPDATE submission ... WHERE id = ? AND lock_version = ? RETURNING id),
    changed AS (UPDATE the stored items, only if bumped), added AS (INSERT the new ones, from
    bumped), history AS (UPDATE or INSERT the entry, only if bumped) SELECT count(*) FROM bumped

    (Each part is a plain INSERT or UPDATE: PostgreSQL's INSERT ... ON CONFLICT would do both
    item writes in one, but SQLAlchemy does not cache its compiled form.)"""
    submission = Submission.__table__
    item = ParagraphFeedback.__table__
    revision = SubmissionRevision.__table__
    version = sa.bindparam("new_version", type_=sa.Integer)
    now = sa.bindparam("now", type_=submission.c.updated_at.type)
    user_id = sa.bindparam("user_id", type_=sa.Integer)
    bumped = (
        submission.update()
        .where(
            submission.c.id == sa.bindparam("lock_id"),
            submission.c.lock_version == sa.bindparam("lock_read"),
        )
        .values(
            lock_version=version,
            updated_at=now,
            updated_by_id=user_id,
            status=sa.bindparam("status_after", type_=sa.String),
        )
        .returning(submission.c.id)
        .cte("bumped")
    )
    posted = (
        sa.func.unnest(
            *(
                sa.bindparam(f"posted_{name}", type_=pg.ARRAY(kind))
                for name, kind in _POSTED.items()
            )
        )
        .table_valued(*_POSTED)
        .render_derived()
    )
    bumped_exists = sa.exists(sa.select(bumped.c.id))
    keys = ("item_id", "paragraph_id")
    values = {name: posted.c[name] for name in _POSTED if name not in keys}
    stamp = {"changed_at_version": version, "updated_at": now, "updated_by_id": user_id}
    changed = (
        item.update().where(item.c.id == posted.c.item_id, bumped_exists).values(**values, **stamp)
    )
    added = item.insert().from_select(
        ["submission_id", "paragraph_id", *values, "ref", *stamp],
        sa.select(
            bumped.c.id,
            posted.c.paragraph_id,
            *values.values(),
            sa.literal_column("''"),
            *stamp.values(),
        )
        .select_from(bumped.join(posted, sa.true()))
        .where(posted.c.item_id.is_(None)),
    )
    changes = sa.bindparam("entry_changes", type_=revision.c.changes.type)
    if extends_entry:
        entry = (
            revision.update()
            .where(revision.c.id == sa.bindparam("entry_id"), bumped_exists)
            .values(lock_version=version, at=now, changes=changes)
        )
    else:
        entry = revision.insert().from_select(
            ["submission_id", "lock_version", "action", "actor_id", "at", "changes"],
            sa.select(bumped.c.id, version, sa.literal_column("'saved'"), user_id, now, changes),
        )
    return (
        sa.select(sa.func.count())
        .select_from(bumped)
        .add_cte(
            changed.returning(item.c.id).cte("changed"),
            added.returning(item.c.id).cte("added"),
            entry.returning(revision.c.id).cte("history"),
        )
    )


def _write_items(
    submission_id: int, items: list[ItemWrite], user: User, version: int, now: datetime
) -> None:
    """One UPDATE for the changed items that exist, one INSERT for the new ones."""
    updates, inserts = [], []
    for item in items:
        row = {
            "stance": item.stance,
            "comment": item.comment,
            "amendment": item.amendment,
            "language": item.language,
            "language_confirmed": item.language_confirmed,
            "changed_at_version": version,
            "updated_at": now,
            "updated_by_id": user.id,
        }
        if item.item_id is None:
            inserts.append(
                {**row, "submission_id": submission_id, "paragraph_id": item.paragraph_id}
            )
        else:
            updates.append({**row, "item_id": item.item_id})
    if updates:
        db.session.execute(_update_items_statement(), updates)
    if inserts:
        db.session.execute(ParagraphFeedback.__table__.insert(), inserts)


@functools.cache
def _update_items_statement() -> sa.Update:
    table = ParagraphFeedback.__table__
    return table.update().where(table.c.id == sa.bindparam("item_id"))
