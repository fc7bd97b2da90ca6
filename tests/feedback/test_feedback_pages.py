"""Partners write, review and submit through the pages; others read or are refused."""

import pytest
import sqlalchemy as sa

from app.models import Organisation, Submission
from tests.conftest import make_user
from tests.helpers import make_consultation


@pytest.fixture
def consultation(db, organisation, invite):
    consultation = make_consultation()
    invite(consultation)
    return consultation


def section_form(consultation, position=0, **fields):
    data = {"lock_version": fields.pop("lock_version", "0")}
    for paragraph in consultation.current_version.sections[position].paragraphs:
        data.update(
            {
                f"stance-{paragraph.id}": "",
                f"comment-{paragraph.id}": "",
                f"amendment-{paragraph.id}": paragraph.text["en"],
                f"language-{paragraph.id}": "",
            }
        )
    data.update(fields)
    return data


def test_partner_fills_a_section_saves_reviews_and_submits(
    client, auth, users, consultation, sent_mail, db
):
    auth.login("partner@unicef.example.org")
    first = consultation.current_version.paragraphs[0]
    response = client.post(
        f"/consultations/{consultation.slug}/respond/sections/0",
        data=section_form(
            consultation,
            **{
                f"stance-{first.id}": "amend",
                f"comment-{first.id}": "Add children explicitly.",
                f"amendment-{first.id}": "First paragraph, for every child.",
            },
        ),
    )
    assert response.status_code == 302
    page = client.get(f"/consultations/{consultation.slug}/respond/sections/0").get_data(
        as_text=True
    )
    assert "Add children explicitly." in page
    assert "<ins>paragraph, for every child.</ins>" in page  # the diff, for the eye
    said = 'inserts: <span lang="en">for every child</span>, after: <span lang="en">First paragraph'
    assert "Proposed change: " + said in page
    scale = consultation.questions[0]
    submission = db.session.scalar(sa.select(Submission))
    lock = str(submission.lock_version)
    client.post(
        f"/consultations/{consultation.slug}/respond/questions",
        data={
            "lock_version": lock,
            f"question-{scale.id}": "4",
            "general_comment": "Thanks.",
        },
    )
    review = client.get(f"/consultations/{consultation.slug}/respond/review").get_data(as_text=True)
    assert "Add children explicitly." in review and "4 / 5" in review
    lock = review.split('name="lock_version" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        f"/consultations/{consultation.slug}/respond/submit", data={"lock_version": lock}
    )
    assert response.headers["Location"].endswith("/respond/receipt")
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "submitted its feedback" in receipt
    [email] = sent_mail()
    assert "Add children explicitly." in email.get_body(("plain",)).get_content()
    assert submission.status == "submitted"


