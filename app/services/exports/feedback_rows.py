"""The rows of a feedback export: the query, its filters, and the audit event it leaves.

One row per paragraph item of a submitted submission (items with no stance, comment or
amendment are left out), then one per non-empty general comment. Rows are tuples in the
order of `COLUMNS` and come from the database in batches (`yield_per`), so an export of any
size holds one batch in memory. A general comment has no paragraph, the stance ``none`` and
the id ``g<submission id>``; an item with no stance is written ``none``, which the import
reads back as the same feedback.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

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
from app.services.accounts import access, audit
from app.services.errors import DomainError
from app.services.feedback import moderation
from app.services.feedback.file_rows import LANGUAGES, STANCES, detail_code

COLUMNS = (
    "id", "ref", "consultation", "version", "organisation", "organisation_kind", "region",
    "country", "language", "section", "paragraph", "stance", "comment", "amendment",
    "submitted_at",
)  # fmt: skip
SECTION, PARAGRAPH, STANCE = (COLUMNS.index(c) for c in ("section", "paragraph", "stance"))
FILTER_KEYS = (
    "section", "paragraph", "stance", "kind", "region", "language", "from", "to", "hidden",
)  # fmt: skip
BATCH = 2000

Row = tuple[object, ...]


class ExportFilterError(DomainError):
    """A filter names nothing that exists or is not well formed; `field` is its key."""


@dataclass(frozen=True)
class ExportFilters:
    """Which feedback to export; None means any. Dates are inclusive, in UTC."""

    section: str | None = None
    paragraph: str | None = None
    stance: str | None = None
    kind: str | None = None
    region: str | None = None
    language: str | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None
    # "include": texts moderation hid are exported too (staff only, and the audit line says so).
    hidden: str | None = None

    def as_dict(self) -> dict[str, str]:
        """The filters given, under their command-line keys, as text (for JSON and audit)."""
        keys = {"submitted_from": "from", "submitted_to": "to"}
        found = {keys.get(f.name, f.name): getattr(self, f.name) for f in fields(self)}
        return {key: str(value) for key, value in found.items() if value is not None}


def parse_filters(consultation: Consultation, given: Mapping[str, str | None]) -> ExportFilters:
    """Filters from `key: value` text (the keys of FILTER_KEYS); empty values are ignored."""
    values = {key: (value or "").strip() for key, value in given.items()}
    values = {key: value for key, value in values.items() if value}
    for key in values:
        if key not in FILTER_KEYS:
            message = _l(
                "“%(key)s” is not a filter: use %(keys)s.", key=key, keys=", ".join(FILTER_KEYS)
            )
            raise ExportFilterError(message, field=key)
    section = values.get("section")
    if section is not None and not _section_ids(consultation, section):
        raise ExportFilterError(
            _l("The draft has no section “%(value)s”.", value=section), field="section"
        )
    paragraph = values.get("paragraph")
    if paragraph is not None and paragraph not in _paragraph_numbers(consultation):
        raise ExportFilterError(
            _l("Paragraph %(number)s is not in the draft.", number=paragraph), field="paragraph"
        )
    stance = values.get("stance", "").lower() or None
    if stance is not None and stance not in STANCES:
        raise ExportFilterError(
            _l("Use a stance among support, amend, oppose and none."), field="stance"
        )
    language = values.get("language", "").lower() or None
    if language is not None and language not in LANGUAGES:
        raise ExportFilterError(_l("Use a language among en, fr and es."), field="language")
    kind = _code("organisation_kind", values.get("kind"), "kind")
    region = _code("region", values.get("region"), "region")
    start, end = _date(values.get("from"), "from"), _date(values.get("to"), "to")
    if start and end and start > end:
        raise ExportFilterError(_l("The first date is after the last one."), field="to")
    hidden = values.get("hidden", "").lower() or None
    if hidden not in {None, "include"}:
        raise ExportFilterError(
            _l("Write hidden=include to export the texts moderation hid."), field="hidden"
        )
    return ExportFilters(section, paragraph, stance, kind, region, language, start, end, hidden)


def _code(vocabulary: str, text: str | None, key: str) -> str | None:
    if text is None:
        return None
    code = detail_code(vocabulary, text)
    if code is None:
        raise ExportFilterError(_l("“%(value)s” is not a known value.", value=text), field=key)
    return code


FIRST_YEAR, LAST_YEAR = 2000, 2999


def _date(text: str | None, key: str) -> date | None:
    if text is None:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        message = _l("“%(value)s” is not a date: use YYYY-MM-DD.", value=text)
        raise ExportFilterError(message, field=key) from None
    # Feedback is dated by the platform: nothing lies outside these years, and 9999-12-31
    # would overflow when the filter reaches the end of its day.
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        message = _l("Use a date between %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)
        raise ExportFilterError(message, field=key)
    return value


def _sections(consultation: Consultation) -> Iterator[tuple[int, Section]]:
    """Every section of every version, numbered from 1 in the order of its draft."""
    for version in consultation.versions:
        yield from enumerate(version.sections, start=1)


def _section_ids(consultation: Consultation, wanted: str) -> set[int]:
    """The sections a filter names: by their place in the draft (1, 2…) or by a heading."""
    if wanted.isascii() and wanted.isdigit():  # "²" is a digit to isdigit(), not to int()
        return {s.id for place, s in _sections(consultation) if place == int(wanted)}
    folded = wanted.casefold()
    return {
        s.id
        for _, s in _sections(consultation)
        if any(folded == (heading or "").strip().casefold() for heading in s.heading.values())
    }


def _paragraph_numbers(consultation: Consultation) -> set[str]:
    return {p.number.strip() for _, section in _sections(consultation) for p in section.paragraphs}


def heading(section: Section, language: str) -> str:
    """A section's heading in the draft's original language, or in any it has."""
    return section.heading.get(language) or next(iter(section.heading.values()), "") or ""


def _submitted(consultation: Consultation, filters: ExportFilters) -> list[sa.ColumnElement]:
    """Conditions on the submission and organisation, shared by items and general comments."""
    conditions = [
        Submission.consultation_id == consultation.id,
        Submission.status == "submitted",
    ]
    if filters.kind:
        conditions.append(Organisation.kind == filters.kind)
    if filters.region:
        conditions.append(Organisation.region == filters.region)
    if filters.submitted_from:
        start = datetime.combine(filters.submitted_from, time(), tzinfo=UTC)
        conditions.append(Submission.submitted_at >= start)
    if filters.submitted_to:
        end = datetime.combine(filters.submitted_to + timedelta(days=1), time(), tzinfo=UTC)
        conditions.append(Submission.submitted_at < end)
    return conditions


def _unless_hidden(filters: ExportFilters, part: str, column: sa.ColumnElement) -> sa.ColumnElement:
    """The text, or "" where moderation hid it and the export does not ask for hidden texts."""
    if filters.hidden == "include":
        return column
    hidden = ParagraphFeedback.id.in_(moderation.hidden_targets(part))
    return sa.case((hidden, ""), else_=column)


def _items_query(consultation: Consultation, filters: ExportFilters) -> sa.Select:
    item = ParagraphFeedback
    comment = _unless_hidden(filters, "comment", item.comment)
    amendment = _unless_hidden(filters, "amendment", item.amendment)
    query = (
        sa.select(
            item.id,
            item.ref,
            Submission.version_id,
            Organisation.name,
            Organisation.kind,
            Organisation.region,
            Organisation.country,
            item.language,
            Paragraph.section_id,
            Paragraph.number,
            item.stance,
            comment,
            amendment,
            Submission.submitted_at,
        )  # fmt: skip
        .join(Submission, Submission.id == item.submission_id)
        .join(Organisation, Organisation.id == Submission.organisation_id)
        .join(Paragraph, Paragraph.id == item.paragraph_id)
        .join(Section, Section.id == Paragraph.section_id)
        .join(DocumentVersion, DocumentVersion.id == Section.version_id)
        .where(
            *_submitted(consultation, filters),
            sa.or_(item.stance.is_not(None), comment != "", amendment != ""),
        )
        .order_by(
            DocumentVersion.number, Section.position, Paragraph.position, Organisation.name, item.id
        )
    )
    if filters.section:
        query = query.where(Section.id.in_(_section_ids(consultation, filters.section)))
    if filters.paragraph:
        query = query.where(Paragraph.number == filters.paragraph)
    if filters.stance == "none":
        query = query.where(sa.or_(item.stance.is_(None), item.stance == "none"))
    elif filters.stance:
        query = query.where(item.stance == filters.stance)
    if filters.language:
        query = query.where(item.language == filters.language)
    return query


def _general_query(consultation: Consultation, filters: ExportFilters) -> sa.Select:
    query = (
        sa.select(
            Submission.id,
            Submission.version_id,
            Organisation.name,
            Organisation.kind,
            Organisation.region,
            Organisation.country,
            Submission.general_language,
            Submission.general_comment,
            Submission.submitted_at,
        )  # fmt: skip
        .join(Organisation, Organisation.id == Submission.organisation_id)
        .where(*_submitted(consultation, filters), sa.func.trim(Submission.general_comment) != "")
        .order_by(Organisation.name, Submission.id)
    )
    if filters.language:
        query = query.where(Submission.general_language == filters.language)
    if filters.hidden != "include":
        query = query.where(Submission.id.not_in(moderation.hidden_targets("general")))
    return query


def _iso(moment: datetime | None) -> str:
    """ISO 8601 in UTC, to the second: 2026-03-01T14:30:00Z."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def feedback_rows(
    consultation: Consultation, filters: ExportFilters, batch: int = BATCH
) -> Iterator[Row]:
    """The export's rows (see the module docstring), fetched `batch` at a time."""
    language, slug = consultation.original_language, consultation.slug
    versions = {v.id: v.number for v in consultation.versions}
    headings = {s.id: heading(s, language) for _, s in _sections(consultation)}
    options = {"yield_per": batch}
    for r in db.session.execute(_items_query(consultation, filters), execution_options=options):
        yield (
            r[0], r[1], slug, versions.get(r[2], ""), r[3], r[4], r[5], r[6], r[7] or "",
            headings.get(r[8], ""), r[9], r[10] or "none", r[11], r[12], _iso(r[13]),
        )  # fmt: skip
    if not _with_general_comments(filters):
        return
    for r in db.session.execute(_general_query(consultation, filters), execution_options=options):
        yield (
            f"g{r[0]}", "", slug, versions.get(r[1], ""), r[2], r[3], r[4], r[5], r[6] or "",
            "", "", "none", r[7], "", _iso(r[8]),
        )  # fmt: skip


