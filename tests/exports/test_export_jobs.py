"""Export jobs: started from the export page, written by a worker, downloaded by their requester."""

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app import create_app
from app.extensions import db as _db
from app.models import (
    AuditEvent,
    ExportJob,
    Organisation,
    OutboxMessage,
    ParagraphFeedback,
    Submission,
)
from app.models.common import utcnow
from app.services.exports import job_writers, jobs
from app.services.exports.feedback_rows import COLUMNS
from config import _redis_celery
from tests.conftest import AuthActions, FreshRequestClient, make_user
from tests.exports.test_feedback_export import FRENCH, add_feedback
from tests.helpers import make_consultation

URL = "/exports/consultations/{slug}/feedback"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CLOSED_PORT_URL = "redis://127.0.0.1:1/0"
STANCES = ("support", "amend", "oppose", None)


@pytest.fixture
def feedback(db):
    return add_feedback(db, make_consultation())


def start(client, consultation, **data) -> str:
    """Ask for an export that becomes a job; the public id of the job."""
    response = client.post(URL.format(slug=consultation.slug), data={"file_format": "xlsx", **data})
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert location.startswith("/exports/")
    return location.removeprefix("/exports/")


def job_of(db, public_id: str) -> ExportJob:
    job = db.session.scalar(sa.select(ExportJob).where(ExportJob.public_id == public_id))
    db.session.refresh(job)  # written by the task, in its own session
    return job


def events(db, action: str) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def test_staff_workbook_is_written_by_a_job_and_downloaded_by_them(client, auth, users, feedback):
    auth.login("staff@example.org")
    public_id = start(client, feedback)
    page = client.get(f"/exports/{public_id}").text
    assert "Ready to download" in page
    assert "Download culture-2026-feedback.xlsx" in page and "6 rows" in page
    response = client.get(f"/exports/{public_id}/download")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=culture-2026-feedback.xlsx"
    )
    assert response.headers["Cache-Control"] == "private, no-store"
    workbook = load_workbook(io.BytesIO(response.get_data()))
    rows = list(workbook["Feedback"].iter_rows(values_only=True))
    assert rows[0] == COLUMNS and len(rows) == 7


def test_a_finished_job_records_its_rows_progress_and_expiry(client, auth, users, feedback, db):
    auth.login("staff@example.org")
    job = job_of(db, start(client, feedback))
    assert (job.status, job.progress, job.rows_done, job.rows_total) == ("done", 100, 6, 6)
    assert job.expires_at - job.finished_at == timedelta(hours=24)
    assert job.size == (jobs.export_folder() / job.stored_as).stat().st_size
    assert not list(jobs.export_folder().glob("*.part"))


def test_the_progress_endpoint_says_when_the_job_has_ended(client, auth, users, feedback):
    auth.login("staff@example.org")
    public_id = start(client, feedback)
    body = client.get(f"/exports/{public_id}/progress").get_json()
    assert body == {
        "status": "done",
        "status_label": "Ready to download",
        "progress": 100,
        "rows_written": "6 of 6 rows written",
        "finished": True,
    }


def test_csv_over_the_stream_limit_becomes_a_job_too(app, client, auth, users, feedback):
    app.config["EXPORT_STREAM_LIMIT"] = 5
    auth.login("staff@example.org")
    public_id = start(client, feedback, file_format="csv")
    response = client.get(f"/exports/{public_id}/download")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    records = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))
    assert records[0] == list(COLUMNS) and len(records) == 7


def test_csv_within_the_stream_limit_is_streamed_without_a_job(app, client, auth, users, feedback):
    app.config["EXPORT_STREAM_LIMIT"] = 6
    auth.login("staff@example.org")
    response = client.post(URL.format(slug=feedback.slug), data={"file_format": "csv"})
    assert response.status_code == 200 and response.is_streamed
    response.get_data()
    assert _db.session.scalar(sa.select(sa.func.count(ExportJob.id))) == 0


def test_the_council_starts_an_export_and_downloads_it(client, auth, users, feedback):
    auth.login("council@example.org")
    public_id = start(client, feedback, language="fr")
    response = client.get(f"/exports/{public_id}/download")
    workbook = load_workbook(io.BytesIO(response.get_data()))
    rows = list(workbook["Feedback"].iter_rows(values_only=True))
    assert [row[COLUMNS.index("comment")] for row in rows[1:]] == [FRENCH]


def test_a_requester_who_lost_the_right_to_read_the_feedback_loses_the_file(
    client, auth, users, feedback, db
):
    auth.login("council@example.org")
    public_id = start(client, feedback)
    assert client.get(f"/exports/{public_id}/download").status_code == 200
    users["council"].role = "visitor"  # an administrator took the role away
    db.session.commit()
    assert client.get(f"/exports/{public_id}").status_code == 404
    assert client.get(f"/exports/{public_id}/download").status_code == 404


