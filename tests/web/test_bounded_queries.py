"""Staff pages and reminders cost the same number of queries for 2 or 6 consultations or
organisations: nothing is loaded one row at a time."""

from contextlib import contextmanager

import sqlalchemy as sa

from app.models import Organisation, ParagraphFeedback
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


def test_an_autosave_request_runs_three_statements_from_cookie_to_answer_on_postgresql(
    db, client, auth, users, invite
):
    """The whole request, not only the save: the signed-in account; the consultation with the
    invitation rule's answer, the posted section and the submission's state in one read; then
    the writes, whose lock is checked by the UPDATE itself: one statement on PostgreSQL, three
    on SQLite. Nothing is asked twice, and the submission is never loaded whole."""
    consultation = make_consultation()
    invite(consultation)
    auth.login("partner@unicef.example.org")
    url = f"/consultations/{consultation.slug}/respond/sections/0"
    first, second = consultation.current_version.sections[0].paragraphs[:2]
    one_write = db.engine.dialect.name == "postgresql"

    def post(lock: int, comment: str, json: bool = True):
        db.session.remove()  # a new request starts with an empty session, as in production
        data = {
            "lock_version": str(lock),
            f"stance-{first.id}": "amend",
            f"comment-{first.id}": comment,
            f"stance-{second.id}": "support",
        }
        headers = {"Accept": "application/json"} if json else {}
        with statements(db) as seen:
            answer = client.post(url, data=data, headers=headers)
        return answer, [" ".join(s.split()).replace('"', "") for s in seen]

    answer, _ = post(0, "We ask the Council to name cities.")
    lock = answer.get_json()["lock_version"]
    for comment, json in (("We ask the Council to name cities first.", True), ("Saved.", False)):
        answer, seen = post(lock, comment, json)
        assert answer.status_code == (200 if json else 302), answer.text
        lock += 1
        assert len(seen) == (3 if one_write else 5), "\n".join(seen)
        assert "FROM user WHERE user.id =" in seen[0]
        read = seen[1]
        assert read.startswith("SELECT") and "FROM consultation" in read
        assert "consultation_invitation" in read
        assert "paragraph_feedback" in read and "AS shown" in read
        writes = seen[2:]
        assert writes[0].startswith(
            "WITH bumped AS (UPDATE submission SET" if one_write else "UPDATE submission SET"
        )
        assert "submission.lock_version = " in writes[0]  # the lock is checked by the UPDATE
        assert "UPDATE paragraph_feedback" in " ".join(writes)
        assert "UPDATE submission_revision" in " ".join(writes)
        assert not any("consultation_invitation" in s for s in seen[2:])
    db.session.remove()
    assert {i.comment for i in db.session.scalars(sa.select(ParagraphFeedback))} == {
        "Saved.",
        "",
    }


def test_the_partners_pages_read_only_the_items_they_show(client, auth, db, users, invite):
    """The section form reads the items of its own section, the overview none, the review
    page all of them once; the progress at the top of each page counts them in SQL."""
    texts = {str(n): {"en": f"Paragraph {n} of the draft."} for n in range(1, 31)}
    consultation = make_consultation(texts=texts)  # sections of 2 and 28 paragraphs
    invite(consultation)
    auth.login("partner@unicef.example.org")
    base = f"/consultations/{consultation.slug}/respond"
    lock = 0
    for position, section in enumerate(consultation.current_version.sections):
        first = section.paragraphs[0]
        saved = client.post(
            f"{base}/sections/{position}",
            data={"lock_version": str(lock), f"stance-{first.id}": "support"},
            headers={"Accept": "application/json"},
        )
        assert saved.get_json()["status"] == "saved"
        lock = saved.get_json()["lock_version"]
    loaded: list[int] = []

    def count_item(item, context):
        loaded.append(item.paragraph_id)

    sa.event.listen(ParagraphFeedback, "load", count_item)
    try:
        for page, items in (("/sections/0", 1), ("/sections/1", 1), ("", 0), ("/review", 2)):
            db.session.remove()  # a new request starts with an empty session, as in production
            loaded.clear()
            with statements(db) as seen:
                answer = client.get(base + page)
            assert answer.status_code == 200
            assert "2 of 30 paragraphs answered" in answer.text
            reads = [" ".join(s.split()) for s in seen]
            assert len([s for s in reads if s.startswith("SELECT submission.id")]) == 1, page
            assert len(loaded) == items, page
    finally:
        sa.event.remove(ParagraphFeedback, "load", count_item)
