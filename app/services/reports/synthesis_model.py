"""The synthesis report as plain data in one language: what every writer lays out.

`synthesis.build_report` fills it; the PDF and DOCX writers read it and nothing else, so
the two formats say the same thing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from app.i18n import Localized
from app.lazy_text import lazy_gettext as _l
from app.services.reports.synthesis_annex import Annex
from app.services.synthesis import charts

Progress = Callable[[int, int], None]
Target = str | Path | IO[bytes]
Localizer = Callable[[dict | str | None], Localized]

# The parts of a report in their order; both writers title them with these words.
PARTS = {
    "participation": _l("Participation"),
    "heat-map": _l("Stances on each paragraph"),
    "ranking": _l("Consensus and contested paragraphs"),
    "paragraphs": _l("The draft, paragraph by paragraph"),
    "themes": _l("Themes in the feedback"),
    "campaigns": _l("Campaigns: the same comment from several organisations"),
    "questions": _l("Questions from the Council"),
    "changes": _l("What changed since the previous synthesis"),
    "annex": _l("Annex: every feedback item, paragraph by paragraph"),
}


@dataclass(frozen=True)
class Figure:
    """A bar chart and the table of its figures."""

    key: str
    title: str
    label_header: str
    value_header: str
    rows: list[tuple[str, int]]

    @property
    def summary(self) -> str:
        """The figures in words: the chart's text alternative."""
        return charts.describe(charts.Bar(label, value) for label, value in self.rows)


@dataclass(frozen=True)
class HeatRow:
    number: str
    anchor: str
    counts: dict[str, int]
    total: int
    agreement: str
    levels: dict[str, int]  # 0–4 by each stance's share: the shade of its cell
    top: str | None  # the most frequent stance, set in bold so it shows without colour
    consensus: str = ""  # which way the stances go, in words ("Broad opposition")
    consensus_key: str = ""  # the same as a key of stances.CONSENSUS, for styling


@dataclass(frozen=True)
class HeatSection:
    heading: Localized
    rows: list[HeatRow]


@dataclass(frozen=True)
class Ranked:
    number: str
    anchor: str
    agreement: str


@dataclass(frozen=True)
class Decision:
    label: str
    reason: str
    decided_by: str
    decided_on: str
    reason_language: str | None = None  # not recorded: detected from the reason's words


@dataclass(frozen=True)
class Sibling:
    """The same change written from the draft in another language: its diff against it."""

    title: str
    diff: list[tuple[str, str]]
    change: str
    language: str | None = None  # the language the wording is written in


@dataclass(frozen=True)
class Wording:
    """A group of similar proposed wordings: its diff against the draft, who, the decision."""

    index: int
    diff: list[tuple[str, str]]
    organisations: list[str]
    count: int
    decision: Decision | None
    feedback_ids: list[int] = field(default_factory=list)
    change: str = ""  # the change in words, as a screen reader says it
    source_note: str = ""  # which language's draft `diff` is against, when not the reader's
    siblings: list[Sibling] = field(default_factory=list)  # the change from other drafts
    language: str | None = None  # the language the wording in `diff` is written in


@dataclass(frozen=True)
class Quote:
    text: str
    organisation: str
    language: str | None
    feedback_id: int | None = None  # the page view links each quote to its feedback


@dataclass(frozen=True)
class ParagraphPart:
    number: str
    anchor: str
    section: Localized
    text: Localized
    counts: dict[str, int]
    total: int
    agreement: str
    summary: str  # the stance figures in words: the chart's text alternative
    wordings: list[Wording]
    quotes: list[Quote]
    consensus: str = ""  # which way the stances go, in words
    consensus_key: str = ""  # one of stances.CONSENSUS


@dataclass(frozen=True)
class Theme:
    label: Localized
    size: int
    organisations: list[str]
    languages: list[tuple[str, int]]
    quotes: list[Quote]


@dataclass(frozen=True)
class Campaign:
    text: str  # the copy in the reader's language where there is one
    count: int
    organisations: list[str]
    languages: list[tuple[str, int]] = field(default_factory=list)  # (language name, copies)
    kinds: list[tuple[str, int]] = field(default_factory=list)  # (kind of organisation, copies)
    language: str | None = None  # the language `text` is in, when known
    feedback_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class QuestionPart:
    prompt: Localized
    answers: int
    figure: Figure | None  # choices and scales
    themes: list[Theme]  # free text


@dataclass(frozen=True)
class Moved:
    number: str
    deltas: dict[str, int]


@dataclass(frozen=True)
class Changes:
    previous: int | None
    submissions: int
    moved: list[Moved]
    new_themes: list[Localized]


@dataclass(frozen=True)
class SynthesisReport:
    """What a synthesis report says, in one language."""

    language: str
    number: int
    title: Localized
    compiled_on: str
    counted_until: str
    submissions: int
    organisations: int
    items: int
    stance_names: dict[str, str]
    participation: list[Figure]
    not_answered: list[str]
    heat_map: list[HeatSection]
    consensus: list[Ranked]
    contested: list[Ranked]
    paragraphs: list[ParagraphPart]
    themes: list[Theme]
    campaigns: list[Campaign]
    questions: list[QuestionPart]
    changes: Changes
    annex: Annex
    opposed: list[Ranked] = field(default_factory=list)  # broadly opposed paragraphs
    consensus_note: str = ""  # how consensus is read, with the minimum number of organisations

    @property
    def is_empty(self) -> bool:
        return self.submissions == 0

    @property
    def parts(self) -> list[tuple[str, str]]:
        """(anchor, title) of each part, in the language being written."""
        return [(key, str(title)) for key, title in PARTS.items()]


def anchor(prefix: str, number: str) -> str:
    """A fragment id for a paragraph number: p12 for 12, p3-1 for 3.1."""
    return prefix + "".join(c if c.isalnum() else "-" for c in number).strip("-")
