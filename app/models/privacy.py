"""The privacy notice: versioned text in each language, which every person accepts."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import TranslatedText, UTCDateTime, utcnow
from app.models.user import User


class PrivacyNotice(db.Model):
    """One version of the notice; the highest version is the one in force."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    version: so.Mapped[int] = so.mapped_column(unique=True)
    text: so.Mapped[dict] = so.mapped_column(TranslatedText, default=dict)
    published_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    published_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))

    published_by: so.Mapped[User | None] = so.relationship()
