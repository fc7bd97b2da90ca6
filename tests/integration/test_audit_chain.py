"""Lines written at the same moment by several workers still form one unbroken chain."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.models import AuditEvent
from app.services.accounts import audit

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_app(postgres_url, tmp_path_factory):
    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=postgres_url, INSTANCE_DIR=tmp_path_factory.mktemp("pg")
    )
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()


def write_lines(app, worker: int, count: int) -> None:
    with app.app_context():
        for line in range(count):
            audit.record(None, "consultation.closed", worker=worker, line=line)
            db.session.commit()
        db.session.remove()


def test_concurrent_lines_chain_one_after_another(pg_app):
    with ThreadPoolExecutor(max_workers=8) as pool:
        for future in [pool.submit(write_lines, pg_app, w, 15) for w in range(8)]:
            future.result()

    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 120
    result = audit.verify()
    assert result.intact and result.lines == 120
