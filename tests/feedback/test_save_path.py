"""The save path: statements per save, the lock in the UPDATE, one history entry per burst."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import Consultation, ParagraphFeedback, Submission, SubmissionRevision, User
from app.models.common import utcnow
from app.services.feedback import saving
from app.services.feedback.editing import StaleSave, bump, merge
from app.services.feedback.paragraph_writes import ItemWrite, write_save
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


def as_a_new_request(db, user_id):
    """What the section route holds before a save reads, in a fresh session: the user
    (Flask-Login)."""
    db.session.remove()
    return db.session.get(User, user_id)


def autosave(user, consultation, paragraph, base, comment, stance="support"):
    return saving.save_paragraphs(
        user, consultation, [ParagraphInput(paragraph.id, stance, comment)], base
    )


def test_saving_one_paragraph_reads_once_and_writes_in_one_statement_on_postgresql(
    db, users, consultation, colleague
):
    """The consultation, the section and the submission's state in one read, then the writes:
    one statement on PostgreSQL, three (version, item, history entry) on SQLite."""
    partner, slug = users["partner"], consultation.slug
    first = autosave(partner, consultation, consultation.current_version.paragraphs[0], 0, "One")
    ids = {"partner": partner.id, "colleague": colleague.id}
    one_write = db.engine.dialect.name == "postgresql"
    # The same person's next autosave (history entry extended), then a colleague's first words
    # on another paragraph (item and history entry inserted).
    for member, text in (("partner", "One more"), ("colleague", "Two, a colleague's paragraph")):
        user = as_a_new_request(db, ids[member])
        with statements(db) as seen:
            consultation_, section = saving.section_to_save(slug, user.organisation_id, 0)
            paragraph = list(section.paragraphs.values())[1 if member == "colleague" else 0]
            result = saving.save_paragraphs(
                user,
                consultation_,
                [ParagraphInput(paragraph.id, "support", text)],
                first.lock_version,
                section,
            )
        assert result.clashes == []
        assert len(seen) == (2 if one_write else 4), "\n".join(seen)
        assert seen[0].startswith("SELECT") and "paragraph_feedback" in seen[0]
        assert "consultation_invitation" in seen[0] and consultation_.slug == slug
        writes = " ".join(seen[1:])
        assert "UPDATE submission SET" in writes
        assert "submission.id = ? AND submission.lock_version = ?" in writes.replace(
            "%(lock_id)s::INTEGER", "?"
        ).replace("%(lock_read)s::INTEGER", "?")
        new_item = member == "colleague"
        assert (
            "INSERT INTO paragraph_feedback" if new_item else "UPDATE paragraph_feedback"
        ) in writes
        assert (
            "INSERT INTO submission_revision" if new_item else "UPDATE submission_revision"
        ) in writes
    db.session.remove()
    submission = db.session.scalar(sa.select(Submission))
    assert {i.comment for i in submission.items} == {"One more", "Two, a colleague's paragraph"}
    assert submission.lock_version == first.lock_version + 2
    history = db.session.scalars(sa.select(SubmissionRevision).order_by(SubmissionRevision.id))
    assert [(r.actor_id, r.lock_version) for r in history] == [
        (partner.id, first.lock_version + 1),
        (colleague.id, first.lock_version + 2),
    ]


def test_a_save_that_lost_the_race_writes_nothing(db, users, consultation):
    partner = users["partner"]
    paragraph = consultation.current_version.paragraphs[0]
    result = autosave(partner, consultation, paragraph, 0, "Mine")
    with pytest.raises(StaleSave):
        bump(result.submission_id, result.lock_version - 1, "draft", partner, utcnow())
    db.session.rollback()
    item = db.session.scalar(sa.select(ParagraphFeedback))
    lost = [
        ItemWrite(item.paragraph_id, item.id, "oppose", "Lost", "", None, False),
        ItemWrite(
            consultation.current_version.paragraphs[1].id, None, "oppose", "Lost", "", None, False
        ),
    ]
    diffs = {f"p:{paragraph.id}": {"comment": ["Mine", "Lost"]}}
    with pytest.raises(StaleSave):
        write_save(
            result.submission_id,
            result.lock_version - 1,
            "draft",
            partner,
            utcnow(),
            lost,
            diffs,
            None,
        )
    db.session.rollback()
    assert db.session.get(Submission, result.submission_id).lock_version == result.lock_version
    assert [i.comment for i in db.session.scalars(sa.select(ParagraphFeedback))] == ["Mine"]
    assert len(db.session.scalars(sa.select(SubmissionRevision)).all()) == 1


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


def test_the_invitation_rule_is_read_once_and_forgotten_when_invitations_change(db, organisation):
    from app.models import ConsultationInvitation
    from app.services.accounts import access

    consultation = make_consultation("not-yet-invited")
    organisation_id = organisation.id  # loaded now (and the consultation), not in the count
    db.session.refresh(consultation)
    with statements(db) as seen:
        assert not access.is_invited(organisation_id, consultation)
        assert not access.is_invited(organisation_id, consultation)
    assert len(seen) == 1
    # An invitation added in the same transaction is seen at once (the flush forgets)...
    db.session.add(ConsultationInvitation(consultation=consultation, organisation=organisation))
    db.session.flush()
    assert access.is_invited(organisation.id, consultation)
    # ...and one withdrawn elsewhere is seen by the next transaction.
    db.session.commit()
    db.session.execute(sa.delete(ConsultationInvitation))
    db.session.commit()
    assert not access.is_invited(organisation.id, consultation)


def test_a_first_save_writes_on_the_published_version_while_a_new_one_is_prepared(
    db, users, consultation
):
    """The save's read finds the current version in SQL as Consultation.current_version does:
    the latest published one, not a newer draft that staff are still preparing; and the
    latest once that one is published."""
    from app.models import DocumentVersion, Paragraph, Section

    published = consultation.current_version
    published_id, published_sections = published.id, len(published.sections)
    draft = DocumentVersion(number=2, published_at=None)
    draft.sections = [
        Section(
            position=0,
            heading={"en": "New"},
            paragraphs=[Paragraph(number="1", position=0, text={"en": "New text."})],
        )
    ]
    consultation.versions.append(draft)
    db.session.commit()
    draft_id, partner_id, slug = draft.id, users["partner"].id, consultation.slug

    user = as_a_new_request(db, partner_id)
    _consultation, section = saving.section_to_save(slug, user.organisation_id, 0)
    assert {p.version_id for p in section.paragraphs.values()} == {published_id}
    assert section.section_count == published_sections

    db.session.get(DocumentVersion, draft_id).published_at = utcnow()
    db.session.commit()
    user = as_a_new_request(db, partner_id)
    loaded, section = saving.section_to_save(slug, user.organisation_id, 0)
    assert loaded.current_version.id == draft_id
    assert [p.number for p in section.paragraphs.values()] == ["1"]
    assert {p.version_id for p in section.paragraphs.values()} == {draft_id}
    assert section.section_count == 1


def test_the_consultation_a_save_reads_is_the_sessions_own_and_loads_its_titles_when_read(
    db, users, consultation
):
    slug, title = consultation.slug, dict(consultation.title)
    user = as_a_new_request(db, users["partner"].id)
    loaded, section = saving.section_to_save(slug, user.organisation_id, 0)
    assert section is not None
    assert loaded is db.session.get(Consultation, loaded.id)
    assert not db.session.dirty and not db.session.new
    assert loaded.title == title  # not read by the save; loaded when a page shows it
