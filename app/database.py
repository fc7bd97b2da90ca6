"""How the app holds its database connections: bounded waits, dead connections replaced,
sessions ended quietly, SQLite files shared with the worker."""

import time

import sqlalchemy as sa
from flask import Flask

from app.extensions import db

# A pooled connection unused for longer than this is checked (pinged) before a request uses
# it. Under load every connection goes back to work within milliseconds and is never checked
# (a ping is a round trip on every request); one left idle, as after a quiet spell during
# which the database may have restarted, is.
IDLE_BEFORE_CHECK_S = 1.0


def configure(app: Flask) -> None:
    """On PostgreSQL, bound connecting and statements (before the engine is made).

    A server that does not answer costs seconds, not a hang: app/errors.py then answers a
    503 page."""
    if not str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        return
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("pool_timeout", 5)
    connect_args = dict(options.get("connect_args") or {})
    connect_args.setdefault("connect_timeout", app.config["DATABASE_CONNECT_TIMEOUT"])
    connect_args.setdefault(
        "options", f"-c statement_timeout={app.config['DATABASE_STATEMENT_TIMEOUT_MS']}"
    )
    options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def init_app(app: Flask) -> None:
    """After Flask-SQLAlchemy's own init_app: the engine exists."""
    end_sessions_quietly(app)
    with app.app_context():
        engine = db.engine
    pings_anyway = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).get("pool_pre_ping")
    if engine.dialect.name == "postgresql" and not pings_anyway:
        check_connections_after_idle(engine)
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        use_write_ahead_log(engine)


def check_connections_after_idle(engine: sa.Engine) -> None:
    """Replace a pooled connection that died while idle (a database restarted) before use,
    and with it every other connection of the pool opened before.

    `pool_pre_ping` would ping on every checkout. A connection that dies while in use fails its
    statement instead: SQLAlchemy then invalidates the whole pool, so the connections that
    were open at the time are all replaced, and the request answers the 503 page."""

    @sa.event.listens_for(engine, "checkin")
    def _note_idle(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _check_if_idle(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_BEFORE_CHECK_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # noqa: BLE001 - any failure: the database went away
            # Every connection opened before now is as dead as this one: replace them all,
            # as SQLAlchemy does when a statement finds its connection gone.
            raise sa.exc.InvalidatePoolError() from error


def end_sessions_quietly(app: Flask) -> None:
    """End each request's database session even when the database just went away.

    Its rollback fails when PostgreSQL is shutting down; raised from the teardown, that
    would turn an answer already made into a 500. Registered after Flask-SQLAlchemy's own
    teardown, so it runs first (teardowns run in reverse order) and leaves it nothing to do.
    """

    @app.teardown_appcontext
    def _end_session(_error: BaseException | None) -> None:
        try:
            db.session.remove()
        except Exception:  # noqa: BLE001 - the connection is gone; the pool replaces it
            app.logger.warning("database session ended with a failed rollback", exc_info=True)
            db.session.registry.clear()


def use_write_ahead_log(engine: sa.Engine) -> None:
    """Open SQLite files in WAL mode, where readers and the one writer never wait on each other.

    The web server and the worker share the file, and an export job saves its progress
    while its own rows are still being read: with the default journal that write would wait
    for the read to end, and fail.
    """
    sa.event.listen(
        engine, "connect", lambda connection, _: connection.execute("PRAGMA journal_mode=WAL")
    )
