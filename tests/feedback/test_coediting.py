"""Two members of one organisation write the same answers at once: nothing is lost silently."""

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.models import Question, Submission
from tests.conftest import AuthActions, make_user
from tests.helpers import make_consultation


@pytest.fixture
def consultation(db, organisation, invite):
    consultation = make_consultation()
    consultation.questions.append(
        Question(position=2, kind="text", prompt={"en": "What would you add?"})
    )
    db.session.commit()
    invite(consultation)
    return consultation


@pytest.fixture
def two_members(app, db, users, organisation):
    """Ana (the `partner` account) and Ben, each signed in in their own browser."""
    make_user(db, "ben@unicef.example.org", "partner", organisation, "Ben Member")
    ana, ben = app.test_client(), app.test_client()
    AuthActions(ana).login("partner@unicef.example.org")
    AuthActions(ben).login("ben@unicef.example.org")
    return ana, ben


def questions_form(consultation, lock, answer, general, **extra):
    scale, single, text = consultation.questions
    return {
        "lock_version": lock,
        f"question-{scale.id}": "4",
        f"question-{single.id}": "0",
        f"question-{text.id}": answer,
        "general_comment": general,
        **extra,
    }


def lock_of(page: str) -> str:
    return page.split('name="lock_version" type="hidden" value="')[1].split('"')[0]


def stored(consultation):
    _db.session.expire_all()
    submission = _db.session.scalar(sa.select(Submission))
    text = consultation.questions[2]
    answer = submission.answer_for(text.id)
    return (answer.value if answer else None), submission.general_comment


def test_second_member_sees_both_answers_and_general_comments_and_chooses(
    two_members, consultation
):
    ana, ben = two_members
    url = f"/consultations/{consultation.slug}/respond/questions"
    # Both open the page at the same version, then both write the same answer and comment.
    ana_lock, ben_lock = lock_of(ana.get(url).text), lock_of(ben.get(url).text)
    ana.post(url, data=questions_form(consultation, ana_lock, "Ana's answer", "Ana's comment"))
    page = ben.post(
        url, data=questions_form(consultation, ben_lock, "Ben's answer", "Ben's comment")
    ).text

    # Ben's words stay in his form; Ana's are shown beside them; nothing was replaced.
    assert "Someone else in your organisation changed these answers" in page
    assert ">Ben&#39;s answer</textarea>" in page and ">Ben&#39;s comment</textarea>" in page
    assert "Ana&#39;s answer" in page and "Ana&#39;s comment" in page
    assert 'name="keep-general"' in page and f'name="keep-q{consultation.questions[2].id}"' in page
    assert stored(consultation) == ("Ana's answer", "Ana's comment")

    # Ben keeps Ana's answer and his own comment.
    text = consultation.questions[2]
    choice = questions_form(
        consultation,
        lock_of(page),
        "Ben's answer",
        "Ben's comment",
        **{f"keep-q{text.id}": "theirs"},
    )
    assert ben.post(url, data=choice).status_code == 302
    assert stored(consultation) == ("Ana's answer", "Ben's comment")


def test_keeping_the_colleagues_comment_leaves_it_as_saved(two_members, consultation):
    ana, ben = two_members
    url = f"/consultations/{consultation.slug}/respond/questions"
    ana_lock, ben_lock = lock_of(ana.get(url).text), lock_of(ben.get(url).text)
    ana.post(url, data=questions_form(consultation, ana_lock, "", "Ana's comment"))
    page = ben.post(url, data=questions_form(consultation, ben_lock, "", "Ben's comment")).text
    choice = questions_form(
        consultation, lock_of(page), "", "Ben's comment", **{"keep-general": "theirs"}
    )
    assert ben.post(url, data=choice).status_code == 302
    assert stored(consultation) == (None, "Ana's comment")


def test_autosave_of_a_clashing_answer_replaces_nothing(two_members, consultation):
    ana, ben = two_members
    url = f"/consultations/{consultation.slug}/respond/questions"
    ana_lock, ben_lock = lock_of(ana.get(url).text), lock_of(ben.get(url).text)
    ana.post(url, data=questions_form(consultation, ana_lock, "Ana's answer", "Ana's comment"))
    response = ben.post(
        url,
        data=questions_form(consultation, ben_lock, "Ben's answer", "Ben's comment"),
        headers={"Accept": "application/json"},
    )
    body = response.get_json()
    assert response.status_code == 409 and body["status"] == "conflict"
    assert set(body["clashes"]) == {f"q:{consultation.questions[2].id}", "general"}
    assert "Press the save button to see both texts" in body["message"]
    assert stored(consultation) == ("Ana's answer", "Ana's comment")


