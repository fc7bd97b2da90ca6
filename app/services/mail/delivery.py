"""Email: queued through the outbox, rendered in the recipient's language, sent by a task."""

import smtplib
from contextlib import nullcontext
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale

from app.extensions import db
from app.models import OutboxMessage, User
from app.services.mail import outbox

SEND_TASK = "app.tasks.mail.send_email"


def queue_email(user: User, template: str, subject: object, **context: object) -> OutboxMessage:
    """Render `email/<template>.txt` in the user's language and add it to the outbox."""
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    # Links in emails sent by workers and commands need the site's public address.
    url_context = (
        nullcontext()
        if has_request_context()
        else current_app.test_request_context(base_url=current_app.config["BASE_URL"])
    )
    with url_context, force_locale(locale):
        subject_text = str(subject)
        body = render_template(f"email/{template}.txt", user=user, **context)
    return outbox.enqueue(SEND_TASK, to=user.email, subject=subject_text, body=body)


def deliver(outbox_id: int) -> None:
    """Send the email of an outbox row once."""
    message = db.session.get(OutboxMessage, outbox_id)
    if message is None or message.done_at is not None:
        return
    email = _build(message.payload)
    if current_app.config["MAIL_BACKEND"] == "smtp":
        _send_smtp(email)
    else:
        _write_file(email, message.id)
    outbox.mark_done(message)


def _build(payload: dict) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_SENDER"]
    email["To"] = payload["to"]
    email["Subject"] = payload["subject"]
    email["Message-ID"] = make_msgid(domain="agora.local")
    email.set_content(payload["body"])
    return email


def _send_smtp(email: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def _write_file(email: EmailMessage, outbox_id: int) -> Path:
    """Development delivery: one .eml file per message, readable by a person or a test."""
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{outbox_id:06d}.eml"
    path.write_bytes(bytes(email))
    return path
