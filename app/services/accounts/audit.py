"""The audit trail: writing it, reading it, and proving that no line was changed.

Every line carries `chain`, a SHA-256 of its content and of the line before's chain, so a
line altered or removed in the database breaks the chain from there on; `verify` (and
`flask audit verify`) recomputes it. The product only ever adds lines: there is no path
that updates or deletes one.
"""

import hashlib
import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditChainHead, AuditEvent, Consultation, Organisation, User
from app.models.common import utcnow
from app.services.accounts import access

PAGE_SIZE = 50
HEAD_ID = 1


def record(
    actor: User | None,
    action: str,
    obj: object = None,
    ip: str | None = None,
    **details: object,
) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=getattr(obj, "id", None),
        details={k: v for k, v in details.items() if v is not None},
        ip=ip,
        at=utcnow(),
    )
    event.chain = _link(_content(event))
    db.session.add(event)
    return event


def _content(event: AuditEvent) -> str:
    """The canonical text of a line: what its chain seals."""
    return json.dumps(
        [
            event.actor_id,
            event.action,
            event.object_type,
            event.object_id,
            event.details,
            event.ip,
            event.at.isoformat(timespec="microseconds"),
        ],
        sort_keys=True,
        ensure_ascii=True,
        default=str,
    )


def _seal(previous: str, content: str) -> str:
    return hashlib.sha256(f"{previous}\n{content}".encode()).hexdigest()


def _link(content: str) -> str:
    """The chain of a new line, taking the head row for this transaction first."""
    # Writing the head before reading it locks it (a row lock on PostgreSQL, the write lock
    # on SQLite) until the caller commits, so no other line can follow the same one.
    taken = db.session.execute(
        sa.update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .values(lines=AuditChainHead.lines + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:  # the first line ever written
        db.session.add(AuditChainHead(id=HEAD_ID, chain="", lines=1))
        db.session.flush()
    previous = db.session.scalar(
        sa.select(AuditChainHead.chain).where(AuditChainHead.id == HEAD_ID)
    )
    chain = _seal(previous or "", content)
    db.session.execute(
        sa.update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .values(chain=chain)
        .execution_options(synchronize_session=False)
    )
    return chain


@dataclass(frozen=True)
class Verification:
    """The result of recomputing the chain."""

    lines: int
    broken_at: int | None  # id of the first line whose chain does not follow

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(batch: int = 5_000) -> Verification:
    """Recompute every line's chain in order, from the first line or the last one purged."""
    head = db.session.get(AuditChainHead, HEAD_ID)
    previous = head.anchor if head else ""
    lines = 0
    last_id = 0
    while True:
        events = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.id > last_id)
            .order_by(AuditEvent.id)
            .limit(batch)
        ).all()
        if not events:
            break
        for event in events:
            lines += 1
            if event.chain != _seal(previous, _content(event)):
                return Verification(lines, event.id)
            previous = event.chain
        last_id = events[-1].id
    if head is not None and head.chain != previous:
        return Verification(lines, last_id)  # the newest lines were removed
    return Verification(lines, None)


@dataclass(frozen=True)
class AuditFilters:
    """What a reader narrows the trail to; every field optional."""

    person: str = ""  # part of a name or email
    organisation_id: int | None = None
    action: str = ""  # an action or a prefix such as "auth."
    consultation_id: int | None = None
    since: date | None = None
    until: date | None = None


def _query(filters: AuditFilters) -> sa.Select:
    query = sa.select(AuditEvent, User).outerjoin(User, User.id == AuditEvent.actor_id)
    if filters.person:
        pattern = f"%{filters.person.lower()}%"
        query = query.where(
            sa.or_(sa.func.lower(User.name).like(pattern), sa.func.lower(User.email).like(pattern))
        )
    if filters.organisation_id:
        query = query.where(User.organisation_id == filters.organisation_id)
    if filters.action:
        query = query.where(
            sa.or_(
                AuditEvent.action == filters.action, AuditEvent.action.like(f"{filters.action}.%")
            )
        )
    if filters.consultation_id:
        query = query.where(
            sa.and_(
                AuditEvent.object_type == "consultation",
                AuditEvent.object_id == filters.consultation_id,
            )
        )
    if filters.since:
        query = query.where(AuditEvent.at >= datetime.combine(filters.since, time.min, tzinfo=UTC))
    if filters.until and filters.until < date.max:  # the last day has no day after it
        end = datetime.combine(filters.until, time.min, tzinfo=UTC) + timedelta(days=1)
        query = query.where(AuditEvent.at < end)
    return query.order_by(AuditEvent.id.desc())


