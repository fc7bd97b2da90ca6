"""A consultation's deadline as an iCalendar event (RFC 5545), for any calendar application."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import current_app

from app.i18n import localize
from app.lazy_text import lazy_gettext as _l
from app.models import Consultation, User
from app.services.accounts import access
from app.services.errors import NotFound

LINE_OCTETS = 75  # RFC 5545 §3.1: lines longer than this are folded


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    for raw, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\n", "\\n")):
        value = value.replace(raw, escaped)
    return value


def fold(line: str) -> str:
    """One content line folded at 75 octets, never inside a UTF-8 character (§3.1)."""
    parts, current, size = [], [], 0
    for char in line:
        octets = len(char.encode())
        # A continuation line starts with a space, which counts towards its 75 octets.
        limit = LINE_OCTETS if not parts else LINE_OCTETS - 1
        if size + octets > limit:
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += octets
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def deadline_event(
    reader: User | None,
    consultation: Consultation,
    language: str,
    url: str,
    now: datetime,
) -> str:
    """The deadline of a consultation the reader may read, as a VCALENDAR with one VEVENT.

    The UID names the consultation, not the date: a file downloaded again after the deadline
    moved is the same event to a calendar, not a second one.
    """
    access.require(reader, "consultation.read", consultation)
    if consultation.closes_at is None or consultation.phase(now) not in ("open", "upcoming"):
        raise NotFound(_l("This consultation has no deadline to come."))
    name = localize(consultation.title, consultation.original_language, language).text
    title = str(_l("Deadline for comments: %(title)s", title=name))
    description = str(
        _l("The last moment to send your organisation's feedback on “%(title)s”.", title=name)
    )
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "agora.local"
    closes = consultation.closes_at
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//UCLG Policy Council//Agora//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:deadline-{consultation.id}@{host}",
        f"DTSTAMP:{_stamp(now)}",
        # A moment, not a span: with no DTEND the event ends when it starts (§3.6.1), where
        # a DTEND equal to DTSTART would break the rule that it comes later.
        f"DTSTART:{_stamp(closes)}",
        f"SUMMARY:{escape_text(title)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{url}",
        "TRANSP:TRANSPARENT",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{escape_text(title)}",
        "TRIGGER:-P1D",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)
