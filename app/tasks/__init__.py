"""Celery tasks: thin wrappers that take ids and call a service."""

from app.tasks import attachments, exports, mail, outbox, reminders, retention, synthesis  # noqa: F401
