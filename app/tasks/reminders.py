"""Deadline reminders, run by Celery beat."""

from celery import shared_task

from app.services.feedback import followup
from app.tasks.base import AgoraTask


# Queues one email per member of each waiting organisation: a few thousand rows at most.
@shared_task(
    name="app.tasks.reminders.send_deadline_reminders",
    base=AgoraTask,
    soft_time_limit=300,
    time_limit=360,
)
def send_deadline_reminders() -> int:
    """Remind invited organisations with nothing submitted, three days before each deadline."""
    return followup.send_deadline_reminders()