@dataclass(frozen=True)
class AuditPage:
    """One page of lines, newest first."""

    lines: list[tuple[AuditEvent, User | None]]
    page: int
    pages: int
    total: int


def search(reader: User, filters: AuditFilters, page: int = 1) -> AuditPage:
    """The lines a staff member or administrator asked for, a page at a time."""
    access.require(reader, "audit.read")
    query = _query(filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    lines = db.session.execute(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return AuditPage([(row.AuditEvent, row.User) for row in lines], page, pages, total)


def export_lines(
    reader: User, filters: AuditFilters, ip: str | None = None
) -> Iterator[tuple[AuditEvent, User | None]]:
    """Every line that matches, for a CSV file; the export itself is a line of the trail.

    The check and the record happen now, before the caller starts streaming the rows.
    """
    access.require(reader, "audit.read")
    record(reader, "audit.exported", ip=ip, **_described(filters))
    db.session.commit()
    return _lines(filters)


def _lines(filters: AuditFilters) -> Iterator[tuple[AuditEvent, User | None]]:
    # Queried when the stream starts, not before: the request's session has ended by then, and
    # rows loaded in it could no longer load what the CSV reads of them.
    rows = db.session.execute(_query(filters).execution_options(yield_per=1_000))
    for row in rows:
        yield row.AuditEvent, row.User


def _described(filters: AuditFilters) -> dict[str, object]:
    return {
        "person": filters.person or None,
        "organisation_id": filters.organisation_id,
        "action_filter": filters.action or None,
        "consultation_id": filters.consultation_id,
        "since": filters.since.isoformat() if filters.since else None,
        "until": filters.until.isoformat() if filters.until else None,
    }


@dataclass(frozen=True)
class FilterChoices:
    """What the filters of the trail offer: actions written so far, organisations, consultations."""

    actions: list[str]
    organisations: list[tuple[int, str]]
    consultations: list[tuple[int, str]]


def filter_choices(reader: User) -> FilterChoices:
    """The values a reader of the trail can narrow it to."""
    access.require(reader, "audit.read")
    actions = db.session.scalars(
        sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    )
    organisations = db.session.execute(
        sa.select(Organisation.id, Organisation.name).order_by(Organisation.name)
    )
    consultations = db.session.execute(
        sa.select(Consultation.id, Consultation.slug).order_by(Consultation.slug)
    )
    return FilterChoices(
        list(actions),
        [(row.id, row.name) for row in organisations],
        [(row.id, row.slug) for row in consultations],
    )


def erased_people() -> frozenset[int | tuple[str, int]]:
    """The ids of erased accounts, and ("organisation", id) for each erased organisation (a
    step of the trail's page and CSV, which asked access)."""
    people = db.session.scalars(sa.select(User.id).where(User.erased_at.is_not(None)))
    organisations = db.session.scalars(
        sa.select(Organisation.id).where(Organisation.erased_at.is_not(None))
    )
    return frozenset([*people, *(("organisation", o) for o in organisations)])


# What a line's details say that names what was erased since: the email typed at a sign-in,
# the name an organisation was saved under.
_NAMING = {"user": "email", "organisation": "name"}


def shown_details(event: AuditEvent, erased: Collection[object] = ()) -> dict:
    """A line's details as readers see them: what names a person or organisation erased since
    is left out (the line itself, sealed in the chain, is never changed)."""
    key = _NAMING.get(event.object_type or "")
    if key is None or key not in event.details:
        return event.details
    marker = (
        event.object_id if event.object_type == "user" else (event.object_type, event.object_id)
    )
    if marker in erased:
        return {name: value for name, value in event.details.items() if name != key}
    return event.details


def details_text(event: AuditEvent, erased: Collection[int] = ()) -> str:
    """A line's details as one line of JSON, control characters escaped."""
    return json.dumps(shown_details(event, erased), sort_keys=True, ensure_ascii=False, default=str)
