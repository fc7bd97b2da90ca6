"""Email: queued through the outbox, rendered in the recipient's language when a task sends it.

Each email is a plain-text part (`email/<name>.txt`) and, as its alternative, an HTML part
(`email/<name>.html`, extending `email/_layout.html`) in the site's palette and name mark.

The outbox keeps the template's name and a plain context (records by reference), never a
rendered body: the email is rendered when it is sent, with links built from `BASE_URL`
whatever the request that caused it, and an account link's token is issued only then, so
no valid link waits in the database. A sent message's payload is emptied.
"""

import smtplib
from email import policy
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale

from app import palette
from app.extensions import db
from app.models import OutboxMessage, User
from app.services.accounts import links
from app.services.mail import context as plain
from app.services.mail import outbox, unsubscribe

SEND_TASK = "app.tasks.mail.send_email"
ACCOUNT_LINKS = tuple(links.LIFETIMES)
# Python folds a long header between two encoded words at a space, which readers then drop
# (a long French subject read "Draftculture-2026"): headers stay on one line, as RFC 5322
# allows up to 998 characters.
UNFOLDED = policy.default.clone(max_line_length=998)


def queue_email(
    user: User,
    template: str,
    subject: object,
    *,
    account_link: str | None = None,
    unsubscribe_kind: str | None = None,
    **context: object,
) -> OutboxMessage:
    """Add `email/<template>` (.txt and .html) for `user` to the outbox, rendered in their
    language when sent.

    `account_link` ("invite" or "reset") issues a single-use account token when the email
    is sent and gives it to the template as `token`. `unsubscribe_kind` (a kind of
    notification) gives the email one-click unsubscribe headers (RFC 8058) and the template
    `unsubscribe_url`.
    """
    if account_link is not None and account_link not in ACCOUNT_LINKS:
        raise ValueError(f"unknown account link: {account_link}")
    for kind in ("txt", "html"):  # a typo, or a missing part, fails here, not later
        current_app.jinja_env.get_template(f"email/{template}.{kind}")
    if user.id is None:
        db.session.flush()
    return outbox.enqueue(
        SEND_TASK,
        user_id=user.id,
        template=template,
        subject=plain.to_plain(subject),
        context=plain.to_plain(context),
        account_link=account_link,
        **({"unsubscribe": unsubscribe_kind} if unsubscribe_kind else {}),
    )


def deliver(outbox_id: int) -> None:
    """Send the email of an outbox row once: the worker whose claim wins sends it."""
    message = db.session.get(OutboxMessage, outbox_id)
    if message is None or message.done_at is not None or not outbox.claim(outbox_id):
        return
    try:
        email = compose(message)
        if email is not None:
            if current_app.config["MAIL_BACKEND"] == "smtp":
                _send_smtp(email)
            else:
                _write_file(email, message.id)
    except Exception as error:
        # The claim is freed so that the task's retry, or the sweeper, can send it.
        outbox.record_failure(outbox_id, error, final=False)
        raise
    outbox.mark_done(message, purge_payload=True)


def compose(message: OutboxMessage) -> EmailMessage | None:
    """The email of an outbox row, rendered now; None when there is no one to send it to."""
    payload = message.payload
    if "body" in payload:  # queued before emails were rendered at send time
        return _email(message, payload["to"], payload["subject"], payload["body"])
    user = db.session.get(User, payload["user_id"])
    if user is None or user.erased_at is not None:
        return None  # gone, or erased since (its address is a pseudonym): nothing to send
    if payload.get("account_link") == "reset" and not user.is_active:
        return None  # disabled since it asked for a reset: no link is issued
    extra = {}
    if payload.get("account_link"):
        extra["token"] = links.issue(user, payload["account_link"])
        # Committed before sending: the link must work when the email arrives.
        db.session.commit()
    config = current_app.config
    locale = user.locale or config["BABEL_DEFAULT_LOCALE"]
    # Links are built from the site's public address, never from a request's Host.
    with current_app.test_request_context(base_url=config["BASE_URL"]), force_locale(locale):
        if payload.get("unsubscribe"):
            extra["unsubscribe_url"] = unsubscribe.link(user.id, payload["unsubscribe"])
        subject = str(plain.from_plain(payload["subject"]))
        context = plain.from_plain(payload["context"])
        body = render_template(f"email/{payload['template']}.txt", user=user, **context, **extra)
        html = render_template(
            f"email/{payload['template']}.html",
            user=user,
            subject=subject,
            colours={**palette.PALETTE, "white": palette.WHITE},
            mark_name=palette.MARK_NAME,
            **context,
            **extra,
        )
    email = _email(message, user.email, subject, body, html)
    if "unsubscribe_url" in extra:
        # RFC 8058: mail clients show an unsubscribe button that POSTs to this address.
        email["List-Unsubscribe"] = f"<{extra['unsubscribe_url']}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return email


def message_id(message: OutboxMessage) -> str:
    """A Message-ID derived from the row: a repeated delivery is recognisably the same email."""
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "agora.local"
    return f"<outbox-{message.id}.{message.created_at:%Y%m%d%H%M%S}@{domain}>"


def _email(
    message: OutboxMessage, to: str, subject: str, body: str, html: str | None = None
) -> EmailMessage:
    email = EmailMessage(policy=UNFOLDED)
    email["From"] = current_app.config["MAIL_SENDER"]
    email["To"] = to
    email["Subject"] = subject
    email["Message-ID"] = message_id(message)
    email["Date"] = formatdate()
    email.set_content(body)
    if html is not None:  # multipart/alternative: clients show the last part they can
        email.add_alternative(html, subtype="html")
    return email


class MailRefused(Exception):
    """The mail server refused the message for good (5xx): sending it again will not help."""


def _send_smtp(email: EmailMessage) -> None:
    config = current_app.config
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(email)
    except smtplib.SMTPRecipientsRefused as error:
        raise MailRefused(str(error.recipients)) from error
    except smtplib.SMTPResponseException as error:
        # SMTP errors are OSErrors, retried as passing; a 5xx answer is not passing.
        if error.smtp_code >= 500:
            raise MailRefused(f"{error.smtp_code} {error.smtp_error!r}") from error
        raise


def _write_file(email: EmailMessage, outbox_id: int) -> Path:
    """Development delivery: one .eml file per message, readable by a person or a test."""
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{outbox_id:06d}.eml"
    path.write_bytes(bytes(email))
    return path
