"""Celery tasks: thin wrappers that take ids and call a service."""

from app.tasks import mail, outbox, reminders, synthesis  # noqa: F401
