"""Real services: a fresh PostgreSQL database per session, and the Redis server."""

import os
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db, limiter
from tests.conftest import FreshRequestClient, needs_service

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_ADMIN_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="module")
def postgres_url():
    """A throw-away database on the PostgreSQL server for one test module, dropped after it."""
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            name = f"agora_test_{uuid.uuid4().hex[:10]}"
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        needs_service(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {error.orig}")
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def redis_url():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        needs_service(f"Redis is not reachable at {REDIS_URL}: {error}")
    yield REDIS_URL
    client.flushdb()


@pytest.fixture
def fresh_postgres_app(postgres_url, tmp_path):
    """The app on the module's PostgreSQL database, its tables made for one test and dropped
    after it, each request of its clients in an app context of its own."""
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=postgres_url,
        INSTANCE_DIR=tmp_path,
        MAIL_FILE_DIR=str(tmp_path / "mail"),
    )
    app.test_client_class = FreshRequestClient
    with app.app_context():
        db.create_all()
        limiter.reset()
        yield app
        db.session.remove()
        db.drop_all()


def migrated_postgres_app(postgres_url: str, folder, **settings):
    """The app on a module's PostgreSQL database, its schema built by the real migrations."""
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=postgres_url,
        INSTANCE_DIR=folder,
        MAIL_FILE_DIR=str(folder / "mail"),
        **settings,
    )
    with app.app_context():
        upgrade()
    return app
