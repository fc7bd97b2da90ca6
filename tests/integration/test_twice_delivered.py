"""A task the broker delivers twice does its work once: one receipt email, one synthesis result.

Redis may hand a task to a second worker (a lost acknowledgement, the visibility timeout, a
sweeper's republish): the receipt is claimed in the outbox, a section's part is kept once and
the merged result written once.
"""

import time
from email import message_from_bytes, policy

import pytest
import redis
import sqlalchemy as sa
from flask import current_app
from flask_migrate import upgrade

from app import create_app
from app.celery_app import QUEUES
from app.extensions import db
from app.models import Consultation, OutboxMessage, Synthesis, SynthesisPart, User
from app.services import demo, queue
from app.services.accounts.access import COMMAND_LINE
from app.services.feedback import saving, submissions
from app.services.feedback.saving import ParagraphInput
from app.services.synthesis import runs
from config import _redis_celery
from tests.services import start_worker, stop_worker, worker_env

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
SECRET_KEY = "integration-tests-only"
SLUG = "pact-for-the-future-opportunities"
PARTNER = "partner@unicef.example.org"
MAIL_TASK = "app.tasks.mail.send_email"


@pytest.fixture
def app(postgres_url, redis_url, tmp_path):
    broker = redis_url.rsplit("/", 1)[0] + "/11"
    redis.Redis.from_url(broker).flushdb()
    app = create_app(
        "development",
        SECRET_KEY=SECRET_KEY,
        SQLALCHEMY_DATABASE_URI=postgres_url,
        REDIS_URL=broker,
        INSTANCE_DIR=tmp_path,
        MAIL_FILE_DIR=str(tmp_path / "mail"),
        CELERY={**_redis_celery(broker), "task_ignore_result": True},
    )
    with app.app_context():
        upgrade()
        demo.seed()
        env = worker_env(postgres_url, broker, tmp_path, SECRET_KEY)
        worker = start_worker(env, "--concurrency", "2")
        try:
            yield app
        finally:
            stop_worker(worker)
            db.session.remove()
            redis.Redis.from_url(broker).flushdb()


def wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.expire_all()
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def queues_empty() -> bool:
    broker = redis.Redis.from_url(current_app.config["REDIS_URL"])
    return all(broker.llen(name) == 0 for name in QUEUES)


def submit_feedback(consultation: Consultation) -> None:
    partner = db.session.scalar(sa.select(User).where(User.email == PARTNER))
    inputs = [
        ParagraphInput(p.id, "amend", f"Paragraph {p.number} needs local governments.", "")
        for p in consultation.current_version.paragraphs
    ]
    result = saving.save_paragraphs(partner, consultation, inputs, 0)
    answers = {q.id: "1" for q in consultation.questions if q.kind != "text"}
    result = saving.save_answers(partner, consultation, answers, "", result.submission.lock_version)
    submissions.submit(partner, consultation, result.submission.lock_version)


def test_a_receipt_delivered_twice_is_one_email(app, tmp_path):
    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == SLUG))
    submit_feedback(consultation)  # publishes the receipt once
    receipt = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.task == MAIL_TASK))
    queue.publish(MAIL_TASK, receipt.id)  # and the broker delivers it again
    wait_for(
        lambda: db.session.get(OutboxMessage, receipt.id).done_at is not None and queues_empty(),
        90,
        "the receipt and its twin",
    )
    time.sleep(3)  # the twin, if it were to send, would have written its copy by now
    sent = [
        message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in (tmp_path / "mail").glob("*.eml")
    ]
    assert [m["To"] for m in sent] == [PARTNER]


def test_a_synthesis_delivered_twice_is_one_result(app):
    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == SLUG))
    submit_feedback(consultation)
    synthesis_id = runs.request_synthesis(COMMAND_LINE, consultation).id
    parts = runs.part_names(db.session.get(Synthesis, synthesis_id))
    queue.enqueue_synthesis(synthesis_id, parts)  # the whole chord delivered a second time
    wait_for(
        lambda: db.session.get(Synthesis, synthesis_id).status in ("done", "failed"),
        240,
        "the synthesis",
    )
    synthesis = db.session.get(Synthesis, synthesis_id)
    assert synthesis.status == "done", synthesis.error
    finished_at, result = synthesis.finished_at, synthesis.result
    wait_for(queues_empty, 120, "the twin deliveries")
    time.sleep(3)
    db.session.expire_all()
    synthesis = db.session.get(Synthesis, synthesis_id)
    assert (synthesis.finished_at, synthesis.result) == (finished_at, result)
    kept = db.session.scalars(
        sa.select(SynthesisPart.name).where(SynthesisPart.synthesis_id == synthesis_id)
    ).all()
    assert sorted(kept) == sorted(parts)
    assert db.session.scalar(sa.select(sa.func.count(Synthesis.id))) == 1
