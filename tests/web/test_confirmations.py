"""Actions that cannot simply be undone ask first, on a page of their own without JavaScript,
with a button that says what it will do; nothing changes before the yes."""

import sqlalchemy as sa

from app.models import Question, Submission, Synthesis
from app.models.common import utcnow
from tests.helpers import make_consultation, make_submitted


def test_withdrawing_a_submission_asks_first(client, auth, users, db, organisation, invite):
    consultation = make_consultation()
    invite(consultation, organisation)
    first = consultation.current_version.paragraphs[0]
    submission = make_submitted(consultation, organisation, [(first, "support", "", "", "en")])
    auth.login(users["partner"].email)
    path = f"/consultations/{consultation.slug}/respond/withdraw"
    overview = client.get(f"/consultations/{consultation.slug}/respond").get_data(as_text=True)
    assert "Withdraw the submission…" in overview and "data-confirm=" in overview

    page = client.post(path).get_data(as_text=True)
    assert "Withdraw the submission of UNICEF?" in page
    assert '<button type="submit" class="btn btn-danger">Withdraw the submission</button>' in page
    assert "Cancel: go back without changing anything" in page
    db.session.refresh(submission)
    assert submission.status == "submitted"

    client.post(path, data={"confirmed": "yes"})
    db.session.refresh(submission)
    assert submission.status == "withdrawn"


def test_publishing_a_synthesis_to_everyone_asks_first_in_words_that_say_so(
    client, auth, users, db
):
    consultation = make_consultation()
    synthesis = Synthesis(consultation=consultation, number=1, status="done", result={})
    db.session.add(synthesis)
    db.session.commit()
    auth.login(users["staff"].email)
    listing = client.get(f"/staff/consultations/{consultation.slug}/syntheses").get_data(
        as_text=True
    )
    assert "Publish to everyone…" in listing and "Release to the Council…" in listing
    path = f"/staff/consultations/{consultation.slug}/syntheses/1/release"

    page = client.post(path, data={"audience": "public"}).get_data(as_text=True)
    assert "Publish synthesis 1 to everyone?" in page
    assert 'name="audience" value="public"' in page
    assert ">Publish to everyone</button>" in page
    db.session.refresh(synthesis)
    assert synthesis.released_to == ""

    client.post(path, data={"audience": "public", "confirmed": "yes"})
    db.session.refresh(synthesis)
    assert synthesis.released_to == "public"


def test_releasing_to_the_council_asks_first(client, auth, users, db):
    consultation = make_consultation()
    synthesis = Synthesis(consultation=consultation, number=1, status="done", result={})
    db.session.add(synthesis)
    db.session.commit()
    auth.login(users["staff"].email)
    path = f"/staff/consultations/{consultation.slug}/syntheses/1/release"
    page = client.post(path, data={"audience": "council"}).get_data(as_text=True)
    assert "Release synthesis 1 to the Council?" in page
    db.session.refresh(synthesis)
    assert synthesis.released_to == ""


def test_archiving_asks_first(client, auth, users, db):
    consultation = make_consultation(status="closed")
    consultation.closes_at = utcnow()
    db.session.commit()
    auth.login(users["staff"].email)
    page = client.post(f"/staff/consultations/{consultation.slug}/archive").get_data(as_text=True)
    assert "Archive “Draft culture-2026”?" in page and ">Archive the consultation</button>" in page
    assert consultation.status == "closed"


def test_removing_a_question_asks_first(client, auth, users, db):
    consultation = make_consultation(status="draft")
    question = consultation.questions[0]
    auth.login(users["staff"].email)
    path = f"/staff/consultations/{consultation.slug}/questions/{question.id}/delete"
    page = client.post(path).get_data(as_text=True)
    assert "Remove this question and every answer given to it?" in page
    assert db.session.get(Question, question.id) is not None
    client.post(path, data={"confirmed": "yes"})
    assert db.session.scalar(sa.select(sa.func.count(Question.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(Submission.id))) == 0


def test_compiling_with_no_submission_explains_why_not(client, auth, users, db):
    consultation = make_consultation()
    auth.login(users["staff"].email)
    page = client.post(
        f"/staff/consultations/{consultation.slug}/syntheses", follow_redirects=True
    ).get_data(as_text=True)
    assert "There is nothing to compile yet: no organisation has submitted its feedback." in page
    assert db.session.scalar(sa.select(sa.func.count(Synthesis.id))) == 0


def test_a_fully_translated_draft_opens_without_asking(client, auth, users, db):
    from datetime import timedelta

    texts = {
        n: {"en": f"Text {n}.", "fr": f"Texte {n}.", "es": f"Texto {n}."} for n in ("1", "2", "3")
    }
    consultation = make_consultation(status="draft", texts=texts)
    auth.login(users["staff"].email)
    deadline = (utcnow() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    client.post(f"/staff/consultations/{consultation.slug}/open", data={"closes_at": deadline})
    assert consultation.phase() == "open"
