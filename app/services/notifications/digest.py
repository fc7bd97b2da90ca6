"""The daily digest: the events a person chose to read in one email, a day's worth at a time."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import Consultation, Notification, Synthesis, User
from app.models.common import utcnow
from app.services.mail import delivery as mail
from app.services.mail import outbox
from app.services.notifications.kinds import DIGEST, DIGEST_KIND


@dataclass
class DigestItem:
    """One event as the digest lists it: its kind and the records its line names."""

    kind: str
    at: datetime
    consultation: Consultation | None = None
    days: int | None = None
    editor: User | None = None
    action: str | None = None
    synthesis: Synthesis | None = None


def send_digests(now: datetime | None = None) -> int:
    """Queue one email per person holding events for the digest; returns how many."""
    now = now or utcnow()
    waiting = db.session.scalars(
        sa.select(Notification)
        .where(Notification.delivery == DIGEST, Notification.digested_at.is_(None))
        .order_by(Notification.user_id, Notification.created_at, Notification.id)
    ).all()
    by_person: dict[int, list[Notification]] = {}
    for row in waiting:
        by_person.setdefault(row.user_id, []).append(row)
    people = {
        u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(list(by_person))))
    }
    messages = []
    for user_id, rows in by_person.items():
        taken = set(_claim([row.id for row in rows], now))
        kept = [row for row in rows if row.id in taken]
        user = people.get(user_id)
        if not kept or user is None or not user.is_active or user.erased_at is not None:
            continue
        messages.append(
            mail.queue_email(
                user,
                "digest",
                _l("Your Agora digest: what happened since yesterday"),
                unsubscribe_kind=DIGEST_KIND,
                items=[_item(row) for row in kept],
            )
        )
    # The rows are marked in the same transaction as the emails are queued: none twice.
    db.session.commit()
    outbox.relay(*messages)
    return len(messages)


def _claim(ids: list[int], now: datetime) -> list[int]:
    """Mark these rows as sent in a digest, unless another run did: the ids this run took.

    A conditional update, so two runs at once (beat run twice, a retry) send one digest: the
    second waits for the first's commit, then finds nothing left to take."""
    return list(
        db.session.scalars(
            sa.update(Notification)
            .where(Notification.id.in_(ids), Notification.digested_at.is_(None))
            .values(digested_at=now)
            .returning(Notification.id)
            .execution_options(synchronize_session=False)
        )
    )


def _item(row: Notification) -> DigestItem:
    data = row.data or {}
    return DigestItem(
        kind=row.kind,
        at=row.created_at,
        consultation=db.session.get(Consultation, row.consultation_id)
        if row.consultation_id
        else None,
        days=data.get("days"),
        editor=db.session.get(User, data["editor_id"]) if data.get("editor_id") else None,
        action=data.get("action"),
        synthesis=db.session.get(Synthesis, data["synthesis_id"])
        if data.get("synthesis_id")
        else None,
    )


def purge_old(now: datetime | None = None) -> int:
    """Delete the notices older than `NOTIFICATION_RETENTION_DAYS` (kept until then so that a
    reminder or an opening is never told twice); returns how many went."""
    now = now or utcnow()
    days = int(current_app.config.get("NOTIFICATION_RETENTION_DAYS", 90) or 0)
    if days <= 0:
        return 0
    deleted = db.session.execute(
        sa.delete(Notification)
        .where(Notification.created_at < now - timedelta(days=days))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return deleted.rowcount