@pytest.mark.parametrize("email", ["partner@unicef.example.org", "visitor@example.org"])
def test_partners_and_visitors_cannot_start_an_export(client, auth, users, feedback, db, email):
    auth.login(email)
    response = client.post(URL.format(slug=feedback.slug), data={"file_format": "xlsx"})
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(ExportJob.id))) == 0


@pytest.mark.parametrize(
    "email",
    ["other.staff@example.org", "council@example.org", "partner@unicef.example.org"],
)
def test_nobody_but_the_requester_sees_a_job_or_its_file(client, auth, users, feedback, db, email):
    make_user(db, "other.staff@example.org", "staff")
    auth.login("staff@example.org")
    public_id = start(client, feedback)
    auth.logout()
    auth.login(email)
    for suffix in ("", "/progress", "/download"):
        assert client.get(f"/exports/{public_id}{suffix}").status_code == 404
    assert public_id not in client.get("/exports/").text
    assert len(events(db, "export.downloaded")) == 0


def test_anonymous_visitors_are_sent_to_sign_in_whether_or_not_the_job_exists(
    client, auth, users, feedback
):
    auth.login("staff@example.org")
    public_id = start(client, feedback)
    auth.logout()
    for address in (f"/exports/{public_id}/download", "/exports/no-such-job/download"):
        response = client.get(address)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post(URL.format(slug=feedback.slug), data={"file_format": "xlsx"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_my_exports_lists_the_users_own_jobs(client, auth, users, feedback):
    auth.login("council@example.org")
    start(client, feedback, stance="oppose")
    auth.logout()
    auth.login("staff@example.org")
    public_id = start(client, feedback)
    page = client.get("/exports/").text
    assert f"/exports/{public_id}/download" in page
    assert page.count("/download") == 1 and "Stance: Oppose" not in page


def test_a_job_shows_its_filters_in_the_readers_words(client, auth, users, feedback):
    auth.login("staff@example.org")
    public_id = start(client, feedback, stance="amend", section="2", submitted_from="2026-01-05")
    page = client.get(f"/exports/{public_id}").text
    assert "Stance: Support with amendments" in page and "Section: Two" in page
    assert "Submitted on or after: January 5, 2026" in page


def test_export_and_download_are_audited_with_the_filters(client, auth, users, feedback, db):
    auth.login("staff@example.org")
    public_id = start(client, feedback, stance="support", section="2")
    client.get(f"/exports/{public_id}/download")
    [exported] = events(db, "feedback.exported")
    assert exported.actor_id == users["staff"].id
    assert exported.details == {
        "format": "xlsx",
        "filters": {"section": "2", "stance": "support"},
        "job": public_id,
    }
    [downloaded] = events(db, "export.downloaded")
    assert downloaded.actor_id == users["staff"].id and downloaded.ip == "127.0.0.1"
    assert downloaded.details["filters"] == {"section": "2", "stance": "support"}


def test_after_its_time_the_file_is_refused_then_purged(client, auth, users, feedback, db):
    auth.login("staff@example.org")
    public_id = start(client, feedback)
    job = job_of(db, public_id)
    path = jobs.export_folder() / job.stored_as
    job.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(f"/exports/{public_id}/download").status_code == 404
    assert "File deleted" in client.get(f"/exports/{public_id}").text
    assert path.exists()
    assert jobs.purge_expired() == 1
    assert not path.exists() and job_of(db, public_id).status == "expired"
    assert jobs.purge_expired() == 0


def test_a_job_whose_filters_no_longer_apply_fails_with_the_reason(client, auth, users, feedback):
    auth.login("staff@example.org")
    job = jobs.start(users["staff"], "feedback", "xlsx", feedback, filters={"paragraph": "99"})
    _db.session.refresh(job)
    assert job.status == "failed" and job.error == "Paragraph 99 is not in the draft."
    page = client.get(f"/exports/{job.public_id}").text
    assert "Paragraph 99 is not in the draft." in page and "/download" not in page
    assert client.get(f"/exports/{job.public_id}/download").status_code == 404


def test_a_delivered_again_message_does_not_write_the_file_twice(users, feedback, db):
    job = jobs.start(users["staff"], "feedback", "csv", feedback)
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.task == jobs.RUN_TASK))
    db.session.refresh(job)
    finished_at = job.finished_at
    message.done_at = None  # as if the relay published it again before the worker marked it
    db.session.commit()
    jobs.run_message(message.id)
    db.session.refresh(job)
    assert job.finished_at == finished_at and message.done_at is not None


def test_a_running_job_is_left_to_its_worker_until_it_is_stale(app, users, feedback, db):
    job = jobs.start(users["staff"], "feedback", "csv", feedback)
    db.session.refresh(job)
    job.status, job.heartbeat_at = "running", utcnow()
    db.session.commit()
    assert jobs.run(job.id) is False
    job.heartbeat_at = utcnow() - timedelta(seconds=app.config["EXPORT_STALE_SECONDS"] + 1)
    db.session.commit()
    assert jobs.run(job.id) is True
    db.session.refresh(job)
    assert job.status == "done" and job.attempts == 2


