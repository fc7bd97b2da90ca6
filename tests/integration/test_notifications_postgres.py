"""Beat's notification sweeps on PostgreSQL: run many times at once, each person hears once."""

import threading
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Notification, Organisation
from app.models.common import utcnow
from app.services.notifications import digest, sweeps
from tests.conftest import invite_organisations, make_user
from tests.helpers import make_consultation
from tests.integration.conftest import migrated_postgres_app

pytestmark = pytest.mark.postgres
PARALLEL = 8
MEMBERS = 5


@pytest.fixture(scope="module")
def pg_app(postgres_url, tmp_path_factory):
    app = migrated_postgres_app(
        postgres_url,
        tmp_path_factory.mktemp("notifications"),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": PARALLEL + 2},
    )
    with app.app_context():
        organisation = Organisation(name="Parallel Org", kind="ngo", region="europe")
        db.session.add(organisation)
        db.session.commit()
        for i in range(MEMBERS):
            make_user(db, f"member{i}@parallel.example.org", "partner", organisation)
        consultation = make_consultation("parallel")
        consultation.closes_at = utcnow() + timedelta(days=6, hours=12)
        db.session.commit()
        invite_organisations(db, consultation, organisation)
    return app


def run_at_once(app, work) -> list[Exception]:
    barrier = threading.Barrier(PARALLEL)
    errors: list[Exception] = []

    def run():
        with app.app_context():
            barrier.wait()
            try:
                work()
            except Exception as error:  # noqa: BLE001 - collected and asserted below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def sent(app, subject_start: str) -> list[str]:
    """The recipients of the emails written so far whose subject starts so."""
    found = []
    for path in sorted(Path(app.config["MAIL_FILE_DIR"]).glob("*.eml")):
        email = message_from_bytes(path.read_bytes(), policy=policy.default)
        if email["Subject"].startswith(subject_start):
            found.append(email["To"])
    return found


def test_eight_reminder_sweeps_at_once_remind_each_member_once(pg_app):
    errors = run_at_once(pg_app, sweeps.remind_deadlines)

    assert errors == []
    reminded = sent(pg_app, "One week left")
    assert sorted(reminded) == [f"member{i}@parallel.example.org" for i in range(MEMBERS)]
    with pg_app.app_context():
        keys = db.session.scalars(sa.select(Notification.once_key)).all()
        assert len(keys) == MEMBERS and set(keys) == {keys[0]}


def test_eight_digest_runs_at_once_send_each_person_one_digest(pg_app):
    with pg_app.app_context():
        db.session.execute(sa.update(Notification).values(delivery="digest", digested_at=None))
        db.session.commit()

    errors = run_at_once(pg_app, digest.send_digests)

    assert errors == []
    digests = sent(pg_app, "Your Agora digest")
    assert sorted(digests) == [f"member{i}@parallel.example.org" for i in range(MEMBERS)]


def test_one_unsubscribe_link_used_eight_times_at_once_turns_the_emails_off_once(pg_app):
    from app.models import AuditEvent, NotificationPreference, User
    from app.services.mail import unsubscribe as tokens
    from app.services.notifications import preferences

    with pg_app.app_context():
        member = db.session.scalar(sa.select(User).where(User.email.like("member1@%")))
        token, member_id = tokens.make_token(member.id, "opened"), member.id

    # A mail client's one-click POST, the person's own click, a link scanner: all at once.
    errors = run_at_once(pg_app, lambda: preferences.unsubscribe(preferences.from_token(token)))

    assert errors == []
    with pg_app.app_context():
        rows = db.session.scalars(
            sa.select(NotificationPreference).where(NotificationPreference.user_id == member_id)
        ).all()
        assert [(r.kind, r.delivery) for r in rows] == [("opened", "none")]
        lines = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "notifications.unsubscribed")
        ).all()
        assert len(lines) == 1
