"""Emails go through the outbox: links from BASE_URL, no secret at rest, sent once, not lost."""

import re
import smtplib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import AccountToken, OutboxMessage
from app.models.common import utcnow
from app.services import queue
from app.services.mail import delivery, outbox
from app.tasks.mail import send_email

PUBLIC = "https://consult.example.org"
SEND = "app.tasks.mail.send_email"


@pytest.fixture
def public_app(app):
    app.config["BASE_URL"] = PUBLIC
    return app


@pytest.fixture
def broker_down(app, monkeypatch):
    """The broker refuses every message, as when Redis is down."""
    port = app.extensions[queue.EXTENSION]
    working = port.publish

    def refuse(task, *args):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(port, "publish", refuse)
    return lambda: monkeypatch.setattr(port, "publish", working)


class FakeSMTP:
    """Records the messages an SMTP server would have taken; `fail` makes it unreachable."""

    sent: list = []
    fail: BaseException | None = None

    def __init__(self, host, port, timeout):
        if FakeSMTP.fail is not None:
            raise FakeSMTP.fail

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, email):
        FakeSMTP.sent.append(email)


@pytest.fixture
def smtp(app, monkeypatch):
    app.config["MAIL_BACKEND"] = "smtp"
    FakeSMTP.sent, FakeSMTP.fail = [], None
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    return FakeSMTP


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


def email_row(db) -> OutboxMessage:
    return db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.task == SEND))


def test_a_reset_asked_with_a_forged_host_links_to_the_public_address(
    public_app, client, users, sent_mail
):
    forged = {"Host": "attacker.example", "X-Forwarded-Host": "attacker.example"}
    response = client.post("/reset", data={"email": "council@example.org"}, headers=forged)
    assert response.status_code == 302
    [email] = sent_mail()
    [link] = links_in(email.get_body(("plain",)).get_content())
    assert link.startswith(f"{PUBLIC}/reset/")
    assert "attacker" not in email.as_string()
    path = link.removeprefix(PUBLIC)
    assert client.get(path).status_code == 200


def test_no_valid_link_waits_in_the_outbox_and_a_sent_message_keeps_no_payload(
    public_app, client, users, sent_mail, db, broker_down
):
    client.post("/reset", data={"email": "council@example.org"})
    row = email_row(db)
    assert row.done_at is None and row.published_at is None and row.attempts == 1
    assert "broker down" in row.last_error
    assert "/reset/" not in str(row.payload) and "token" not in row.payload
    assert row.payload["account_link"] == "reset"
    assert db.session.scalar(sa.select(sa.func.count(AccountToken.id))) == 0

    broker_down()  # the broker is back: the sweeper publishes, the token is issued now
    assert outbox.relay_pending(now=utcnow() + timedelta(minutes=5)) == 1
    [email] = sent_mail()
    [link] = links_in(email.get_body(("plain",)).get_content())
    db.session.refresh(row)
    assert row.done_at is not None and row.published_at is not None and row.attempts == 2
    assert row.payload == {}
    assert db.session.scalar(sa.select(sa.func.count(AccountToken.id))) == 1
    assert client.get(link.removeprefix(PUBLIC)).status_code == 200


def test_an_invitation_is_rendered_when_sent_in_the_invitees_language(
    public_app, client, auth, users, organisation, sent_mail
):
    client.post("/language", data={"lang": "fr"})  # the inviter signs in in French
    auth.login("staff@example.org")
    client.post(
        "/staff/users/invite",
        data={
            "email": "ana@example.org",
            "name": "Ana Souza",
            "role": "partner",
            "organisation_id": organisation.id,
        },
    )
    [email] = sent_mail()
    assert "Bonjour Ana Souza" in email.get_body(("plain",)).get_content()
    assert links_in(email.get_body(("plain",)).get_content())[0].startswith(f"{PUBLIC}/invitation/")


def test_an_email_delivered_twice_is_sent_once_with_a_message_id_from_its_row(
    public_app, users, db, smtp, monkeypatch
):
    message = delivery.queue_email(
        users["council"], "password_reset", "Reset", account_link="reset"
    )
    db.session.commit()
    second_delivery = []

    def send_while_another_worker_gets_it(email):
        # The same task, delivered again while the first delivery is still sending.
        second_delivery.append(send_email.apply(args=[message.id]))
        FakeSMTP.sent.append(email)

    monkeypatch.setattr(smtp, "send_message", staticmethod(send_while_another_worker_gets_it))
    send_email.apply(args=[message.id])
    send_email.apply(args=[message.id])  # and once more after it was sent
    assert len(FakeSMTP.sent) == 1 and len(second_delivery) == 1
    row = db.session.get(OutboxMessage, message.id)
    assert FakeSMTP.sent[0]["Message-ID"] == delivery.message_id(row)
    assert f"<outbox-{row.id}." in FakeSMTP.sent[0]["Message-ID"]
    assert FakeSMTP.sent[0]["Message-ID"].endswith("@consult.example.org>")
    assert db.session.scalar(sa.select(sa.func.count(AccountToken.id))) == 1


def test_a_lost_workers_claim_expires_and_the_email_goes_out_with_the_same_id(
    public_app, users, db, smtp
):
    message = delivery.queue_email(
        users["council"], "password_reset", "Reset", account_link="reset"
    )
    db.session.commit()
    assert outbox.claim(message.id, now=utcnow() - timedelta(minutes=3))
    send_email.apply(args=[message.id])
    assert FakeSMTP.sent == []  # another worker holds it

    assert outbox.claim(message.id, now=utcnow() - timedelta(minutes=11)) is False
    db.session.execute(
        sa.update(OutboxMessage).values(claimed_at=utcnow() - outbox.CLAIM_EXPIRES_AFTER * 2)
    )
    db.session.commit()
    send_email.apply(args=[message.id])
    [email] = FakeSMTP.sent
    assert email["Message-ID"] == delivery.message_id(db.session.get(OutboxMessage, message.id))


