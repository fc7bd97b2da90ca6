"""Export tasks: write a job's file, and delete the files whose time is up."""

from celery import shared_task

from app.services.exports import jobs


@shared_task(
    name="app.tasks.exports.run_export",
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=3,
    acks_late=True,
)
def run_export(self, outbox_id: int) -> None:
    """Write the file of the job in an outbox message (a finished job is left alone)."""
    try:
        jobs.run_message(outbox_id)
    except Exception as error:
        if self.request.retries >= self.max_retries:
            jobs.give_up(outbox_id, error)
        raise


@shared_task(name="app.tasks.exports.purge_expired")
def purge_expired() -> int:
    """Delete the export files kept past their time."""
    return jobs.purge_expired()
