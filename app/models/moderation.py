"""Moderation: a comment, proposed wording or answer that staff took out of public view."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models.common import UTCDateTime, utcnow
from app.models.feedback import Submission
from app.models.user import User

# The published rules a hidden text breaks; "other" asks for the note to say which.
HIDE_REASONS = {
    "abuse": _l("Insulting, threatening or discriminatory language"),
    "personal_data": _l("Personal data about someone else"),
    "off_topic": _l("Advertising or text unrelated to the consultation"),
    "unlawful": _l("Unlawful content or a call to violence"),
    "other": _l("Another breach of the published rules"),
}

# What can be hidden: the target is a ParagraphFeedback (comment, wording), an Answer, or the
# submission itself (its general comment).
HIDDEN_PARTS = {
    "comment": _l("Comment"),
    "amendment": _l("Proposed wording"),
    "answer": _l("Answer"),
    "general": _l("General comment"),
}


class Moderation(db.Model):
    """One hiding of one text; `shown_at` is set when staff show it again (the row stays)."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    submission_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("submission.id"), index=True)
    part: so.Mapped[str] = so.mapped_column(sa.String(16))
    target_id: so.Mapped[int]
    reason: so.Mapped[str] = so.mapped_column(sa.String(32))
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    hidden_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    hidden_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    shown_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    shown_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    submission: so.Mapped[Submission] = so.relationship()
    hidden_by: so.Mapped[User | None] = so.relationship(foreign_keys=[hidden_by_id])
    shown_by: so.Mapped[User | None] = so.relationship(foreign_keys=[shown_by_id])

    __table_args__ = (sa.Index("ix_moderation_part_target", "part", "target_id"),)

    @property
    def reason_label(self) -> str:
        return str(HIDE_REASONS.get(self.reason, self.reason))

    @property
    def part_label(self) -> str:
        return str(HIDDEN_PARTS.get(self.part, self.part))
