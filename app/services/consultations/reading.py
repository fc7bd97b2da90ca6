"""A version's text as the public page shows it: read as plain rows in one query, since
building ORM objects for every paragraph of a long draft costs more than the page itself."""

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
    found: dict[int, SectionText] = {}
    for row in db.session.execute(_text_statement(), {"version_id": version.id}):
        section = found.get(row.section_id)
        if section is None:
            section = found[row.section_id] = SectionText(
                row.position, row.heading or {}, row.intro or {}
            )
        if row.paragraph_id is not None:
            section.paragraphs.append(ParagraphText(row.paragraph_id, row.number, row.text or {}))
    return list(found.values())


@functools.cache
def _text_statement() -> sa.Select:
    return (
        sa.select(
            Section.id.label("section_id"),
            Section.position,
            Section.heading,
            Section.intro,
            Paragraph.id.label("paragraph_id"),
            Paragraph.number,
            Paragraph.text,
        )
        .outerjoin(Paragraph, Paragraph.section_id == Section.id)
        .where(Section.version_id == sa.bindparam("version_id"))
        .order_by(Section.position, Section.id, Paragraph.position, Paragraph.id)
    )
