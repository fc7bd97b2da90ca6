"""People who sign in, and the single-use tokens emailed to them."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models.common import UTCDateTime, utcnow
from app.models.organisation import Organisation

ROLES = {
    "visitor": _l("Visitor"),
    "partner": _l("Partner"),
    "council": _l("Council member"),
    "staff": _l("Secretariat staff"),
    "admin": _l("Administrator"),
}


class User(UserMixin, db.Model):
    """An account. A partner belongs to exactly one organisation; other roles to none."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    password_hash: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    role: so.Mapped[str] = so.mapped_column(sa.String(16), default="visitor")
    locale: so.Mapped[str | None] = so.mapped_column(sa.String(5))
    timezone: so.Mapped[str] = so.mapped_column(sa.String(64), default="UTC")
    organisation_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("organisation.id"), index=True
    )
    active: so.Mapped[bool] = so.mapped_column(default=True)
    # Bumped on sign-out, password change and disabling: every older session cookie stops working.
    session_version: so.Mapped[int] = so.mapped_column(default=1)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_login_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # TOTP second factor: the shared secret (base32), when it was confirmed, and the last
    # time-step accepted, so that a code seen once (over a shoulder, in a log) is refused.
    totp_secret: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    totp_enabled_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    totp_last_step: so.Mapped[int | None]
    # Erasure: asked for by the person from My account, done by an administrator. An erased
    # account keeps its row (audit lines and revisions point to it) under a pseudonym.
    erasure_requested_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    erased_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # The version of the privacy notice the person accepted, and when.
    privacy_version: so.Mapped[int | None]
    privacy_accepted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    organisation: so.Mapped[Organisation | None] = so.relationship(back_populates="members")

    __table_args__ = (
        sa.CheckConstraint(
            "(role = 'partner') = (organisation_id IS NOT NULL)", name="partner_has_organisation"
        ),
    )

    @property
    def is_active(self) -> bool:
        return self.active and self.password_hash is not None

    @property
    def role_label(self) -> str:
        return str(ROLES.get(self.role, self.role))

    @property
    def has_second_factor(self) -> bool:
        return self.totp_enabled_at is not None and self.totp_secret is not None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class AccountToken(db.Model):
    """A single-use emailed link (invitation or password reset); only its hash is stored."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    purpose: so.Mapped[str] = so.mapped_column(sa.String(16))  # invite | reset
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    user: so.Mapped[User] = so.relationship()


class RecoveryCode(db.Model):
    """A one-use code that stands in for the second factor; only a salted hash is stored."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    code_hash: so.Mapped[str] = so.mapped_column(sa.String(128))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
