"""Sign-in throttling shared through Redis, as in production with several web workers."""

import pytest

from app import create_app
from app.extensions import db, limiter
from app.services import demo

pytestmark = pytest.mark.redis


def test_throttling_is_counted_in_redis_across_app_instances(redis_url, tmp_path):
    import redis

    def make_app():
        app = create_app(
            "testing",
            INSTANCE_DIR=tmp_path,
            RATELIMIT_STORAGE_URI=redis_url,
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'r.sqlite'}",
        )
        return app

    first, second = make_app(), make_app()
    with first.app_context():
        db.create_all()
        demo.seed()
        limiter.reset()
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
