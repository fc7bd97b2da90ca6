"""Sentence vectors kept for theme finding, and the themes a consultation keeps across
syntheses (their numbers, and the names and merges staff gave them)."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import JSONType, UTCDateTime, utcnow
from app.models.consultation import Consultation


class SentenceVector(db.Model):
    """The vector of one sentence, by the hash of its text: a sentence that many comments
    repeat is embedded once. `encoder` names the encoder (and version) that made it."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    text_hash: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    vector: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    encoder: so.Mapped[str] = so.mapped_column(sa.String(120))


class ConsultationTheme(db.Model):
    """A theme as the consultation knows it: the number it keeps, its name (one staff gave
    it, or the label found last), and the comments it held last.

    `origin` says what staff did: "" (found), "merged" (it holds themes merged into it) or
    "split" (made by splitting `split_from`). A later synthesis matches its themes to these
    by the comments they share, and does again what staff did.
    """

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    consultation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("consultation.id"), index=True)
    number: so.Mapped[int]
    name: so.Mapped[dict] = so.mapped_column(JSONType, default=dict)  # the label shown last
    named_by_staff: so.Mapped[bool] = so.mapped_column(default=False)
    feedback_ids: so.Mapped[list] = so.mapped_column(JSONType, default=list)
    origin: so.Mapped[str] = so.mapped_column(sa.String(16), default="")
    split_from: so.Mapped[int | None]
    retired: so.Mapped[bool] = so.mapped_column(default=False)  # merged into another
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    consultation: so.Mapped[Consultation] = so.relationship()

    __table_args__ = (sa.UniqueConstraint("consultation_id", "number"),)
