"""PostgreSQL stopped and started again under a signed-in partner: translated 503 pages with an
incident id meanwhile (never a 500, never a hang), and the pool's dead connections replaced
afterwards so the next save simply works.

Plays the fault on a PostgreSQL cluster of the test's own (initdb on a spare port), never on
the shared server.
"""

import re
import time

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.models import ParagraphFeedback
from app.services import demo
from tests.conftest import FreshRequestClient
from tests.services import own_postgres_cluster

pytestmark = pytest.mark.postgres
SECRET_KEY = "integration-tests-only"
SLUG = "pact-for-the-future-opportunities"
SECTION = f"/consultations/{SLUG}/respond/sections/0"
# The bound the issue sets for an answer while the database is gone: no hang.
ANSWER_WITHIN_S = 2.0


@pytest.fixture(scope="module")
def own_postgres():
    yield from own_postgres_cluster()


@pytest.fixture
def app(own_postgres, tmp_path):
    url = own_postgres.admin_url
    app = create_app(
        "development",
        SECRET_KEY=SECRET_KEY,
        SQLALCHEMY_DATABASE_URI=url,
        INSTANCE_DIR=tmp_path,
        MAIL_FILE_DIR=str(tmp_path / "mail"),
        WTF_CSRF_ENABLED=False,
        CELERY={"broker_url": "memory://", "task_always_eager": False},
    )
    app.test_client_class = FreshRequestClient
    with app.app_context():
        upgrade()
        demo.seed()
        yield app
        db.session.remove()


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_pages_answer_503_while_postgres_is_down_and_saving_resumes_after(app, own_postgres):
    client = app.test_client()
    client.post(
        "/login", data={"email": "partner@unicef.example.org", "password": demo.DEMO_PASSWORD}
    )
    page = client.get(SECTION).get_data(as_text=True)
    pid = re.search(r'name="comment-(\d+)"', page).group(1)

    def autosave(comment: str):
        return client.post(
            SECTION,
            data={"lock_version": "0", f"stance-{pid}": "amend", f"comment-{pid}": comment},
            headers={"Accept": "application/json"},
        )

    own_postgres.stop()
    try:
        response, took = timed(lambda: client.get(f"/consultations/{SLUG}"))
        text = response.get_data(as_text=True)
        assert response.status_code == 503, text[:500]
        assert took < ANSWER_WITHIN_S
        assert "The service is briefly unavailable" in text
        assert re.search(r"Incident reference: [0-9A-F]{12}", text)

        response, took = timed(lambda: autosave("Typed while the database restarts."))
        assert response.status_code == 503 and took < ANSWER_WITHIN_S
        assert response.get_json()["status"] == "unavailable"
        assert response.headers["Retry-After"]
    finally:
        own_postgres.start()

    # The page's script sends the same text again when the server answers: it is saved.
    response = autosave("Typed while the database restarts.")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.get_json()["status"] == "saved"
    assert client.get(f"/consultations/{SLUG}").status_code == 200
    assert (
        db.session.scalar(
            sa.select(ParagraphFeedback.comment).where(ParagraphFeedback.paragraph_id == int(pid))
        )
        == "Typed while the database restarts."
    )
