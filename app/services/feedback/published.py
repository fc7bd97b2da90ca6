"""What the public reads of a consultation's published feedback: the page, CSV and JSON.

Only submitted submissions whose organisation allowed publication are read, without the
texts moderation hid. A submission published without its organisation's name shows no name,
no country, no reference, no date and no person; its kind of organisation and region are
shown only where at least `PUBLICATION_ANONYMITY_MINIMUM` organisations that are not named
share them, and a filter on what is not shown leaves it out (a filter must not disclose it).
Entries come in the draft's order, then by stance and text, never by organisation.
"""

import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import (
    Consultation,
    DocumentVersion,
    Organisation,
    Paragraph,
    ParagraphFeedback,
    Section,
    Submission,
    User,
)
from app.services.accounts import access
from app.services.errors import NotFound
from app.services.feedback import moderation
from app.vocabulary import LANGUAGE_NAMES, ORGANISATION_KINDS, REGIONS, STANCES

PAGE_SIZE = 50
BATCH = 2000


@dataclass(frozen=True)
class PublicFilters:
    """Which published feedback to show: a stance, a kind, a region, a language."""

    stance: str | None = None
    kind: str | None = None
    region: str | None = None
    language: str | None = None

    @classmethod
    def of(cls, stance=None, kind=None, region=None, language=None) -> "PublicFilters":
        """Filters from untrusted values: anything unknown means "no filter"."""
        return cls(
            stance if stance in STANCES else None,
            kind if kind in ORGANISATION_KINDS else None,
            region if region in REGIONS else None,
            language if language in LANGUAGE_NAMES else None,
        )

    @classmethod
    def from_args(cls, args) -> "PublicFilters":
        """Filters from a query string."""
        return cls.of(*(args.get(name) for name in ("stance", "kind", "region", "language")))

    @property
    def active(self) -> bool:
        return any(self.args().values())

    def args(self) -> dict[str, str]:
        """The filters as query arguments, to carry them on links."""
        pairs = vars(self).items()
        return {name: value for name, value in pairs if value}


@dataclass(frozen=True)
class Sender:
    """What the public may know of the organisation behind an entry."""

    name: str | None  # None: published without the organisation's name
    kind: str | None
    region: str | None
    country: str | None

    @property
    def kind_label(self) -> str:
        return str(ORGANISATION_KINDS.get(self.kind, "")) if self.kind else ""

    @property
    def region_label(self) -> str:
        return str(REGIONS.get(self.region, "")) if self.region else ""


@dataclass(frozen=True)
class Entry:
    """One published text: on a paragraph, or a general comment (`paragraph` None)."""

    paragraph: Paragraph | None
    sender: Sender
    stance: str | None
    comment: str
    amendment: str
    language: str | None


@dataclass
class PublishedPage:
    entries: list[Entry]
    total: int
    page: int
    pages: int


def _senders(consultation: Consultation) -> dict[int, Sender]:
    """Each published submission's sender, as the public may know it, by submission id."""
    rows = db.session.execute(
        sa.select(
            Submission.id,
            Submission.publication,
            Organisation.name,
            Organisation.kind,
            Organisation.region,
            Organisation.country,
        )
        .join(Organisation, Organisation.id == Submission.organisation_id)
        .where(Submission.consultation_id == consultation.id, Submission.status == "submitted")
    ).all()
    # The organisations a reader cannot tell apart: every one not published by name.
    unnamed = [(kind, region) for _id, choice, _n, kind, region, _c in rows if choice != "named"]
    found = {}
    for sid, choice, name, kind, region, country in rows:
        if choice == "named":
            found[sid] = Sender(name, kind, region, country or None)
        elif choice == "anonymous":
            found[sid] = _anonymous(kind, region, unnamed)
    return found


def _anonymous(kind: str, region: str, unnamed: list[tuple[str, str]]) -> Sender:
    """The most an anonymous sender may show: kind and region, one of them, or nothing, so
    that at least the configured number of organisations fit what is shown."""
    least = current_app.config["PUBLICATION_ANONYMITY_MINIMUM"]
    both = Counter(unnamed)
    kinds = Counter(k for k, _r in unnamed)
    regions = Counter(r for _k, r in unnamed)
    if both[(kind, region)] >= least:
        return Sender(None, kind, region, None)
    if kinds[kind] >= least:
        return Sender(None, kind, None, None)
    if regions[region] >= least:
        return Sender(None, None, region, None)
    return Sender(None, None, None, None)


def require_readable(reader: User | None, consultation: Consultation) -> None:
    """NotFound, saying so, unless the reader may read the consultation's published feedback:
    before publication there is nothing to see, which is no refusal worth auditing."""
    if not access.can(reader, "feedback.read_published", consultation):
        raise NotFound(_l("The feedback on this consultation is not published."))


