"""The transactional outbox: follow-up work is a row first, a Celery message second.

A row is published after its transaction commits, and again by the sweeper (beat) while it
is not done, backing off: 2, 4, 8… minutes after each publication. After
`OUTBOX_MAX_ATTEMPTS` publications it is marked failed and waits for staff to retry it. A
worker claims the row before doing its work, so a task delivered twice runs once.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import OutboxMessage, User
from app.models.common import utcnow
from app.services import queue
from app.services.accounts import access, audit
from app.services.errors import DomainError, NotFound

log = logging.getLogger(__name__)

# A message not done this long after its first publication is published again; each later
# wait is twice the one before, up to MAX_BACKOFF.
REPUBLISH_AFTER = timedelta(minutes=2)
MAX_BACKOFF = timedelta(hours=6)
# A claim older than this belongs to a lost worker: longer than any claiming task's hard limit.
CLAIM_EXPIRES_AFTER = timedelta(minutes=10)
ERROR_LENGTH = 2000


def enqueue(task: str, **payload: object) -> OutboxMessage:
    """Add a message to the caller's transaction; publish it with `relay` after the commit."""
    message = OutboxMessage(task=task, payload=payload)
    db.session.add(message)
    return message


def backoff(attempts: int) -> timedelta:
    """How long to wait for a message published `attempts` times before publishing it again."""
    return min(REPUBLISH_AFTER * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def relay(*messages: OutboxMessage, now: datetime | None = None) -> int:
    """Publish committed messages to Celery; a broker that is down leaves them for the sweeper."""
    now = now or utcnow()
    published = 0
    for message_id, task in [(m.id, m.task) for m in messages]:
        # Counted before publishing: an attempt that never returns still counts.
        attempts = 1 + db.session.scalar(
            sa.select(OutboxMessage.attempts).where(OutboxMessage.id == message_id)
        )
        _update(message_id, attempts=attempts, next_attempt_at=now + backoff(attempts))
        try:
            queue.publish(task, message_id)
            _update(message_id, published_at=now)
            published += 1
        except Exception as error:  # noqa: BLE001 - any broker failure must not reach the user
            log.warning(
                "outbox message %s not published; the sweeper will retry", message_id, exc_info=True
            )
            _record_error(message_id, f"publishing: {type(error).__name__}: {error}")
    return published


def _update(message_id: int, **values: object) -> None:
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def relay_pending(now: datetime | None = None) -> int:
    """Publish the messages that are due again; mark failed those out of attempts."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.done_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            sa.or_(
                OutboxMessage.next_attempt_at <= now,
                sa.and_(
                    OutboxMessage.next_attempt_at.is_(None),
                    OutboxMessage.created_at < now - REPUBLISH_AFTER,
                ),
            ),
            # A message a worker is busy with is left to it.
            sa.or_(
                OutboxMessage.claimed_at.is_(None),
                OutboxMessage.claimed_at < now - CLAIM_EXPIRES_AFTER,
            ),
        )
        .order_by(OutboxMessage.id)
        .limit(500)
    ).all()
    spent = [m for m in due if m.attempts >= _max_attempts()]
    for message in spent:
        message.failed_at = now
        message.last_error = _clip(
            f"gave up after {message.attempts} attempts. {message.last_error}".strip()
        )
        log.error("outbox message %s (%s) failed: %s", message.id, message.task, message.last_error)
    db.session.commit()
    return relay(*[m for m in due if m not in spent], now=now)


def claim(message_id: int, now: datetime | None = None) -> bool:
    """Take a message for this worker: True only for the one worker whose claim wins."""
    now = now or utcnow()
    claimed = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.done_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            sa.or_(
                OutboxMessage.claimed_at.is_(None),
                OutboxMessage.claimed_at < now - CLAIM_EXPIRES_AFTER,
            ),
        )
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return claimed.rowcount == 1


def mark_done(message: OutboxMessage, purge_payload: bool = False) -> None:
    """Record that the work of a message is done, so no relay runs it again."""
    message.done_at = utcnow()
    if purge_payload:
        message.payload = {}
    db.session.commit()


def record_failure(message_id: int, error: BaseException, final: bool) -> None:
    """After a failed run: keep the error and free the claim; `final` stops the relay."""
    db.session.rollback()
    text = f"{type(error).__name__}: {error}"
    _record_error(message_id, text, failed=final)


def _record_error(message_id: int, text: str, failed: bool = False) -> None:
    values: dict = {"last_error": _clip(text), "claimed_at": None}
    if failed:
        values["failed_at"] = utcnow()
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.done_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


TASK_LABELS = {
    "app.tasks.mail.send_email": _l("Email"),
    "app.tasks.synthesis.embed_submission": _l("Preparing a submission for the synthesis"),
    "app.tasks.synthesis.embed_batch": _l("Preparing comments for the synthesis"),
    "app.tasks.exports.run_export": _l("Export file"),
    "app.tasks.attachments.extract_text": _l("Reading the text of an attached file"),
}


@dataclass
class FailedMessage:
    """A failed outbox row as staff see it: what it was for and, for an email, to whom."""

    message: OutboxMessage
    label: str
    recipient: str


def failed_messages(actor: User | None) -> list[FailedMessage]:
    """The messages that ran out of attempts, newest first, for staff to look at and retry."""
    access.require(actor, "outbox.manage")
    rows = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.failed_at.is_not(None), OutboxMessage.done_at.is_(None))
        .order_by(OutboxMessage.failed_at.desc())
        .limit(500)
    ).all()
    user_ids = {row.payload.get("user_id") for row in rows} - {None}
    emails = dict(
        db.session.execute(sa.select(User.id, User.email).where(User.id.in_(user_ids))).all()
    )
    return [
        FailedMessage(
            row,
            str(TASK_LABELS.get(row.task, row.task)),
            emails.get(row.payload.get("user_id"), row.payload.get("to", "")),
        )
        for row in rows
    ]


def retry(actor: User | None, message_id: int, ip: str | None = None) -> OutboxMessage:
    """Give a failed message a fresh set of attempts and publish it now."""
    access.require(actor, "outbox.manage")
    message = db.session.get(OutboxMessage, message_id) if 0 < message_id < 2**31 else None
    if message is None:
        raise NotFound(_l("This message does not exist."))
    if message.failed_at is None or message.done_at is not None:
        raise DomainError(_l("Only a message that failed can be sent again."))
    message.failed_at = message.claimed_at = message.next_attempt_at = None
    message.attempts = 0
    audit.record(actor, "outbox.retried", message, ip=ip, task=message.task)
    db.session.commit()
    relay(message)
    return message


def purge_finished(now: datetime | None = None) -> int:
    """Delete the messages done longer ago than the retention period (`OUTBOX_RETENTION_DAYS`)."""
    now = now or utcnow()
    days = current_app.config["OUTBOX_RETENTION_DAYS"]
    deleted = db.session.execute(
        sa.delete(OutboxMessage)
        .where(OutboxMessage.done_at < now - timedelta(days=days))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return deleted.rowcount


def _max_attempts() -> int:
    return current_app.config["OUTBOX_MAX_ATTEMPTS"]


def _clip(text: str) -> str:
    return text[:ERROR_LENGTH]
