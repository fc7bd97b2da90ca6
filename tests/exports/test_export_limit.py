"""One person has at most three reports or exports being prepared at once."""

import pytest
import sqlalchemy as sa

from app.models import ExportJob
from app.services.errors import Conflict
from app.services.exports import jobs
from tests.helpers import make_consultation


def waiting_jobs(db, user, consultation, statuses) -> None:
    for number, status in enumerate(statuses):
        db.session.add(
            ExportJob(
                public_id=f"waiting{number}{user.id}",
                requested_by=user,
                consultation=consultation,
                kind="feedback",
                file_format="xlsx",
                status=status,
            )
        )
    db.session.commit()


def test_a_fourth_export_is_refused_with_a_clear_message(client, auth, users, db):
    consultation = make_consultation()
    waiting_jobs(db, users["staff"], consultation, ["queued", "running", "queued"])
    auth.login(users["staff"].email)

    response = client.post(
        f"/exports/consultations/{consultation.slug}/feedback",
        data={"file_format": "xlsx"},
        follow_redirects=True,
    )

    page = response.get_data(as_text=True)
    assert "You already have 3 exports or reports being prepared." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 3


def test_finished_jobs_and_other_peoples_jobs_do_not_count(users, db):
    consultation = make_consultation()
    waiting_jobs(db, users["staff"], consultation, ["done", "failed", "expired", "queued"])
    waiting_jobs(db, users["admin"], consultation, ["queued", "queued", "queued"])

    job = jobs.start(users["staff"], "feedback", "xlsx", consultation)

    assert job.requested_by_id == users["staff"].id


def test_the_service_refuses_the_fourth_whatever_the_page(users, db):
    consultation = make_consultation()
    waiting_jobs(db, users["council"], consultation, ["queued", "queued", "running"])

    with pytest.raises(Conflict):
        jobs.start(users["council"], "feedback", "xlsx", consultation)
