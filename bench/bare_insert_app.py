"""Baseline for bench/save_load.py: the least a Flask app can do to save a comment.

One table, one POST route that inserts one row from a form field with Flask-SQLAlchemy and
answers JSON; nothing else (no session, CSRF, access check or history). Served like Agora:

    DATABASE_URL=postgresql+psycopg://... gunicorn -w 2 -k gthread --threads 4 bare_insert_app:app

The table is created by `create_schema(url)` before gunicorn starts, not by the workers
(four workers racing to create it would fail).
"""

import os
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

TABLE = "bench_bare_insert"


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class BareComment(db.Model):
    __tablename__ = TABLE

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    organisation_id: so.Mapped[int]
    comment: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(
        sa.DateTime(timezone=True), default=lambda: datetime.now(UTC)
    )


def create_app(database_url: str) -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    db.init_app(app)

    @app.post("/save")
    def save():
        row = BareComment(
            organisation_id=int(request.form.get("organisation_id", "0")),
            comment=request.form.get("comment", ""),
        )
        db.session.add(row)
        db.session.commit()
        return jsonify(status="saved", id=row.id)

    return app


def create_schema(database_url: str) -> None:
    """Create the table (once, from the benchmark, before the workers start)."""
    app = create_app(database_url)
    with app.app_context():
        db.create_all()
        db.engine.dispose()


def count_rows(database_url: str) -> int:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(f"SELECT count(*) FROM {TABLE}")).scalar_one()
    finally:
        engine.dispose()


app = create_app(os.environ.get("DATABASE_URL", "sqlite://"))
