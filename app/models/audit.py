"""The audit trail: who did what to which object, when and from where."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import JSONType, UTCDateTime, utcnow


class AuditEvent(db.Model):
    """One recorded action."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    action: so.Mapped[str] = so.mapped_column(sa.String(64))
    object_type: so.Mapped[str] = so.mapped_column(sa.String(32), default="")
    object_id: so.Mapped[int | None]
    details: so.Mapped[dict] = so.mapped_column(JSONType, default=dict)
    ip: so.Mapped[str | None] = so.mapped_column(sa.String(45))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
