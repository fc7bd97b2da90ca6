"""The transactional outbox: follow-up work is a row first, a Celery message second."""

import logging
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import OutboxMessage
from app.models.common import utcnow
from app.services import queue

log = logging.getLogger(__name__)

# A message not done this long after it was written is published again by the sweeper.
REPUBLISH_AFTER = timedelta(minutes=2)


def enqueue(task: str, **payload: object) -> OutboxMessage:
    """Add a message to the caller's transaction; publish it with `relay` after the commit."""
    message = OutboxMessage(task=task, payload=payload)
    db.session.add(message)
    return message


def relay(*messages: OutboxMessage) -> int:
    """Publish committed messages to Celery; a broker that is down leaves them for the sweeper."""
    published = 0
    for message_id, task in [(m.id, m.task) for m in messages]:
        try:
            queue.publish(task, message_id)
            published += 1
        except Exception:  # noqa: BLE001 - any broker failure must not reach the user
            log.warning(
                "outbox message %s not published; the sweeper will retry", message_id, exc_info=True
            )
    return published


def relay_pending(now=None) -> int:
    """Publish every message that is not done and was written more than a moment ago."""
    now = now or utcnow()
    pending = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.done_at.is_(None), OutboxMessage.created_at < now - REPUBLISH_AFTER)
        .order_by(OutboxMessage.id)
        .limit(500)
    ).all()
    return relay(*pending)


def mark_done(message: OutboxMessage) -> None:
    """Record that the work of a message is done, so no relay runs it again."""
    message.done_at = utcnow()
    message.attempts += 1
    db.session.commit()
