"""Attached files: taking their text out for the synthesis, in the background."""

from celery import shared_task

from app.services.feedback import attachments
from app.tasks.base import OutboxTask


# A 20 MB PDF of a few hundred pages is read in seconds; the limits stop a pathological one.
@shared_task(
    name="app.tasks.attachments.extract_text",
    base=OutboxTask,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
)
def extract_text(outbox_id: int) -> None:
    """Take the text out of one attached file (the outbox row names it)."""
    attachments.extract_text(outbox_id)
