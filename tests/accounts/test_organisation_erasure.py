"""An administrator erases an organisation once its consultations are archived: its members
are erased, its name is gone everywhere, its submissions stay under a pseudonym."""

import json

import pytest
import sqlalchemy as sa

from app.models import AuditEvent, ExportJob, Organisation, Submission, User
from app.services.accounts import organisations
from app.services.accounts.tokens import create as create_token
from app.services.exports import jobs
from tests.accounts.route_world import attach_a_file
from tests.accounts.test_erasure import everything_staff_read
from tests.factories import answered_consultation, computed_synthesis

NAME = "Quillfeather Cities Network"
MEMBER = "m0@org.example.org"


@pytest.fixture
def world(db, users):
    consultation = answered_consultation(db)
    member = db.session.scalar(sa.select(User).where(User.email == MEMBER))
    organisation = member.organisation
    organisations.save(users["staff"], NAME, "ngo", "europe", "KE", organisation_id=organisation.id)
    synthesis = computed_synthesis(db, users["staff"], consultation)
    synthesis.released_to = "public"
    db.session.commit()
    submission = db.session.scalar(
        sa.select(Submission).where(Submission.organisation_id == organisation.id)
    )
    return {"consultation": consultation, "organisation": organisation, "member": member,
            "submission": submission, "synthesis": synthesis}  # fmt: skip


def erase_page(world) -> str:
    return f"/staff/organisations/{world['organisation'].id}/erase"


def test_erasing_is_refused_while_a_consultation_is_not_archived(client, auth, users, world, db):
    auth.login("admin@example.org")

    page = client.get(erase_page(world)).text
    assert "Not archived yet:" in page and world["consultation"].slug in page
    assert "Erasing cannot be undone" not in page
    response = client.post(erase_page(world), follow_redirects=True)

    assert "Archive every consultation this organisation took part in first." in response.text
    assert db.session.get(Organisation, world["organisation"].id).name == NAME
    assert db.session.get(User, world["member"].id).erased_at is None
    assert not db.session.scalar(
        sa.select(AuditEvent.id).where(AuditEvent.action == "organisation.erased")
    )


def test_an_erased_organisations_name_appears_nowhere_and_its_submission_stays(
    client, auth, users, world, db, runner
):
    consultation = world["consultation"]
    consultation.status = "archived"
    db.session.commit()
    export = jobs.start(users["staff"], "feedback", "xlsx", consultation, filters={})
    db.session.refresh(export)
    stored = jobs.export_folder() / export.stored_as
    _, token = create_token(users["admin"], "checks")
    auth.login("admin@example.org")
    pages = ("/staff/organisations", f"/staff/organisations/{world['organisation'].id}")
    before = everything_staff_read(client, world, token) + "".join(
        client.get(p).text for p in pages
    )
    paper = attach_a_file(world["submission"])
    paper.filename = f"{NAME} position paper.pdf"
    db.session.commit()
    assert NAME in before and MEMBER in before and stored.is_file()  # so the checks can fail
    assert NAME in json.dumps(world["synthesis"].result, ensure_ascii=False)

    page = client.get(erase_page(world)).text
    assert "Erasing cannot be undone" in page and "erase its 1 member" in page
    response = client.post(erase_page(world))

    assert response.status_code == 302
    erased = db.session.get(Organisation, world["organisation"].id)
    after = everything_staff_read(client, world, token) + "".join(client.get(p).text for p in pages)
    assert NAME not in after and MEMBER not in after
    db.session.refresh(world["synthesis"])
    assert NAME not in json.dumps(world["synthesis"].result, ensure_ascii=False)
    assert erased.name.startswith("O-") and erased.name in after
    assert "erased</span>" in client.get("/staff/organisations").text
    assert (erased.kind, erased.region, erased.country) == ("ngo", "europe", "")
    submission = db.session.get(Submission, world["submission"].id)
    assert submission.organisation_id == erased.id and submission.items
    assert db.session.get(User, world["member"].id).erased_at is not None
    db.session.refresh(paper)  # its file is named after the pseudonym, not the organisation
    assert paper.filename == f"{erased.name}-1.pdf"
    assert not stored.exists() and db.session.get(ExportJob, export.id).status == "expired"
    line = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "organisation.erased")
    )
    assert line.actor_id == users["admin"].id and line.details["members"] == 1
    member_line = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.erased"))
    assert member_line.object_id == world["member"].id
    assert "intact" in runner.invoke(args=["audit", "verify"]).output


def test_only_administrators_erase_an_organisation(client, auth, users, world, db):
    world["consultation"].status = "archived"
    db.session.commit()
    auth.login("staff@example.org")
    assert (
        "Erase this organisation"
        not in client.get(f"/staff/organisations/{world['organisation'].id}").text
    )
    assert client.get(erase_page(world)).status_code == 403
    assert client.post(erase_page(world)).status_code == 403
    assert db.session.get(Organisation, world["organisation"].id).name == NAME


def test_erasing_asks_for_the_password_again_after_a_few_minutes(client, auth, users, world, db):
    from tests.accounts.test_sessions import age_session

    world["consultation"].status = "archived"
    db.session.commit()
    auth.login("admin@example.org")
    age_session(client, confirmed_at=6 * 60)

    response = client.post(
        erase_page(world), headers={"Referer": f"http://localhost{erase_page(world)}"}
    )

    assert response.headers["Location"].startswith(f"/confirm?next={erase_page(world)}")
    assert db.session.get(Organisation, world["organisation"].id).name == NAME


def test_an_erased_organisations_name_cannot_be_typed_back(client, auth, users, world, db):
    world["consultation"].status = "archived"
    db.session.commit()
    auth.login("admin@example.org")
    client.post(erase_page(world))
    page = f"/staff/organisations/{world['organisation'].id}"
    assert client.get(page).text.count("This organisation is erased.") == 1  # its section
    pseudonym = db.session.get(Organisation, world["organisation"].id).name

    response = client.post(page, data={"name": NAME, "kind": "ngo", "region": "europe"})

    assert response.text.count("This organisation is erased.") >= 2  # and beside the name
    assert db.session.get(Organisation, world["organisation"].id).name == pseudonym
