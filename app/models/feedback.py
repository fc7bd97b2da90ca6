"""An organisation's feedback on a consultation: one submission, co-edited by its members."""

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models.common import JSONType, UTCDateTime, utcnow
from app.models.consultation import Consultation, DocumentVersion, Paragraph, Question
from app.models.organisation import Organisation
from app.models.user import User
from app.vocabulary import STANCE_LABELS

STANCES = STANCE_LABELS  # by this name the pages and forms know them

SUBMISSION_STATUSES = {
    "draft": _l("Draft saved"),
    "submitted": _l("Submitted"),
    "withdrawn": _l("Withdrawn"),
}

# How the organisation allows its submission to be published once staff publish the feedback:
# with its name, without it (nothing that could identify it), or not at all.
PUBLICATION = {
    "named": _l("Published with the organisation's name"),
    "anonymous": _l("Published without the organisation's name"),
    "none": _l("Not published"),
}


class Submission(db.Model):
    """The one submission of an organisation on a consultation.

    `lock_version` grows with every save; each item (paragraph feedback, answer, the general
    comment) records the version that last changed it and who changed it, so a save based on an
    older version finds exactly the items another member changed meanwhile.
    """

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    consultation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("consultation.id"))
    organisation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("organisation.id"), index=True)
    version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("document_version.id"))
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="draft")
    lock_version: so.Mapped[int] = so.mapped_column(default=0)
    submitted_lock_version: so.Mapped[int | None]
    general_comment: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    general_language: so.Mapped[str | None] = so.mapped_column(sa.String(5))
    general_changed_at_version: so.Mapped[int] = so.mapped_column(default=0)
    general_updated_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    general_updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    source: so.Mapped[str] = so.mapped_column(sa.String(16), default="web")  # web | import
    # Set when the organisation submits; submissions received before anyone was asked, and
    # those staff import, are never published.
    publication: so.Mapped[str] = so.mapped_column(
        sa.String(16), default="none", server_default="none"
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    submitted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    submitted_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))

    consultation: so.Mapped[Consultation] = so.relationship()
    organisation: so.Mapped[Organisation] = so.relationship()
    version: so.Mapped[DocumentVersion] = so.relationship()
    updated_by: so.Mapped[User | None] = so.relationship(foreign_keys=[updated_by_id])
    submitted_by: so.Mapped[User | None] = so.relationship(foreign_keys=[submitted_by_id])
    general_updated_by: so.Mapped[User | None] = so.relationship(
        foreign_keys=[general_updated_by_id]
    )
    items: so.Mapped[list["ParagraphFeedback"]] = so.relationship(
        back_populates="submission", cascade="all, delete-orphan"
    )
    answers: so.Mapped[list["Answer"]] = so.relationship(
        back_populates="submission", cascade="all, delete-orphan"
    )
    revisions: so.Mapped[list["SubmissionRevision"]] = so.relationship(
        back_populates="submission",
        order_by="SubmissionRevision.id",
        cascade="all, delete-orphan",
    )

    # One submission per organisation: parallel first saves cannot create two.
    __table_args__ = (sa.UniqueConstraint("consultation_id", "organisation_id"),)
    # SQLAlchemy adds "WHERE lock_version = <read>" to every UPDATE and bumps it: a save
    # racing another one fails with StaleDataError instead of overwriting it.
    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def status_label(self) -> str:
        return str(SUBMISSION_STATUSES.get(self.status, self.status))

    @property
    def publication_label(self) -> str:
        return str(PUBLICATION.get(self.publication, self.publication))

    def item_for(self, paragraph_id: int) -> Optional["ParagraphFeedback"]:
        return next((i for i in self.items if i.paragraph_id == paragraph_id), None)

    def answer_for(self, question_id: int) -> Optional["Answer"]:
        return next((a for a in self.answers if a.question_id == question_id), None)


class ParagraphFeedback(db.Model):
    """Stance, comment and proposed wording on one paragraph."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    submission_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("submission.id"))
    paragraph_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("paragraph.id"), index=True)
    stance: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    comment: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    amendment: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    language: so.Mapped[str | None] = so.mapped_column(sa.String(5))
    language_confirmed: so.Mapped[bool] = so.mapped_column(default=False)
    ref: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    changed_at_version: so.Mapped[int] = so.mapped_column(default=0)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))

    submission: so.Mapped[Submission] = so.relationship(back_populates="items")
    paragraph: so.Mapped[Paragraph] = so.relationship()
    updated_by: so.Mapped[User | None] = so.relationship()

    __table_args__ = (sa.UniqueConstraint("submission_id", "paragraph_id"),)

    @property
    def is_empty(self) -> bool:
        return not (self.stance or self.comment or self.amendment)

    @property
    def stance_label(self) -> str:
        return str(STANCES.get(self.stance, "")) if self.stance else ""


class Answer(db.Model):
    """An answer to one of the Council's questions: text, an option index, indexes, or 1–5."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    submission_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("submission.id"))
    question_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("question.id"), index=True)
    value: so.Mapped[object | None] = so.mapped_column(JSONType)
    language: so.Mapped[str | None] = so.mapped_column(sa.String(5))
    changed_at_version: so.Mapped[int] = so.mapped_column(default=0)
    updated_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))

    submission: so.Mapped[Submission] = so.relationship(back_populates="answers")
    question: so.Mapped[Question] = so.relationship()
    updated_by: so.Mapped[User | None] = so.relationship()

    __table_args__ = (sa.UniqueConstraint("submission_id", "question_id"),)


class SubmissionRevision(db.Model):
    """One entry of a submission's history: who did what, when, and what changed."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    submission_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("submission.id"), index=True)
    lock_version: so.Mapped[int]
    action: so.Mapped[str] = so.mapped_column(sa.String(16))  # saved|submitted|withdrawn|imported
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # {"p:12": {"comment": ["before", "after"], ...}, "general": {...}, "q:3": {...}}
    changes: so.Mapped[dict] = so.mapped_column(JSONType, default=dict)

    submission: so.Mapped[Submission] = so.relationship(back_populates="revisions")
    actor: so.Mapped[User | None] = so.relationship()


class ConsultationInvitation(db.Model):
    """An organisation invited to answer a consultation, and the reminders it was sent."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    consultation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("consultation.id"))
    organisation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("organisation.id"))
    invited_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_reminded_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    deadline_reminder_sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    consultation: so.Mapped[Consultation] = so.relationship()
    organisation: so.Mapped[Organisation] = so.relationship()

    __table_args__ = (sa.UniqueConstraint("consultation_id", "organisation_id"),)
    invited_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    invited_by: so.Mapped[User | None] = so.relationship()
