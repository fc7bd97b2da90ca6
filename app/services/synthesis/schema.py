"""The synthesis result as typed objects: what the merge writes, what every reader reads.

`Synthesis.result` stores `dump(SynthesisResult)`; the API and `flask synthesis show
--format json` give `dump(load(stored))`, so what users get is exactly this schema
(docs/synthesis-json.md documents it: keys may be added, never renamed or
removed). A key added later has a default, so results stored before it still load.
"""

from __future__ import annotations

import dataclasses
import logging
import types
import typing
from dataclasses import dataclass, field
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class SchemaError(ValueError):
    """A stored result that does not have the schema's shape."""


@dataclass
class Watermark:
    """What the synthesis read: the submitted submissions when it was requested."""

    submission_ids: list[int]
    submissions: int = 0
    lock_versions: dict[str, int] = field(default_factory=dict)
    taken_at: str | None = None
    items: int = 0


@dataclass
class InvitedOrganisation:
    """An organisation invited to the consultation that submitted nothing."""

    id: int
    name: str
    kind: str
    region: str


@dataclass
class Participation:
    """Who answered: submissions, organisations, and their kinds, regions and languages."""

    submissions: int
    organisations: int
    by_kind: dict[str, int]
    by_region: dict[str, int]
    by_language: dict[str, int]
    invited_not_answered: list[InvitedOrganisation] = field(default_factory=list)


@dataclass
class SectionHeading:
    """A section of the draft the synthesis read."""

    id: int
    position: int
    heading: dict[str, str]


@dataclass
class Change:
    """One change a wording makes to the draft, as a screen reader says it."""

    op: str  # insert | remove | replace
    text: str
    old: str
    after: str


@dataclass
class AmendmentVariant:
    """A group's representative wording for one draft language it was edited from."""

    language: str
    text: str
    diff: list[list[str]]
    change: list[Change]
    feedback_ids: list[int]


@dataclass
class AmendmentGroup:
    """Wordings proposed for a paragraph that make the same edit."""

    key: str
    feedback_ids: list[int]
    text: str
    diff: list[list[str]]
    organisations: list[str]
    language: str | None = None
    change: list[Change] = field(default_factory=list)
    variants: list[AmendmentVariant] = field(default_factory=list)


@dataclass
class Quote:
    """A comment chosen to stand for others."""

    feedback_id: int
    text: str
    organisation: str = ""
    language: str | None = None
    sentence: str = ""  # in a theme: the sentence of `text` that carries it


@dataclass
class ParagraphResult:
    """One paragraph of the draft: its stances, agreement, wordings and quotes."""

    id: int
    number: str
    section_id: int
    text: dict[str, str]
    stance_counts: dict[str, int]
    stance_feedback_ids: dict[str, list[int]]
    agreement: float | None
    feedback_count: int
    amendment_groups: list[AmendmentGroup]
    quotes: list[Quote]
    consensus: str | None = None


@dataclass
class Ranking:
    """Paragraph numbers by which way their stances go, most telling first."""

    consensus: list[str]
    contested: list[str]
    opposed: list[str] | None = None  # None: made before opposition had a list of its own


@dataclass
class Theme:
    """Paragraph comments that speak of one thing."""

    label: dict[str, str]
    size: int
    feedback_ids: list[int]
    organisations: list[str]
    quotes: list[Quote]
    languages: dict[str, int] = field(default_factory=dict)
    number: int | None = None  # kept across syntheses where the comments are the same
    also_feedback_ids: list[int] = field(default_factory=list)
    named_by_staff: bool = False
    origin: str = ""  # "" found, "merged" or "split" by staff


@dataclass
class ThemeCounts:
    """How the number of themes came about."""

    found: int  # themes the clustering found
    merged: int  # merged into another because they share most of their comments
    boilerplate_sentences: int = 0  # sentences left out of theme finding
    boilerplate: list[str] = field(default_factory=list)  # the most repeated of them
    without_theme: int = 0  # comments with nothing but boilerplate


@dataclass
class Campaign:
    """One text sent by several organisations, in one language or several."""

    feedback_ids: list[int]
    text: str
    count: int
    organisations: list[str]
    languages: dict[str, int] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)


@dataclass
class AnswerQuote:
    """An answer chosen to stand for others."""

    answer_id: int
    text: str
    organisation: str = ""
    language: str | None = None


@dataclass
class AnswerTheme:
    """Free-text answers to a question that speak of one thing."""

    label: dict[str, str]
    size: int
    answer_ids: list[int]
    quotes: list[AnswerQuote]


@dataclass
class QuestionResult:
    """The answers to one of the Council's questions."""

    id: int
    kind: str
    prompt: dict[str, str]
    options: list[dict[str, str]]
    answers: int
    distribution: dict[str, int]
    themes: list[AnswerTheme]


@dataclass
class Moved:
    """How a paragraph's stance counts moved since the previous synthesis."""

    number: str
    delta: dict[str, int]


@dataclass
class Changes:
    """What moved since the previous finished synthesis."""

    previous: int | None
    submissions: int
    paragraphs: list[Moved]
    new_themes: list[dict[str, str]]


