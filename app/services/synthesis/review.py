"""The Council's review of a synthesis: finding it, notes on paragraphs, decisions on
proposed wordings, and two syntheses side by side."""

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import (
    AmendmentDecision,
    Consultation,
    CouncilNote,
    Paragraph,
    Synthesis,
    User,
)
from app.models.common import utcnow
from app.models.synthesis import DECISIONS
from app.services.accounts import access, audit
from app.services.errors import DomainError, NotFound
from app.services.synthesis import runs, schema

MAX_TEXT = 5_000

AUDIENCES = {"": _l("Not released"), "council": _l("The Council"), "public": _l("Everyone")}


# -- Finding a synthesis -------------------------------------------------------------------


def readable(user: User | None, consultation: Consultation) -> list[Synthesis]:
    """The consultation's syntheses this user may read, newest first."""
    if not access.can(user, "consultation.read", consultation):
        raise NotFound(_l("There is no synthesis to show here."))
    return runs.readable(user, consultation)


def released_to(user: User | None) -> list[tuple[Consultation, list[Synthesis]]]:
    """Every finished synthesis this user may read, by consultation, newest consultation first."""
    rows = db.session.execute(
        sa.select(Synthesis, Consultation)
        .join(Consultation, Consultation.id == Synthesis.consultation_id)
        .where(Synthesis.status == "done", Synthesis.released_to.in_(("council", "public")))
        .order_by(Consultation.id.desc(), Synthesis.number.desc())
    ).all()
    grouped: dict[int, tuple[Consultation, list[Synthesis]]] = {}
    for synthesis, consultation in rows:
        if access.can(user, "synthesis.read", synthesis) and synthesis.result:
            grouped.setdefault(consultation.id, (consultation, []))[1].append(synthesis)
    return list(grouped.values())


def get(user: User | None, consultation: Consultation, number: int) -> Synthesis:
    """A finished synthesis the user may read; NotFound for anyone who may not know of it."""
    if not access.can(user, "consultation.read", consultation):
        raise NotFound(_l("There is no synthesis to show here."))
    synthesis = runs.get_readable(user, consultation, number)
    if not synthesis.result:
        raise NotFound(_l("There is no synthesis to show here."))
    return synthesis


def paragraph_of(synthesis: Synthesis, number: str) -> schema.ParagraphResult:
    """The paragraph numbered `number` in the synthesis, or NotFound."""
    for paragraph in schema.result_of(synthesis).paragraphs:
        if paragraph.number == number:
            return paragraph
    raise NotFound(_l("This synthesis has no paragraph %(number)s.", number=number))


def neighbours(synthesis: Synthesis, number: str) -> tuple[str | None, str | None]:
    """The numbers of the paragraphs before and after `number`."""
    numbers = [p.number for p in schema.result_of(synthesis).paragraphs]
    at = numbers.index(number)
    return (numbers[at - 1] if at else None, numbers[at + 1] if at + 1 < len(numbers) else None)


# -- Notes and decisions -------------------------------------------------------------------