def _with_general_comments(filters: ExportFilters) -> bool:
    """A general comment is on no section or paragraph and takes no stance."""
    return not (filters.section or filters.paragraph or filters.stance not in {None, "none"})


def count_rows(consultation: Consultation, filters: ExportFilters) -> int:
    """How many rows `feedback_rows` yields for these filters, counted by the database."""

    def count(query: sa.Select) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0

    total = count(_items_query(consultation, filters).order_by(None))
    if _with_general_comments(filters):
        total += count(_general_query(consultation, filters).order_by(None))
    return total


def export_rows(
    actor: User | None,
    consultation: Consultation,
    filters: ExportFilters,
    file_format: str,
    ip: str | None = None,
) -> Iterator[Row]:
    """The rows for `actor`, or Forbidden now; an audit event is written when they run out."""
    access.require(actor, "export.feedback", consultation)  # the rule its page and command ask
    if filters.hidden == "include":
        access.require(actor, "feedback.moderate", consultation)
    return _audited(actor, consultation, filters, file_format, ip)


def _audited(
    actor: User | None,
    consultation: Consultation,
    filters: ExportFilters,
    file_format: str,
    ip: str | None,
) -> Iterator[Row]:
    count, complete = 0, False
    try:
        for row in feedback_rows(consultation, filters):
            count += 1
            yield row
        complete = True
    finally:
        # Also when a download is cut short: the rows sent so far have left the platform.
        details = {"format": file_format, "filters": filters.as_dict(), "rows": count}
        try:
            audit.record(actor, "feedback.exported", consultation, ip, **details, complete=complete)
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            if complete:
                raise