@dataclass
class GeneralComment:
    """An organisation's general comment: typed in the form, or read from a file it attached
    (then `attachment_id` names the file, and the quote links to it)."""

    submission_id: int
    organisation: str
    text: str  # the quote: the comment, or the opening of the file's text
    language: str | None = None
    attachment_id: int | None = None
    filename: str = ""
    characters: int = 0  # the length of the whole text the quote opens


@dataclass
class SynthesisResult:
    """A finished synthesis of a consultation."""

    consultation: str
    number: int
    created_at: str
    watermark: Watermark
    participation: Participation
    sections: list[SectionHeading]
    paragraphs: list[ParagraphResult]
    ranking: Ranking
    themes: list[Theme]
    duplicates: list[Campaign]
    questions: list[QuestionResult]
    changes_since_previous: Changes
    version: int | None = None
    consensus_minimum: int | None = None
    general_comments: list[GeneralComment] = field(default_factory=list)
    theme_counts: ThemeCounts | None = None


# -- Reading and writing ----------------------------------------------------------------------


def load(data: dict, strict: bool = True) -> SynthesisResult:
    """A stored result as typed objects; SchemaError for a missing key or a wrong type, and
    when `strict` for an unknown key (otherwise dropped)."""
    return load_as(SynthesisResult, data, strict)


def load_as(kind: type[T], data: Any, strict: bool = True) -> T:
    """`data` read as `kind` (a dataclass of this module, or a list or dict of them)."""
    return _load(kind, data, kind.__name__ if isinstance(kind, type) else "value", strict)


def dump(value: Any) -> Any:
    """Typed objects as the plain JSON values they stand for, keys in the schema's order."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        # Plain values as they are: a result holds lists of 100,000 ids.
        return [v if type(v) in _PLAIN else dump(v) for v in value]
    if isinstance(value, dict):
        return {k: dump(v) for k, v in value.items()}
    return value


def result_of(synthesis) -> SynthesisResult | None:
    """The typed result of a synthesis (None before it is done), read once per instance.

    Strict under test; outside, a key this code does not know is dropped and logged, so an
    old stored result never stops a page.
    """
    stored = synthesis.result
    if not stored:
        return None
    cached = synthesis.__dict__.get("_typed_result")
    if cached is not None and cached[0] is stored:
        return cached[1]
    from flask import current_app

    strict = bool(current_app and current_app.testing)
    typed = load(stored, strict=strict)
    synthesis.__dict__["_typed_result"] = (stored, typed)
    return typed


def as_json(synthesis) -> dict:
    """What the API and `synthesis show --format json` give: exactly the schema's keys."""
    typed = result_of(synthesis)
    return dump(typed) if typed is not None else {}


def _hints(kind: type) -> dict[str, Any]:
    hints = _HINTS.get(kind)
    if hints is None:
        hints = _HINTS[kind] = typing.get_type_hints(kind)
    return hints


_HINTS: dict[type, dict[str, Any]] = {}
_SCALARS = {int: "a whole number", str: "a text", bool: "true or false"}
_PLAIN = frozenset({int, str, float, bool, type(None)})


def _load(kind: Any, value: Any, path: str, strict: bool) -> Any:
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if dataclasses.is_dataclass(kind):
        return _load_object(kind, value, path, strict)
    if origin is list:
        _expect(isinstance(value, list), path, "a list")
        if args[0] in _SCALARS:
            # Lists of ids are checked in one pass: a synthesis of 100,000 items holds that
            # many, and a path string built for each cost seconds.
            wrong = next((i for i, v in enumerate(value) if not _is(args[0], v)), None)
            if wrong is not None:
                _load(args[0], value[wrong], f"{path}[{wrong}]", strict)
            return list(value)
        return [_load(args[0], v, f"{path}[{i}]", strict) for i, v in enumerate(value)]
    if origin is dict:
        _expect(isinstance(value, dict), path, "an object")
        return {_load(args[0], k, path, strict): _load(args[1], v, f"{path}.{k}", strict)
                for k, v in value.items()}  # fmt: skip
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        for option in options[:-1]:
            try:
                return _load(option, value, path, strict)
            except SchemaError:
                continue
        return _load(options[-1], value, path, strict)
    if kind is Any:
        return value
    if kind is float:
        _expect(isinstance(value, int | float) and not isinstance(value, bool), path, "a number")
        return value
    _expect(_is(kind, value), path, _SCALARS.get(kind, kind.__name__))
    return value


def _is(kind: type, value: Any) -> bool:
    """Whether a JSON value is of this scalar type (true and false are not numbers)."""
    return isinstance(value, kind) and not (kind is int and isinstance(value, bool))


def _load_object(kind: type, value: Any, path: str, strict: bool) -> Any:
    _expect(isinstance(value, dict), path, "an object")
    names = {f.name for f in dataclasses.fields(kind)}
    unknown = sorted(set(value) - names)
    if unknown and strict:
        raise SchemaError(f"{path}: unknown keys {unknown}")
    if unknown:
        log.warning("%s: unknown keys %s left out", path, unknown)
    hints, given = _hints(kind), {}
    for f in dataclasses.fields(kind):
        if f.name in value:
            given[f.name] = _load(hints[f.name], value[f.name], f"{path}.{f.name}", strict)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise SchemaError(f"{path}: missing key {f.name!r}")
    return kind(**given)


def _expect(ok: bool, path: str, what: str) -> None:
    if not ok:
        raise SchemaError(f"{path}: expected {what}")
