"""Retention: what the platform stops keeping once its time is up, on a schedule.

Each kind of personal data has its own period in the configuration (days; 0 keeps it for
ever): unaccepted invitations are erased like a person, finished exports' records deleted,
the ended ways of being signed in forgotten (a browser session is a signed cookie that
leaves no row; what outlives it here are API tokens, emailed links and recovery codes),
the oldest audit lines removed (the chain head keeps where the kept lines start, so
`flask audit verify` still passes), and archived consultations lose who edited what while
the organisations' feedback stays. `plan` counts what `run` would remove.
"""

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import (
    AccountToken,
    Answer,
    ApiToken,
    AuditChainHead,
    AuditEvent,
    Consultation,
    ExportJob,
    ParagraphFeedback,
    RecoveryCode,
    Submission,
    SubmissionRevision,
    User,
)
from app.models.common import utcnow
from app.services.accounts import audit, erasure
from app.services.exports import jobs

SETTINGS = {
    "invitations": "RETENTION_INVITATION_DAYS",
    "exports": "RETENTION_EXPORT_DAYS",
    "sessions": "RETENTION_SESSION_DAYS",
    "audit_lines": "RETENTION_AUDIT_DAYS",
    "archived_consultations": "RETENTION_ARCHIVED_DAYS",
}


@dataclass
class Purge:
    """How many of each would go (a plan) or went (a run)."""

    invitations: int = 0
    exports: int = 0
    sessions: int = 0
    audit_lines: int = 0
    archived_consultations: int = 0

    @property
    def total(self) -> int:
        return sum(asdict(self).values())


def _cutoff(kind: str, now: datetime) -> datetime | None:
    days = int(current_app.config.get(SETTINGS[kind], 0) or 0)
    return now - timedelta(days=days) if days > 0 else None


def _stale_invitations(cutoff: datetime | None) -> sa.Select:
    """Accounts invited before the cutoff that never chose a password."""
    return sa.select(User).where(
        User.password_hash.is_(None),
        User.last_login_at.is_(None),
        User.erased_at.is_(None),
        User.created_at < cutoff,
    )


def _old_exports(cutoff: datetime | None) -> sa.Select:
    """Finished export jobs asked for before the cutoff (their files expired long ago)."""
    return sa.select(ExportJob).where(
        ExportJob.status.in_(jobs.FINISHED), ExportJob.created_at < cutoff
    )


def _ended_sign_ins(cutoff: datetime) -> list[tuple[type, sa.ColumnElement[bool]]]:
    """What the server keeps of ways of being signed in that ended before the cutoff: API
    tokens revoked or expired, emailed sign-in links used or expired, recovery codes used.

    A browser session is a signed cookie with no row of its own (the account's counter ends
    them all at once), so these rows are the whole of what its sign-ins leave behind here,
    besides the audit lines, which keep to their own period.
    """
    return [
        (ApiToken, sa.or_(ApiToken.revoked_at < cutoff, ApiToken.expires_at < cutoff)),
        (AccountToken, sa.or_(AccountToken.used_at < cutoff, AccountToken.expires_at < cutoff)),
        (RecoveryCode, RecoveryCode.used_at < cutoff),
    ]


def _last_old_line(cutoff: datetime | None) -> int | None:
    """The newest line written before the cutoff: it and every line before it go."""
    if cutoff is None:
        return None
    return db.session.scalar(sa.select(sa.func.max(AuditEvent.id)).where(AuditEvent.at < cutoff))


def _archived(cutoff: datetime | None) -> list[Consultation]:
    """Archived consultations closed before the cutoff that still name who edited them."""
    closed = sa.func.coalesce(Consultation.closes_at, Consultation.created_at)
    named = sa.or_(
        sa.exists().where(SubmissionRevision.submission_id == Submission.id),
        Submission.updated_by_id.is_not(None),
        Submission.submitted_by_id.is_not(None),
        Submission.general_updated_by_id.is_not(None),
    )
    return list(
        db.session.scalars(
            sa.select(Consultation)
            .where(
                Consultation.status == "archived",
                closed < cutoff,
                sa.exists().where(Submission.consultation_id == Consultation.id, named),
            )
            .order_by(Consultation.id)
        )
    )


