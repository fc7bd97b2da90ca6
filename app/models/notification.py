"""What each person wants to be told, and the notices kept for a digest or to send once."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import JSONType, UTCDateTime, utcnow


class NotificationPreference(db.Model):
    """How one person hears of one kind of event: now | digest | none (no row: the default)."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    delivery: so.Mapped[str] = so.mapped_column(sa.String(8))

    __table_args__ = (sa.UniqueConstraint("user_id", "kind"),)


class Notification(db.Model):
    """One event told to one person, kept when it waits for the digest or must go only once.

    `once_key` names an event that may reach a person once only (a reminder, an opening):
    the unique constraint makes sending it again impossible, whatever runs twice.
    `digested_at` is set when a digest carried it.
    """

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    consultation_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("consultation.id"))
    # Ids and numbers only ({"days": 7}, {"editor_id": 3}): text is written when it is sent.
    data: so.Mapped[dict] = so.mapped_column(JSONType, default=dict)
    delivery: so.Mapped[str] = so.mapped_column(sa.String(8))
    once_key: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    digested_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    __table_args__ = (
        sa.UniqueConstraint("user_id", "once_key"),
        sa.Index("ix_notification_waiting", "delivery", "digested_at"),
    )
