"""Staff read the audit trail, take it away as CSV, and can prove no line was changed."""

import csv
import io

import sqlalchemy as sa

from app.models import AuditEvent, User
from app.services.accounts import audit
from tests.conftest import make_user


def record_lines(db, actor, count: int, action: str = "consultation.closed") -> None:
    for _ in range(count):
        audit.record(actor, action, ip="192.0.2.1")
    db.session.commit()


def test_staff_read_the_trail_in_words_filtered_by_action(client, auth, users, db):
    record_lines(db, users["partner"], 2, "submission.submitted")
    record_lines(db, users["council"], 1, "synthesis.released")
    auth.login(users["staff"].email)

    page = client.get("/staff/audit?action=submission.submitted").get_data(as_text=True)

    assert "2 lines." in page
    assert "Submission sent" in page and users["partner"].email in page
    assert users["council"].email not in page


def test_the_trail_is_paged_newest_first(client, auth, users, db):
    record_lines(db, users["partner"], audit.PAGE_SIZE + 5)
    auth.login(users["staff"].email)

    first = client.get("/staff/audit?action=consultation.closed").get_data(as_text=True)
    second = client.get("/staff/audit?action=consultation.closed&page=2").get_data(as_text=True)

    assert "Page 1 of 2" in first and "Older lines" in first
    assert "Page 2 of 2" in second and "Newer lines" in second
    assert second.count("<tr>") == 5 + 1  # five lines and the header row


def test_bad_filter_values_are_field_errors_not_failures(client, auth, users):
    auth.login(users["staff"].email)
    for query in (
        "since=9999-99-99",
        "until=9999-12-31",
        "organisation=%C2%B2",
        "page=99999999999999999999999",
        "person=%00%01",
        "consultation=-1",
    ):
        assert client.get(f"/staff/audit?{query}").status_code == 200, query


def test_partners_and_the_council_cannot_read_the_trail(client, auth, users):
    for role in ("partner", "council"):
        auth.login(users[role].email)
        assert client.get("/staff/audit").status_code == 403
        assert client.get("/staff/audit.csv").status_code == 403
        auth.logout()


def test_csv_keeps_a_forged_line_inside_its_cell_and_records_the_export(client, auth, users, db):
    forger = make_user(
        db, "forger@example.org", "visitor", name='Eve\r\n2026-01-01,admin,"=HYPERLINK(1)"'
    )
    record_lines(db, forger, 1, "submission.withdrawn")
    auth.login(users["staff"].email)

    response = client.get("/staff/audit.csv?action=submission.withdrawn")

    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert len(rows) == 1
    assert rows[0]["person"] == forger.name
    assert rows[0]["description"] == "Submission withdrawn"
    exported = db.session.scalars(sa.select(AuditEvent).filter_by(action="audit.exported")).all()
    assert [e.actor_id for e in exported] == [users["staff"].id]
    assert exported[0].details["action_filter"] == "submission.withdrawn"


def test_the_csv_lines_are_read_after_the_requests_session_has_ended(users, db):
    """On a real server the file streams after the request's teardown ended its session: the
    lines, and what the file reads of them, must come from the session the stream has."""
    record_lines(db, users["partner"], 2, "token.created")
    staff = db.session.get(User, users["staff"].id)
    lines = audit.export_lines(staff, audit.AuditFilters(action="token.created"))
    db.session.remove()

    read = [(event.action, person.organisation.name) for event, person in lines]

    assert len(read) == 2 and {action for action, _ in read} == {"token.created"}


def test_a_cell_that_starts_like_a_formula_is_neutralised(client, auth, users, db):
    formula = make_user(db, "formula@example.org", "visitor", name="=cmd|' /C calc'!A0")
    record_lines(db, formula, 1, "token.created")
    auth.login(users["staff"].email)

    body = client.get("/staff/audit.csv?action=token.created").get_data(as_text=True)

    assert "'=cmd" in body


def test_verify_finds_a_changed_line_and_a_removed_one(app, db, users, runner):
    record_lines(db, users["staff"], 5)
    assert "intact: 5 lines" in runner.invoke(args=["audit", "verify"]).output

    ids = db.session.scalars(sa.select(AuditEvent.id).order_by(AuditEvent.id)).all()
    db.session.execute(
        sa.update(AuditEvent).where(AuditEvent.id == ids[2]).values(ip="198.51.100.7")
    )
    db.session.commit()
    changed = runner.invoke(args=["audit", "verify"])
    assert changed.exit_code == 1 and f"broken at line {ids[2]}" in changed.output

    db.session.execute(sa.update(AuditEvent).where(AuditEvent.id == ids[2]).values(ip="192.0.2.1"))
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id == ids[1]))
    db.session.commit()
    removed = runner.invoke(args=["audit", "verify"])
    assert removed.exit_code == 1 and f"broken at line {ids[2]}" in removed.output


def test_the_oldest_line_is_checked_too(db, users):
    record_lines(db, users["staff"], 2)
    oldest = db.session.scalar(sa.select(sa.func.min(AuditEvent.id)))
    db.session.execute(sa.update(AuditEvent).where(AuditEvent.id == oldest).values(action="x"))
    db.session.commit()

    assert audit.verify().broken_at == oldest


def test_removing_the_newest_lines_is_found_too(db, users):
    record_lines(db, users["staff"], 3)
    newest = db.session.scalar(sa.select(sa.func.max(AuditEvent.id)))
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id == newest))
    db.session.commit()

    assert not audit.verify().intact