def test_one_members_own_autosaves_never_clash(two_members, consultation):
    ana, _ = two_members
    url = f"/consultations/{consultation.slug}/respond/questions"
    lock = lock_of(ana.get(url).text)
    for words in ("Ana", "Ana's answer", "Ana's longer answer"):
        response = ana.post(
            url,
            data=questions_form(consultation, lock, words, ""),
            headers={"Accept": "application/json"},
        )
        assert response.get_json()["status"] == "saved"
    assert stored(consultation) == ("Ana's longer answer", "")


def test_my_save_elsewhere_does_not_let_me_overwrite_a_colleagues_answer(two_members, consultation):
    ana, ben = two_members
    url = f"/consultations/{consultation.slug}/respond/questions"
    ana_lock, ben_lock = lock_of(ana.get(url).text), lock_of(ben.get(url).text)
    ana.post(url, data=questions_form(consultation, ana_lock, "Ana's answer", "Ana's comment"))
    # Ben is the last to save anything (a paragraph, in another tab) before he saves here.
    first = consultation.current_version.paragraphs[0]
    ben.post(
        f"/consultations/{consultation.slug}/respond/sections/0",
        data={"lock_version": ben_lock, f"stance-{first.id}": "support"},
        headers={"Accept": "application/json"},
    )
    page = ben.post(
        url, data=questions_form(consultation, ben_lock, "Ben's answer", "Ben's comment")
    ).text
    assert "Ana&#39;s answer" in page and "Ana&#39;s comment" in page
    assert stored(consultation) == ("Ana's answer", "Ana's comment")


def test_autosave_is_throttled_per_person_and_the_save_button_is_not(
    app, two_members, consultation
):
    app.config["AUTOSAVE_RATE_LIMIT"] = "2 per minute"
    ana, ben = two_members
    url = f"/consultations/{consultation.slug}/respond/questions"
    lock = lock_of(ana.get(url).text)

    def autosave(client, words):
        return client.post(
            url,
            data=questions_form(consultation, lock, words, ""),
            headers={"Accept": "application/json"},
        )

    assert autosave(ana, "One").status_code == 200
    assert autosave(ana, "One two").status_code == 200
    throttled = autosave(ana, "One two three")
    body = throttled.get_json()
    assert throttled.status_code == 429 and body["status"] == "throttled"
    assert int(throttled.headers["Retry-After"]) >= 1
    assert body["message"].startswith("Saving paused for a moment: your text is kept")
    assert stored(consultation) == ("One two", "")
    # Ben's budget is his own, and Ana's save button still saves what she typed.
    assert autosave(ben, "One two").get_json()["status"] == "saved"
    assert (
        ana.post(url, data=questions_form(consultation, lock, "One two three", "")).status_code
        == 302
    )
    assert stored(consultation) == ("One two three", "")


def autosaves(client, consultation, count: int) -> list[int]:
    url = f"/consultations/{consultation.slug}/respond/questions"
    lock = lock_of(client.get(url).text)
    return [
        client.post(
            url,
            data=questions_form(consultation, lock, "Typed" + " more" * n, ""),
            headers={"Accept": "application/json"},
        ).status_code
        for n in range(count)
    ]


def test_autosave_is_still_throttled_in_memory_while_the_shared_store_fails(
    app, two_members, consultation, monkeypatch
):
    from app.services import rate_counts
    from app.services.feedback import autosave_budget

    class Unreachable:
        def hit(self, *_args):
            raise ConnectionError("the rate limit store is down")

    monkeypatch.setattr(rate_counts, "_shared", lambda _strategy, _storage: Unreachable())
    monkeypatch.setattr(
        autosave_budget, "_counts", rate_counts.Counts(autosave_budget.FixedWindowRateLimiter)
    )
    app.config["AUTOSAVE_RATE_LIMIT"] = "2 per minute"
    ana, _ben = two_members
    assert autosaves(ana, consultation, 3) == [200, 200, 429]
    assert stored(consultation) == ("Typed more", "")


def test_every_budget_of_a_several_part_autosave_limit_counts(app, two_members, consultation):
    app.config["AUTOSAVE_RATE_LIMIT"] = "5 per minute; 2 per hour"
    ana, _ben = two_members
    assert autosaves(ana, consultation, 3) == [200, 200, 429]


@pytest.mark.parametrize("app_settings", [{"RATELIMIT_ENABLED": False}])
def test_autosave_is_not_throttled_when_rate_limits_are_switched_off(
    app, two_members, consultation
):
    app.config["AUTOSAVE_RATE_LIMIT"] = "1 per minute"
    ana, _ben = two_members
    assert autosaves(ana, consultation, 3) == [200, 200, 200]
