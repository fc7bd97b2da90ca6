"""Sending email, on the `mail` queue."""

from celery import shared_task

from app.services.mail import delivery as mail
from app.tasks.base import OutboxTask


@shared_task(
    name="app.tasks.mail.send_email",
    base=OutboxTask,
    # One SMTP conversation (30 s socket timeout) and a render: a minute is generous.
    soft_time_limit=60,
    time_limit=90,
    max_retries=8,
)
def send_email(outbox_id: int) -> None:
    """Deliver the email held in an outbox row (idempotent: a claimed or sent row is skipped)."""
    mail.deliver(outbox_id)
