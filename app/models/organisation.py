"""Organisations that take part in consultations."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import UTCDateTime, utcnow
from app.vocabulary import ORGANISATION_KINDS, REGIONS  # noqa: F401 - imported from here too


class Organisation(db.Model):
    """A partner organisation; its members write one submission per consultation."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200), unique=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(32))
    region: so.Mapped[str] = so.mapped_column(sa.String(32))
    country: so.Mapped[str] = so.mapped_column(sa.String(2), default="")
    verified: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Erased by an administrator once its consultations were archived: the row stays (its
    # submissions point to it) under a pseudonym, with no members left.
    erased_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    # "User" is found by name in SQLAlchemy's registry: user.py imports this module, and an
    # import back from here would tie the two aggregates in a circle.
    members: so.WriteOnlyMapped["User"] = so.relationship(  # noqa: F821
        back_populates="organisation"
    )

    @property
    def kind_label(self) -> str:
        return str(ORGANISATION_KINDS.get(self.kind, self.kind))

    @property
    def region_label(self) -> str:
        return str(REGIONS.get(self.region, self.region))

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"
