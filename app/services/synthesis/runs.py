"""Running syntheses: a row first, then a Celery chord of parts and a merge.

The chord's parts are each section's paragraphs and, beside them, the work on the whole
consultation that needs no section's result: its themes (campaigns, comment themes and
their register) and its questions (answers' themes, general comments). The merge then only
assembles them, so the longest work is spread over the workers instead of running last.
"""

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import Consultation, Submission, Synthesis, SynthesisPart, User
from app.models.common import utcnow
from app.services import queue
from app.services.accounts import access, audit
from app.services.errors import Conflict, DomainError, NotFound
from app.services.mail import outbox
from app.services.notifications import events
from app.services.synthesis import vector_jobs

log = logging.getLogger(__name__)

AUDIENCES = ("", "council", "public")
MAX_DISPATCHES = 5
# The parts of the whole consultation, the longest first: each worker takes one as it
# frees, so the themes (the long pole at 100,000 comments) start at once.
WHOLE_PARTS = ("themes", "questions")
SECTION_PREFIX = "section:"


def section_part(section_id: int) -> str:
    """The name of a section's part."""
    return f"{SECTION_PREFIX}{section_id}"


def section_of(part: str) -> int | None:
    """The section id a part's name holds, None for a part of the whole consultation."""
    return int(part[len(SECTION_PREFIX) :]) if part.startswith(SECTION_PREFIX) else None


def part_names(synthesis: Synthesis) -> list[str]:
    """Every part of the synthesis, in the order they are sent."""
    sections = synthesis.consultation.current_version.sections
    return [*WHOLE_PARTS, *(section_part(s.id) for s in sections)]


def watermark(consultation: Consultation) -> dict:
    """What a synthesis reads: the submitted submissions at this moment, and their versions."""
    rows = db.session.execute(
        sa.select(Submission.id, Submission.lock_version)
        .where(Submission.consultation_id == consultation.id, Submission.status == "submitted")
        .order_by(Submission.id)
    ).all()
    return {
        "submission_ids": [r.id for r in rows],
        "lock_versions": {str(r.id): r.lock_version for r in rows},
        "submissions": len(rows),
        "taken_at": utcnow().isoformat(),
    }


def request_synthesis(
    actor: User, consultation: Consultation, ip: str | None = None, allow_empty: bool = False
) -> Synthesis:
    """Queue a synthesis of what has been submitted (refused when nothing is, unless
    `allow_empty`); one already under way is returned instead."""
    access.require(actor, "synthesis.run")
    under_way = db.session.scalar(
        sa.select(Synthesis).where(
            Synthesis.consultation_id == consultation.id,
            Synthesis.status.in_(("queued", "running")),
        )
    )
    if under_way is not None:
        return under_way
    taken = watermark(consultation)
    if not taken["submissions"] and not allow_empty:
        raise Conflict(
            _l(
                "There is nothing to compile yet: no organisation has submitted its feedback."
                " A synthesis reads submitted feedback only; drafts stay with their authors."
            )
        )
    number = (
        db.session.scalar(
            sa.select(sa.func.max(Synthesis.number)).where(
                Synthesis.consultation_id == consultation.id
            )
        )
        or 0
    ) + 1
    synthesis = Synthesis(
        consultation=consultation,
        number=number,
        watermark=taken,
        requested_by_id=getattr(actor, "id", None),
    )
    db.session.add(synthesis)
    audit.record(actor, "synthesis.requested", synthesis, ip=ip, number=number)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # another request took the number a moment before
        db.session.rollback()
        return request_synthesis(actor, consultation, ip)
    dispatch(synthesis)
    return synthesis


