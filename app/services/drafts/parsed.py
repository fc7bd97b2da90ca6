"""A draft as parsed: its sections, numbered paragraphs and the problems found for the preview."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel.speaklater import LazyString


@dataclass
class ParsedParagraph:
    """A numbered paragraph, with its number as printed."""

    number: str
    text: str
    line: int


@dataclass
class ParsedSection:
    """A heading, the unnumbered text under it, and its numbered paragraphs."""

    heading: str
    intro: str
    paragraphs: list[ParsedParagraph] = field(default_factory=list)
    line: int | None = None  # where the heading is; None for the untitled section


@dataclass
class ImportProblem:
    """Something the person importing should check in the preview."""

    code: str
    message: LazyString
    line: int | None
    # "problem": something may be wrong; "note": what the importer did, for information.
    severity: str = "problem"


@dataclass
class ParsedDraft:
    """The whole parsed document."""

    title: str
    preamble: str
    sections: list[ParsedSection]
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def paragraph_count(self) -> int:
        """Number of numbered paragraphs in all sections."""
        return sum(len(section.paragraphs) for section in self.sections)
