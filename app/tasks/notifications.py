"""Telling people what concerns them, run by Celery beat: the sweeps and the daily digest."""

from celery import shared_task

from app.services.notifications import digest, sweeps
from app.tasks.base import AgoraTask


@shared_task(
    name="app.tasks.notifications.sweep", base=AgoraTask, soft_time_limit=300, time_limit=360
)
def sweep() -> int:
    """Tell of scheduled openings and of colleagues' finished changes (each event once)."""
    return sweeps.announce_openings() + sweeps.tell_colleagues()


@shared_task(
    name="app.tasks.notifications.send_digests",
    base=AgoraTask,
    soft_time_limit=600,
    time_limit=660,
)
def send_digests() -> int:
    """Queue each person's digest of the events they chose to read once a day, then delete
    the notices past their retention period."""
    sent = digest.send_digests()
    digest.purge_old()
    return sent
