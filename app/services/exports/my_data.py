"""My data as a background job: a person asks, a worker writes the file, only they download it.

The job is an export job of no consultation, so it has everything exports have: a row and
its outbox message committed together, a progress page, the file kept `EXPORT_TTL_HOURS`
for its requester alone and then purged, and the same limit on jobs running at once.
"""

from app.extensions import db
from app.models import ExportJob, User
from app.services.accounts import access, audit
from app.services.exports import jobs
from app.services.mail import outbox

KIND = "my_data"
FILE_FORMAT = "zip"
FILENAME = "my-agora-data.zip"


def start(user: User, language: str, ip: str | None = None) -> ExportJob:
    """Queue the file of everything held about `user`, in `language`, for them alone."""
    access.require(user, "account.own_data")
    jobs.check_active_jobs(user)
    public_id = jobs.new_public_id()
    job = ExportJob(
        public_id=public_id,
        requested_by_id=user.id,
        consultation=None,
        kind=KIND,
        file_format=FILE_FORMAT,
        filters={},
        language=language,
        filename=FILENAME,
        stored_as=f"{public_id}.{FILE_FORMAT}",
    )
    message = jobs.enqueue(job)
    audit.record(user, "user.data_requested", user, ip, job=public_id, language=language)
    db.session.commit()
    outbox.relay(message)
    return job
