"""People are told what concerns them, each the way they chose on My account: an email at
once, a daily digest, or nothing; every email can be stopped with one click."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import icalendar
import pytest
import sqlalchemy as sa

from app.models import AuditEvent, Notification, Organisation, Submission, Synthesis
from app.models.common import utcnow
from app.services.notifications import digest, sweeps
from tests.conftest import invite_organisations, make_user
from tests.feedback.test_feedback_pages import section_form
from tests.helpers import make_consultation

PARTNER_KINDS = ("opened", "deadline", "change", "synthesis", "decisions")
DEFAULTS = {"opened": "now", "deadline": "now", "change": "digest", "synthesis": "now",
            "decisions": "now"}  # fmt: skip


def choices(**chosen: str) -> dict[str, str]:
    """The My account form of a partner: the defaults, with these kinds changed."""
    return {f"notify-{kind}": chosen.get(kind, DEFAULTS[kind]) for kind in PARTNER_KINDS}


def choose(client, auth, email: str, **chosen: str) -> None:
    """Sign in as this person, choose on My account, sign out."""
    auth.login(email)
    response = client.post("/account/notifications", data=choices(**chosen))
    assert response.status_code == 302
    auth.logout()


def checked(page: str, kind: str) -> str:
    """The option of `kind` checked on the My account page."""
    [value] = re.findall(rf'<input checked [^>]*name="notify-{kind}"[^>]*value="(\w+)"', page)
    return value


def fao(db) -> Organisation:
    return db.session.scalar(sa.select(Organisation).where(Organisation.name == "FAO"))


def submit_through_the_form(client, auth, db, consultation, email: str) -> None:
    """A partner gives a stance, answers the required question, reviews and submits."""
    auth.login(email)
    slug, first = consultation.slug, consultation.current_version.paragraphs[0]
    client.post(
        f"/consultations/{slug}/respond/sections/0",
        data=section_form(consultation, **{f"stance-{first.id}": "support"}),
    )
    lock = db.session.scalar(sa.select(Submission.lock_version))
    client.post(
        f"/consultations/{slug}/respond/questions",
        data={"lock_version": lock, f"question-{consultation.questions[0].id}": "4"},
    )
    review = client.get(f"/consultations/{slug}/respond/review").get_data(as_text=True)
    lock = review.split('name="lock_version" type="hidden" value="')[1].split('"')[0]
    client.post(f"/consultations/{slug}/respond/submit", data={"lock_version": lock})
    auth.logout()


def open_through_the_staff_page(client, auth, users, consultation) -> None:
    auth.login(users["staff"].email)
    closes = (utcnow() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/staff/consultations/{consultation.slug}/open",
        data={"closes_at": closes, "confirmed": "yes"},
    )
    assert response.status_code == 302
    auth.logout()


def text(email) -> str:
    """The plain-text part of an email (the HTML part says the same)."""
    return email.get_body(("plain",)).get_content()


def new_mail(sent_mail, before: int) -> list:
    return sent_mail()[before:]


def test_a_person_saves_their_choice_of_emails_on_my_account(client, auth, users, db):
    auth.login(users["partner"].email)
    page = client.get("/account/").get_data(as_text=True)
    assert "Emails I receive" in page
    assert checked(page, "opened") == "now" and checked(page, "change") == "digest"

    response = client.post(
        "/account/notifications", data=choices(opened="none", deadline="digest"),
        follow_redirects=True,
    )  # fmt: skip

    page = response.get_data(as_text=True)
    assert "Your choice of emails is saved." in page
    assert checked(page, "opened") == "none" and checked(page, "deadline") == "digest"
    [event] = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "notifications.changed")
    ).all()
    assert event.actor_id == users["partner"].id
    assert event.details["changes"] == {"opened": ["now", "none"], "deadline": ["now", "digest"]}


def test_a_choice_that_is_not_offered_is_refused_with_the_page_kept(client, auth, users):
    auth.login(users["partner"].email)
    response = client.post("/account/notifications", data=choices(opened="hourly"))
    assert response.status_code == 422  # the page comes back with its error
    page = response.get_data(as_text=True)
    assert "Not a valid choice" in page
    assert "Your choice of emails is saved." not in page


def test_council_members_choose_only_what_concerns_them(client, auth, users):
    auth.login(users["council"].email)
    page = client.get("/account/").get_data(as_text=True)
    assert "A synthesis is released to me" in page
    assert "A consultation opens to my organisation" not in page
    auth.logout()
    auth.login(users["staff"].email)
    assert "Emails I receive" not in client.get("/account/").get_data(as_text=True)


def test_opening_a_consultation_emails_the_members_who_want_it_and_not_the_others(
    client, auth, users, db, organisation, sent_mail
):
    quiet = make_user(db, "quiet@unicef.example.org", "partner", organisation, name="Quiet")
    consultation = make_consultation("pact-2027", status="draft")
    invite_organisations(db, consultation, organisation)
    choose(client, auth, quiet.email, opened="none")

    open_through_the_staff_page(client, auth, users, consultation)

    [email] = [m for m in sent_mail() if "invited to comment" in m["Subject"]]
    assert email["To"] == "partner@unicef.example.org"
    assert "Draft pact-2027" in text(email)
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Beat's sweep of openings finds everyone told already.
    before = len(sent_mail())
    assert sweeps.announce_openings() == 0
    assert new_mail(sent_mail, before) == []


def test_a_scheduled_opening_is_told_by_the_sweep_once_the_day_comes(
    client, auth, users, db, organisation, sent_mail
):
    consultation = make_consultation("later", status="draft")
    invite_organisations(db, consultation, organisation)
    auth.login(users["staff"].email)
    opens = utcnow() + timedelta(days=2)
    client.post(
        f"/staff/consultations/{consultation.slug}/open",
        data={
            "opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (opens + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
            "confirmed": "yes",
        },
    )
    assert [m for m in sent_mail() if "invited" in m["Subject"]] == []
    assert sweeps.announce_openings(now=opens + timedelta(minutes=5)) == 1
    assert sweeps.announce_openings(now=opens + timedelta(minutes=10)) == 0
    assert [m["To"] for m in sent_mail() if "invited" in m["Subject"]] == [
        "partner@unicef.example.org"
    ]


def test_deadline_reminders_go_a_week_and_a_day_before_once_and_not_after_submitting(
    client, auth, users, db, organisation, sent_mail
):
    consultation = make_consultation("soon")
    consultation.closes_at = utcnow() + timedelta(days=6, hours=12)
    db.session.commit()
    member_of_fao = make_user(db, "partner@fao.example.org", "partner", fao(db))
    invite_organisations(db, consultation, organisation, fao(db))
    submit_through_the_form(client, auth, db, consultation, member_of_fao.email)
    assert db.session.scalar(sa.select(Submission.status)) == "submitted"
    before = len(sent_mail())

    assert sweeps.remind_deadlines() == 1
    assert sweeps.remind_deadlines() == 0  # the hourly run an hour later: not twice

    [week] = new_mail(sent_mail, before)
    assert week["To"] == "partner@unicef.example.org"
    assert week["Subject"] == "One week left to comment on “Draft soon”"
    assert "The deadline is in a week" in text(week)
    last_day = consultation.closes_at - timedelta(hours=12)
    assert sweeps.remind_deadlines(now=last_day) == 1
    assert sweeps.remind_deadlines(now=last_day + timedelta(hours=1)) == 0
    [day] = new_mail(sent_mail, before + 1)
    assert day["To"] == "partner@unicef.example.org"
    assert day["Subject"] == "Last day to comment on “Draft soon”"
    assert "The deadline is tomorrow" in text(day)


def test_no_reminder_once_the_organisation_has_submitted(
    client, auth, users, db, organisation, sent_mail
):
    consultation = make_consultation("done-early")
    consultation.closes_at = utcnow() + timedelta(hours=20)
    db.session.commit()
    invite_organisations(db, consultation, organisation)
    submit_through_the_form(client, auth, db, consultation, users["partner"].email)
    before = len(sent_mail())
    assert sweeps.remind_deadlines() == 0
    assert new_mail(sent_mail, before) == []


def test_a_colleagues_change_is_told_to_the_others_not_to_the_editor(
    client, auth, users, db, organisation, sent_mail
):
    consultation = make_consultation()
    invite_organisations(db, consultation, organisation)
    editor = make_user(db, "eda@unicef.example.org", "partner", organisation, name="Eda Lopez")
    watcher = make_user(db, "wat@unicef.example.org", "partner", organisation, name="Wat Ng")
    choose(client, auth, watcher.email, change="now")
    choose(client, auth, editor.email, change="now")
    watcher.locale = "fr"  # after signing in, which keeps the sign-in page's language
    db.session.commit()
    auth.login(editor.email)
    first = consultation.current_version.paragraphs[0]
    client.post(
        f"/consultations/{consultation.slug}/respond/sections/0",
        data=section_form(consultation, **{f"stance-{first.id}": "oppose"}),
    )
    auth.logout()
    before = len(sent_mail())

    assert sweeps.tell_colleagues() == 0  # still at work: told once they have stopped
    assert sweeps.tell_colleagues(now=utcnow() + timedelta(minutes=20)) == 1
    assert sweeps.tell_colleagues(now=utcnow() + timedelta(minutes=40)) == 0

    [email] = new_mail(sent_mail, before)
    assert email["To"] == "wat@unicef.example.org"  # not Eda; the partner reads it in a digest
    assert email["Subject"] == (
        "Eda Lopez a modifié la contribution de votre organisation"
        " sur «\u00a0Draft culture-2026\u00a0»"
    )
    assert "/consultations/culture-2026/respond/history" in text(email)
    waiting = db.session.scalars(sa.select(Notification).where(Notification.kind == "change"))
    assert [(n.user_id, n.delivery) for n in waiting if n.delivery == "digest"] == [
        (users["partner"].id, "digest")
    ]


def test_one_click_unsubscribe_works_without_a_session_or_a_form_token(
    app, client, auth, users, db, organisation, sent_mail
):
    consultation = make_consultation("pact-2027", status="draft")
    invite_organisations(db, consultation, organisation)
    open_through_the_staff_page(client, auth, users, consultation)
    [email] = [m for m in sent_mail() if m["To"] == "partner@unicef.example.org"]
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = email["List-Unsubscribe"].strip("<>")
    assert url.startswith(app.config["BASE_URL"] + "/unsubscribe/")
    assert url in text(email)
    path = urlsplit(url).path
    app.config["WTF_CSRF_ENABLED"] = True  # as in production: only this route is exempt

    page = client.get(path).get_data(as_text=True)
    assert "Stop these emails" in page and 'method="post"' in page
    assert "a consultation opening to your organisation" in page
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "will receive no more emails" in response.get_data(as_text=True)
    assert client.post("/language", data={"lang": "fr"}).status_code == 400  # others still check
    [event] = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "notifications.unsubscribed")
    ).all()
    assert event.actor_id == users["partner"].id
    assert event.details["changes"] == {"opened": ["now", "none"]}
    app.config["WTF_CSRF_ENABLED"] = False
    auth.login(users["partner"].email)
    page = client.get("/account/").get_data(as_text=True)
    assert checked(page, "opened") == "none"


@pytest.mark.parametrize("token", ["not-a-token", "W1sImNoYW5nZSJd.forged"])
def test_an_unsubscribe_link_this_site_did_not_sign_changes_nothing(client, users, db, token):
    assert client.get(f"/unsubscribe/{token}").status_code == 404
    assert client.post(f"/unsubscribe/{token}").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_a_digest_groups_a_days_events_in_one_email_in_the_readers_language(
    client, auth, users, db, organisation, sent_mail
):
    partner = users["partner"]
    colleague = make_user(db, "eda@unicef.example.org", "partner", organisation, name="Eda Lopez")
    choose(client, auth, partner.email, **dict.fromkeys(PARTNER_KINDS, "digest"))
    partner.locale = "es"
    db.session.commit()
    consultation = make_consultation("pact-2027", status="draft")
    invite_organisations(db, consultation, organisation)
    open_through_the_staff_page(client, auth, users, consultation)
    auth.login(colleague.email)
    first = consultation.current_version.paragraphs[0]
    client.post(
        f"/consultations/{consultation.slug}/respond/sections/0",
        data=section_form(consultation, **{f"stance-{first.id}": "support"}),
    )
    auth.logout()
    sweeps.tell_colleagues(now=utcnow() + timedelta(minutes=20))
    sweeps.remind_deadlines(now=consultation.closes_at - timedelta(days=6, hours=12))
    assert [m for m in sent_mail() if m["To"] == partner.email] == []

    assert digest.send_digests() == 1
    assert digest.send_digests() == 0

    [email] = [m for m in sent_mail() if m["To"] == partner.email]
    body = text(email)
    assert email["Subject"] == "Su resumen de Agora: lo ocurrido desde ayer"
    assert "Hola, Test Person:" in body
    assert "en 3 avisos" in body
    assert "“Draft pact-2027” está abierta a las observaciones de UNICEF." in body
    assert "Eda Lopez modificó las observaciones de UNICEF sobre “Draft pact-2027”." in body
    assert "Queda una semana:" in body
    html = email.get_body(("html",)).get_content()
    assert '<html lang="es"' in html and html.count("<li ") == 3
    assert "Eda Lopez modificó las observaciones de UNICEF" in html
    assert 'href="' + email["List-Unsubscribe"].strip("<>") + '"' in html
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The digest's own link turns every kind read in the digest off at once.
    client.post(urlsplit(email["List-Unsubscribe"].strip("<>")).path)
    auth.login(partner.email)
    page = client.get("/account/").get_data(as_text=True)
    assert [checked(page, kind) for kind in PARTNER_KINDS] == ["none"] * len(PARTNER_KINDS)


def test_a_synthesis_released_to_the_council_and_then_the_public_is_told_once_each(
    client, auth, users, db, organisation, sent_mail
):
    consultation = make_consultation()
    invite_organisations(db, consultation, organisation)
    db.session.add(
        Synthesis(consultation=consultation, number=1, status="done", result={},
                  finished_at=utcnow())
    )  # fmt: skip
    db.session.commit()
    auth.login(users["staff"].email)
    release = f"/staff/consultations/{consultation.slug}/syntheses/1/release"

    client.post(release, data={"audience": "council", "confirmed": "yes"})
    told = [(m["To"], m["Subject"]) for m in sent_mail()]
    client.post(release, data={"audience": "public", "confirmed": "yes"})

    subject = "A synthesis of the feedback on “Draft culture-2026”"
    assert told == [("council@example.org", subject)]
    assert [(m["To"], m["Subject"]) for m in sent_mail()] == [
        ("council@example.org", subject),
        ("partner@unicef.example.org", subject),
    ]
    assert "/council/culture-2026/syntheses/1" in text(sent_mail()[0])


def test_the_deadline_goes_into_a_calendar_with_its_title_escaped(app, client, db):
    consultation = make_consultation("pact-ics")
    title = "Culture, peace; and cities\\n\nA second line, long enough to be folded — ça va"
    consultation.title = {"en": title}
    db.session.commit()
    page = client.get("/consultations/pact-ics").get_data(as_text=True)
    assert 'href="/consultations/pact-ics/deadline.ics"' in page

    response = client.get("/consultations/pact-ics/deadline.ics")
    again = client.get("/consultations/pact-ics/deadline.ics")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.get_data()
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)  # folded at 75 octets
    assert b"Culture\\, peace\\; and cities\\\\n\\nA second" in raw.replace(b"\r\n ", b"")
    raw.decode("utf-8")  # folding never splits a character
    [event] = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    assert str(event["SUMMARY"]) == f"Deadline for comments: {title}"
    assert event["DTSTART"].dt == consultation.closes_at.replace(microsecond=0)
    assert event["DTSTAMP"].dt.tzinfo is not None
    assert "DTEND" not in event  # a deadline is a moment: it ends when it starts
    [alarm] = event.walk("VALARM")
    assert alarm["TRIGGER"].dt == -timedelta(days=1)
    [other] = icalendar.Calendar.from_ical(again.get_data()).walk("VEVENT")
    host = urlsplit(app.config["BASE_URL"]).hostname
    assert str(event["UID"]) == str(other["UID"]) == f"deadline-{consultation.id}@{host}"
    assert str(event["URL"]).endswith("/consultations/pact-ics")


def test_a_closed_consultation_has_no_deadline_to_add(client, db):
    consultation = make_consultation("closed-ics", status="closed")
    assert client.get(f"/consultations/{consultation.slug}/deadline.ics").status_code == 404


def test_notices_past_their_retention_period_are_deleted(app, db, users):
    old = Notification(
        user_id=users["partner"].id, kind="opened", delivery="now", once_key="opened:1",
        created_at=utcnow() - timedelta(days=91), digested_at=utcnow() - timedelta(days=91),
    )  # fmt: skip
    recent = Notification(
        user_id=users["partner"].id, kind="deadline", delivery="now", once_key="deadline:1:7",
        created_at=utcnow() - timedelta(days=3), digested_at=utcnow() - timedelta(days=3),
    )  # fmt: skip
    db.session.add_all([old, recent])
    db.session.commit()

    assert digest.purge_old() == 1

    assert db.session.scalars(sa.select(Notification.once_key)).all() == ["deadline:1:7"]


SYNTHESIS_SUBJECTS = {
    "en": ("A synthesis of the feedback on “Draft culture-2026”", "Hello Test Person,"),
    "fr": (
        "Une synthèse des contributions sur «\u00a0Draft culture-2026\u00a0»",
        "Bonjour Test Person,",
    ),
    "es": ("Una síntesis de las observaciones sobre “Draft culture-2026”", "Hola, Test Person:"),
}
UNSUBSCRIBE_LINES = {
    "en": "To receive no more emails of this kind, open this link:",
    "fr": "Pour ne plus recevoir d’e-mails de ce type, ouvrez ce lien\u00a0:",
    "es": "Para no recibir más correos de este tipo, abra este enlace:",
}


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_notice_and_its_unsubscribe_line_are_in_the_readers_language(
    client, auth, users, db, sent_mail, language
):
    consultation = make_consultation()
    db.session.add(Synthesis(consultation=consultation, number=1, status="done", result={}))
    users["council"].locale = language
    db.session.commit()
    auth.login(users["staff"].email)
    release = f"/staff/consultations/{consultation.slug}/syntheses/1/release"

    client.post(release, data={"audience": "council", "confirmed": "yes"})

    [email] = sent_mail()
    subject, greeting = SYNTHESIS_SUBJECTS[language]
    assert email["Subject"] == subject
    assert greeting in text(email)
    assert UNSUBSCRIBE_LINES[language] in text(email)
