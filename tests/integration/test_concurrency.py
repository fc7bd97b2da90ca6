"""Many members at once on PostgreSQL: one submission, one receipt, nothing overwritten."""

import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Consultation, OutboxMessage, Submission, User
from app.services.feedback import saving as feedback
from app.services.feedback import submissions
from app.services.feedback.saving import ParagraphInput
from tests.conftest import invite_organisations, make_user
from tests.helpers import make_consultation
from tests.integration.conftest import migrated_postgres_app

pytestmark = pytest.mark.postgres
PARALLEL = 20


@pytest.fixture(scope="module")
def pg_app(postgres_url, tmp_path_factory):
    return migrated_postgres_app(
        postgres_url,
        tmp_path_factory.mktemp("concurrency"),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": PARALLEL + 2},
    )


@pytest.fixture(scope="module")
def setup(pg_app):
    from app.models import Organisation

    with pg_app.app_context():
        organisation = Organisation(name="Parallel Org", kind="ngo", region="europe")
        db.session.add(organisation)
        db.session.commit()
        members = [
            make_user(db, f"member{i}@parallel.example.org", "partner", organisation)
            for i in range(PARALLEL)
        ]
        consultation = make_consultation("parallel")
        invite_organisations(db, consultation, organisation)
        return consultation.id, [m.id for m in members]


def run_in_parallel(app, work, user_ids):
    barrier = threading.Barrier(len(user_ids))
    errors = []

    def run(user_id):
        with app.app_context():
            user = db.session.get(User, user_id)
            consultation = db.session.scalar(
                sa.select(Consultation).where(Consultation.slug == "parallel")
            )
            barrier.wait()
            try:
                work(user, consultation)
            except Exception as error:  # noqa: BLE001 - collected and asserted below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(uid,)) for uid in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_twenty_first_saves_at_once_make_one_submission(pg_app, setup):
    consultation_id, member_ids = setup

    def first_save(user, consultation):
        paragraph = consultation.current_version.paragraphs[0]
        feedback.save_paragraphs(
            user,
            consultation,
            [ParagraphInput(paragraph.id, "support", "Same words from everyone.", "")],
            0,
        )

    errors = run_in_parallel(pg_app, first_save, member_ids)
    with pg_app.app_context():
        rows = db.session.scalars(sa.select(Submission)).all()
        assert len(rows) == 1
        assert [item.comment for item in rows[0].items] == ["Same words from everyone."]
    assert errors == []


def test_twenty_identical_submits_at_once_send_one_receipt(pg_app, setup):
    consultation_id, member_ids = setup
    with pg_app.app_context():
        consultation = db.session.get(Consultation, consultation_id)
        user = db.session.get(User, member_ids[0])
        feedback.save_answers(
            user,
            consultation,
            {consultation.questions[0].id: "4"},
            "",
            submissions.submission_of(consultation, user.organisation_id).lock_version,
        )
        reviewed = submissions.submission_of(consultation, user.organisation_id).lock_version

    errors = run_in_parallel(pg_app, lambda u, c: submissions.submit(u, c, reviewed), member_ids)
    with pg_app.app_context():
        [submission] = db.session.scalars(sa.select(Submission)).all()
        assert submission.status == "submitted"
        receipts = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.task == "app.tasks.mail.send_email")
        ).all()
        assert len(receipts) == 1
        assert [r.action for r in submission.revisions].count("submitted") == 1
    assert errors == []
