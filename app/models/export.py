"""Export jobs: files too big to stream, built by a worker and kept for their requester a while."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models.common import JSONType, UTCDateTime, utcnow
from app.models.consultation import Consultation
from app.models.synthesis import Synthesis
from app.models.user import User

EXPORT_STATUSES = {
    "queued": _l("Waiting for a worker"),
    "running": _l("Being written"),
    "done": _l("Ready to download"),
    "failed": _l("Failed"),
    "expired": _l("File deleted"),
}


class ExportJob(db.Model):
    """One export asked for by one user; only that user may download its file, until it expires."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # The id in links: random, so a job's address says nothing about other people's jobs.
    public_id: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    requested_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    # None for a person's own data (My data), which belongs to no consultation.
    consultation_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("consultation.id"))
    synthesis_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("synthesis.id"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))  # feedback | synthesis | my_data
    file_format: so.Mapped[str] = so.mapped_column(sa.String(8))  # csv xlsx json pdf docx zip
    filters: so.Mapped[dict] = so.mapped_column(JSONType, default=dict)
    language: so.Mapped[str] = so.mapped_column(sa.String(8), default="en")
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="queued")
    progress: so.Mapped[int] = so.mapped_column(default=0)  # percent
    rows_done: so.Mapped[int] = so.mapped_column(default=0)
    rows_total: so.Mapped[int] = so.mapped_column(default=0)
    error: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    filename: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    stored_as: so.Mapped[str] = so.mapped_column(sa.String(200), default="")  # in EXPORT_FOLDER
    size: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    started_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # The worker's last sign of life (each batch of progress): a job silent for too long
    # is taken over; `attempts` counts the claims, so one that kills its worker ends.
    heartbeat_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    finished_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    expires_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, index=True)

    requested_by: so.Mapped[User] = so.relationship()
    consultation: so.Mapped[Consultation | None] = so.relationship()
    synthesis: so.Mapped[Synthesis | None] = so.relationship()

    @property
    def status_label(self) -> str:
        return str(EXPORT_STATUSES.get(self.status, self.status))
