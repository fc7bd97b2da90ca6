"""Every staff route refuses every other role; drafts stay hidden from the public."""

import pytest

from tests.helpers import make_consultation

STAFF_PAGES = [
    ("get", "/staff/"),
    ("get", "/staff/consultations/import"),
    ("post", "/staff/consultations/import"),
    ("get", "/staff/consultations/{slug}"),
    ("post", "/staff/consultations/{slug}/details"),
    ("post", "/staff/consultations/{slug}/open"),
    ("post", "/staff/consultations/{slug}/close"),
    ("post", "/staff/consultations/{slug}/archive"),
    ("post", "/staff/consultations/{slug}/translation-file"),
    ("get", "/staff/consultations/{slug}/translate/fr"),
    ("post", "/staff/consultations/{slug}/translate/fr"),
    ("get", "/staff/consultations/{slug}/versions/new"),
    ("get", "/staff/consultations/{slug}/questions/new"),
    ("post", "/staff/consultations/{slug}/questions/new"),
    ("get", "/staff/consultations/{slug}/responses"),
    ("post", "/staff/consultations/{slug}/responses/invite"),
    ("post", "/staff/consultations/{slug}/responses/remind"),
    ("get", "/staff/consultations/{slug}/feedback/import"),
    ("post", "/staff/consultations/{slug}/feedback/import"),
    ("get", "/staff/organisations"),
    ("get", "/staff/organisations/new"),
    ("post", "/staff/organisations/new"),
    ("get", "/staff/users"),
    ("get", "/staff/users/invite"),
    ("post", "/staff/users/1/role"),
    ("post", "/staff/users/1/disable"),
]


@pytest.mark.parametrize("role", ["visitor", "partner", "council"])
@pytest.mark.parametrize(("method", "path"), STAFF_PAGES)
def test_other_roles_are_refused_every_staff_page(client, auth, users, role, method, path):
    consultation = make_consultation()
    auth.login(users[role].email)
    response = getattr(client, method)(path.format(slug=consultation.slug))
    assert response.status_code == 403


@pytest.mark.parametrize(("method", "path"), STAFF_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, users, method, path):
    consultation = make_consultation()
    response = getattr(client, method)(path.format(slug=consultation.slug))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", ["visitor", "partner", "council"])
def test_a_draft_consultation_is_hidden_from_all_but_staff(client, auth, users, role):
    consultation = make_consultation(status="draft")
    auth.login(users[role].email)
    assert client.get(f"/consultations/{consultation.slug}").status_code == 403
    assert client.get(f"/api/v1/consultations/{consultation.slug}").status_code == 403
    listed = client.get("/api/v1/consultations").get_json()["consultations"]
    assert listed == []


def test_staff_see_a_draft_consultation(client, auth, users):
    consultation = make_consultation(status="draft")
    auth.login("staff@example.org")
    assert client.get(f"/consultations/{consultation.slug}").status_code == 200


def test_access_rules_fail_closed(users):
    from app.services.accounts.access import can

    assert not can(users["admin"], "no.such.action")
    assert not can(users["partner"], "organisation.read", object())
    assert not can(None, "consultation.manage")


def test_partner_reads_only_their_own_organisation(users, organisation, db):
    from app.models import Organisation
    from app.services.accounts.access import can

    other = db.session.query(Organisation).filter_by(name="FAO").one()
    assert can(users["partner"], "organisation.read", organisation)
    assert not can(users["partner"], "organisation.read", other)


def test_unknown_pages_and_slugs_answer_a_translated_404(client):
    response = client.get("/consultations/no-such-thing", headers={"Accept-Language": "es"})
    assert response.status_code == 404
    assert "no-such-thing" in response.get_data(as_text=True)
    assert client.get("/nowhere").status_code == 404
    assert client.get("/api/v1/consultations/nope").get_json()["status"] == 404


def test_next_parameter_cannot_leave_the_site(client, users):
    response = client.post(
        "/login?next=//evil.example.org/",
        data={"email": "council@example.org", "password": "a-long-enough-passphrase-42"},
    )
    assert response.headers["Location"] == "/"


def test_messages_that_repeat_user_input_are_escaped(client):
    response = client.get("/consultations/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    page = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
