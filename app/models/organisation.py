"""Organisations that take part in consultations."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models.common import UTCDateTime, utcnow

ORGANISATION_KINDS = {
    "town_hall_partner": _l("Town Hall partner"),
    "un_agency": _l("UN agency"),
    "ngo": _l("NGO"),
    "lrg_network": _l("Local and regional government network"),
    "academic": _l("Academic"),
    "other": _l("Other"),
}

REGIONS = {
    "africa": _l("Africa"),
    "asia_pacific": _l("Asia-Pacific"),
    "eurasia": _l("Eurasia"),
    "europe": _l("Europe"),
    "latin_america": _l("Latin America"),
    "middle_east_west_asia": _l("Middle East and West Asia"),
    "north_america": _l("North America"),
}


class Organisation(db.Model):
    """A partner organisation; its members write one submission per consultation."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200), unique=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(32))
    region: so.Mapped[str] = so.mapped_column(sa.String(32))
    country: so.Mapped[str] = so.mapped_column(sa.String(2), default="")
    verified: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

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