def _clean(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _check_text(text: str, field: str, missing) -> None:
    if not text:
        raise DomainError(missing, field=field)
    if len(text) > MAX_TEXT:
        raise DomainError(_l("Use at most %(n)s characters.", n=f"{MAX_TEXT:,}"), field=field)


def notes_on(
    reader: User | None, synthesis: Synthesis, paragraph: schema.ParagraphResult
) -> list[CouncilNote]:
    """The Council's notes on a paragraph (by its number), from any synthesis, oldest first."""
    access.require(reader, "synthesis.read", synthesis)
    return list(
        db.session.scalars(
            sa.select(CouncilNote)
            .join(Paragraph, CouncilNote.paragraph_id == Paragraph.id)
            .where(
                CouncilNote.consultation_id == synthesis.consultation_id,
                Paragraph.number == paragraph.number,
            )
            .options(so.selectinload(CouncilNote.author))
            .order_by(CouncilNote.created_at, CouncilNote.id)
        )
    )


def add_note(
    user: User,
    synthesis: Synthesis,
    paragraph: schema.ParagraphResult,
    text: str,
    ip: str | None = None,
) -> CouncilNote:
    """Add a Council member's note on a paragraph."""
    access.require(user, "synthesis.review", synthesis)
    text = _clean(text)
    _check_text(text, "note", _l("Write the note."))
    note = CouncilNote(
        consultation_id=synthesis.consultation_id,
        paragraph_id=paragraph.id,
        author_id=user.id,
        text=text,
    )
    db.session.add(note)
    db.session.flush()
    audit.record(
        user,
        "council.note_added",
        note,
        ip,
        synthesis=synthesis.number,
        paragraph=paragraph.number,
    )
    db.session.commit()
    return note


def group_of(paragraph: schema.ParagraphResult, key: str) -> schema.AmendmentGroup:
    """The paragraph's amendment group with this key, or NotFound."""
    for group in paragraph.amendment_groups:
        if group.key == key:
            return group
    raise NotFound(_l("This paragraph has no such group of proposed wordings."))


def decisions_of(synthesis: Synthesis) -> dict[str, AmendmentDecision]:
    """The Council's decisions on the synthesis' amendment groups, by group key."""
    rows = db.session.scalars(
        sa.select(AmendmentDecision)
        .where(AmendmentDecision.synthesis_id == synthesis.id)
        .options(so.selectinload(AmendmentDecision.decided_by))
    )
    return {row.group_key: row for row in rows}


def decide(
    user: User,
    synthesis: Synthesis,
    paragraph: schema.ParagraphResult,
    key: str,
    decision: str,
    reason: str,
    ip: str | None = None,
) -> AmendmentDecision:
    """Record (or change) the decision on a group of proposed wordings, with its reason.

    One decision per group and synthesis: a change overwrites it with the new author and
    time, and the audit trail keeps what it replaced.
    """
    access.require(user, "synthesis.review", synthesis)
    group_of(paragraph, key)
    if decision not in DECISIONS:
        raise DomainError(_l("Choose accept, accept in part or reject."), field="decision")
    reason = _clean(reason)
    _check_text(reason, "reason", _l("Give the reason for this decision."))
    try:
        row = _write_decision(user, synthesis, paragraph, key, decision, reason, ip)
        db.session.commit()
    except sa.exc.IntegrityError:
        # Another member decided on the same group at the same moment: overwrite theirs.
        db.session.rollback()
        row = _write_decision(user, synthesis, paragraph, key, decision, reason, ip)
        db.session.commit()
    return row


def _write_decision(user, synthesis, paragraph, key, decision, reason, ip) -> AmendmentDecision:
    row = db.session.scalar(
        sa.select(AmendmentDecision).where(
            AmendmentDecision.synthesis_id == synthesis.id, AmendmentDecision.group_key == key
        )
    )
    previous = (row.decision, row.reason) if row else (None, None)
    if row is None:
        row = AmendmentDecision(synthesis_id=synthesis.id, paragraph_id=paragraph.id, group_key=key)
        db.session.add(row)
    row.decision, row.reason = decision, reason
    row.decided_by_id, row.decided_at = user.id, utcnow()
    db.session.flush()
    audit.record(
        user,
        "synthesis.decision",
        row,
        ip,
        synthesis=synthesis.number,
        paragraph=paragraph.number,
        decision=decision,
        reason=reason,
        previous_decision=previous[0],
        previous_reason=previous[1],
    )
    return row


# -- Two syntheses side by side ------------------------------------------------------------


@dataclass
class CompareRow:
    key: str
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass
class ParagraphComparison:
    number: str
    before: dict[str, int] | None
    after: dict[str, int] | None

    def delta(self, stance: str) -> int:
        return (self.after or {}).get(stance, 0) - (self.before or {}).get(stance, 0)


@dataclass
class Comparison:
    totals: list[CompareRow]
    groups: dict[str, list[CompareRow]]
    paragraphs: list[ParagraphComparison]


def compare(before: Synthesis, after: Synthesis) -> Comparison:
    """Participation and stance counts of two syntheses, paragraphs matched by number."""
    first, second = schema.result_of(before), schema.result_of(after)
    pa, pb = first.participation, second.participation
    totals = [
        CompareRow(k, int(getattr(pa, k)), int(getattr(pb, k)))
        for k in ("submissions", "organisations")
    ]
    groups = {}
    for name in ("by_kind", "by_region", "by_language"):
        a, b = getattr(pa, name), getattr(pb, name)
        keys = sorted(set(a) | set(b), key=lambda k: (-int(b.get(k, 0)), k))
        groups[name] = [CompareRow(k, int(a.get(k, 0)), int(b.get(k, 0))) for k in keys]
    counts_a = {p.number: p.stance_counts for p in first.paragraphs}
    counts_b = {p.number: p.stance_counts for p in second.paragraphs}
    numbers = list(dict.fromkeys([*counts_b, *counts_a]))
    paragraphs = [ParagraphComparison(n, counts_a.get(n), counts_b.get(n)) for n in numbers]
    return Comparison(totals, groups, paragraphs)
