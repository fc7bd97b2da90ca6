"""Syntheses of the feedback, their per-section parts, and the Council's review of them."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models.common import JSONType, UTCDateTime, utcnow
from app.models.consultation import Consultation, Paragraph
from app.models.user import User

SYNTHESIS_STATUSES = {
    "queued": _l("Queued"),
    "running": _l("Running"),
    "done": _l("Done"),
    "failed": _l("Failed"),
}

DECISIONS = {
    "accept": _l("Accept"),
    "partial": _l("Accept in part"),
    "reject": _l("Reject"),
}


class Synthesis(db.Model):
    """One compiled synthesis: a row first (queued), then parts per section, then the merge."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    consultation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("consultation.id"))
    number: so.Mapped[int]
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="queued")
    progress: so.Mapped[int] = so.mapped_column(default=0)  # percent
    error: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    dispatches: so.Mapped[int] = so.mapped_column(default=0)
    watermark: so.Mapped[dict] = so.mapped_column(JSONType, default=dict)
    result: so.Mapped[dict | None] = so.mapped_column(JSONType)
    released_to: so.Mapped[str] = so.mapped_column(sa.String(16), default="")  # ""|council|public
    requested_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    heartbeat_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    finished_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    released_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # "You said, we did": the Council's decisions on this synthesis, shown to partners once set.
    decisions_published_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    consultation: so.Mapped[Consultation] = so.relationship()
    requested_by: so.Mapped[User | None] = so.relationship()
    parts: so.Mapped[list["SynthesisPart"]] = so.relationship(
        back_populates="synthesis", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.UniqueConstraint("consultation_id", "number"),)

    @property
    def status_label(self) -> str:
        return str(SYNTHESIS_STATUSES.get(self.status, self.status))


class SynthesisPart(db.Model):
    """The result of one task of a synthesis's chord: a section's paragraphs, or a part of the
    whole consultation (its themes, its questions); written once, so a redelivered task
    changes nothing.

    `name` is "section:<id>" for a section (`section_id` then set), else the part's name:
    unique per synthesis, where a null `section_id` would not be.
    """

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    synthesis_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("synthesis.id"))
    name: so.Mapped[str] = so.mapped_column(sa.String(40))
    section_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("section.id"))
    result: so.Mapped[dict | None] = so.mapped_column(JSONType)
    finished_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    synthesis: so.Mapped[Synthesis] = so.relationship(back_populates="parts")

    __table_args__ = (sa.UniqueConstraint("synthesis_id", "name"),)


class CommentVector(db.Model):
    """The sentence embedding of a text, computed once and kept (`kind`: item | answer).

    `encoder` names the encoder and its version: a vector made by another is not used.
    `source_id` points at a feedback item or an answer by kind, so it has no foreign key;
    vectors whose source is gone are purged by beat.
    """

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    source_id: so.Mapped[int]
    # Indexed: a text already encoded is found by its hash and not encoded again.
    text_hash: so.Mapped[str] = so.mapped_column(sa.String(32), index=True)
    vector: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    encoder: so.Mapped[str] = so.mapped_column(
        sa.String(120), default="", server_default="", index=True
    )

    __table_args__ = (sa.UniqueConstraint("kind", "source_id"),)


class CouncilNote(db.Model):
    """A Council member's note on a paragraph, kept across syntheses."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    consultation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("consultation.id"))
    paragraph_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("paragraph.id"), index=True)
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"))
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    author: so.Mapped[User] = so.relationship()
    paragraph: so.Mapped[Paragraph] = so.relationship()


class AmendmentDecision(db.Model):
    """The Council's decision on a group of proposed wordings, with its reason."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    synthesis_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("synthesis.id"), index=True)
    paragraph_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("paragraph.id"))
    group_key: so.Mapped[str] = so.mapped_column(sa.String(64))  # hash of its feedback ids
    decision: so.Mapped[str] = so.mapped_column(sa.String(16))
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    decided_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"))
    decided_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    decided_by: so.Mapped[User] = so.relationship()

    __table_args__ = (sa.UniqueConstraint("synthesis_id", "group_key"),)

    @property
    def decision_label(self) -> str:
        return str(DECISIONS.get(self.decision, self.decision))


class ApiToken(db.Model):
    """A personal token for the JSON API; only its hash is stored."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    # "read" is the only scope: the API has no route that changes anything.
    scope: so.Mapped[str] = so.mapped_column(sa.String(16), default="read")

    user: so.Mapped[User] = so.relationship()
