"""Redis stopped in the middle of a partner's work: saving, signing in and submitting go on;
the receipt goes out once, after Redis returns.

Plays the fault on a redis-server of the test's own, never on the shared one.
"""

import re
import time
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.models import OutboxMessage, ParagraphFeedback, Submission
from app.models.common import utcnow
from app.services import demo
from app.services.mail import outbox
from config import _redis_celery
from tests.conftest import FreshRequestClient, needs_service
from tests.services import OwnRedis, start_worker, stop_worker, worker_env

pytestmark = [pytest.mark.redis, pytest.mark.postgres]
SECRET_KEY = "integration-tests-only"
SLUG = "pact-for-the-future-opportunities"
PARTNER = "partner@unicef.example.org"
MAIL_TASK = "app.tasks.mail.send_email"


@pytest.fixture
def own_redis():
    if not OwnRedis.available():
        needs_service("redis-server is not installed: the Redis fault needs a server of its own")
    server = OwnRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app(postgres_url, own_redis, tmp_path):
    app = create_app(
        "development",
        SECRET_KEY=SECRET_KEY,
        SQLALCHEMY_DATABASE_URI=postgres_url,
        REDIS_URL=own_redis.url,
        RATELIMIT_STORAGE_URI=own_redis.url,
        INSTANCE_DIR=tmp_path,
        MAIL_FILE_DIR=str(tmp_path / "mail"),
        WTF_CSRF_ENABLED=False,
        CELERY={**_redis_celery(own_redis.url), "task_ignore_result": True},
    )
    app.test_client_class = FreshRequestClient
    with app.app_context():
        upgrade()
        demo.seed()
        yield app
        db.session.remove()


def autosave(client, section_page: str, comment: str, lock_version: str):
    pid = re.search(r'name="comment-(\d+)"', section_page).group(1)
    return client.post(
        f"/consultations/{SLUG}/respond/sections/0",
        data={"lock_version": lock_version, f"stance-{pid}": "amend", f"comment-{pid}": comment},
        headers={"Accept": "application/json"},
    )


def receipts(folder: Path) -> list:
    return [
        message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in (folder / "mail").glob("*.eml")
    ]


def test_saves_and_submission_go_on_and_the_receipt_leaves_once_redis_is_back(
    app, own_redis, tmp_path
):
    client = app.test_client()
    assert client.post("/login", data={"email": PARTNER, "password": demo.DEMO_PASSWORD})
    page = client.get(f"/consultations/{SLUG}/respond/sections/0").get_data(as_text=True)
    saved = autosave(client, page, "Written while Redis answers.", "0")
    assert saved.status_code == 200 and saved.get_json()["status"] == "saved"

    own_redis.stop()
    saved = autosave(
        client, page, "Written while Redis is down.", str(saved.get_json()["lock_version"])
    )
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert saved.get_json()["status"] == "saved"
    # A colleague signs in meanwhile: the sign-in throttle counts in memory.
    colleague = app.test_client()
    signed_in = colleague.post("/login", data={"email": PARTNER, "password": demo.DEMO_PASSWORD})
    assert signed_in.status_code == 302
    questions = client.get(f"/consultations/{SLUG}/respond/questions").get_data(as_text=True)
    answers = {name: "1" for name in set(re.findall(r'name="(question-\d+)"', questions))}
    lock = str(saved.get_json()["lock_version"])
    assert (
        client.post(
            f"/consultations/{SLUG}/respond/questions", data={"lock_version": lock, **answers}
        ).status_code
        == 302
    )
    review = client.get(f"/consultations/{SLUG}/respond/review").get_data(as_text=True)
    lock = re.search(r'name="lock_version" type="hidden" value="(\d+)"', review).group(1)
    submitted = client.post(f"/consultations/{SLUG}/respond/submit", data={"lock_version": lock})
    assert submitted.status_code == 302
    assert submitted.headers["Location"].endswith("/respond/receipt")
    assert db.session.scalar(sa.select(Submission.status)) == "submitted"
    assert db.session.scalar(
        sa.select(ParagraphFeedback.comment).where(
            ParagraphFeedback.comment == "Written while Redis is down."
        )
    )
    assert not receipts(tmp_path)

    # Redis is back; beat's next sweep publishes the waiting receipt, the worker sends it.
    own_redis.start()
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    env = worker_env(database_url, own_redis.url, tmp_path, SECRET_KEY)
    worker = start_worker(env, "-Q", "mail", "--pool", "solo")
    try:
        assert outbox.relay_pending(now=utcnow() + timedelta(minutes=5)) >= 1
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not receipts(tmp_path):
            time.sleep(0.3)
        db.session.expire_all()
        deadline = time.monotonic() + 30
        while (
            time.monotonic() < deadline
            and db.session.scalar(
                sa.select(OutboxMessage.done_at).where(OutboxMessage.task == MAIL_TASK)
            )
            is None
        ):
            time.sleep(0.3)
            db.session.expire_all()
        # A later sweep republishes only what is not done (the embedding job, whose queue
        # this worker does not serve): the receipt is not sent again.
        outbox.relay_pending(now=utcnow() + timedelta(minutes=30))
        time.sleep(3)
    finally:
        stop_worker(worker, timeout=30)
    [receipt] = receipts(tmp_path)
    assert receipt["To"] == PARTNER
    assert "Written while Redis is down." in receipt.get_body(("plain",)).get_content()
