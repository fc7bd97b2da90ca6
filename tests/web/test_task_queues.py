"""Every task has time limits, retries only passing errors, and runs on its queue."""

import smtplib

import pytest
import sqlalchemy.exc

from app.tasks.base import TRANSIENT_ERRORS, AgoraTask


@pytest.fixture
def celery(app):
    return app.extensions["celery"]


def agora_tasks(celery) -> dict:
    return {name: task for name, task in celery.tasks.items() if name.startswith("app.")}


def test_every_task_has_a_soft_and_a_hard_time_limit_and_the_failure_bookkeeping(celery):
    tasks = agora_tasks(celery)
    assert len(tasks) >= 10
    for name, task in tasks.items():
        assert isinstance(task, AgoraTask), name
        assert 0 < task.soft_time_limit < task.time_limit, name


def test_the_longest_task_ends_before_the_broker_hands_it_to_another_worker(celery):
    from config import _redis_celery

    visibility = _redis_celery("redis://x")["broker_transport_options"]["visibility_timeout"]
    longest = max(task.time_limit for task in agora_tasks(celery).values())
    assert longest + AgoraTask.retry_backoff_max < visibility


def test_only_errors_that_can_pass_are_retried():
    assert issubclass(smtplib.SMTPServerDisconnected, TRANSIENT_ERRORS)
    assert issubclass(ConnectionRefusedError, TRANSIENT_ERRORS)
    assert issubclass(sqlalchemy.exc.OperationalError, TRANSIENT_ERRORS)
    for bug in (KeyError, TypeError, ValueError, sqlalchemy.exc.IntegrityError):
        assert not issubclass(bug, TRANSIENT_ERRORS), bug


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("app.tasks.mail.send_email", "mail"),
        ("app.tasks.synthesis.synthesize_section", "sections"),
        ("app.tasks.synthesis.synthesize_part", "sections"),
        ("app.tasks.synthesis.merge_synthesis", "merge"),
        ("app.tasks.synthesis.embed_batch", "vectors"),
        ("app.tasks.synthesis.refresh_vectors", "vectors"),
        ("app.tasks.exports.run_export", "heavy"),
        ("app.tasks.outbox.relay_outbox", "default"),
        ("app.tasks.reminders.send_deadline_reminders", "default"),
    ],
)
def test_emails_wait_for_no_synthesis(celery, task, queue):
    assert celery.amqp.router.route({}, task)["queue"].name == queue


def test_a_worker_started_without_queues_takes_them_all(celery):
    names = {"mail", "default", "heavy", "vectors", "sections", "merge"}
    assert set(celery.amqp.queues) == names
    # Each bound by its own key: a message routed to one queue lands in that queue only.
    assert {q.name: q.routing_key for q in celery.amqp.queues.values()} == {n: n for n in names}


def test_every_task_beat_runs_exists(app, celery):
    from config import Config

    for entry in Config.CELERY["beat_schedule"].values():
        assert entry["task"] in celery.tasks
