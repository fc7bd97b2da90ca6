"""Every staff route refuses every other role; drafts stay hidden from the public."""

from urllib.parse import urlsplit

import pytest

from tests.accounts.route_world import ROLES, build_world, path_for, route_key, routes
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
    assert response.headers["Location"] == "/council/"


def test_messages_that_repeat_user_input_are_escaped(client):
    response = client.get("/consultations/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    page = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# The access matrix, generated from app.url_map: every route the app answers must be listed,
# with what each role gets. Roles in order: anonymous, visitor, partner, council, staff, admin.
#   Y  answered (a page, a redirect elsewhere, a form error: anything but a refusal)
#   L  sent to sign in          F  refused (403)          N  not found (404), hiding the object
# The world behind the paths is tests/accounts/route_world.py: an open consultation UNICEF (the
# partner's organisation) is invited to and answered, a synthesis released to the Council with
# published decisions, an export job of the staff member's own.
EXPECTED: dict[str, str] = {
    "GET /": "YYYYYY",
    "GET /account/": "LYYYYY",
    "GET /account/privacy": "LYYYYY",
    "POST /account/privacy": "LYYYYY",
    "POST /account/erasure": "LYYYYY",
    "GET /account/my-data.json": "LYYYYY",
    "POST /account/my-data": "LYYYYY",
    "POST /account/erasure/cancel": "LYYYYY",
    "GET /privacy": "YYYYYY",
    "GET /rules": "YYYYYY",
    "GET /staff/consultations/<slug>/submissions/<int:submission_id>/moderation": "LFFFYY",
    "POST /staff/consultations/<slug>/submissions/<int:submission_id>/moderation/hide": "LFFFYY",
    "POST /staff/moderation/<int:moderation_id>/show": "LFFFNN",
    "GET /staff/privacy": "LFFFFY",
    "POST /staff/privacy": "LFFFFY",
    "GET /staff/users/<int:user_id>/erase": "LFFFFY",
    "POST /staff/users/<int:user_id>/erase": "LFFFFY",
    "GET /staff/organisations/<int:organisation_id>/erase": "LFFFFY",
    "POST /staff/organisations/<int:organisation_id>/erase": "LFFFFY",
    "POST /account/": "LYYYYY",
    "POST /account/password": "LYYYYY",
    "POST /account/sign-out-everywhere": "LLLLLL",
    "POST /account/tokens": "LYYYYY",
    "POST /account/tokens/<int:token_id>/revoke": "LNNNNN",
    "GET /api/v1/consultations": "YYYYYY",
    "GET /api/v1/consultations/<slug>": "YYYYYY",
    "GET /api/v1/consultations/<slug>/syntheses/<int:number>": "NNNYYY",
    "GET /api/v1/consultations/<slug>/syntheses/latest": "NNNYYY",
    "GET /confirm": "LYYYYY",
    "POST /confirm": "LYYYYY",
    "GET /consultations/<slug>": "YYYYYY",
    "GET /consultations/<slug>/feedback": "NNNNYY",
    "GET /consultations/<slug>/feedback.csv": "NNNNYY",
    "GET /api/v1/consultations/<slug>/feedback": "NNNNYY",
    "POST /consultations/<slug>/respond/publication": "LFYFFF",
    "POST /staff/consultations/<slug>/feedback/<any(publish, unpublish):action>": "LFFFYY",
    "GET /consultations/<slug>/decisions": "NNYYYY",
    "GET /consultations/<slug>/decisions/<int:number>": "NNYYYY",
    "GET /consultations/<slug>/decisions/<int:number>.pdf": "NNYYYY",
    "GET /consultations/<slug>/respond": "LFYFFF",
    "GET /consultations/<slug>/respond/history": "LFYFFF",
    "GET /consultations/<slug>/respond/questions": "LFYFFF",
    "POST /consultations/<slug>/respond/questions": "LFYFFF",
    "GET /consultations/<slug>/respond/receipt": "LFYFFF",
    "GET /consultations/<slug>/respond/review": "LFYFFF",
    "GET /consultations/<slug>/respond/sections/<int:position>": "LFYFFF",
    "POST /consultations/<slug>/respond/sections/<int:position>": "LFYFFF",
    "POST /consultations/<slug>/respond/submit": "LFYFFF",
    "POST /consultations/<slug>/respond/withdraw": "LFYFFF",
    "GET /consultations/<slug>/submissions/<int:submission_id>": "LNYYYY",
    "GET /consultations/<slug>/submissions/<int:submission_id>/receipt.pdf": "LNYYYY",
    "GET /council/": "LFFYFF",
    "GET /council/<slug>/compare": "NNNYYY",
    "GET /council/<slug>/syntheses": "YYYYYY",
    "GET /council/<slug>/syntheses/<int:number>": "NNNYYY",
    "GET /council/<slug>/syntheses/<int:number>/feedback": "NNNYYY",
    "GET /council/<slug>/syntheses/<int:number>/paragraphs/<paragraph>": "NNNYYY",
    "POST /council/<slug>/syntheses/<int:number>/paragraphs/<paragraph>/groups/<key>": "NNNYFY",
    "POST /council/<slug>/syntheses/<int:number>/paragraphs/<paragraph>/notes": "NNNYFY",
    "GET /council/<slug>/syntheses/<int:number>/themes": "NNNYYY",
    "GET /exports/": "LYYYYY",
    "GET /exports/<public_id>": "LNNNYN",
    "GET /exports/<public_id>/download": "LNNNNN",
    "GET /exports/<public_id>/progress": "LNNNYN",
    "GET /exports/consultations/<slug>/feedback": "LFFYYY",
    "POST /exports/consultations/<slug>/feedback": "LFFYYY",
    "POST /exports/consultations/<slug>/syntheses/<int:number>/report": "LNNYYY",
    "GET /invitation/<token>": "NNNNNN",
    "POST /invitation/<token>": "NNNNNN",
    "POST /language": "YYYYYY",
    "GET /login": "YYYYYY",
    "POST /login": "YYYYYY",
    "GET /login/second-factor": "LLLLLL",
    "POST /login/second-factor": "LLLLLL",
    "GET /login/set-up-second-factor": "LYYYYY",
    "POST /login/set-up-second-factor": "LYYYYY",
    "POST /logout": "LLLLLL",
    "GET /my-consultations": "LFYFFF",
    "GET /reset": "YYYYYY",
    "POST /reset": "YYYYYY",
    "GET /reset/<token>": "NNNNNN",
    "POST /reset/<token>": "NNNNNN",
    "GET /staff/": "LFFFYY",
    "GET /staff/audit": "LFFFYY",
    "GET /staff/audit.csv": "LFFFYY",
    "GET /staff/consultations/<slug>": "LFFFYY",
    "POST /staff/consultations/<slug>/<any(close, archive):action>": "LFFFYY",
    "POST /staff/consultations/<slug>/details": "LFFFYY",
    "GET /staff/consultations/<slug>/feedback/export": "LYYYYY",
    "GET /staff/consultations/<slug>/feedback/import": "LFFFYY",
    "GET /staff/consultations/<slug>/feedback/template.<file_format>": "LFFFYY",
    "POST /staff/consultations/<slug>/feedback/import": "LFFFYY",
    "POST /staff/consultations/<slug>/open": "LFFFYY",
    "GET /staff/consultations/<slug>/questions/<int:question_id>": "LFFFYY",
    "POST /staff/consultations/<slug>/questions/<int:question_id>": "LFFFYY",
    "POST /staff/consultations/<slug>/questions/<int:question_id>/delete": "LFFFYY",
    "GET /staff/consultations/<slug>/questions/new": "LFFFYY",
    "POST /staff/consultations/<slug>/questions/new": "LFFFYY",
    "GET /staff/consultations/<slug>/responses": "LFFFYY",
    "POST /staff/consultations/<slug>/responses/invite": "LFFFYY",
    "POST /staff/consultations/<slug>/responses/remind": "LFFFYY",
    "GET /staff/consultations/<slug>/syntheses": "LFFFYY",
    "POST /staff/consultations/<slug>/syntheses": "LFFFYY",
    "POST /staff/consultations/<slug>/syntheses/<int:number>/<any(retry, release):action>": (
        "LFFFYY"
    ),
    "POST /staff/consultations/<slug>/syntheses/<int:number>/decisions/"
    "<any(publish, unpublish):action>": "LFFFYY",
    "GET /staff/consultations/<slug>/syntheses/<int:number>/progress": "LFFFYY",
    "GET /staff/consultations/<slug>/translate/<language>": "LFFFYY",
    "POST /staff/consultations/<slug>/translate/<language>": "LFFFYY",
    "POST /staff/consultations/<slug>/translation-file": "LFFFYY",
    "GET /staff/consultations/<slug>/versions/new": "LFFFYY",
    "POST /staff/consultations/<slug>/versions/new": "LFFFYY",
    "GET /staff/consultations/import": "LFFFYY",
    "POST /staff/consultations/import": "LFFFYY",
    "GET /staff/organisations": "LFFFYY",
    "GET /staff/organisations/<int:organisation_id>": "LFFFYY",
    "POST /staff/organisations/<int:organisation_id>": "LFFFYY",
    "GET /staff/organisations/new": "LFFFYY",
    "POST /staff/organisations/new": "LFFFYY",
    "GET /staff/outbox": "LFFFYY",
    "POST /staff/outbox/<int:message_id>/retry": "LFFFYY",
    "GET /staff/users": "LFFFYY",
    "POST /staff/users/<int:user_id>/<any(enable, disable):action>": "LFFFYY",
    "POST /staff/users/<int:user_id>/role": "LFFFYY",
    "POST /staff/users/<int:user_id>/second-factor/reset": "LFFFYY",
    "GET /staff/users/invite": "LFFFYY",
    "POST /staff/users/invite": "LFFFYY",
    "GET /static/<path:filename>": "YYYYYY",
}

# Requests that end the session or change what later requests see go last, in this order.
LAST = (
    "POST /staff/consultations/<slug>/<any(close, archive):action>",
    "POST /staff/users/<int:user_id>/<any(enable, disable):action>",
    "POST /staff/users/<int:user_id>/role",
    "POST /staff/users/<int:user_id>/erase",
    "POST /account/password",
    "POST /account/sign-out-everywhere",
    "POST /logout",
)

CODES = {"ok": "Y", "login": "L", "refused": "F", "missing": "N"}


def outcome(response) -> str:
    """What a person sees, in the matrix's terms; a server error fails the test at once."""
    status = response.status_code
    assert status < 500, f"{status} for {response.request.method} {response.request.path}"
    if status in (301, 302, 303, 307) and urlsplit(response.location).path == "/login":
        return "login"
    return {403: "refused", 404: "missing"}.get(status, "ok")


def ordered(app) -> list:
    """Every route: reads first, then changes, then those in LAST."""
    pairs = routes(app)
    last = {key: i for i, key in enumerate(LAST)}
    return sorted(
        pairs,
        key=lambda p: (route_key(*p) in last, last.get(route_key(*p), 0), p[1] != "GET"),
    )


def test_every_route_has_an_expected_answer_for_every_role(app):
    keys = {route_key(rule, method) for rule, method in routes(app)}
    missing = sorted(keys - set(EXPECTED))
    stale = sorted(set(EXPECTED) - keys)
    assert not missing, "Routes without an access-matrix entry:\n" + "\n".join(missing)
    assert not stale, "Matrix entries for routes that no longer exist:\n" + "\n".join(stale)
    assert all(len(codes) == len(ROLES) for codes in EXPECTED.values())


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_access_matrix_says(app, client, auth, users, organisation, role):
    values = build_world(users, organisation)
    if role != "anonymous":
        auth.login(users[role].email)
    column = ROLES.index(role)
    wrong = []
    for rule, method in ordered(app):
        key = route_key(rule, method)
        response = client.open(path_for(rule, values), method=method, data={})
        got = CODES[outcome(response)]
        expected = EXPECTED.get(key, "?" * len(ROLES))[column]
        if got != expected:
            wrong.append(f"{key}: expected {expected}, got {got} ({response.status_code})")
    assert not wrong, f"As {role}:\n" + "\n".join(wrong)
