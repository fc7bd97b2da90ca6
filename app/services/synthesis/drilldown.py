"""The read side of the Council's review: filters, stance counts counted again with them, and
the feedback or answers behind each figure of a synthesis."""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.i18n import language_name
from app.lazy_text import lazy_gettext as _l
from app.models import (
    Answer,
    Organisation,
    Paragraph,
    ParagraphFeedback,
    Section,
    Submission,
    Synthesis,
    User,
)
from app.services.accounts import access
from app.services.errors import NotFound
from app.services.feedback import moderation
from app.services.synthesis import schema
from app.services.synthesis.review import group_of, paragraph_of
from app.services.synthesis.stances import MINIMUM, agreement, consensus, rank_paragraphs
from app.vocabulary import LANGUAGE_NAMES, ORGANISATION_KINDS, REGIONS
from app.vocabulary import STANCES as STANCE_ORDER

T = TypeVar("T")
MAX_IDS = 500
PAGE_SIZE = 50


# -- Filters and stance counts -------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """Which organisations' feedback to count: a kind, a region, a language of the comment."""

    kind: str | None = None
    region: str | None = None
    language: str | None = None

    @classmethod
    def of(cls, kind: str | None = None, region: str | None = None, language: str | None = None):
        """Filters from untrusted values: anything unknown means "no filter"."""
        return cls(
            kind if kind in ORGANISATION_KINDS else None,
            region if region in REGIONS else None,
            language if language in LANGUAGE_NAMES else None,
        )

    @property
    def active(self) -> bool:
        return bool(self.kind or self.region or self.language)

    def args(self) -> dict[str, str]:
        """The filters as query arguments, to carry them on links."""
        pairs = (("kind", self.kind), ("region", self.region), ("language", self.language))
        return {name: value for name, value in pairs if value}


@dataclass
class StanceRow:
    paragraph: schema.ParagraphResult
    counts: dict[str, int]
    agreement: float | None
    consensus: str  # which way the stances go: one of stances.CONSENSUS

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class SectionRows:
    heading: dict
    rows: list[StanceRow]


def _submission_ids(synthesis: Synthesis) -> list[int]:
    return list(schema.result_of(synthesis).watermark.submission_ids)


def _scoped(stmt: sa.Select, synthesis: Synthesis, filters: Filters) -> sa.Select:
    """A query from ParagraphFeedback kept to the synthesis' submissions and paragraphs.

    Paragraphs are matched by number, as the synthesis matches them, so that feedback
    given on an earlier version of the draft counts for the same paragraph.
    """
    numbers = [p.number for p in schema.result_of(synthesis).paragraphs]
    stmt = (
        stmt.join(Submission, ParagraphFeedback.submission_id == Submission.id)
        .join(Organisation, Submission.organisation_id == Organisation.id)
        .join(Paragraph, ParagraphFeedback.paragraph_id == Paragraph.id)
        .join(Section, Paragraph.section_id == Section.id)
        .where(
            Submission.consultation_id == synthesis.consultation_id,
            Submission.id.in_(_submission_ids(synthesis)),
            Paragraph.number.in_(numbers),
            sa.or_(
                ParagraphFeedback.stance.is_not(None),
                ParagraphFeedback.comment != "",
                ParagraphFeedback.amendment != "",
            ),
        )
    )
    if filters.kind:
        stmt = stmt.where(Organisation.kind == filters.kind)
    if filters.region:
        stmt = stmt.where(Organisation.region == filters.region)
    if filters.language:
        stmt = stmt.where(ParagraphFeedback.language == filters.language)
    return stmt


def filtered_counts(synthesis: Synthesis, filters: Filters) -> dict[str, dict[str, int]]:
    """Stance counts per paragraph number, counted again in SQL with the filters applied."""
    stmt = _scoped(
        sa.select(Paragraph.number, ParagraphFeedback.stance, sa.func.count(ParagraphFeedback.id))
        .select_from(ParagraphFeedback)
        .where(ParagraphFeedback.stance.in_(STANCE_ORDER))
        .group_by(Paragraph.number, ParagraphFeedback.stance),
        synthesis,
        filters,
    )
    counts: dict[str, dict[str, int]] = {}
    for number, stance, count in db.session.execute(stmt):
        counts.setdefault(number, dict.fromkeys(STANCE_ORDER, 0))[stance] = count
    return counts


