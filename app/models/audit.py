"""The audit trail: who did what to which object, when and from where."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import JSONType, UTCDateTime, utcnow


class AuditEvent(db.Model):
    """One recorded action; `chain` seals it to every line before it."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    action: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    object_type: so.Mapped[str] = so.mapped_column(sa.String(32), default="")
    object_id: so.Mapped[int | None]
    details: so.Mapped[dict] = so.mapped_column(JSONType, default=dict)
    ip: so.Mapped[str | None] = so.mapped_column(sa.String(45))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    # SHA-256 of this line's content and the previous line's chain (hex).
    chain: so.Mapped[str] = so.mapped_column(sa.String(64), default="")


class AuditChainHead(db.Model):
    """The chain value of the newest line: one row, locked by whoever adds a line.

    Updating this row before reading it makes every database (SQLite included) hand it to one
    transaction at a time, so two lines written at once never both follow the same line.
    """

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    chain: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    lines: so.Mapped[int] = so.mapped_column(default=0)
    # The chain of the last line a retention purge removed: where the kept lines start from.
    anchor: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