def dispatch(synthesis: Synthesis) -> bool:
    """Send the chord for the sections not done yet; False when it is not sent now.

    A synthesis never sent waits while vector batches of its consultation are pending
    (the last batch sends it, the sweeper checks on it), up to `vector_jobs.wait_over`:
    then its sections compute what is still missing. Sending is claimed by one UPDATE, so
    the request, a batch and the sweeper never send the same synthesis twice.
    """
    seen = synthesis.dispatches
    if (
        seen == 0
        and vector_jobs.pending(synthesis.consultation_id)
        and not vector_jobs.wait_over(synthesis.created_at)
    ):
        synthesis.heartbeat_at = utcnow()
        db.session.commit()
        return False
    done = {p.name for p in synthesis.parts if p.finished_at is not None}
    missing = [name for name in part_names(synthesis) if name not in done]
    claimed = db.session.execute(
        sa.update(Synthesis)
        .where(Synthesis.id == synthesis.id, Synthesis.dispatches == seen)
        .values(dispatches=seen + 1, heartbeat_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    db.session.refresh(synthesis)
    if claimed != 1:
        return True  # sent meanwhile by another process
    try:
        queue.enqueue_synthesis(synthesis.id, missing)
    except Exception:  # noqa: BLE001 - the sweeper dispatches it again
        log.warning(
            "synthesis %s not dispatched; the sweeper will retry", synthesis.id, exc_info=True
        )
        return False
    return True


def after_vectors(consultation_id: int) -> int:
    """Send the consultation's syntheses that waited for vector batches, once none is left."""
    if vector_jobs.pending(consultation_id):
        return 0
    waiting = db.session.scalars(
        sa.select(Synthesis).where(
            Synthesis.consultation_id == consultation_id,
            Synthesis.status == "queued",
            Synthesis.dispatches == 0,
        )
    ).all()
    return sum(dispatch(synthesis) for synthesis in waiting)


def sweep(now=None) -> int:
    """Dispatch again the syntheses whose messages a lost broker or worker dropped."""
    now = now or utcnow()
    # A synthesis that has not moved for this long lost its messages: dispatch it again.
    stale_after = timedelta(seconds=current_app.config["SYNTHESIS_STALE_SECONDS"])
    stale = db.session.scalars(
        sa.select(Synthesis).where(
            Synthesis.status.in_(("queued", "running")),
            Synthesis.heartbeat_at < now - stale_after,
        )
    ).all()
    for synthesis in stale:
        if synthesis.dispatches >= MAX_DISPATCHES:
            fail(synthesis.id, "The synthesis was dispatched too many times without finishing.")
        else:
            dispatch(synthesis)
    return len(stale)


def beat(synthesis_id: int, progress: int | None = None) -> Synthesis | None:
    """Mark a synthesis alive (and its progress); None if it no longer needs work."""
    synthesis = db.session.get(Synthesis, synthesis_id)
    if synthesis is None or synthesis.status in ("done", "failed"):
        return None
    synthesis.status, synthesis.heartbeat_at = "running", utcnow()
    if progress is not None:
        synthesis.progress = max(synthesis.progress, progress)
    db.session.commit()
    return synthesis


def store_part(synthesis_id: int, name: str, result: dict) -> None:
    """Keep a part's result once, with what the session holds besides (the themes' register);
    a redelivered task finds the part there and stops, and a twin finishing at the same
    moment leaves nothing of its own."""
    if part_done(synthesis_id, name):
        db.session.rollback()
        return
    db.session.add(
        SynthesisPart(
            synthesis_id=synthesis_id,
            name=name,
            section_id=section_of(name),
            result=result,
            finished_at=utcnow(),
        )
    )
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()  # the same part, finished by a twin delivery
        return
    synthesis = db.session.get(Synthesis, synthesis_id)
    total = len(part_names(synthesis))
    done = db.session.scalar(
        sa.select(sa.func.count(SynthesisPart.id)).where(SynthesisPart.synthesis_id == synthesis_id)
    )
    # The parts take 90% of the work; the merge the rest.
    synthesis.progress = max(synthesis.progress, int(90 * done / total))
    synthesis.heartbeat_at = utcnow()
    db.session.commit()


def part_done(synthesis_id: int, name: str) -> bool:
    return bool(
        db.session.scalar(
            sa.select(SynthesisPart.id).where(
                SynthesisPart.synthesis_id == synthesis_id, SynthesisPart.name == name
            )
        )
    )


def finish(synthesis_id: int, result: dict) -> bool:
    """Write the merged result once; False when another delivery already did."""
    updated = db.session.execute(
        sa.update(Synthesis)
        .where(Synthesis.id == synthesis_id, Synthesis.status != "done")
        .values(status="done", progress=100, result=result, finished_at=utcnow(), error="")
    ).rowcount
    db.session.commit()
    return updated == 1


def fail(synthesis_id: int, reason: str) -> None:
    """Record the final failure and its reason, for staff to read and retry."""
    db.session.execute(
        sa.update(Synthesis)
        .where(Synthesis.id == synthesis_id, Synthesis.status != "done")
        .values(status="failed", error=reason[:2000], finished_at=utcnow())
    )
    db.session.commit()


def retry(actor: User, synthesis: Synthesis, ip: str | None = None) -> Synthesis:
    """Run a failed synthesis again, keeping the parts already done."""
    access.require(actor, "synthesis.run")
    if synthesis.status != "failed":
        raise Conflict(_l("Only a failed synthesis can be retried."))
    synthesis.status, synthesis.error, synthesis.finished_at = "queued", "", None
    synthesis.dispatches = 0
    audit.record(actor, "synthesis.retried", synthesis, ip=ip)
    db.session.commit()
    dispatch(synthesis)
    return synthesis


def release(actor: User, synthesis: Synthesis, audience: str, ip: str | None = None) -> None:
    """Release a finished synthesis to the Council, to the public, or withdraw it ("")."""
    access.require(actor, "synthesis.run")
    if audience not in AUDIENCES:
        raise DomainError(_l("Choose who may read the synthesis."), field="audience")
    if synthesis.status != "done":
        raise Conflict(_l("Only a finished synthesis can be released."))
    if audience == "public" and not access.quotes_consented(synthesis):
        raise Conflict(
            _l(
                "Synthesis %(number)d cannot be published to everyone: it quotes and names "
                "organisations that did not allow their feedback to be published with their "
                "name. Release it to the Council.",
                number=synthesis.number,
            )
        )
    synthesis.released_to = audience
    synthesis.released_at = utcnow() if audience else None
    audit.record(actor, "synthesis.released", synthesis, ip=ip, audience=audience)
    messages = events.synthesis_released(synthesis)
    db.session.commit()
    outbox.relay(*messages)


def withheld_from_public(actor: User, syntheses: list[Synthesis]) -> set[int]:
    """The ids of the finished syntheses the public may not read, whoever they are released
    to: they quote and name organisations that did not allow publication with their name."""
    access.require(actor, "synthesis.run")
    return {s.id for s in syntheses if s.status == "done" and not access.quotes_consented(s)}


def readable(user: User | None, consultation: Consultation) -> list[Synthesis]:
    """The consultation's syntheses this user may read, newest first."""
    rows = db.session.scalars(
        sa.select(Synthesis)
        .where(Synthesis.consultation_id == consultation.id)
        .order_by(Synthesis.number.desc())
    ).all()
    return [s for s in rows if access.can(user, "synthesis.read", s)]


def get_readable(user: User | None, consultation: Consultation, number: int | None) -> Synthesis:
    """The numbered finished synthesis (or the latest) if the user may read it; else 404."""
    finished = [s for s in readable(user, consultation) if s.status == "done"]
    found = next((s for s in finished if number is None or s.number == number), None)
    if found is None:
        raise NotFound(_l("There is no synthesis to show here."))
    return found


def get_any(actor: User, consultation: Consultation, number: int) -> Synthesis:
    """Any synthesis of the consultation, finished or not, for the staff who run them."""
    access.require(actor, "synthesis.run")
    found = db.session.scalar(
        sa.select(Synthesis).where(
            Synthesis.consultation_id == consultation.id, Synthesis.number == number
        )
    )
    if found is None:
        raise NotFound(_l("There is no synthesis to show here."))
    return found
