"""The rules of writing a submission, tested on the services without HTTP."""

from datetime import timedelta

import pytest

from app.models import Submission
from app.models.common import utcnow
from app.services.errors import Conflict, DomainError, Forbidden
from app.services.feedback import saving as feedback
from app.services.feedback import submissions
from app.services.feedback.saving import ParagraphInput, ValidationFailed
from app.services.textdiff import word_diff
from tests.conftest import make_user
from tests.helpers import make_consultation


@pytest.fixture
def consultation(db, organisation, invite):
    consultation = make_consultation()
    invite(consultation)
    return consultation


@pytest.fixture
def paragraphs(consultation):
    return consultation.current_version.paragraphs


@pytest.fixture
def colleague(db, organisation):
    return make_user(db, "colleague@unicef.example.org", "partner", organisation, "Ana Colleague")


def save(user, consultation, paragraph, base=0, **values):
    return feedback.save_paragraphs(
        user, consultation, [ParagraphInput(paragraph.id, **values)], base
    )


def test_first_save_creates_the_organisations_submission(users, consultation, paragraphs):
    result = save(
        users["partner"],
        consultation,
        paragraphs[0],
        stance="support",
        comment="We fully agree with this paragraph on culture.",
    )
    submission = result.submission
    assert submission.organisation_id == users["partner"].organisation_id
    assert submission.status == "draft" and submission.lock_version > 0
    [item] = submission.items
    assert item.stance == "support" and item.language == "en"
    assert submission.revisions[0].changes == {
        f"p:{paragraphs[0].id}": {
            "stance": [None, "support"],
            "comment": ["", "We fully agree with this paragraph on culture."],
        }
    }


def test_stance_is_required_with_a_comment_or_wording(users, consultation, paragraphs):
    with pytest.raises(ValidationFailed) as error:
        save(users["partner"], consultation, paragraphs[0], comment="Needs work")
    assert f"stance-{paragraphs[0].id}" in error.value.errors
    with pytest.raises(ValidationFailed):
        save(users["partner"], consultation, paragraphs[0], amendment="Other words entirely.")


def test_wording_identical_to_the_draft_is_no_amendment(users, consultation, paragraphs):
    result = save(
        users["partner"],
        consultation,
        paragraphs[0],
        stance="support",
        amendment="  First paragraph.  ",
    )
    assert result.submission.items[0].amendment == ""


def test_texts_are_limited_to_ten_thousand_characters(users, consultation, paragraphs):
    with pytest.raises(ValidationFailed) as error:
        save(users["partner"], consultation, paragraphs[0], stance="amend", comment="x" * 10_001)
    assert f"comment-{paragraphs[0].id}" in error.value.errors
    result = save(
        users["partner"], consultation, paragraphs[0], stance="amend", comment="x" * 10_000
    )
    assert len(result.submission.items[0].comment) == 10_000


def test_text_is_kept_exactly_as_typed(users, consultation, paragraphs):
    typed = "Line one <b>bold?</b>\n\nLine & two\n  indented"
    result = save(users["partner"], consultation, paragraphs[0], stance="oppose", comment=typed)
    assert result.submission.items[0].comment == typed


def test_language_is_detected_and_the_writer_can_correct_it(users, consultation, paragraphs):
    result = save(
        users["partner"],
        consultation,
        paragraphs[0],
        stance="amend",
        comment="Nous proposons de renforcer la place de la culture dans ce texte.",
    )
    assert result.submission.items[0].language == "fr"
    assert not result.submission.items[0].language_confirmed
    base = result.submission.lock_version
    result = save(
        users["partner"],
        consultation,
        paragraphs[0],
        base=base,
        stance="amend",
        comment="Nous proposons de renforcer la place de la culture dans ce texte.",
        language="es",
    )
    assert result.submission.items[0].language == "es"
    assert result.submission.items[0].language_confirmed


def test_a_later_save_on_an_older_version_does_not_overwrite(
    users, colleague, consultation, paragraphs
):
    partner = users["partner"]
    save(partner, consultation, paragraphs[0], stance="support", comment="Partner's text")
    # The colleague loaded the page at version 0 too, and saves over the same paragraph.
    result = save(
        colleague, consultation, paragraphs[0], base=0, stance="oppose", comment="Colleague's text"
    )
    [clash] = result.clashes
    assert clash.theirs["comment"] == "Partner's text" and clash.mine["comment"] == (
        "Colleague's text"
    )
    assert clash.by == partner
    assert result.submission.items[0].comment == "Partner's text"


def test_co_editors_of_different_paragraphs_do_not_clash(
    users, colleague, consultation, paragraphs
):
    save(users["partner"], consultation, paragraphs[0], stance="support", comment="One")
    result = save(colleague, consultation, paragraphs[1], base=0, stance="oppose", comment="Two")
    assert result.clashes == []
    assert {i.comment for i in result.submission.items} == {"One", "Two"}


