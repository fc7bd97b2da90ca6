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


def alternately(workers, count: int, send) -> list[int]:
    """`send(client, attempt)` `count` times, to each web worker in turn: the statuses."""
    statuses = []
    for attempt in range(count):
        app = workers[attempt % 2]
        with app.app_context():
            statuses.append(send(app.test_client(), attempt).status_code)
    return statuses


def test_throttling_is_counted_in_redis_across_app_instances(redis_url, tmp_path):
    import redis

    statuses = alternately(
        two_web_workers(redis_url, tmp_path),
        12,
        lambda client, _attempt: client.post(
            "/login", data={"email": "staff@example.org", "password": "wrong"}
        ),
    )
    assert statuses.count(429) == 2
    keys = redis.Redis.from_url(redis_url).keys("LIMITS:*")
    assert keys, "the counters live in Redis"


def test_an_account_is_paused_across_web_workers_whatever_the_address(redis_url, tmp_path):
    first, second = two_web_workers(redis_url, tmp_path)
    alternately(
        (first, second),
        10,
        lambda client, attempt: client.post(
            "/login",
            data={"email": "council@example.org", "password": "wrong"},
            environ_base={"REMOTE_ADDR": f"203.0.113.{attempt}"},
        ),
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

    def autosave(client, _attempt):
        client.post(
            "/login", data={"email": "partner@unicef.example.org", "password": demo.DEMO_PASSWORD}
        )
        return client.post(
            "/consultations/pact-for-the-future-opportunities/respond/questions",
            data={"lock_version": "0"},
            headers={"Accept": "application/json"},
        )

    workers = two_web_workers(redis_url, tmp_path, AUTOSAVE_RATE_LIMIT="3 per minute")
    statuses = alternately(workers, 4, autosave)
    assert statuses == [200, 200, 200, 429]
    assert redis.Redis.from_url(redis_url).keys("LIMITS:*autosave*")