def test_errors_sit_next_to_fields_and_keep_what_was_typed(client, auth, users, consultation):
    auth.login("partner@unicef.example.org")
    first = consultation.current_version.paragraphs[0]
    response = client.post(
        f"/consultations/{consultation.slug}/respond/sections/0",
        data=section_form(
            consultation,
            **{
                f"comment-{first.id}": "A comment <script>x</script> & more",
            },
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in page and f'id="stance-{first.id}-error"' in page
    assert "A comment &lt;script&gt;x&lt;/script&gt; &amp; more" in page


def test_autosave_answers_json(client, auth, users, consultation):
    auth.login("partner@unicef.example.org")
    first = consultation.current_version.paragraphs[0]
    response = client.post(
        f"/consultations/{consultation.slug}/respond/sections/0",
        data=section_form(consultation, **{f"stance-{first.id}": "support"}),
        headers={"Accept": "application/json"},
    )
    body = response.get_json()
    assert response.status_code == 200 and body["status"] == "saved"
    assert body["message"].startswith("Saved at")
    assert body["lock_version"] > 0


def test_conflicting_save_shows_both_texts(client, auth, users, consultation, organisation, db):
    make_user(db, "second@unicef.example.org", "partner", organisation, "Second Member")
    first = consultation.current_version.paragraphs[0]
    auth.login("partner@unicef.example.org")
    client.post(
        f"/consultations/{consultation.slug}/respond/sections/0",
        data=section_form(
            consultation, **{f"stance-{first.id}": "support", f"comment-{first.id}": "First member"}
        ),
    )
    auth.logout()
    auth.login("second@unicef.example.org")
    response = client.post(
        f"/consultations/{consultation.slug}/respond/sections/0",
        data=section_form(
            consultation, **{f"stance-{first.id}": "oppose", f"comment-{first.id}": "Second"}
        ),
    )
    page = response.get_data(as_text=True)
    assert "First member" in page and ">Second</textarea>" in page
    assert "Which text do you keep?" in page
    lock = page.split('name="lock_version" type="hidden" value="')[1].split('"')[0]
    client.post(
        f"/consultations/{consultation.slug}/respond/sections/0",
        data=section_form(
            consultation,
            lock_version=lock,
            **{f"stance-{first.id}": "oppose", f"comment-{first.id}": "Second"},
        ),
    )
    item = db.session.scalar(sa.select(Submission)).items[0]
    assert item.comment == "Second"


def test_extra_fields_change_nothing_they_name(client, auth, users, consultation, db):
    other = db.session.scalar(sa.select(Organisation).where(Organisation.name == "FAO"))
    auth.login("partner@unicef.example.org")
    first = consultation.current_version.paragraphs[0]
    client.post(
        f"/consultations/{consultation.slug}/respond/sections/0",
        data=section_form(
            consultation,
            **{
                f"stance-{first.id}": "support",
                "organisation_id": str(other.id),
                "status": "submitted",
                "submitted_at": "2020-01-01",
            },
        ),
    )
    submission = db.session.scalar(sa.select(Submission))
    assert submission.organisation_id == users["partner"].organisation_id
    assert submission.status == "draft" and submission.submitted_at is None


@pytest.mark.parametrize("role", ["visitor", "council", "staff", "admin"])
def test_only_partners_open_the_respond_pages(client, auth, users, consultation, role):
    auth.login(users[role].email)
    for path in [
        "respond",
        "respond/sections/0",
        "respond/questions",
        "respond/review",
        "respond/history",
    ]:
        assert client.get(f"/consultations/{consultation.slug}/{path}").status_code == 403
    assert client.post(f"/consultations/{consultation.slug}/respond/submit").status_code == 403
    # A save is refused before the draft's sections are told: no 404 for a missing one.
    for position in (0, 99):
        url = f"/consultations/{consultation.slug}/respond/sections/{position}"
        assert client.post(url, data={"lock_version": "0"}).status_code == 403


def test_a_save_to_an_unknown_consultation_or_section_is_not_found(
    client, auth, users, consultation
):
    auth.login(users["partner"].email)
    for slug, position in (("no-such-consultation", 0), (consultation.slug, 99)):
        url = f"/consultations/{slug}/respond/sections/{position}"
        assert client.post(url, data={"lock_version": "0"}).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, consultation):
    response = client.get(f"/consultations/{consultation.slug}/respond")
    assert response.headers["Location"].startswith("/login")


def test_partner_cannot_read_another_organisations_submission(
    client, auth, users, consultation, db
):
    fao = db.session.scalar(sa.select(Organisation).where(Organisation.name == "FAO"))
    theirs = Submission(
        consultation=consultation, organisation=fao, version=consultation.current_version
    )
    db.session.add(theirs)
    db.session.commit()
    auth.login("partner@unicef.example.org")
    assert (
        client.get(f"/consultations/{consultation.slug}/submissions/{theirs.id}").status_code == 404
    )
    auth.logout()
    for role in ("council", "staff"):
        auth.login(users[role].email)
        assert (
            client.get(f"/consultations/{consultation.slug}/submissions/{theirs.id}").status_code
            == 200
        )
        auth.logout()
    auth.login("visitor@example.org")
    assert (
        client.get(f"/consultations/{consultation.slug}/submissions/{theirs.id}").status_code == 404
    )


def test_after_the_deadline_the_pages_are_read_only(client, auth, users, consultation, db):
    from datetime import timedelta

    from app.models.common import utcnow

    consultation.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    auth.login("partner@unicef.example.org")
    first = consultation.current_version.paragraphs[0]
    response = client.post(
        f"/consultations/{consultation.slug}/respond/sections/0",
        data=section_form(consultation, **{f"stance-{first.id}": "support"}),
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Submission.id))) == 0
    page = client.get(f"/consultations/{consultation.slug}/respond/sections/0").get_data(
        as_text=True
    )
    assert "readonly" in page and "Save this section" not in page