def _chosen(found: dict[int, Sender], filters: PublicFilters) -> list[int]:
    """The published submissions whose shown kind and region match the filters."""
    return [
        sid
        for sid, sender in found.items()
        if (not filters.kind or sender.kind == filters.kind)
        and (not filters.region or sender.region == filters.region)
    ]


STANCE_ORDER = sa.case(
    {stance: place for place, stance in enumerate(STANCES)},
    value=ParagraphFeedback.stance,
    else_=len(STANCES),
)


def _items(ids: list[int], filters: PublicFilters) -> sa.Select:
    item = ParagraphFeedback
    comment = moderation.visible_text("comment", item.comment)
    amendment = moderation.visible_text("amendment", item.amendment)
    query = (
        sa.select(
            item.paragraph_id, item.submission_id, item.stance, comment, amendment, item.language
        )
        .join(Paragraph, Paragraph.id == item.paragraph_id)
        .join(Section, Section.id == Paragraph.section_id)
        .join(DocumentVersion, DocumentVersion.id == Section.version_id)
        .where(
            item.submission_id.in_(ids),
            sa.or_(item.stance.is_not(None), comment != "", amendment != ""),
        )
        .order_by(
            DocumentVersion.number,
            Section.position,
            Paragraph.position,
            STANCE_ORDER,
            comment,
            amendment,
            item.id,
        )
    )
    if filters.stance == "none":
        query = query.where(sa.or_(item.stance.is_(None), item.stance == "none"))
    elif filters.stance:
        query = query.where(item.stance == filters.stance)
    if filters.language:
        query = query.where(item.language == filters.language)
    return query


def _general(ids: list[int], filters: PublicFilters) -> sa.Select:
    """General comments have no stance: a stance filter leaves them out."""
    query = (
        sa.select(Submission.id, Submission.general_comment, Submission.general_language)
        .where(
            Submission.id.in_(ids if not filters.stance else []),
            sa.func.trim(Submission.general_comment) != "",
            Submission.id.not_in(moderation.hidden_targets("general")),
        )
        .order_by(Submission.general_comment, Submission.id)
    )
    if filters.language:
        query = query.where(Submission.general_language == filters.language)
    return query


def _count(query: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def page_of(
    reader: User | None, consultation: Consultation, filters: PublicFilters, page: int = 1
) -> PublishedPage:
    """One page of the published feedback: paragraphs in the draft's order, then the
    general comments."""
    require_readable(reader, consultation)
    found = _senders(consultation)
    ids = _chosen(found, filters)
    items, general = _items(ids, filters), _general(ids, filters)
    on_items, on_general = _count(items), _count(general)
    total = on_items + on_general
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(page, 1), pages)
    start = (page - 1) * PAGE_SIZE
    paragraphs = _paragraphs(consultation)
    entries = [
        _item_entry(row, found, paragraphs)
        for row in db.session.execute(items.offset(start).limit(PAGE_SIZE))
    ]
    if len(entries) < PAGE_SIZE:
        skip = max(0, start - on_items)
        more = general.offset(skip).limit(PAGE_SIZE - len(entries))
        entries += [_general_entry(row, found) for row in db.session.execute(more)]
    return PublishedPage(entries, total, page, pages)


def entries(
    reader: User | None, consultation: Consultation, filters: PublicFilters
) -> Iterator[Entry]:
    """Every published entry that matches, a batch at a time (for the CSV and JSON files)."""
    require_readable(reader, consultation)
    found = _senders(consultation)
    ids = _chosen(found, filters)
    paragraphs = _paragraphs(consultation)
    return _stream(ids, found, paragraphs, filters)


def _stream(ids, found, paragraphs, filters) -> Iterator[Entry]:
    options = {"yield_per": BATCH}
    for row in db.session.execute(_items(ids, filters), execution_options=options):
        yield _item_entry(row, found, paragraphs)
    for row in db.session.execute(_general(ids, filters), execution_options=options):
        yield _general_entry(row, found)


def _paragraphs(consultation: Consultation) -> dict[int, Paragraph]:
    # Section and version loaded with them: the CSV and JSON files read them while streaming,
    # after the request's session has ended, when a lazy load would fail.
    query = (
        sa.select(Paragraph)
        .join(Paragraph.section)
        .join(Section.version)
        .where(DocumentVersion.consultation_id == consultation.id)
        .options(so.contains_eager(Paragraph.section).contains_eager(Section.version))
    )
    return {p.id: p for p in db.session.scalars(query)}


def _item_entry(row, found: dict[int, Sender], paragraphs: dict[int, Paragraph]) -> Entry:
    paragraph_id, submission_id, stance, comment, amendment, language = row
    sender = found[submission_id]
    return Entry(paragraphs[paragraph_id], sender, stance, comment, amendment, language)


def _general_entry(row, found: dict[int, Sender]) -> Entry:
    submission_id, comment, language = row
    return Entry(None, found[submission_id], None, comment, "", language)
