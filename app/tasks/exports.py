"""Export tasks: write a job's file, and delete the files whose time is up."""

from celery import shared_task

from app.services.exports import jobs
from app.tasks.base import AgoraTask


class ExportTask(AgoraTask):
    """An export job's task: after its last attempt the job is failed and its message done."""

    abstract = True

    def give_up(self, args: tuple, error: BaseException, passing: bool) -> None:
        """Fail the job, telling its requester in a plain sentence."""
        jobs.give_up(args[0], error)


# Below EXPORT_STALE_SECONDS (30 min), after which another worker may take the job over.
@shared_task(
    name="app.tasks.exports.run_export",
    base=ExportTask,
    max_retries=3,
    retry_backoff_max=60,
    soft_time_limit=25 * 60,
    time_limit=28 * 60,
)
def run_export(outbox_id: int) -> None:
    """Write the file of the job in an outbox message (a finished job is left alone)."""
    jobs.run_message(outbox_id)


@shared_task(
    name="app.tasks.exports.purge_expired", base=AgoraTask, soft_time_limit=300, time_limit=360
)
def purge_expired() -> int:
    """Delete the export files kept past their time."""
    return jobs.purge_expired()