def test_partner_home_shows_the_state_of_the_submission(client, auth, users, consultation):
    auth.login("partner@unicef.example.org")
    assert "Not started" in client.get("/my-consultations").get_data(as_text=True)
    first = consultation.current_version.paragraphs[0]
    client.post(
        f"/consultations/{consultation.slug}/respond/sections/0",
        data=section_form(consultation, **{f"stance-{first.id}": "support"}),
    )
    page = client.get("/my-consultations").get_data(as_text=True)
    assert "Draft saved on" in page and "Test Person" in page


def test_staff_follow_the_responses_and_remind(
    client, auth, users, consultation, organisation, sent_mail, db
):
    auth.login("staff@example.org")
    fao = db.session.scalar(sa.select(Organisation).where(Organisation.name == "FAO"))
    client.post(
        f"/staff/consultations/{consultation.slug}/responses/invite",
        data={"organisation_id": [str(organisation.id), str(fao.id)]},
    )
    page = client.get(f"/staff/consultations/{consultation.slug}/responses").get_data(as_text=True)
    assert "UNICEF" in page and "FAO" in page and "Not started" in page
    client.post(f"/staff/consultations/{consultation.slug}/responses/remind")
    assert [m["To"] for m in sent_mail()] == ["partner@unicef.example.org"]


@pytest.mark.parametrize("role", ["visitor", "council", "staff", "admin"])
def test_only_partners_have_a_partner_home(client, auth, users, role):
    auth.login(users[role].email)
    assert client.get("/my-consultations").status_code == 403
    assert "My consultations" not in client.get("/").get_data(as_text=True)


def test_staff_see_counts_of_each_state(client, auth, users, organisation):
    consultation = make_consultation(slug="nobody-invited-yet")
    auth.login("staff@example.org")
    client.post(
        f"/staff/consultations/{consultation.slug}/responses/invite",
        data={"organisation_id": [str(organisation.id)]},
    )
    page = client.get(f"/staff/consultations/{consultation.slug}/responses").get_data(as_text=True)
    assert "Submitted: 0 · Draft saved: 0 · Not started: 1 · Withdrawn: 0" in page


def test_a_wording_written_from_the_english_draft_is_diffed_against_it_in_spanish(
    client, auth, users, organisation, invite, db
):
    consultation = make_consultation(
        texts={
            "1": {"en": "Cities monitor the plan.", "es": "Las ciudades supervisan el plan."},
            "2": {"en": "Second.", "es": "Segundo."},
            "3": {"en": "Third.", "es": "Tercero."},
        }
    )
    invite(consultation)
    auth.login("partner@unicef.example.org")
    first = consultation.current_version.paragraphs[0]
    wording = "Cities monitor the plan with children."
    client.post(
        f"/consultations/{consultation.slug}/respond/sections/0",
        data=section_form(
            consultation, **{f"stance-{first.id}": "amend", f"amendment-{first.id}": wording}
        ),
    )
    users["partner"].locale = "es"  # now reading in Spanish
    db.session.commit()
    page = client.get(f"/consultations/{consultation.slug}/respond/sections/0").get_data(
        as_text=True
    )
    # Against the English text it was written from, not the Spanish one shown above it.
    assert '<p class="word-diff" aria-hidden="true" dir="auto" lang="en">Cities monitor the' in page
    assert "<del>Las" not in page and "with children.</ins>" in page
    words = '<span lang="en">with children</span>'  # said in Spanish once catalogues merge
    assert f"inserts: {words}" in page or f"inserta: {words}" in page
    assert f'href="#amendment-{first.id}"' in page  # the full wording, one link away


def test_a_page_asked_for_as_json_without_posting_is_the_page(app, client, auth, users, db, invite):
    """Only a post answers with the autosave's JSON; a GET that asks for JSON gets the page,
    with its CSRF token."""
    from tests.helpers import make_consultation

    consultation = make_consultation()
    invite(consultation)
    auth.login("partner@unicef.example.org")
    app.config["WTF_CSRF_ENABLED"] = True  # after signing in, which posts without a token
    base = f"/consultations/{consultation.slug}/respond"
    for page in ("/questions", "/sections/0"):
        answer = client.get(base + page, headers={"Accept": "application/json"})
        assert answer.status_code == 200, page
        assert answer.mimetype == "text/html"
        assert 'name="csrf_token" type="hidden" value="' in answer.text
