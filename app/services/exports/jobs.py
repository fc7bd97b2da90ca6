"""Export jobs: files too big to stream, written by a worker and kept a while for their requester.

A job is a row first, committed with its outbox message; the worker claims it, writes the
file under a temporary name and renames it when complete, so a file that can be
downloaded is always whole. Only the requester may see a job or download its file, and
only until it expires; `purge_expired` then deletes the file.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import Consultation, ExportJob, OutboxMessage, Synthesis, User
from app.models.common import utcnow
from app.services.accounts import access, audit
from app.services.errors import Conflict, DomainError, Forbidden, NotFound
from app.services.exports.feedback_rows import ExportFilters, count_rows
from app.services.exports.job_writers import WRITERS, Writer
from app.services.mail import outbox

log = logging.getLogger(__name__)

RUN_TASK = "app.tasks.exports.run_export"
STREAMABLE = frozenset({"csv", "json"})
FINISHED = frozenset({"done", "failed", "expired"})
LISTED_DAYS = 7
# Claims of one job (a retry after an error, a take-over after silence): past this, a job
# that keeps failing or killing its worker fails for good instead of going round forever.
MAX_ATTEMPTS = 5
# Reports and exports one person may have queued or running at once.
MAX_ACTIVE_JOBS = 3
ACTIVE = ("queued", "running")


@dataclass(frozen=True)
class Delivery:
    """A job's file as the web server sends it."""

    path: Path
    filename: str
    mimetype: str


def export_folder() -> Path:
    configured = current_app.config["EXPORT_FOLDER"]
    return Path(configured) if configured else Path(current_app.config["INSTANCE_DIR"]) / "exports"


def streams(consultation: Consultation, filters: ExportFilters, file_format: str) -> bool:
    """Whether this feedback export goes straight to the browser rather than through a job."""
    if file_format not in STREAMABLE:
        return False
    return count_rows(consultation, filters) <= current_app.config["EXPORT_STREAM_LIMIT"]


def start(
    actor: User,
    kind: str,
    file_format: str,
    consultation: Consultation,
    *,
    synthesis: Synthesis | None = None,
    filters: dict[str, str] | None = None,
    language: str = "en",
    ip: str | None = None,
) -> ExportJob:
    """Queue an export for `actor`; the worker is told once the job is committed."""
    writer = _writer(kind, file_format)
    access.require(actor, writer.rule, synthesis or consultation)
    if (filters or {}).get("hidden") == "include":
        access.require(actor, "feedback.moderate", consultation)
    check_active_jobs(actor)
    public_id = new_public_id()
    name = consultation.slug + (f"-{kind}-{synthesis.number}" if synthesis else f"-{kind}")
    job = ExportJob(
        public_id=public_id,
        requested_by_id=actor.id,
        consultation=consultation,
        synthesis=synthesis,
        kind=kind,
        file_format=file_format,
        filters=filters or {},
        language=language,
        filename=f"{name}.{writer.extension}",
        stored_as=f"{public_id}.{writer.extension}",
    )
    message = enqueue(job)
    # The event every export leaves: who asked for what, with which filters.
    audit.record(
        actor, f"{kind}.exported", consultation, ip,
        format=file_format, filters=job.filters, job=public_id,
        synthesis=synthesis.number if synthesis else None,
    )  # fmt: skip
    db.session.commit()
    outbox.relay(message)
    return job


def new_public_id() -> str:
    """The id of a job in its links: random, so it says nothing about other jobs."""
    return secrets.token_urlsafe(18)


def enqueue(job: ExportJob) -> OutboxMessage:
    """Add the job and its worker's outbox message (the caller audits, commits and relays)."""
    db.session.add(job)
    db.session.flush()
    return outbox.enqueue(RUN_TASK, job_id=job.id)


def check_active_jobs(actor: User) -> None:
    """Refuse a job beyond MAX_ACTIVE_JOBS queued or running for one person: each may hold a
    worker for minutes, and one person must not fill the queue for everyone else."""
    if actor.id is None:  # the command line writes its exports itself, never through jobs
        return
    # Locking the requester's row makes two requests sent at once count one after the other.
    db.session.execute(sa.select(User.id).where(User.id == actor.id).with_for_update())
    active = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ExportJob)
        .where(ExportJob.requested_by_id == actor.id, ExportJob.status.in_(ACTIVE))
    )
    if active >= MAX_ACTIVE_JOBS:
        raise Conflict(
            _l(
                "You already have %(count)d exports or reports being prepared. When one of "
                "them is ready, ask again.",
                count=active,
            )
        )


