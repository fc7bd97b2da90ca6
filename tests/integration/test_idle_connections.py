"""Pooled PostgreSQL connections are tested only after they have been idle: one that died
meanwhile (the database restarted in a quiet spell) is replaced without the request seeing
it, and one that dies in use fails one statement, after which the whole pool is replaced."""

import time

import pytest
import sqlalchemy as sa

from app import database
from app.extensions import db

pytestmark = pytest.mark.postgres


@pytest.fixture
def app(fresh_postgres_app):
    return fresh_postgres_app


def backend_pid() -> int:
    with db.engine.connect() as connection:
        return connection.scalar(sa.text("SELECT pg_backend_pid()"))


def terminate(pid: int) -> None:
    """End a backend from a connection of its own, as a database restart would."""
    admin = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        assert connection.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


def test_a_connection_that_died_while_idle_is_replaced_before_the_request_uses_it(app, monkeypatch):
    db.engine.dispose()
    first = backend_pid()
    terminate(first)
    monkeypatch.setattr(database, "IDLE_BEFORE_CHECK_S", 0.0)  # the pooled one counts as idle

    response = app.test_client().get("/")

    assert response.status_code == 200
    assert backend_pid() != first


def test_busy_connections_are_not_tested_and_one_failure_replaces_the_whole_pool(app, monkeypatch):
    monkeypatch.setattr(database, "IDLE_BEFORE_CHECK_S", 3600.0)  # never idle long enough
    db.engine.dispose()
    with db.engine.connect() as one, db.engine.connect() as two:  # two pooled connections
        pids = {
            one.scalar(sa.text("SELECT pg_backend_pid()")),
            two.scalar(sa.text("SELECT pg_backend_pid()")),
        }
    for pid in pids:
        terminate(pid)

    with pytest.raises(sa.exc.OperationalError) as failed:
        backend_pid()  # not tested first: the statement itself finds the connection dead

    assert failed.value.connection_invalidated
    assert backend_pid() not in pids  # the other dead connection is not handed out


def test_a_failed_check_replaces_every_connection_opened_before_it(app, monkeypatch):
    monkeypatch.setattr(database, "IDLE_BEFORE_CHECK_S", 0.3)
    db.engine.dispose()
    with db.engine.connect() as one, db.engine.connect() as two:
        pids = {
            one.scalar(sa.text("SELECT pg_backend_pid()")),
            two.scalar(sa.text("SELECT pg_backend_pid()")),
        }
    time.sleep(0.4)
    backend_pid()  # the first connection out is checked, then back in: not idle any more
    for pid in pids:
        terminate(pid)

    # The idle one is checked and found dead; the other, used a moment ago and not checked,
    # is replaced too, as every connection older than the failed check is.
    with db.engine.connect() as first, db.engine.connect() as second:
        seen = {
            first.scalar(sa.text("SELECT pg_backend_pid()")),
            second.scalar(sa.text("SELECT pg_backend_pid()")),
        }
    assert not seen & pids
