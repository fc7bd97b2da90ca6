"""Consultations, the versions of their draft, and the Council's questions."""

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models.common import JSONList, TranslatedText, UTCDateTime, utcnow

STATUSES = ("draft", "open", "closed", "archived")

PHASE_LABELS = {
    "draft": _l("Draft"),
    "upcoming": _l("Upcoming"),
    "open": _l("Open for comment"),
    "closed": _l("Closed"),
    "archived": _l("Archived"),
}

QUESTION_KINDS = {
    "text": _l("Free text"),
    "single": _l("Single choice"),
    "multiple": _l("Multiple choice"),
    "scale": _l("Scale from 1 to 5"),
}


class Consultation(db.Model):
    """A draft policy position put out for comment."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    title: so.Mapped[dict] = so.mapped_column(TranslatedText, default=dict)
    summary: so.Mapped[dict] = so.mapped_column(TranslatedText, default=dict)
    council: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="draft")
    original_language: so.Mapped[str] = so.mapped_column(sa.String(5))
    opens_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    closes_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # The publication choice a partner's submit form offers first (see feedback.PUBLICATION).
    publication_default: so.Mapped[str] = so.mapped_column(
        sa.String(16), default="none", server_default="none"
    )
    # When staff published the feedback its senders allowed to be published; None: not now.
    feedback_published_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    versions: so.Mapped[list["DocumentVersion"]] = so.relationship(
        back_populates="consultation", order_by="DocumentVersion.number"
    )
    questions: so.Mapped[list["Question"]] = so.relationship(
        back_populates="consultation", order_by="Question.position"
    )

    def phase(self, now: datetime | None = None) -> str:
        """Where the consultation stands now, from UTC server time, not stored flags alone."""
        now = now or utcnow()
        if self.status != "open":
            return self.status
        if self.opens_at and now < self.opens_at:
            return "upcoming"
        if self.closes_at and now >= self.closes_at:
            return "closed"
        return "open"

    @property
    def current_version(self) -> Optional["DocumentVersion"]:
        """The latest published version, or the working version of an unpublished draft."""
        published = [v for v in self.versions if v.published_at is not None]
        if published:
            return published[-1]
        return self.versions[-1] if self.versions else None

    @property
    def languages(self) -> list[str]:
        return sorted(self.title.keys())

    def __repr__(self) -> str:
        return f"<Consultation {self.slug}>"


class DocumentVersion(db.Model):
    """One version of the draft; feedback always points at the version it was given on."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    consultation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("consultation.id"))
    number: so.Mapped[int]
    change_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    preamble: so.Mapped[dict] = so.mapped_column(TranslatedText, default=dict)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    published_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    consultation: so.Mapped[Consultation] = so.relationship(back_populates="versions")
    sections: so.Mapped[list["Section"]] = so.relationship(
        back_populates="version", order_by="Section.position", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.UniqueConstraint("consultation_id", "number"),)

    @property
    def paragraphs(self) -> list["Paragraph"]:
        return [p for s in self.sections for p in s.paragraphs]


class Section(db.Model):
    """A heading of the draft and the numbered paragraphs under it."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("document_version.id"), index=True)
    position: so.Mapped[int]
    heading: so.Mapped[dict] = so.mapped_column(TranslatedText, default=dict)
    intro: so.Mapped[dict] = so.mapped_column(TranslatedText, default=dict)

    version: so.Mapped[DocumentVersion] = so.relationship(back_populates="sections")
    paragraphs: so.Mapped[list["Paragraph"]] = so.relationship(
        back_populates="section", order_by="Paragraph.position", cascade="all, delete-orphan"
    )


class Paragraph(db.Model):
    """A numbered paragraph; `number` is the one people cite ("12")."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    section_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("section.id"), index=True)
    number: so.Mapped[str] = so.mapped_column(sa.String(16))
    position: so.Mapped[int]
    text: so.Mapped[dict] = so.mapped_column(TranslatedText, default=dict)

    section: so.Mapped[Section] = so.relationship(back_populates="paragraphs")

    @property
    def anchor(self) -> str:
        return paragraph_anchor(self.number)


def paragraph_anchor(number: str) -> str:
    """A paragraph's stable fragment id: #p12 for paragraph 12, #p3-1 for 3.1."""
    return "p" + "".join(c if c.isalnum() else "-" for c in number).strip("-")


class Question(db.Model):
    """A question the Council asks alongside the draft."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    consultation_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("consultation.id"), index=True)
    position: so.Mapped[int]
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))  # text | single | multiple | scale
    prompt: so.Mapped[dict] = so.mapped_column(TranslatedText, default=dict)
    # For single/multiple choice: a list of translated texts, e.g. [{"en": "Yes", "fr": "Oui"}].
    options: so.Mapped[list] = so.mapped_column(JSONList, default=list)
    required: so.Mapped[bool] = so.mapped_column(default=False)

    consultation: so.Mapped[Consultation] = so.relationship(back_populates="questions")

    @property
    def kind_label(self) -> str:
        return str(QUESTION_KINDS.get(self.kind, self.kind))
