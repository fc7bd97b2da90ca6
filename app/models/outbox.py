"""Work to hand to Celery, written in the same transaction as the change that caused it."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import JSONType, UTCDateTime, utcnow


class OutboxMessage(db.Model):
    """A task to run after commit; the relay publishes it, the task marks it done.

    `attempts` counts publications; `next_attempt_at` is when the relay may publish it
    again (backing off); `claimed_at` is set by the worker that runs it, so a second
    delivery of the same task does nothing; `failed_at` stops the relay until staff retry.
    """

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    task: so.Mapped[str] = so.mapped_column(sa.String(120))
    payload: so.Mapped[dict] = so.mapped_column(JSONType, default=dict)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    published_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    next_attempt_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    claimed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    done_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, index=True)
    failed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, index=True)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    last_error: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    @property
    def status(self) -> str:
        """done | failed | pending."""
        if self.done_at is not None:
            return "done"
        return "failed" if self.failed_at is not None else "pending"
