"""The outbox sweeper and its clean-up, run by Celery beat."""

from celery import shared_task

from app.services.mail import outbox
from app.tasks.base import AgoraTask


@shared_task(
    name="app.tasks.outbox.relay_outbox", base=AgoraTask, soft_time_limit=60, time_limit=90
)
def relay_outbox() -> int:
    """Publish outbox rows that never reached the broker (it was down, or a worker was lost)."""
    return outbox.relay_pending()


@shared_task(
    name="app.tasks.outbox.purge_outbox", base=AgoraTask, soft_time_limit=300, time_limit=360
)
def purge_outbox() -> int:
    """Delete the outbox rows done longer ago than the retention period."""
    return outbox.purge_finished()