def test_a_mail_server_that_stays_down_makes_the_message_fail_for_staff_to_retry(
    public_app, client, auth, users, db, smtp, broker_down
):
    public_app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    message = delivery.queue_email(
        users["council"], "password_reset", "Reset", account_link="reset"
    )
    db.session.commit()
    broker_down()
    smtp.fail = ConnectionRefusedError("mail server down")
    now = utcnow()
    published = []
    for _ in range(3):
        outbox.relay(message, now=now)
        row = db.session.get(OutboxMessage, message.id)
        published.append(row.next_attempt_at - now)
        assert row.done_at is None and row.failed_at is None and row.claimed_at is None
        assert "mail server down" in row.last_error
        assert outbox.relay_pending(now=now + timedelta(seconds=1)) == 0  # not yet due
        now = row.next_attempt_at
    assert published == [timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=8)]
    assert outbox.relay_pending(now=now) == 0
    row = db.session.get(OutboxMessage, message.id)
    assert row.failed_at is not None and "gave up after 3 attempts" in row.last_error

    auth.login("staff@example.org")
    page = client.get("/staff/outbox").get_data(as_text=True)
    assert "council@example.org" in page and "mail server down" in page
    smtp.fail = None
    assert client.post(f"/staff/outbox/{message.id}/retry").status_code == 302
    row = db.session.get(OutboxMessage, message.id)
    assert row.done_at is not None and len(FakeSMTP.sent) == 1
    assert "Nothing failed" in client.get("/staff/outbox").get_data(as_text=True)


def test_a_bug_is_not_retried_and_fails_the_message_at_once(
    public_app, users, db, smtp, monkeypatch
):
    calls = []

    def broken(message):
        calls.append(message.id)
        raise KeyError("a bug")

    monkeypatch.setattr(delivery, "compose", broken)
    message = delivery.queue_email(
        users["council"], "password_reset", "Reset", account_link="reset"
    )
    db.session.commit()
    with pytest.raises(KeyError):
        send_email.apply(args=[message.id], throw=True)
    assert len(calls) == 1
    db.session.expire_all()
    row = db.session.get(OutboxMessage, message.id)
    assert row.failed_at is not None and "a bug" in row.last_error


def test_a_passing_smtp_error_is_retried_by_the_task(public_app, users, db, smtp, monkeypatch):
    message = delivery.queue_email(
        users["council"], "password_reset", "Reset", account_link="reset"
    )
    db.session.commit()
    attempts = []

    class FlakySMTP(FakeSMTP):
        def __init__(self, host, port, timeout):
            attempts.append(1)
            if len(attempts) < 3:
                raise ConnectionRefusedError("try later")

    monkeypatch.setattr(smtplib, "SMTP", FlakySMTP)
    # Eager retries run at once, inside this call (a worker waits 2, 4… seconds between).
    monkeypatch.setitem(public_app.extensions["celery"].conf, "task_eager_propagates", False)
    send_email.apply(args=[message.id])
    assert len(attempts) == 3 and len(FakeSMTP.sent) == 1
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).done_at is not None


def test_only_staff_see_and_retry_failed_work(client, auth, users, db):
    row = OutboxMessage(task=SEND, payload={}, failed_at=utcnow(), last_error="x")
    db.session.add(row)
    db.session.commit()
    for email in ("partner@unicef.example.org", "council@example.org"):
        auth.login(email)
        assert client.get("/staff/outbox").status_code == 403
        assert client.post(f"/staff/outbox/{row.id}/retry").status_code == 403
        auth.logout()
    assert db.session.get(OutboxMessage, row.id).failed_at is not None


def test_finished_messages_are_purged_after_the_retention_period(app, db):
    now = utcnow()
    old = OutboxMessage(task=SEND, payload={}, done_at=now - timedelta(days=15))
    recent = OutboxMessage(task=SEND, payload={}, done_at=now - timedelta(days=1))
    failed = OutboxMessage(task=SEND, payload={}, failed_at=now - timedelta(days=30))
    db.session.add_all([old, recent, failed])
    db.session.commit()
    assert app.config["OUTBOX_RETENTION_DAYS"] == 14
    assert outbox.purge_finished(now=now) == 1
    assert {m.id for m in db.session.scalars(sa.select(OutboxMessage))} == {recent.id, failed.id}


def test_a_reset_for_an_account_disabled_before_sending_issues_no_link(public_app, users, db, smtp):
    message = delivery.queue_email(
        users["council"], "password_reset", "Reset", account_link="reset"
    )
    users["council"].active = False
    db.session.commit()
    send_email.apply(args=[message.id])
    assert FakeSMTP.sent == []
    assert db.session.scalar(sa.select(sa.func.count(AccountToken.id))) == 0
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).done_at is not None


def test_an_email_queued_for_a_person_erased_before_sending_is_not_sent(
    public_app, users, db, smtp
):
    from app.services.accounts import erasure

    message = delivery.queue_email(users["partner"], "invitation", "Invited", account_link="invite",
                                   inviter=users["staff"], organisation=None)  # fmt: skip
    erasure.pseudonymise(users["partner"])
    db.session.commit()
    send_email.apply(args=[message.id])
    assert FakeSMTP.sent == []
    assert db.session.scalar(sa.select(sa.func.count(AccountToken.id))) == 0
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).done_at is not None
