"""The published feedback as files anyone may download: CSV for spreadsheets, JSON for
programs (described in docs/published-feedback-json.md).

Both hold what the public page shows and nothing more: no id, reference, date or person, and
for a submission published without its organisation's name no name and no country. CSV text
cells go through `spreadsheet_safety.neutralise`; JSON keeps every text as stored.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import UTC

from app.models import Consultation
from app.services.feedback.publication import ChoiceCounts
from app.services.feedback.published import Entry, PublicFilters
from app.services.spreadsheet_safety import neutralise

COLUMNS = (
    "consultation", "version", "section", "paragraph", "published_as", "organisation",
    "organisation_kind", "region", "country", "language", "stance", "comment", "amendment",
)  # fmt: skip
CHUNK = 1000


def _record(consultation: Consultation, entry: Entry) -> dict[str, object]:
    """An entry as the files write it; None where the public may not know the value."""
    paragraph, sender = entry.paragraph, entry.sender
    section = paragraph.section if paragraph else None
    language = consultation.original_language
    heading = section.heading if section else {}
    return {
        "consultation": consultation.slug,
        "version": section.version.number if section else None,
        "section": (heading.get(language) or next(iter(heading.values()), "")) or None,
        "paragraph": paragraph.number if paragraph else None,
        "published_as": "named" if sender.name else "anonymous",
        "organisation": sender.name,
        "organisation_kind": sender.kind,
        "region": sender.region,
        "country": sender.country,
        "language": entry.language or None,
        "stance": (entry.stance or "none") if paragraph else None,
        "comment": entry.comment or "",
        "amendment": entry.amendment or "",
    }


def csv_chunks(consultation: Consultation, entries: Iterable[Entry]) -> Iterator[str]:
    """RFC 4180 with a UTF-8 BOM, in pieces; empty cells where JSON has null."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    for number, entry in enumerate(entries, start=1):
        record = _record(consultation, entry)
        writer.writerow([neutralise(str(v)) if v is not None else "" for v in record.values()])
        if number % CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_chunks(
    consultation: Consultation,
    filters: PublicFilters,
    counts: ChoiceCounts,
    entries: Iterable[Entry],
) -> Iterator[str]:
    """The JSON document in pieces: what was asked, how many were published, then the entries."""
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    published_at = consultation.feedback_published_at
    head = {
        "consultation": consultation.slug,
        "published_at": (
            published_at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
            if published_at
            else None
        ),
        "filters": filters.args(),
        "submissions": {
            "named": counts.named,
            "anonymous": counts.anonymous,
            "unpublished": counts.none,
        },
    }
    yield dumps(head)[:-1] + ', "feedback": ['
    separator, batch = "\n", []
    for entry in entries:
        batch.append(dumps(_record(consultation, entry)))
        if len(batch) == CHUNK:
            yield separator + ",\n".join(batch)
            batch, separator = [], ",\n"
    if batch:
        yield separator + ",\n".join(batch)
    yield "\n]}\n"