def test_answers_are_validated_by_kind(users, consultation):
    scale, single = consultation.questions
    with pytest.raises(ValidationFailed) as error:
        feedback.save_answers(
            users["partner"], consultation, {scale.id: "7", single.id: "9"}, "", 0
        )
    assert set(error.value.errors) == {f"question-{scale.id}", f"question-{single.id}"}
    result = feedback.save_answers(
        users["partner"], consultation, {scale.id: "4", single.id: "1"}, "General words.", 0
    )
    assert {a.question_id: a.value for a in result.submission.answers} == {
        scale.id: 4,
        single.id: 1,
    }
    assert result.submission.general_comment == "General words."


def test_required_questions_are_answered_before_submit(users, consultation, paragraphs):
    submission = save(users["partner"], consultation, paragraphs[0], stance="support").submission
    with pytest.raises(ValidationFailed):
        submissions.submit(users["partner"], consultation, submission.lock_version)
    scale = consultation.questions[0]
    feedback.save_answers(
        users["partner"], consultation, {scale.id: "3"}, "", submission.lock_version
    )
    submission = submissions.submit(users["partner"], consultation, submission.lock_version)
    assert submission.status == "submitted"
    assert submission.submitted_by == users["partner"]


def test_submitting_twice_is_harmless_and_editing_reopens(
    users, consultation, paragraphs, sent_mail
):
    partner = users["partner"]
    submission = save(partner, consultation, paragraphs[0], stance="support").submission
    feedback.save_answers(
        partner, consultation, {consultation.questions[0].id: "5"}, "", submission.lock_version
    )
    reviewed = submission.lock_version
    first = submissions.submit(partner, consultation, reviewed)
    again = submissions.submit(partner, consultation, reviewed)
    assert first is again and len(sent_mail()) == 1
    save(
        partner,
        consultation,
        paragraphs[1],
        base=first.lock_version,
        stance="oppose",
        comment="Changed mind",
    )
    assert first.status == "draft" and submissions.has_unsubmitted_changes(first)


def test_nothing_to_submit(users, consultation):
    with pytest.raises(DomainError):
        submissions.submit(users["partner"], consultation, 0)


def test_after_the_deadline_nothing_changes(users, consultation, paragraphs, db):
    submission = save(users["partner"], consultation, paragraphs[0], stance="support").submission
    consultation.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(Conflict):
        save(
            users["partner"],
            consultation,
            paragraphs[0],
            base=submission.lock_version,
            stance="oppose",
        )
    with pytest.raises(Conflict):
        submissions.submit(users["partner"], consultation, submission.lock_version)


def test_only_partners_write(users, consultation, paragraphs):
    for role in ("visitor", "council", "staff", "admin"):
        with pytest.raises(Forbidden):
            save(users[role], consultation, paragraphs[0], stance="support")


def test_withdraw_keeps_the_history(users, consultation, paragraphs):
    partner = users["partner"]
    submission = save(partner, consultation, paragraphs[0], stance="support").submission
    feedback.save_answers(
        partner, consultation, {consultation.questions[0].id: "2"}, "", submission.lock_version
    )
    submissions.submit(partner, consultation, submission.lock_version)
    submission = submissions.withdraw(partner, consultation)
    assert submission.status == "withdrawn"
    assert [r.action for r in submission.revisions] == ["saved", "saved", "submitted", "withdrawn"]


def test_a_paragraph_of_another_consultation_is_refused(users, consultation, db):
    other = make_consultation("other-one")
    with pytest.raises(DomainError):
        save(users["partner"], consultation, other.current_version.paragraphs[0], stance="support")
    assert db.session.query(Submission).count() == 0


def test_word_diff_marks_removed_and_added_words():
    assert word_diff("cities lead peace", "cities build lasting peace") == [
        ("same", "cities "),
        ("del", "lead"),
        ("ins", "build lasting"),
        ("same", " peace"),
    ]


def test_a_members_own_earlier_save_never_clashes(users, consultation, paragraphs):
    partner = users["partner"]
    save(partner, consultation, paragraphs[0], stance="support", comment="Autosaved words")
    # The page still carries version 0 (the autosave answer was not read yet): no clash.
    result = save(
        partner,
        consultation,
        paragraphs[0],
        base=0,
        stance="support",
        comment="Autosaved words, and more",
    )
    assert result.clashes == []
    assert result.submission.items[0].comment == "Autosaved words, and more"


def test_feedback_stays_on_the_version_it_was_started_on(users, consultation, paragraphs, db):
    from app.services.accounts.access import COMMAND_LINE
    from app.services.consultations import lifecycle as consultation_service
    from app.services.drafts.importer import parse_text

    first = save(users["partner"], consultation, paragraphs[0], stance="support").submission
    consultation_service.publish_new_version(
        COMMAND_LINE, consultation, parse_text("One\n\n1. New first.\n\n2. New second.\n"), "v2"
    )
    assert consultation.current_version.number == 2
    result = save(
        users["partner"], consultation, paragraphs[1], base=first.lock_version, stance="oppose"
    )
    assert result.submission.version.number == 1
    assert {i.paragraph.section.version.number for i in result.submission.items} == {1}
