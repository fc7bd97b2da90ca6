"""Celery tasks: thin wrappers that take ids and call a service."""

from app.tasks import (  # noqa: F401
    attachments,
    exports,
    mail,
    notifications,
    outbox,
    reminders,
    retention,
    synthesis,
    warmup,
)
