"""The partner's form says how far it has come, leads everywhere from every page, and warns
when a choice and the text disagree or changes wait to be submitted again."""

import re

import pytest
import sqlalchemy as sa

from app.models import Submission
from tests.feedback.test_feedback_pages import section_form
from tests.helpers import make_consultation


@pytest.fixture
def consultation(db, organisation, invite):
    consultation = make_consultation()
    invite(consultation)
    return consultation


def save(client, consultation, **fields):
    return client.post(
        f"/consultations/{consultation.slug}/respond/sections/0",
        data=section_form(consultation, **fields),
    )


def test_every_page_of_the_form_shows_progress_and_leads_to_each_section_and_the_questions(
    client, auth, users, consultation
):
    auth.login(users["partner"].email)
    first = consultation.current_version.paragraphs[0]
    save(client, consultation, **{f"stance-{first.id}": "support"})
    slug = consultation.slug
    for path in ("respond/sections/1", "respond/sections/0", "respond/questions", "respond"):
        page = client.get(f"/consultations/{slug}/{path}").get_data(as_text=True)
        assert "1 of 3 paragraphs answered; questions 0 of 2" in page
        assert f'href="/consultations/{slug}/respond/questions"' in page
        assert f'href="/consultations/{slug}/respond/sections/1"' in page
        assert (">Back to the overview</a>" in page) == (path != "respond")


def test_the_section_being_read_is_marked_current(client, auth, users, consultation):
    auth.login(users["partner"].email)
    page = client.get(f"/consultations/{consultation.slug}/respond/sections/1").get_data(
        as_text=True
    )
    assert re.search(r'sections/1" aria-current="page">Two<', page)


def test_support_with_amendments_and_an_untouched_wording_gets_a_hint(
    client, auth, users, consultation
):
    auth.login(users["partner"].email)
    first = consultation.current_version.paragraphs[0]
    save(client, consultation, **{f"stance-{first.id}": "amend"})
    page = client.get(f"/consultations/{consultation.slug}/respond/sections/0").get_data(
        as_text=True
    )
    assert "the proposed wording is still the draft’s" in page
    save(
        client,
        consultation,
        lock_version="1",
        **{f"stance-{first.id}": "amend", f"amendment-{first.id}": "First paragraph, for all."},
    )
    page = client.get(f"/consultations/{consultation.slug}/respond/sections/0").get_data(
        as_text=True
    )
    assert "the proposed wording is still the draft’s" not in page


def test_the_wording_box_is_open_only_where_a_wording_is_proposed(
    client, auth, users, consultation
):
    auth.login(users["partner"].email)
    first, second = consultation.current_version.paragraphs[:2]
    save(client, consultation, **{f"stance-{first.id}": "amend", f"stance-{second.id}": "support"})
    page = client.get(f"/consultations/{consultation.slug}/respond/sections/0").get_data(
        as_text=True
    )
    boxes = re.findall(
        r'<details class="wording mb-3" data-wording-for="stance-(\d+)"( open)?>', page
    )
    assert dict(boxes) == {str(first.id): " open", str(second.id): ""}
    # The box starts from the draft's text.
    assert re.search(rf'id="amendment-{second.id}"[^>]*>Second\.</textarea>', page)


def test_after_an_edit_of_a_submitted_submission_every_page_says_to_submit_again(
    client, auth, users, consultation, db
):
    auth.login(users["partner"].email)
    first = consultation.current_version.paragraphs[0]
    save(client, consultation, **{f"stance-{first.id}": "support"})
    submission = db.session.scalar(sa.select(Submission))
    submission.status, submission.submitted_at = "draft", submission.updated_at
    db.session.commit()
    slug = consultation.slug
    for path in ("respond", "respond/sections/0", "respond/sections/1", "respond/questions"):
        page = client.get(f"/consultations/{slug}/{path}").get_data(as_text=True)
        assert "the Council has not received the changes" in page
        assert "Review and submit again" in page


def test_each_control_of_a_section_has_a_name_of_its_own(client, auth, users, consultation):
    auth.login(users["partner"].email)
    page = client.get(f"/consultations/{consultation.slug}/respond/sections/0").get_data(
        as_text=True
    )
    labels = re.findall(
        r'<label class="form-(?:check-)?label[^"]*" for="[^"]+">(.*?)</label>', page
    )
    assert len(labels) == len(set(labels))
    assert "Language of your comment on paragraph 1" in page


def test_each_comment_on_a_submission_page_carries_its_own_language(
    client, auth, users, consultation, organisation
):
    from tests.helpers import make_submitted

    first, second = consultation.current_version.paragraphs[:2]
    submission = make_submitted(
        consultation,
        organisation,
        [
            (first, "support", "Nous soutenons ce paragraphe.", "", "fr"),
            (second, "oppose", "No compartimos este enfoque.", "", "es"),
        ],
    )
    auth.login(users["council"].email)
    page = client.get(f"/consultations/{consultation.slug}/submissions/{submission.id}").get_data(
        as_text=True
    )
    assert re.search(r'lang="fr">\s*<p>Nous soutenons ce paragraphe\.', page)
    assert re.search(r'lang="es">\s*<p>No compartimos este enfoque\.', page)


def test_a_receipt_carries_a_short_number_people_can_read_out(db, organisation):
    from app.models import SubmissionRevision
    from app.services.feedback import submissions
    from tests.helpers import make_submitted

    consultation = make_consultation(slug="pact-for-the-future-opportunities")
    first = consultation.current_version.paragraphs[0]
    submission = make_submitted(consultation, organisation, [(first, "support", "", "", "en")])
    assert submissions.receipt_number(submission) == f"PFO-{submission.id:04d}"
    for number in (1, 2):
        submission.revisions.append(SubmissionRevision(lock_version=number, action="submitted"))
    db.session.commit()
    assert submissions.receipt_number(submission) == f"PFO-{submission.id:04d}-2"


def test_the_answers_of_two_questions_have_names_of_their_own(
    client, auth, users, consultation, db
):
    from app.models import Question

    consultation.questions.append(Question(position=2, kind="scale", prompt={"en": "How soon?"}))
    db.session.commit()
    auth.login(users["partner"].email)
    page = client.get(f"/consultations/{consultation.slug}/respond/questions").get_data(
        as_text=True
    )
    labels = re.findall(r'<label class="form-check-label" for="question-[^"]+">(.*?)</label>', page)
    assert len(labels) == len(set(labels)) == 12  # two scales of five points, two options
