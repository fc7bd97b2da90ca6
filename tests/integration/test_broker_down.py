"""With Redis down a partner still saves and submits; the receipt goes out once it is back."""

import time
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import OutboxMessage, Submission
from app.models.common import utcnow
from app.services import demo
from app.services.mail import outbox
from config import _redis_celery
from tests.conftest import FreshRequestClient
from tests.services import start_worker, stop_worker, worker_env

pytestmark = [pytest.mark.redis]
CLOSED_PORT_URL = "redis://127.0.0.1:1/0"
# A process without SECRET_KEY refuses to start; these are the tests' own.
SECRET_KEY = "integration-tests-only"
SLUG = "pact-for-the-future-opportunities"


def make_app(folder: Path, database_url: str, redis_url: str):
    app = create_app(
        "development",
        SECRET_KEY=SECRET_KEY,
        SQLALCHEMY_DATABASE_URI=database_url,
        INSTANCE_DIR=folder,
        MAIL_FILE_DIR=str(folder / "mail"),
        WTF_CSRF_ENABLED=False,
        CELERY={**_redis_celery(redis_url), "task_ignore_result": True},
    )
    app.test_client_class = FreshRequestClient
    return app


def submit_demo_feedback(client) -> None:
    client.post(
        "/login", data={"email": "partner@unicef.example.org", "password": "demo-password-2026"}
    )
    page = client.get(f"/consultations/{SLUG}/respond/questions").get_data(as_text=True)
    data = {"lock_version": "0", "general_comment": "Sent while the broker was down."}
    for name in ("question-1", "question-2"):
        if f'name="{name}"' in page:
            data[name] = "1"
    saved = client.post(f"/consultations/{SLUG}/respond/questions", data=data)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    review = client.get(f"/consultations/{SLUG}/respond/review").get_data(as_text=True)
    lock = review.split('name="lock_version" type="hidden" value="')[1].split('"')[0]
    started = time.monotonic()
    response = client.post(f"/consultations/{SLUG}/respond/submit", data={"lock_version": lock})
    assert time.monotonic() - started < 5, "a dead broker must not hold the request"
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/respond/receipt")


def test_receipt_waits_in_the_outbox_and_goes_out_when_redis_is_back(redis_url, tmp_path):
    database_url = f"sqlite:///{tmp_path / 'agora.sqlite'}"
    down = make_app(tmp_path, database_url, CLOSED_PORT_URL)
    with down.app_context():
        db.create_all()
        demo.seed()
        submit_demo_feedback(down.test_client())
        submission = db.session.scalar(sa.select(Submission))
        assert submission.status == "submitted"
        messages = db.session.scalars(sa.select(OutboxMessage)).all()
        # No comment or text answer: nothing to encode, so the receipt is the only message.
        assert {m.task for m in messages} == {"app.tasks.mail.send_email"}
        assert all(m.done_at is None for m in messages)
    assert not (tmp_path / "mail").exists()

    # The broker is back: the sweeper publishes, a real worker process sends the email.
    back = make_app(tmp_path, database_url, redis_url)
    with back.app_context():
        assert outbox.relay_pending(now=utcnow() + timedelta(minutes=5)) == 1
    log = tmp_path / "worker.log"
    env = worker_env(database_url, redis_url, tmp_path, SECRET_KEY)
    worker = start_worker(env, "--pool", "solo", log=log)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list((tmp_path / "mail").glob("*.eml")):
            time.sleep(0.3)
    finally:
        stop_worker(worker, timeout=30)
    output = log.read_text(errors="replace")
    [sent] = list((tmp_path / "mail").glob("*.eml"))
    email = message_from_bytes(sent.read_bytes(), policy=policy.default)
    assert email["To"] == "partner@unicef.example.org", output
    assert "Sent while the broker was down." in email.get_body(("plain",)).get_content()
    with back.app_context():
        receipt = db.session.scalar(
            sa.select(OutboxMessage).where(OutboxMessage.task == "app.tasks.mail.send_email")
        )
        assert receipt.done_at is not None
