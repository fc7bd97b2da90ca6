"""Staff pages and reminders cost the same number of queries for 2 or 6 consultations or
organisations: nothing is loaded one row at a time."""

from contextlib import contextmanager

import sqlalchemy as sa

from app.models import Organisation
from app.services.feedback import followup
from tests.conftest import make_user
from tests.helpers import make_consultation


@contextmanager
def statements(db):
    """Every SQL statement sent to the database meanwhile (an executemany counts once)."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def add_organisations(db, invite, consultation, first: int, count: int) -> None:
    """Organisations with two members who can sign in each, invited to the consultation."""
    organisations = []
    for n in range(first, first + count):
        organisation = Organisation(name=f"City network {n}", kind="ngo", region="africa")
        db.session.add(organisation)
        organisations.append(organisation)
        for member in ("a", "b"):
            make_user(db, f"{member}{n}@network{n}.example.org", "partner", organisation)
    invite(consultation, *organisations)


def test_the_dashboard_counts_paragraphs_in_the_same_queries_for_more_consultations(
    client, auth, db, users
):
    auth.login("staff@example.org")
    for n in range(2):
        make_consultation(f"draft-{n}")
    with statements(db) as two:
        page = client.get("/staff/").text
    assert page.count("<td>3</td>") == 2  # each test draft has three paragraphs
    for n in range(2, 6):
        make_consultation(f"draft-{n}")
    with statements(db) as six:
        page = client.get("/staff/").text
    assert page.count("<td>3</td>") == 6
    assert len(six) == len(two)


def test_reminders_cost_the_same_queries_for_more_organisations(db, users, invite, monkeypatch):
    consultation = make_consultation()
    relayed: list = []
    # Publishing each queued email is the mail outbox's work, measured apart.
    monkeypatch.setattr(followup.outbox, "relay", lambda *messages: relayed.extend(messages))
    add_organisations(db, invite, consultation, 1, 2)
    followup.send_reminders(users["staff"], consultation)  # the audit trail's first entry
    relayed.clear()
    with statements(db) as two:
        assert followup.send_reminders(users["staff"], consultation) == 2
    assert len(relayed) == 4  # two members each
    add_organisations(db, invite, consultation, 3, 4)
    relayed.clear()
    with statements(db) as six:
        assert followup.send_reminders(users["staff"], consultation) == 6
    assert len(relayed) == 12
    # Each email is one outbox row: SQLite is sent one INSERT per row (PostgreSQL one batch).
    assert len(bounded(six)) == len(bounded(two))


def bounded(seen: list[str]) -> list[str]:
    return [s for s in seen if not s.startswith("INSERT INTO outbox_message")]


def test_the_response_table_costs_the_same_queries_for_more_organisations(
    client, auth, db, users, invite
):
    consultation = make_consultation()
    auth.login("staff@example.org")
    url = f"/staff/consultations/{consultation.slug}/responses"
    add_organisations(db, invite, consultation, 1, 2)
    with statements(db) as two:
        assert "City network 2" in client.get(url).text
    add_organisations(db, invite, consultation, 3, 4)
    with statements(db) as six:
        assert "City network 6" in client.get(url).text
    assert len(six) == len(two)