def _writer(kind: str, file_format: str) -> Writer:
    writer = WRITERS.get((kind, file_format))
    if writer is None:
        raise DomainError(_l("This export is not available in this format."), field="file_format")
    return writer


def run_message(outbox_id: int) -> None:
    """The outbox task: run the job of a message, then mark the message done."""
    message = db.session.get(OutboxMessage, outbox_id)
    if message is None or message.done_at is not None:
        return
    if run(message.payload["job_id"]):
        outbox.mark_done(message)
    # Otherwise another worker holds the job: the relay delivers the message again, and a
    # job whose worker was lost is taken over once it is stale.


def run(job_id: int) -> bool:
    """Write the file of a job if it is waiting for a worker; False while another has it."""
    attempt = _claim(job_id)
    if attempt is None:
        job = db.session.get(ExportJob, job_id)
        return job is None or job.status in FINISHED
    job = db.session.get(ExportJob, job_id)
    folder = export_folder()
    folder.mkdir(parents=True, exist_ok=True)
    # Each claim writes its own file: a worker thought lost that comes back to life
    # cannot interleave its writes with those of the worker that took over.
    part = _part(folder, job, attempt)
    try:
        writer = _writer(job.kind, job.file_format)
        if not access.can(job.requested_by, writer.rule, job.synthesis or job.consultation):
            raise Forbidden(_l("You may no longer export this."))
        with force_locale(job.language):
            writer.write(job, part, _ProgressWriter(job_id))
        os.replace(part, folder / job.stored_as)
    except DomainError as error:
        db.session.rollback()
        fail(job_id, error.message)
        return True
    except BaseException:
        part.unlink(missing_ok=True)
        db.session.rollback()
        _release(job_id)  # the task retries it
        raise
    _finish(job_id, attempt, (folder / job.stored_as).stat().st_size)
    return True


def _claim(job_id: int) -> int | None:
    """Take a queued job, or one whose worker fell silent, in one statement no other worker
    races; the number of this attempt, or None when the job is not to be taken."""
    now = utcnow()
    stale = now - timedelta(seconds=current_app.config["EXPORT_STALE_SECONDS"])
    condition = sa.and_(
        ExportJob.id == job_id,
        sa.or_(
            ExportJob.status == "queued",
            sa.and_(
                ExportJob.status == "running",
                sa.func.coalesce(ExportJob.heartbeat_at, ExportJob.started_at) < stale,
            ),
        ),
    )
    attempts = db.session.scalar(sa.select(ExportJob.attempts).where(condition))
    if attempts is None:
        return None
    if attempts >= MAX_ATTEMPTS:
        db.session.rollback()
        fail(job_id, _l("The file could not be written. Please start the export again."))
        return None
    claimed = db.session.execute(
        sa.update(ExportJob)
        .where(condition, ExportJob.attempts == attempts)
        .values(
            status="running",
            started_at=now,
            heartbeat_at=now,
            attempts=attempts + 1,
            progress=0,
            rows_done=0,
            error="",
        )  # fmt: skip
    ).rowcount
    db.session.commit()
    return attempts + 1 if claimed == 1 else None


def _release(job_id: int) -> None:
    db.session.execute(
        sa.update(ExportJob)
        .where(ExportJob.id == job_id, ExportJob.status == "running")
        .values(status="queued")
    )
    db.session.commit()


def _finish(job_id: int, attempt: int, size: int) -> None:
    """Mark the job done, unless another worker took it over meanwhile."""
    now = utcnow()
    ttl = timedelta(hours=current_app.config["EXPORT_TTL_HOURS"])
    db.session.execute(
        sa.update(ExportJob)
        .where(
            ExportJob.id == job_id,
            ExportJob.status == "running",
            ExportJob.attempts == attempt,
        )
        .values(status="done", progress=100, size=size, finished_at=now, expires_at=now + ttl)
    )
    db.session.commit()


