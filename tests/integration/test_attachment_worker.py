"""A file attached on the web side is read by a separate Celery worker from the shared folder:
PostgreSQL, Redis and a real worker process, as in production."""

import os
import signal

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.models import Attachment, Consultation, OutboxMessage, User
from app.services import demo
from app.services.feedback import attachments
from config import _redis_celery
from tests import attachment_files as files
from tests.integration.test_synthesis_worker import (
    SECRET_KEY,
    SLUG,
    start_worker,
    wait_for,
    worker_env,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def web_app(postgres_url, redis_url, tmp_path):
    redis_db = redis_url.rsplit("/", 1)[0] + "/12"
    app = create_app(
        "development",
        SECRET_KEY=SECRET_KEY,
        SQLALCHEMY_DATABASE_URI=postgres_url,
        INSTANCE_DIR=tmp_path,
        CELERY={**_redis_celery(redis_db), "task_ignore_result": True},
    )
    with app.app_context():
        upgrade()
        demo.seed()
    yield app, worker_env(postgres_url, redis_db, tmp_path)


def test_a_worker_reads_the_text_of_a_file_the_web_server_kept(web_app):
    app, env = web_app
    worker = start_worker(env)
    try:
        with app.test_request_context():
            consultation = db.session.scalar(
                sa.select(Consultation).where(Consultation.slug == SLUG)
            )
            partner = db.session.scalar(
                sa.select(User).where(User.email == "partner@unicef.example.org")
            )
            pdf = attachments.attach(partner, consultation, "paper.pdf", files.pdf()).id
            odt = attachments.attach(partner, consultation, "note.odt", files.odt_file()).id

            def read() -> bool:
                db.session.expire_all()
                states = db.session.scalars(
                    sa.select(Attachment.text_status).where(Attachment.id.in_([pdf, odt]))
                ).all()
                return all(state != "pending" for state in states)

            wait_for(read, 300, "the worker to read both files")
            assert "every child" in db.session.get(Attachment, pdf).text
            assert db.session.get(Attachment, odt).language == "fr"
            assert "bibliothèques" in db.session.get(Attachment, odt).text
            messages = db.session.scalars(
                sa.select(OutboxMessage).where(OutboxMessage.task == attachments.EXTRACT_TASK)
            ).all()
            assert len(messages) == 2 and all(m.done_at is not None for m in messages)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
