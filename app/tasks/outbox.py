"""The outbox sweeper, run by Celery beat."""

from celery import shared_task

from app.services.mail import outbox


@shared_task(name="app.tasks.outbox.relay_outbox")
def relay_outbox() -> int:
    """Publish outbox rows that never reached the broker (it was down, or a worker was lost)."""
    return outbox.relay_pending()
