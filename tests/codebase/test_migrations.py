"""The migrations build exactly the schema the models describe, on the embedded SQLite."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db


@pytest.fixture
def migrated_app(tmp_path):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'migrated.db'}",
        INSTANCE_DIR=tmp_path,
    )
    with app.app_context():
        upgrade()  # the real migrations, as `make run` applies them
        yield app
        db.session.remove()


def schema_differences() -> list:
    with db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), db.metadata)


def test_migrations_build_the_schema_the_models_expect(migrated_app):
    assert schema_differences() == []


def test_every_migration_can_be_undone_and_applied_again(migrated_app):
    downgrade(revision="base")
    upgrade()
    assert schema_differences() == []