def stance_table(synthesis: Synthesis, filters: Filters) -> list[SectionRows]:
    """The draft section by section, each paragraph with its stance counts, agreement and
    which way they go."""
    result = schema.result_of(synthesis)
    minimum = consensus_minimum(result)
    counted = filtered_counts(synthesis, filters) if filters.active else None
    sections = {s.id: SectionRows(s.heading, []) for s in result.sections}
    loose = SectionRows({}, [])
    for paragraph in result.paragraphs:
        if counted is None:
            counts = {s: int(paragraph.stance_counts.get(s, 0)) for s in STANCE_ORDER}
            score = paragraph.agreement
            # Syntheses made before the direction was kept have it worked out again.
            direction = paragraph.consensus or consensus(counts, minimum)
        else:
            counts = counted.get(paragraph.number, dict.fromkeys(STANCE_ORDER, 0))
            score, direction = agreement(counts), consensus(counts, minimum)
        sections.get(paragraph.section_id, loose).rows.append(
            StanceRow(paragraph, counts, score, direction)
        )
    return [s for s in [*sections.values(), loose] if s.rows]


def consensus_minimum(result: schema.SynthesisResult) -> int:
    """The number of organisations below which the synthesis said "too few answers to tell"."""
    return int(result.consensus_minimum or MINIMUM)


def paragraph_consensus(result: schema.SynthesisResult, paragraph: schema.ParagraphResult) -> str:
    """Which way a paragraph's stances go (one of stances.CONSENSUS), as the synthesis said."""
    return paragraph.consensus or consensus(paragraph.stance_counts, consensus_minimum(result))


def ranking(result: schema.SynthesisResult) -> dict[str, list[str]]:
    """Broadly supported, broadly opposed and contested paragraphs, as the synthesis ranked
    them; worked out again for a synthesis made before opposition had a list of its own."""
    kept = result.ranking
    if kept.opposed is not None:
        return {"consensus": kept.consensus, "contested": kept.contested, "opposed": kept.opposed}
    counted = [(p.number, p.stance_counts) for p in result.paragraphs]
    return rank_paragraphs(counted, consensus_minimum(result))


def participation_bars(result: schema.SynthesisResult) -> dict[str, list[tuple[str, str, int]]]:
    """(key, translated label, count) for each kind, region and language, largest first."""
    figures = result.participation
    columns = {
        "by_kind": (figures.by_kind, ORGANISATION_KINDS),
        "by_region": (figures.by_region, REGIONS),
        "by_language": (figures.by_language, None),
    }
    bars = {}
    for name, (counts, names) in columns.items():
        # Languages are named in the reader's language ("Anglais" on a French page).
        rows = [
            (key, str(names.get(key, key)) if names else language_name(key, True), int(n))
            for key, n in counts.items()
        ]
        bars[name] = sorted(rows, key=lambda row: (-row[2], row[1]))
    return bars


# -- The feedback behind a figure ----------------------------------------------------------


@dataclass
class Selection:
    """Which feedback a figure stands for.

    `ids` None means every feedback matching `number`, `stance` and the filters: that is how
    a filtered count was counted, so its drill-down finds exactly the same feedback.
    """

    kind: str  # all | ids | paragraph | group | theme | duplicate
    ids: list[int] | None = None
    number: str | None = None
    stance: str | None = None
    paragraph: schema.ParagraphResult | None = None
    # the theme, campaign or amendment group
    item: schema.Theme | schema.Campaign | schema.AmendmentGroup | None = None
    index: int | None = None
    requested: int = 0


@dataclass
class FeedbackPage:
    items: list[ParagraphFeedback]
    total: int
    organisations: int
    page: int
    pages: int


def parse_ids(values: Iterable[str]) -> list[int]:
    """Feedback ids from query arguments ("1,2" or repeated), in order, at most MAX_IDS."""
    found = [int(v) for value in values for v in re.findall(r"\d{1,12}", value)]
    return list(dict.fromkeys(found))[:MAX_IDS]


def _nth(entries: list[T] | None, index: int, message) -> T:
    if not entries or not 0 <= index < len(entries):
        raise NotFound(message)
    return entries[index]


def select_feedback(
    synthesis: Synthesis,
    filters: Filters,
    ids: list[int] | None = None,
    number: str | None = None,
    stance: str | None = None,
    group: str | None = None,
    theme: int | None = None,
    duplicate: int | None = None,
) -> Selection:
    """The selection a drill-down link asks for; NotFound for what the synthesis lacks."""
    result = schema.result_of(synthesis)
    if theme is not None:
        item = _nth(result.themes, theme, _l("This synthesis has no such theme."))
        return Selection("theme", ids=list(item.feedback_ids), item=item, index=theme)
    if duplicate is not None:
        found = _nth(result.duplicates, duplicate, _l("This synthesis has no such campaign."))
        return Selection("duplicate", ids=list(found.feedback_ids), item=found, index=duplicate)
    if ids is not None:
        return Selection("ids", ids=ids, requested=len(ids))
    if number is None:
        return Selection("all")
    paragraph = paragraph_of(synthesis, number)
    if group is not None:
        wording = group_of(paragraph, group)
        return Selection("group", ids=list(wording.feedback_ids), paragraph=paragraph, item=wording)
    if stance is not None and stance not in STANCE_ORDER:
        raise NotFound(_l("There is no such stance."))
    if filters.active:
        return Selection("paragraph", number=number, stance=stance, paragraph=paragraph)
    by_stance = paragraph.stance_feedback_ids
    chosen = [i for s in ([stance] if stance else STANCE_ORDER) for i in by_stance.get(s, [])]
    return Selection("paragraph", ids=chosen, stance=stance, paragraph=paragraph)


