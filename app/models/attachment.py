"""A file an organisation attached to its submission (a position paper), and its text."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.common import UTCDateTime, utcnow
from app.models.feedback import Submission
from app.models.user import User

# The kinds of file accepted, by what their content is (never by their name).
ATTACHMENT_KINDS = {
    "pdf": ("application/pdf", ".pdf"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "odt": ("application/vnd.oasis.opendocument.text", ".odt"),
}


class Attachment(db.Model):
    """One attached file: stored under a random key, its text taken out by a worker."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    submission_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("submission.id"), index=True)
    # The name in storage: random, so nothing a sender typed ever reaches a path or a key.
    storage_key: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    filename: so.Mapped[str] = so.mapped_column(sa.String(255))
    kind: so.Mapped[str] = so.mapped_column(sa.String(8))  # pdf | docx | odt
    size: so.Mapped[int]
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    uploaded_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    # pending | done | empty (no text in it, e.g. a scan) | failed
    text_status: so.Mapped[str] = so.mapped_column(sa.String(8), default="pending")
    text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    language: so.Mapped[str | None] = so.mapped_column(sa.String(5))
    extracted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    submission: so.Mapped[Submission] = so.relationship(
        backref=so.backref("attachments", order_by="Attachment.id", cascade="all, delete-orphan")
    )
    uploaded_by: so.Mapped[User | None] = so.relationship()

    @property
    def content_type(self) -> str:
        return ATTACHMENT_KINDS[self.kind][0]
