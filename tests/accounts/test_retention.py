"""Retention: `flask retention run` (and the nightly beat) remove what is kept past its time."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import AuditEvent, ExportJob, Submission, SubmissionRevision, User
from app.models.common import utcnow
from app.services import retention
from app.services.accounts import audit
from app.services.exports import jobs
from tests.conftest import make_user
from tests.factories import answered_consultation

LONG_AGO = timedelta(days=5000)


@pytest.fixture
def aged(db, users):
    """One of each thing past its time, and one of each still within it."""
    stale = make_user(db, "stale@example.org", "visitor", name="Stale Invitee")
    fresh = make_user(db, "fresh@example.org", "visitor", name="Fresh Invitee")
    stale.password_hash = fresh.password_hash = None
    stale.created_at = utcnow() - LONG_AGO
    for index in range(3):
        audit.record(users["staff"], "consultation.updated", None, number=index)
    db.session.commit()
    old = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id).limit(2)).all()
    for line in old:  # aged by hand, then sealed again as they were written at that time
        line.at = utcnow() - LONG_AGO
    db.session.commit()
    _reseal(db)
    job = jobs.start(users["staff"], "feedback", "csv", _archived(db), filters={})
    db.session.refresh(job)
    job.created_at = utcnow() - LONG_AGO
    db.session.commit()
    return {"stale": stale, "fresh": fresh, "job": job, "old_lines": [line.id for line in old]}


def _archived(db):
    consultation = answered_consultation(db)
    consultation.status = "archived"
    consultation.closes_at = utcnow() - LONG_AGO
    db.session.commit()
    return consultation


def _reseal(db) -> None:
    """Chain every line again from the start, as if they had been written with these times."""
    from app.models import AuditChainHead

    previous = ""
    for line in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)):
        line.chain = audit._seal(previous, audit._content(line))
        previous = line.chain
    db.session.get(AuditChainHead, audit.HEAD_ID).chain = previous
    db.session.commit()


def test_a_dry_run_says_what_would_go_and_changes_nothing(runner, aged, db):
    lines = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))

    result = runner.invoke(args=["retention", "run", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "Would go:" in result.output
    assert "1 unaccepted invitations erased (after 30 days" in result.output
    assert "1 export records deleted" in result.output
    assert f"{len(aged['old_lines'])} audit lines removed" in result.output
    assert "1 archived consultations no longer naming their editors" in result.output
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == lines
    assert db.session.get(User, aged["stale"].id).name == "Stale Invitee"


def test_a_run_removes_what_is_past_its_time_and_the_trail_still_verifies(runner, aged, db):
    stored = jobs.export_folder() / aged["job"].stored_as
    assert stored.is_file()

    result = runner.invoke(args=["retention", "run"])

    assert result.exit_code == 0, result.output
    assert "Gone:" in result.output
    stale, fresh = db.session.get(User, aged["stale"].id), db.session.get(User, aged["fresh"].id)
    assert stale.erased_at is not None and stale.name != "Stale Invitee"
    assert fresh.name == "Fresh Invitee"
    assert db.session.get(ExportJob, aged["job"].id) is None and not stored.exists()
    kept = db.session.scalars(sa.select(AuditEvent.id)).all()
    assert not set(aged["old_lines"]) & set(kept)
    assert db.session.scalar(sa.select(sa.func.count(SubmissionRevision.id))) == 0
    submissions = db.session.scalars(sa.select(Submission)).all()
    assert submissions and all(s.submitted_by_id is None for s in submissions)
    assert all(s.general_comment is not None and s.items for s in submissions)
    assert "intact" in runner.invoke(args=["audit", "verify"]).output
    purge = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "retention.purged"))
    assert purge.details["invitations"] == 1


def test_nothing_goes_when_a_period_is_zero(app, aged, db):
    for setting in retention.SETTINGS.values():
        app.config[setting] = 0

    assert retention.run().total == 0
    assert db.session.get(User, aged["stale"].id).erased_at is None


def test_the_purge_runs_every_night(app, aged, db):
    from app.tasks.retention import purge
    from config import Config

    schedule = Config.CELERY["beat_schedule"]["retention-purge"]
    assert schedule == {"task": "app.tasks.retention.purge", "schedule": 86400.0}
    assert purge.apply().get() == 1 + 1 + len(aged["old_lines"]) + 1


def test_ended_tokens_links_and_recovery_codes_go_after_the_session_period(
    runner, client, users, db
):
    """Browser sessions leave no row; the credentials that outlive them go once ended long ago."""
    from app.models import AccountToken, ApiToken, RecoveryCode
    from app.services.accounts import links, tokens

    person = users["council"]
    _ended, _ = tokens.create(person, "old script")
    _live, live_token = tokens.create(person, "monthly script")
    _ended.revoked_at = utcnow() - timedelta(days=31)
    links.issue(person, "reset")
    db.session.add(RecoveryCode(user_id=person.id, code_hash="x", used_at=utcnow() - LONG_AGO))
    db.session.add(RecoveryCode(user_id=person.id, code_hash="y"))  # not used: kept
    db.session.commit()
    db.session.scalar(sa.select(AccountToken)).expires_at = utcnow() - timedelta(days=31)
    db.session.commit()

    planned = runner.invoke(args=["retention", "run", "--dry-run"]).output
    assert (
        "3 ended API tokens, emailed links and recovery codes deleted "
        "(after 30 days, RETENTION_SESSION_DAYS)" in planned
    )
    assert "3 ended API tokens" in runner.invoke(args=["retention", "run"]).output

    assert db.session.scalars(sa.select(ApiToken.name)).all() == ["monthly script"]
    assert db.session.scalar(sa.select(sa.func.count(AccountToken.id))) == 0
    assert db.session.scalars(sa.select(RecoveryCode.code_hash)).all() == ["y"]
    assert tokens.user_for(f"Bearer {live_token}") == person  # the live one still works