def test_a_job_that_keeps_losing_its_worker_fails_after_its_attempts(app, users, feedback, db):
    job = jobs.start(users["staff"], "feedback", "csv", feedback)
    db.session.refresh(job)
    silent = utcnow() - timedelta(seconds=app.config["EXPORT_STALE_SECONDS"] + 1)
    job.status, job.heartbeat_at, job.attempts = "running", silent, jobs.MAX_ATTEMPTS
    db.session.commit()
    assert jobs.run(job.id) is True  # ended: nothing more to deliver
    db.session.refresh(job)
    assert job.status == "failed" and "Please start the export again." in job.error


def test_a_worker_taken_over_does_not_mark_the_job_done(app, users, feedback, db):
    job = jobs.start(users["staff"], "feedback", "csv", feedback)
    db.session.refresh(job)
    job.status, job.attempts, job.finished_at = "running", 3, None
    db.session.commit()
    jobs._finish(job.id, 2, 10)  # the worker of attempt 2 comes back after attempt 3 began
    db.session.refresh(job)
    assert job.status == "running" and job.finished_at is None


@pytest.fixture
def broker_down(tmp_path):
    """The app with a broker nobody answers on, tasks sent to it rather than run here."""
    app = create_app(
        "testing",
        INSTANCE_DIR=tmp_path,
        CELERY={**_redis_celery(CLOSED_PORT_URL), "task_ignore_result": True},
    )
    app.test_client_class = FreshRequestClient
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()


def test_with_the_broker_down_the_job_waits_in_the_outbox(broker_down):
    make_user(_db, "staff@example.org", "staff")
    consultation = add_feedback(_db, make_consultation())
    client = broker_down.test_client()
    AuthActions(client).login("staff@example.org")
    public_id = start(client, consultation)
    job = job_of(_db, public_id)
    assert job.status == "queued"
    assert "Waiting for a worker" in client.get(f"/exports/{public_id}").text
    [message] = _db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.task == jobs.RUN_TASK)
    ).all()
    assert message.payload == {"job_id": job.id} and message.done_at is None
    # The broker is back: the relay publishes the message and a worker runs it.
    jobs.run_message(message.id)
    assert job_of(_db, public_id).status == "done" and message.done_at is not None


def add_many_feedback(consultation, organisations: int) -> int:
    """Submissions of `organisations` networks commenting every paragraph; the rows that makes."""
    version = consultation.current_version
    networks = [
        Organisation(name=f"Network {n:05d}", kind="lrg_network", region="europe", country="FR")
        for n in range(organisations)
    ]
    _db.session.add_all(networks)
    _db.session.flush()
    submissions = [
        Submission(
            consultation=consultation,
            organisation=network,
            version=version,
            status="submitted",
            submitted_at=utcnow(),
        )
        for network in networks
    ]
    _db.session.add_all(submissions)
    _db.session.flush()
    items = [
        {
            "submission_id": submission.id,
            "paragraph_id": paragraph.id,
            "stance": STANCES[(submission.id + paragraph.id) % len(STANCES)],
            "comment": f"Comment of network {submission.id} on paragraph {paragraph.number}.",
            "language": "en",
        }
        for submission in submissions
        for paragraph in version.paragraphs
    ]
    _db.session.execute(sa.insert(ParagraphFeedback), items)
    _db.session.commit()
    return len(items)


def test_progress_is_saved_while_the_rows_are_read_from_an_sqlite_file(tmp_path, monkeypatch):
    """More rows than one database batch: the cursor is open when each save is committed."""
    app = create_app(
        "testing", INSTANCE_DIR=tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/a.db"
    )
    monkeypatch.setattr(job_writers, "PROGRESS_EVERY", 1000)
    seen: list[tuple[int, int]] = []
    save = jobs._ProgressWriter.__call__

    def save_and_read_back(self, done: int, total: int | None = None) -> None:
        save(self, done, total)
        with _db.engine.connect() as other:  # as the progress page does, meanwhile
            seen.append(
                tuple(other.execute(sa.select(ExportJob.rows_done, ExportJob.progress)).one())
            )

    monkeypatch.setattr(jobs._ProgressWriter, "__call__", save_and_read_back)
    with app.app_context():
        _db.create_all()
        staff = make_user(_db, "staff@example.org", "staff")
        texts = {str(n): {"en": f"Paragraph {n}."} for n in range(1, 31)}
        consultation = make_consultation(texts=texts)
        total = add_many_feedback(consultation, organisations=100)
        job = jobs.start(staff, "feedback", "csv", consultation)
        _db.session.refresh(job)
        assert (job.status, job.rows_done, job.rows_total) == ("done", total, total), job.error
        _db.session.remove()
    assert seen == [(0, 0), (1000, 33), (2000, 66), (3000, 99), (3000, 99)]
