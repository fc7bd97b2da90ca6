"""Sign-in and autosave throttling shared through Redis, as in production with several web
workers."""

import pytest

from app import create_app
from app.extensions import db, limiter
from app.services import demo

pytestmark = pytest.mark.redis


def two_web_workers(redis_url: str, tmp_path, **settings):
    """Two app instances on one demo database, counting in one Redis, the counts reset."""

    def make_app():
        return create_app(
            "testing",
            INSTANCE_DIR=tmp_path,
            RATELIMIT_STORAGE_URI=redis_url,
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'workers.sqlite'}",
            **settings,
        )

    first, second = make_app(), make_app()
    with first.app_context():
        db.create_all()
        demo.seed()
        limiter.reset()
    return first, second


def test_throttling_is_counted_in_redis_across_app_instances(redis_url, tmp_path):
    import redis

    first, second = two_web_workers(redis_url, tmp_path)
    statuses = []
    for attempt in range(12):
        app = first if attempt % 2 else second  # two "web workers" sharing one counter
        with app.app_context():
            client = app.test_client()
            statuses.append(
                client.post(
                    "/login", data={"email": "staff@example.org", "password": "wrong"}
                ).status_code
            )
    assert statuses.count(429) == 2
    keys = redis.Redis.from_url(redis_url).keys("LIMITS:*")
    assert keys, "the counters live in Redis"


def test_an_account_is_paused_across_web_workers_whatever_the_address(redis_url, tmp_path):
    first, second = two_web_workers(redis_url, tmp_path)
    for attempt in range(10):
        app = first if attempt % 2 else second
        with app.app_context():
            app.test_client().post(
                "/login",
                data={"email": "council@example.org", "password": "wrong"},
                environ_base={"REMOTE_ADDR": f"203.0.113.{attempt}"},
            )
    with first.app_context():
        answer = first.test_client().post(
            "/login",
            data={"email": "council@example.org", "password": demo.DEMO_PASSWORD},
            environ_base={"REMOTE_ADDR": "203.0.113.99"},
        )
    assert answer.status_code == 429
    assert "Too many attempts to sign in to this account." in answer.get_data(as_text=True)


def test_autosaves_are_counted_in_redis_across_app_instances(redis_url, tmp_path):
    import redis

    first, second = two_web_workers(redis_url, tmp_path, AUTOSAVE_RATE_LIMIT="3 per minute")
    statuses = []
    for attempt in range(4):
        app = first if attempt % 2 else second  # two "web workers" sharing one budget
        with app.app_context():
            client = app.test_client()
            client.post(
                "/login",
                data={"email": "partner@unicef.example.org", "password": demo.DEMO_PASSWORD},
            )
            statuses.append(
                client.post(
                    "/consultations/pact-for-the-future-opportunities/respond/questions",
                    data={"lock_version": "0"},
                    headers={"Accept": "application/json"},
                ).status_code
            )
    assert statuses == [200, 200, 200, 429]
    assert redis.Redis.from_url(redis_url).keys("LIMITS:*autosave*")
