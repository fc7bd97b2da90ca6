"""Only invited organisations answer a consultation; invitations and sensitive reads are audited."""

import io

import pytest
import sqlalchemy as sa

from app.models import AuditEvent, ConsultationInvitation, Organisation, Submission, User
from app.services.accounts import users as accounts
from app.services.errors import Conflict, Forbidden
from app.services.feedback import saving as feedback
from app.services.feedback.file_import import import_feedback
from app.services.feedback.saving import ParagraphInput
from tests.conftest import make_user
from tests.helpers import make_consultation, make_submitted


def events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_a_partner_not_invited_reads_the_consultation_and_how_to_ask(client, auth, users, app):
    consultation = make_consultation()
    app.config["SECRETARIAT_EMAIL"] = "council-secretariat@uclg.example.org"
    auth.login(users["partner"].email)

    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    respond = client.get(f"/consultations/{consultation.slug}/respond")

    assert "First paragraph." in page
    assert "Only invited organisations can send feedback" in page
    assert "council-secretariat@uclg.example.org" in page
    assert "Give the feedback of UNICEF" not in page
    assert respond.status_code == 403
    assert "council-secretariat@uclg.example.org" in respond.get_data(as_text=True)


def test_the_feedback_services_refuse_an_organisation_not_invited(users, db):
    consultation = make_consultation()
    paragraph = consultation.current_version.paragraphs[0]

    with pytest.raises(Forbidden):
        feedback.save_paragraphs(
            users["partner"], consultation, [ParagraphInput(paragraph.id, "support")], 0
        )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Submission)) == 0


def test_staff_invite_an_organisation_after_opening_and_its_partners_answer(
    client, auth, users, db, organisation
):
    consultation = make_consultation(status="open")
    auth.login(users["staff"].email)

    response = client.post(
        f"/staff/consultations/{consultation.slug}/responses/invite",
        data={"organisation_id": [str(organisation.id), "²", "99999999999999999999999"]},
        follow_redirects=True,
    )

    assert "1 organisation invited. 1 person was emailed." in response.get_data(as_text=True)
    invitation = db.session.scalar(sa.select(ConsultationInvitation))
    assert invitation.organisation_id == organisation.id
    assert invitation.invited_by_id == users["staff"].id
    [event] = events(db, "consultation.organisation_invited")
    assert event.actor_id == users["staff"].id and event.details["organisation"] == organisation.id
    auth.logout()
    auth.login(users["partner"].email)
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert "Give the feedback of UNICEF" in page
    assert client.get(f"/consultations/{consultation.slug}/respond").status_code == 200


def test_re_inviting_a_pending_staff_account_cannot_change_its_role(users, db):
    accounts.invite(users["admin"], "new.staff@example.org", "New Staff", "staff", None)

    with pytest.raises(Conflict):
        accounts.invite(users["staff"], "new.staff@example.org", "New Staff", "partner", 1)

    pending = db.session.scalar(sa.select(User).where(User.email == "new.staff@example.org"))
    assert pending.role == "staff" and pending.organisation_id is None


def test_staff_may_re_invite_a_pending_partner(users, db, organisation):
    accounts.invite(users["staff"], "late@unicef.example.org", "Late", "partner", organisation.id)
    again = accounts.invite(
        users["staff"], "late@unicef.example.org", "Late Reader", "partner", organisation.id
    )
    assert again.name == "Late Reader"


def test_imported_feedback_invites_the_organisations_it_comes_from(users, db):
    consultation = make_consultation()
    csv = (
        b"id,ref,consultation,version,organisation,organisation_kind,region,country,language,"
        b"section,paragraph,stance,comment,amendment,submitted_at\n"
        b",L-1,culture-2026,1,Cities Alliance,ngo,europe,FR,en,One,1,support,Yes.,,\n"
    )

    import_feedback(users["staff"], consultation, "letters.csv", csv)

    created = db.session.scalar(
        sa.select(Organisation).where(Organisation.name == "Cities Alliance")
    )
    invitation = db.session.scalar(sa.select(ConsultationInvitation))
    assert invitation.organisation_id == created.id
    assert invitation.invited_by_id == users["staff"].id
    assert [e.details["organisation"] for e in events(db, "consultation.organisation_invited")] == [
        created.id
    ]
    member = make_user(db, "m@citiesalliance.example.org", "partner", created)
    paragraph = consultation.current_version.paragraphs[1]
    feedback.save_paragraphs(member, consultation, [ParagraphInput(paragraph.id, "oppose")], 1)


