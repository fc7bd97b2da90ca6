"""The nightly retention purge, run by Celery beat."""

from celery import shared_task

from app.services import retention
from app.tasks.base import AgoraTask


@shared_task(name="app.tasks.retention.purge", base=AgoraTask, soft_time_limit=900, time_limit=960)
def purge() -> int:
    """Remove the personal data kept past its retention period; how many records went."""
    return retention.run().total
