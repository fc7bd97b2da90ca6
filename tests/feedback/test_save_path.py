"""The save path: statements per save, the lock in the UPDATE, one history entry per burst."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import Submission, SubmissionRevision, User
from app.models.common import utcnow
from app.services.feedback import saving
from app.services.feedback.editing import StaleSave, bump, merge
from app.services.feedback.saving import ParagraphInput
from tests.conftest import make_user
from tests.helpers import make_consultation


@pytest.fixture
def consultation(db, organisation, invite):
    consultation = make_consultation()
    invite(consultation)
    return consultation


@pytest.fixture
def colleague(db, organisation):
    return make_user(db, "colleague@unicef.example.org", "partner", organisation, "Ana Colleague")


@contextmanager
def statements(db):
    """Every SQL statement sent to the database meanwhile (an executemany counts once)."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def as_a_new_request(db, user_id, slug):
    """What the section route holds when it calls the service, in a fresh session: the user
    (Flask-Login), the consultation and its versions, the posted section's paragraphs."""
    db.session.remove()
    user = db.session.get(User, user_id)
    consultation = saving.consultation_to_write(slug)
    section, _count = saving.section_to_write(consultation, user.organisation_id, 0)
    return user, consultation, section


def autosave(user, consultation, paragraph, base, comment, stance="support"):
    return saving.save_paragraphs(
        user, consultation, [ParagraphInput(paragraph.id, stance, comment)], base
    )


def test_saving_one_paragraph_takes_four_statements_and_no_submission_reload(
    db, users, consultation, colleague
):
    partner, slug = users["partner"], consultation.slug
    first = autosave(partner, consultation, consultation.current_version.paragraphs[0], 0, "One")
    ids = {"partner": partner.id, "colleague": colleague.id}
    # The same person's next autosave (history entry extended), then a colleague's first words
    # on another paragraph (item and history entry inserted).
    for member, text in (("partner", "One more"), ("colleague", "Two, a colleague's paragraph")):
        user, consultation_, section = as_a_new_request(db, ids[member], slug)
        paragraph = section.paragraphs[1 if member == "colleague" else 0]
        with statements(db) as seen:
            result = autosave(user, consultation_, paragraph, first.lock_version, text)
        assert result.clashes == []
        # The access rule asks whether the organisation is invited; the save itself is four.
        own = [s for s in seen if "consultation_invitation" not in s]
        assert len(own) == 4, "\n".join(own)
        assert own[0].startswith("SELECT") and "FROM submission" in own[0]
        assert own[1].startswith("UPDATE submission SET")
        assert "WHERE submission.id = ? AND submission.lock_version = ?" in own[1]
        assert own[2].startswith(
            "INSERT INTO paragraph_feedback"
            if member == "colleague"
            else "UPDATE paragraph_feedback"
        )
        assert own[3].startswith(
            "INSERT INTO submission_revision"
            if member == "colleague"
            else "UPDATE submission_revision"
        )
        assert len(seen) - len(own) <= 1
    db.session.remove()
    submission = db.session.scalar(sa.select(Submission))
    assert {i.comment for i in submission.items} == {"One more", "Two, a colleague's paragraph"}


def test_a_save_that_lost_the_race_writes_nothing(db, users, consultation):
    partner = users["partner"]
    result = autosave(partner, consultation, consultation.current_version.paragraphs[0], 0, "Mine")
    with pytest.raises(StaleSave):
        bump(result.submission_id, result.lock_version - 1, "draft", partner, utcnow())
    db.session.rollback()
    assert db.session.get(Submission, result.submission_id).lock_version == result.lock_version


def test_a_submitted_submission_saved_again_is_a_draft_with_its_history(db, users, consultation):
    from app.services.feedback import submissions

    partner = users["partner"]
    paragraph = consultation.current_version.paragraphs[0]
    saved = autosave(partner, consultation, paragraph, 0, "Before sending")
    saving.save_answers(
        partner, consultation, {q.id: "1" for q in consultation.questions}, "", saved.lock_version
    )
    submission = submissions.submit(partner, consultation, saved.submission.lock_version)
    again = autosave(partner, consultation, paragraph, submission.lock_version, "After sending")
    assert again.submission.status == "draft"
    actions = [r.action for r in again.submission.revisions]
    assert actions == ["saved", "saved", "submitted", "saved"]
    assert again.submission.revisions[-1].changes == {
        f"p:{paragraph.id}": {"comment": ["Before sending", "After sending"]}
    }


def test_autosaves_of_one_paragraph_by_one_person_are_one_history_entry(
    db, users, consultation, colleague
):
    partner = users["partner"]
    first, second = consultation.current_version.paragraphs[:2]
    version = 0
    for text in ("We", "We ask", "We ask the Council"):
        version = autosave(partner, consultation, first, version, text).lock_version
    [entry] = db.session.scalars(sa.select(SubmissionRevision)).all()
    assert entry.changes == {
        f"p:{first.id}": {"stance": [None, "support"], "comment": ["", "We ask the Council"]}
    }
    assert entry.lock_version == version
    # Another paragraph, another person, or a pause of more than five minutes: a new entry.
    version = autosave(partner, consultation, second, version, "Second").lock_version
    version = autosave(colleague, consultation, second, version, "Second, edited").lock_version
    latest = db.session.scalars(sa.select(SubmissionRevision).order_by(SubmissionRevision.id))
    latest = latest.all()[-1]
    latest.at -= timedelta(minutes=6)
    db.session.commit()
    autosave(colleague, consultation, second, version, "Second, edited later")
    history = db.session.scalars(sa.select(SubmissionRevision).order_by(SubmissionRevision.id))
    assert [(r.actor_id, list(r.changes)) for r in history] == [
        (partner.id, [f"p:{first.id}"]),
        (partner.id, [f"p:{second.id}"]),
        (colleague.id, [f"p:{second.id}"]),
        (colleague.id, [f"p:{second.id}"]),
    ]


def test_merged_history_keeps_each_fields_first_and_last_value():
    earlier = {"p:1": {"comment": ["", "a"], "stance": [None, "amend"]}}
    later = {"p:1": {"comment": ["a", "ab"], "stance": ["amend", None]}}
    assert merge(earlier, later) == {"p:1": {"comment": ["", "ab"]}}
