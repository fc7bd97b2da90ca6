"""The one base class of Agora's tasks: which errors are retried, and what a final failure records.

Only errors that can pass are retried (the broker, the database's connection, the mail
server's connection): a bug fails at once, so its traceback is seen rather than retried.
After the last attempt, or at once for a bug, `give_up` does the task's bookkeeping
(a synthesis or export marked failed, an outbox row kept for the sweeper or staff).
"""

import logging

import kombu.exceptions
import sqlalchemy.exc
from celery import Task
from celery.exceptions import Retry

from app.services.mail import outbox

log = logging.getLogger(__name__)

# SMTP's errors are OSErrors; a refusal for good is raised as `delivery.MailRefused`.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    kombu.exceptions.OperationalError,
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.TimeoutError,
    OSError,
)


class FlaskTask(Task):
    """A task that runs inside an app context of the Flask app its Celery app serves."""

    def __call__(self, *args: object, **kwargs: object) -> object:
        with self.app.flask_app.app_context():
            return self.run(*args, **kwargs)


class AgoraTask(FlaskTask):
    """Retries passing errors with a growing, jittered wait; records the failure after the last."""

    abstract = True
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 5
    acks_late = True
    # Every task declares its own limits; these are for a task that forgets.
    soft_time_limit = 60
    time_limit = 90

    def __call__(self, *args: object, **kwargs: object) -> object:
        with self.app.flask_app.app_context():
            try:
                return self.run(*args, **kwargs)
            except Retry:
                raise
            except Exception as error:
                # Reached after the last retry, or at once for an error that is not retried.
                # Done here rather than in on_failure, which eager runs (the tests) skip.
                if not getattr(error, "_agora_given_up", False):
                    error._agora_given_up = True  # an eager retry re-raises the same error
                    log.error("task %s failed for good: %r", self.name, error)
                    self.give_up(args, error, isinstance(error, TRANSIENT_ERRORS))
                raise

    def give_up(self, args: tuple, error: BaseException, passing: bool) -> None:
        """The task's bookkeeping when it will not run again (`passing`: the error may pass)."""


class OutboxTask(AgoraTask):
    """A task that does the work of one outbox row, whose id is its first argument."""

    abstract = True

    def give_up(self, args: tuple, error: BaseException, passing: bool) -> None:
        """Keep the error on the row: a bug marks it failed, a passing one waits for the sweeper."""
        outbox.record_failure(args[0], error, final=not passing)