def fail(job_id: int, reason: object) -> None:
    """Record the final failure with its reason, in the requester's language."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.status in FINISHED:
        return
    _part(export_folder(), job, job.attempts).unlink(missing_ok=True)
    with force_locale(job.language):
        job.error = str(reason)[:2000]
    job.status, job.finished_at = "failed", utcnow()
    db.session.commit()


def give_up(outbox_id: int, error: BaseException) -> None:
    """After the last retry: the job failed, and its message needs no more delivery."""
    message = db.session.get(OutboxMessage, outbox_id)
    if message is None:
        return
    # The reason goes to the log for the operators; the requester gets a plain sentence.
    log.error("export job %s failed after its retries", message.payload["job_id"], exc_info=error)
    reason = _l("The file could not be written. Please start the export again.")
    fail(message.payload["job_id"], reason)
    outbox.mark_done(message)


def _part(folder: Path, job: ExportJob, attempt: int) -> Path:
    return folder / f"{job.stored_as}.{attempt}.part"


class _ProgressWriter:
    """Saves a job's progress on a connection of its own.

    The rows are still being read on the session's connection, and committing there
    would close that cursor; readers (the progress page) see each batch at once.
    """

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.total = 0

    def __call__(self, done: int, total: int | None = None, percent: int | None = None) -> None:
        values: dict[str, object] = {"rows_done": done, "heartbeat_at": utcnow()}
        if total is not None:
            self.total = values["rows_total"] = total
        if percent is None:
            percent = done * 100 // self.total if self.total else 0
        # 100 is kept for a file that is complete and renamed.
        values["progress"] = min(99, percent)
        with db.engine.begin() as connection:
            connection.execute(
                sa.update(ExportJob).where(ExportJob.id == self.job_id).values(**values)
            )


def current_status(job: ExportJob, now: datetime | None = None) -> str:
    """The job's status, "expired" as soon as its time is up even before the purge runs."""
    now = now or utcnow()
    if job.status == "done" and job.expires_at is not None and job.expires_at <= now:
        return "expired"
    return job.status


def get_own(user: User | None, public_id: str) -> ExportJob:
    """The job with this public id if `user` asked for it and may still read what it holds.

    NotFound for anyone else, and for a requester who has since lost the right (a role
    taken away, a synthesis no longer released to the Council) while the file is kept.
    """
    job = db.session.scalar(sa.select(ExportJob).where(ExportJob.public_id == public_id))
    if job is None or not access.can(user, "export.read", job):
        raise NotFound(_l("There is no export to show here."))
    writer = WRITERS.get((job.kind, job.file_format))
    if writer is None or not access.can(user, writer.rule, job.synthesis or job.consultation):
        raise NotFound(_l("There is no export to show here."))
    return job


def list_own(user: User, now: datetime | None = None) -> list[ExportJob]:
    """The user's jobs of the last days, newest first."""
    since = (now or utcnow()) - timedelta(days=LISTED_DAYS)
    return list(
        db.session.scalars(
            sa.select(ExportJob)
            .where(ExportJob.requested_by_id == user.id, ExportJob.created_at >= since)
            .order_by(ExportJob.created_at.desc(), ExportJob.id.desc())
        )
    )


def download(user: User | None, public_id: str, ip: str | None = None) -> Delivery:
    """The job's file for its requester while it is kept; each download is audited."""
    job = get_own(user, public_id)
    path = export_folder() / job.stored_as
    if current_status(job) != "done" or not path.is_file():
        raise NotFound(_l("This file is not available (any more)."))
    # A person's own data reads as such in their trail; every other file as an export.
    action = "user.data_downloaded" if job.kind == "my_data" else "export.downloaded"
    audit.record(
        user, action, job, ip,
        kind=job.kind, format=job.file_format, filters=job.filters,
        consultation=job.consultation.slug if job.consultation else None, size=job.size,
    )  # fmt: skip
    db.session.commit()
    return Delivery(path, job.filename, _writer(job.kind, job.file_format).mimetype)


def delete_all_of(user: User) -> int:
    """Delete every export file `user` asked for and mark its job expired (the caller asked
    access and commits); how many there were."""
    folder = export_folder()
    jobs = db.session.scalars(sa.select(ExportJob).where(ExportJob.requested_by_id == user.id))
    count = 0
    for job in jobs:
        if job.stored_as:
            (folder / job.stored_as).unlink(missing_ok=True)
            _part(folder, job, job.attempts).unlink(missing_ok=True)
        job.status, count = "expired", count + 1
    return count


def purge_expired(now: datetime | None = None) -> int:
    """Delete the files whose time is up and mark their jobs expired; how many there were."""
    now = now or utcnow()
    folder = export_folder()
    expired = db.session.scalars(
        sa.select(ExportJob).where(ExportJob.status == "done", ExportJob.expires_at <= now)
    ).all()
    for job in expired:
        (folder / job.stored_as).unlink(missing_ok=True)
        job.status = "expired"
        db.session.commit()  # job by job: a file deleted is a job marked, whatever fails next
    return len(expired)