def test_demo_partners_can_answer_the_demo_consultation(runner, client, db):
    runner.invoke(args=["seed-demo"])
    from app.models import Consultation

    slug = db.session.scalar(sa.select(Consultation.slug))
    client.post(
        "/login", data={"email": "partner@fao.example.org", "password": "demo-password-2026"}
    )
    assert client.get(f"/consultations/{slug}/respond").status_code == 200


def test_refused_access_is_audited(client, auth, users, db):
    consultation = make_consultation()
    auth.login(users["partner"].email)

    assert client.get("/staff/").status_code == 403
    assert client.get(f"/consultations/{consultation.slug}/respond").status_code == 403

    refused = events(db, "access.refused")
    assert [e.details["path"] for e in refused] == [
        "/staff/?",
        f"/consultations/{consultation.slug}/respond?",
    ]
    assert {e.actor_id for e in refused} == {users["partner"].id}


def test_the_council_and_staff_reading_a_submission_is_audited(client, auth, users, db):
    consultation = make_consultation()
    other = db.session.scalar(sa.select(Organisation).where(Organisation.name == "FAO"))
    paragraph = consultation.current_version.paragraphs[0]
    submission = make_submitted(consultation, other, [(paragraph, "support", "Yes.", "", "en")])
    auth.login(users["council"].email)

    page = client.get(f"/consultations/{consultation.slug}/submissions/{submission.id}")

    assert page.status_code == 200
    [event] = events(db, "submission.read")
    assert (event.actor_id, event.object_id) == (users["council"].id, submission.id)


def test_a_partner_reading_their_own_submission_is_not_an_audit_event(
    client, auth, users, db, organisation
):
    consultation = make_consultation()
    paragraph = consultation.current_version.paragraphs[0]
    submission = make_submitted(consultation, organisation, [(paragraph, "amend", "", "", "en")])
    auth.login(users["partner"].email)
    assert (
        client.get(f"/consultations/{consultation.slug}/submissions/{submission.id}").status_code
        == 200
    )
    assert events(db, "submission.read") == []


def test_editing_a_consultations_details_is_audited_with_what_changed(client, auth, users, db):
    consultation = make_consultation()
    auth.login(users["staff"].email)

    client.post(
        f"/staff/consultations/{consultation.slug}/details",
        data={"title_en": "Culture first", "summary_en": "Why culture.", "council": "UCLG"},
    )

    [event] = events(db, "consultation.updated")
    assert event.actor_id == users["staff"].id
    assert event.details["changes"]["title"] == [
        {"en": "Draft culture-2026"},
        {"en": "Culture first"},
    ]
    assert event.details["changes"]["council"] == ["", "UCLG"]


def test_the_history_page_lists_each_change_with_its_fields(
    client, auth, users, db, organisation, invite
):
    consultation = make_consultation()
    invite(consultation, organisation)
    first, second = consultation.current_version.paragraphs[:2]
    partner = users["partner"]
    saved = feedback.save_paragraphs(
        partner, consultation, [ParagraphInput(first.id, "amend", "More culture.", "Culture.")], 0
    )
    feedback.save_paragraphs(
        partner,
        consultation,
        [ParagraphInput(second.id, "oppose", "No.", "")],
        saved.submission.lock_version,
    )
    auth.login(partner.email)

    response = client.get(f"/consultations/{consultation.slug}/respond/history")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Paragraph 1" in page and "Paragraph 2" in page
    assert "stance, comment, proposed wording" in page
    assert page.count("Test Person") == 2


def test_uploads_over_the_limit_answer_a_translated_413(client, auth, users, app):
    consultation = make_consultation()
    app.config["MAX_CONTENT_LENGTH"] = 1024
    auth.login(users["staff"].email)

    response = client.post(
        f"/staff/consultations/{consultation.slug}/feedback/import",
        data={"file": (io.BytesIO(b"x" * 4096), "big.csv")},
    )

    assert response.status_code == 413
    assert "files of up to 10 MB are accepted" in response.get_data(as_text=True)


def test_my_consultations_lists_only_those_the_organisation_is_invited_to(
    client, auth, users, organisation, invite
):
    invited = make_consultation(slug="invited-2026")
    make_consultation(slug="others-2026")
    invite(invited, organisation)
    auth.login(users["partner"].email)

    page = client.get("/my-consultations").get_data(as_text=True)

    assert "/consultations/invited-2026/respond" in page
    assert "others-2026" not in page
