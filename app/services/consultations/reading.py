"""A version's text as the public page and the partner's review page show it: read as plain
rows, since building ORM objects for every paragraph of a long draft costs more than the page."""

import functools
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.extensions import db
from app.models import DocumentVersion, Paragraph, Section
from app.models.consultation import paragraph_anchor


@dataclass(frozen=True, slots=True)
class ParagraphText:
    id: int
    number: str
    text: dict

    @property
    def anchor(self) -> str:
        return paragraph_anchor(self.number)


@dataclass(frozen=True, slots=True)
class SectionText:
    position: int
    heading: dict
    intro: dict
    paragraphs: list[ParagraphText] = field(default_factory=list)


def sections(version: DocumentVersion) -> list[SectionText]:
    """The sections of `version` in order, each with its paragraphs in order."""
    found = {
        row.id: SectionText(row.position, row.heading or {}, row.intro or {})
        for row in db.session.execute(_sections_statement(), {"version_id": version.id})
    }
    for row in db.session.execute(_paragraphs_statement(), {"version_id": version.id}):
        found[row.section_id].paragraphs.append(ParagraphText(row.id, row.number, row.text or {}))
    return list(found.values())


# Two statements, not one join: a join would repeat (and decode) each section's heading and
# introduction on every paragraph's row.


@functools.cache
def _sections_statement() -> sa.Select:
    return (
        sa.select(Section.id, Section.position, Section.heading, Section.intro)
        .where(Section.version_id == sa.bindparam("version_id"))
        .order_by(Section.position, Section.id)
    )


@functools.cache
def _paragraphs_statement() -> sa.Select:
    return (
        sa.select(Paragraph.id, Paragraph.section_id, Paragraph.number, Paragraph.text)
        .join(Section, Section.id == Paragraph.section_id)
        .where(Section.version_id == sa.bindparam("version_id"))
        .order_by(Paragraph.position, Paragraph.id)
    )