def plan(now: datetime | None = None) -> Purge:
    """What a run now would remove, counted; nothing changes."""
    now = now or utcnow()
    found = Purge()
    if cutoff := _cutoff("invitations", now):
        found.invitations = _count(_stale_invitations(cutoff))
    if cutoff := _cutoff("exports", now):
        found.exports = _count(_old_exports(cutoff))
    if cutoff := _cutoff("sessions", now):
        found.sessions = sum(
            _count(sa.select(model.id).where(ended)) for model, ended in _ended_sign_ins(cutoff)
        )
    last = _last_old_line(_cutoff("audit_lines", now))
    if last is not None:
        found.audit_lines = _count(sa.select(AuditEvent.id).where(AuditEvent.id <= last))
    if cutoff := _cutoff("archived_consultations", now):
        found.archived_consultations = len(_archived(cutoff))
    return found


def _count(query: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def run(now: datetime | None = None) -> Purge:
    """Remove what is kept past its time, part by part, each part committed on its own."""
    now = now or utcnow()
    done = Purge()
    if cutoff := _cutoff("invitations", now):
        for user in db.session.scalars(_stale_invitations(cutoff)).all():
            erasure.pseudonymise(user)
            done.invitations += 1
        db.session.commit()
    if cutoff := _cutoff("exports", now):
        folder = jobs.export_folder()
        for job in db.session.scalars(_old_exports(cutoff)).all():
            if job.stored_as:
                (folder / job.stored_as).unlink(missing_ok=True)
            db.session.delete(job)
            done.exports += 1
        db.session.commit()
    if cutoff := _cutoff("sessions", now):
        for model, ended in _ended_sign_ins(cutoff):
            done.sessions += db.session.execute(sa.delete(model).where(ended)).rowcount
        db.session.commit()
    done.audit_lines = _purge_audit(_cutoff("audit_lines", now))
    if cutoff := _cutoff("archived_consultations", now):
        for consultation in _archived(cutoff):
            _forget_editors(consultation)
            done.archived_consultations += 1
        db.session.commit()
    if done.total:
        audit.record(None, "retention.purged", None, **asdict(done))
        db.session.commit()
    return done


def _purge_audit(cutoff: datetime | None) -> int:
    """Remove the oldest lines; the head's anchor becomes the chain of the last one removed."""
    last = _last_old_line(cutoff)
    if last is None:
        return 0
    # Taking the head row first orders this purge with every line being written meanwhile.
    db.session.execute(
        sa.update(AuditChainHead)
        .where(AuditChainHead.id == audit.HEAD_ID)
        .values(anchor=sa.select(AuditEvent.chain).where(AuditEvent.id == last).scalar_subquery())
        .execution_options(synchronize_session=False)
    )
    removed = db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id <= last)).rowcount
    db.session.commit()
    return removed


def _forget_editors(consultation: Consultation) -> None:
    """Keep each organisation's feedback but no longer who wrote, changed or sent it."""
    ids = sa.select(Submission.id).where(Submission.consultation_id == consultation.id)
    db.session.execute(
        sa.delete(SubmissionRevision).where(SubmissionRevision.submission_id.in_(ids))
    )
    for model in (ParagraphFeedback, Answer):
        db.session.execute(
            sa.update(model)
            .where(model.submission_id.in_(ids))
            .values(updated_by_id=None)
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        sa.update(Submission)
        .where(Submission.consultation_id == consultation.id)
        .values(updated_by_id=None, submitted_by_id=None, general_updated_by_id=None)
        .execution_options(synchronize_session=False)
    )
