"""Deadline reminders, run by Celery beat."""

from celery import shared_task

from app.services.notifications import sweeps
from app.tasks.base import AgoraTask


# Queues one email per member of each waiting organisation: a few thousand rows at most.
@shared_task(
    name="app.tasks.reminders.send_deadline_reminders",
    base=AgoraTask,
    soft_time_limit=300,
    time_limit=360,
)
def send_deadline_reminders() -> int:
    """Remind invited organisations that have not submitted, 7 days and 1 day before each
    deadline (idempotent: each person is reminded once of each)."""
    return sweeps.remind_deadlines()
