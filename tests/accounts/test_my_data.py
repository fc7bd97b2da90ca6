"""My data: a person downloads everything the platform holds about them, and nobody else's."""

import json

import sqlalchemy as sa

from app.models import AuditEvent, User
from app.services.accounts.tokens import create as create_token
from tests.factories import COMMENTS, answered_consultation

EMAIL = "m0@org.example.org"


def test_a_person_downloads_their_account_edits_submissions_tokens_and_audit_lines(
    client, auth, users, db
):
    answered_consultation(db)
    person = db.session.scalar(sa.select(User).where(User.email == EMAIL))
    create_token(person, "monthly script")
    auth.login(EMAIL)
    assert "Download my data (JSON)" in client.get("/account/").get_data(as_text=True)

    response = client.get("/account/my-data.json")

    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == EMAIL and data["organisation"]["name"] == "Org 0"
    assert {edit["action"] for edit in data["edits"]} >= {"saved", "submitted"}
    [sent] = data["submissions_sent"]
    assert sent["paragraphs"][0]["comment"] == COMMENTS[0]
    assert [t["name"] for t in data["api_tokens"]] == ["monthly script"]
    assert "auth.login" in [line["action"] for line in data["audit_lines"]]
    text = json.dumps(data, ensure_ascii=False)
    assert "m1@org.example.org" not in text and COMMENTS[1] not in text  # nobody else's
    assert db.session.scalar(
        sa.select(AuditEvent.id).where(
            AuditEvent.action == "user.data_downloaded", AuditEvent.actor_id == person.id
        )
    )


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/account/my-data.json")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
