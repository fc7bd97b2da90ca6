"""Deadline reminders, run by Celery beat."""

from celery import shared_task

from app.services.feedback import followup


@shared_task(name="app.tasks.reminders.send_deadline_reminders")
def send_deadline_reminders() -> int:
    """Remind invited organisations with nothing submitted, three days before each deadline."""
    return followup.send_deadline_reminders()