def _selected(synthesis: Synthesis, selection: Selection, filters: Filters, *columns):
    stmt = _scoped(sa.select(*columns).select_from(ParagraphFeedback), synthesis, filters)
    if selection.ids is not None:
        stmt = stmt.where(ParagraphFeedback.id.in_(selection.ids))
    if selection.number is not None:
        stmt = stmt.where(Paragraph.number == selection.number)
    if selection.stance is not None:
        stmt = stmt.where(ParagraphFeedback.stance == selection.stance)
    return stmt


def feedback_items(
    reader: User | None,
    synthesis: Synthesis,
    selection: Selection,
    filters: Filters,
    limit: int = MAX_IDS,
    offset=0,
) -> list[ParagraphFeedback]:
    """The selected feedback with its organisation and paragraph, in the draft's order."""
    access.require(reader, "synthesis.read", synthesis)
    stmt = (
        _selected(synthesis, selection, filters, ParagraphFeedback)
        .options(
            so.contains_eager(ParagraphFeedback.submission).contains_eager(Submission.organisation),
            so.contains_eager(ParagraphFeedback.paragraph),
        )
        .order_by(Section.position, Paragraph.position, Organisation.name, ParagraphFeedback.id)
        .limit(limit)
        .offset(offset)
    )
    items = list(db.session.scalars(stmt))
    if access.can(reader, "feedback.moderate"):
        return items  # staff read hidden texts, marked on the moderation page
    return [item for (item,) in moderation.without_hidden([(i,) for i in items])]


def feedback_page(
    reader: User | None, synthesis: Synthesis, selection: Selection, filters: Filters, page: int = 1
) -> FeedbackPage:
    """One page of the selected feedback, with how many comments and organisations in all."""
    total, organisations = db.session.execute(
        _selected(
            synthesis,
            selection,
            filters,
            sa.func.count(ParagraphFeedback.id),
            sa.func.count(sa.distinct(Submission.organisation_id)),
        )
    ).one()
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(page, 1), pages)
    items = feedback_items(reader, synthesis, selection, filters, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    return FeedbackPage(items, total, organisations, page, pages)


@dataclass
class AnswerSelection:
    question: schema.QuestionResult
    option: str | None
    theme: schema.AnswerTheme | None
    answers: list[Answer]


def _options(question: schema.QuestionResult) -> set[str]:
    if question.kind == "scale":
        return {"1", "2", "3", "4", "5"}
    return {str(i) for i in range(len(question.options))}


def _answer_keys(value: object) -> set[str]:
    return {str(v) for v in value} if isinstance(value, list) else {str(value)}


def select_answers(
    reader: User | None,
    synthesis: Synthesis,
    filters: Filters,
    question_id: int,
    option: str | None = None,
    theme: int | None = None,
    ids: list[int] | None = None,
) -> AnswerSelection:
    """The answers behind a question's figure: all, one option's, one theme's, or some."""
    access.require(reader, "synthesis.read", synthesis)
    questions = schema.result_of(synthesis).questions
    question = next((q for q in questions if q.id == question_id), None)
    if question is None:
        raise NotFound(_l("This synthesis has no such question."))
    if option is not None and option not in _options(question):
        raise NotFound(_l("This question has no such answer."))
    chosen = _nth(question.themes, theme, _l("No such theme.")) if theme is not None else None
    stmt = (
        sa.select(Answer)
        .join(Submission, Answer.submission_id == Submission.id)
        .join(Organisation, Submission.organisation_id == Organisation.id)
        .where(
            Answer.question_id == question_id,
            Submission.consultation_id == synthesis.consultation_id,
            Submission.id.in_(_submission_ids(synthesis)),
        )
        .options(so.contains_eager(Answer.submission).contains_eager(Submission.organisation))
        .order_by(Organisation.name, Answer.id)
    )
    if filters.kind:
        stmt = stmt.where(Organisation.kind == filters.kind)
    if filters.region:
        stmt = stmt.where(Organisation.region == filters.region)
    if filters.language:
        stmt = stmt.where(Answer.language == filters.language)
    if not access.can(reader, "feedback.moderate"):
        stmt = stmt.where(Answer.id.not_in(moderation.hidden_targets("answer")))
    answers = [a for a in db.session.scalars(stmt) if a.value not in (None, "", [])]
    if option is not None:
        answers = [a for a in answers if option in _answer_keys(a.value)]
    if chosen is not None:
        wanted = set(chosen.answer_ids)
        answers = [a for a in answers if a.id in wanted]
    if ids is not None:
        answers = [a for a in answers if a.id in set(ids)]
    return AnswerSelection(question, option, chosen, answers)
