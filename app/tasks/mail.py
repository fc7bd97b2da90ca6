"""Sending email."""

from celery import shared_task

from app.services.mail import delivery as mail


@shared_task(
    name="app.tasks.mail.send_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=8,
)
def send_email(outbox_id: int) -> None:
    """Deliver the email held in an outbox row (idempotent: a delivered row is skipped)."""
    mail.deliver(outbox_id)
