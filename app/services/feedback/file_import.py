"""Staff import of feedback received outside the platform (letters, emails) from CSV or XLSX.

All or nothing: the whole file is checked before anything is written. A file with bad rows
raises `FeedbackImportError`, whose `report.errors` lists every bad row and why; a file that
cannot be read at all raises `FeedbackFileError` with one message. Both are DomainErrors
(field "file"). A good file is written in one transaction with bulk statements, never row by
row: each organisation's rows become, or update, its one submission on the consultation.
It stays one module past 400 lines because checking and writing share the plan they build
(`_Feedback`, `_Item`): split apart, each half would have to know the other's shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import (
    Consultation,
    DocumentVersion,
    Organisation,
    ParagraphFeedback,
    Submission,
    SubmissionRevision,
    User,
)
from app.models.common import utcnow
from app.services.accounts import access, audit
from app.services.errors import Conflict, DomainError
from app.services.feedback import followup
from app.services.feedback.file_rows import (
    FeedbackFileError as FeedbackFileError,  # raised by import_feedback: part of its API
)
from app.services.feedback.file_rows import (
    NewOrganisation,
    Row,
    RowError,
    new_organisations,
    parse_row,
    read_sheet,
)
from app.services.language import detect_many
from app.services.mail import outbox
from app.services.synthesis import vector_jobs

JOIN = "\n\n"  # between the texts of several rows on the same paragraph
CHANGED_MEANWHILE = _l(
    "A submission changed during the import. Nothing was imported; please try again."
)


@dataclass
class ImportReport:
    """What an import wrote or, with `errors`, why it wrote nothing.

    `submissions` counts the submissions created or updated, `items` the paragraph items
    written (rows of one organisation on one paragraph count once), `general_comments` the
    submissions whose general comment the file set.
    """

    rows: int = 0
    organisations_created: int = 0
    submissions: int = 0
    items: int = 0
    general_comments: int = 0
    errors: list[RowError] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in vars(self).items() if k != "errors"}


class FeedbackImportError(DomainError):
    """Some rows are bad, so nothing was imported; `report.errors` lists each problem."""

    def __init__(self, report: ImportReport) -> None:
        bad_rows = len({error.row for error in report.errors})
        super().__init__(
            _l("Rows with errors: %(count)d. Nothing was imported.", count=bad_rows),
            field="file",
        )
        self.report = report


@dataclass
class _Item:
    """The feedback of one organisation on one paragraph, merged from one or more rows."""

    first_row: int
    stance: str
    comments: list[str] = field(default_factory=list)
    amendments: list[str] = field(default_factory=list)
    language: str | None = None
    confirmed: bool = False  # the file gave the language; it was not guessed
    ref: str = ""

    def add(self, row: Row) -> None:
        """Join a row with the same stance: texts in row order, the first language and ref."""
        self.comments += [row.comment] if row.comment else []
        self.amendments += [row.amendment] if row.amendment else []
        if self.language is None and row.language:
            self.language, self.confirmed = row.language, True
        self.ref = self.ref or row.ref

    def values(self) -> dict[str, str | None]:
        """The item's fields as stored, and as a revision compares them."""
        return {
            "stance": self.stance,
            "comment": JOIN.join(self.comments),
            "amendment": JOIN.join(self.amendments),
            "language": self.language,
        }


@dataclass
class _Feedback:
    """Everything the file says for one organisation."""

    name: str
    organisation_id: int | None  # None until a new organisation is created
    items: dict[int, _Item] = field(default_factory=dict)  # by paragraph id
    general: list[str] = field(default_factory=list)
    general_language: str | None = None
    latest: datetime | None = None


def import_feedback(
    actor: User, consultation: Consultation, filename: str, data: bytes, ip: str | None = None
) -> ImportReport:
    """Import a .csv or .xlsx file of feedback; all rows or none (see the module docstring)."""
    access.require(actor, "feedback.import")
    version = _current_draft(consultation)
    sheet = read_sheet(filename, data)
    report = ImportReport(rows=len(sheet.rows))
    paragraph_ids = {p.number.strip(): p.id for p in version.paragraphs}
    rows = [
        parse_row(number, cells, sheet.columns, paragraph_ids, report.errors)
        for number, cells in sheet.rows
    ]
    valid = [row for row in rows if row is not None]
    existing = _existing_organisations()
    created = new_organisations(valid, existing, report.errors)
    plan = _merge(valid, existing, report.errors)
    if report.errors:
        report.errors.sort(key=lambda error: error.row)
        raise FeedbackImportError(report)
    _detect_languages(plan)
    try:
        submission_ids = _write(actor, consultation, version, plan, created, report)
        audit.record(actor, "feedback.imported", consultation, ip, file=filename, **report.counts())
        # The texts' vectors are computed by background batches from now on, not by the
        # first synthesis; queued in this transaction, so a broker outage loses none.
        embedding = vector_jobs.queue_for_submissions(consultation.id, submission_ids)
        db.session.commit()
    except IntegrityError as error:  # an organisation or submission created meanwhile
        db.session.rollback()
        raise Conflict(CHANGED_MEANWHILE) from error
    except Conflict:
        db.session.rollback()
        raise
    outbox.relay(*embedding)
    return report


def _current_draft(consultation: Consultation) -> DocumentVersion:
    if consultation.status == "archived":
        raise Conflict(_l("An archived consultation cannot change."))
    version = consultation.current_version
    if version is None or not version.paragraphs:
        raise Conflict(_l("This consultation has no paragraphs to give feedback on yet."))
    return version


def _existing_organisations() -> dict[str, int]:
    """Organisation ids by lowercased name: names match whatever their case."""
    found: dict[str, int] = {}
    for organisation_id, name in db.session.execute(
        sa.select(Organisation.id, Organisation.name).order_by(Organisation.id)
    ):
        found.setdefault(name.lower(), organisation_id)
    return found


def _merge(
    rows: list[Row], existing: dict[str, int], errors: list[RowError]
) -> dict[str, _Feedback]:
    """Each organisation's rows grouped; rows on the same paragraph joined if they agree."""
    plan: dict[str, _Feedback] = {}
    for row in rows:
        key = row.organisation.lower()
        feedback = plan.get(key)
        if feedback is None:
            feedback = plan[key] = _Feedback(row.organisation, existing.get(key))
        if row.submitted_at and (feedback.latest is None or row.submitted_at > feedback.latest):
            feedback.latest = row.submitted_at
        if row.paragraph_id is None:
            feedback.general.append(row.comment)
            feedback.general_language = feedback.general_language or row.language
            continue
        item = feedback.items.get(row.paragraph_id)
        if item is None:
            item = feedback.items[row.paragraph_id] = _Item(row.number, row.stance or "none")
            item.add(row)
        elif item.stance == row.stance:
            item.add(row)
        else:
            message = _l(
                "Row %(other)d already gives “%(name)s” another stance on paragraph "
                "%(number)s (%(stance)s): make the stances of the two rows agree.",
                other=item.first_row,
                name=feedback.name,
                number=row.paragraph,
                stance=item.stance,
            )
            errors.append(RowError(row.number, message))
    return plan


def _detect_languages(plan: dict[str, _Feedback]) -> None:
    """Fill the languages the file left empty, with one batched detection for the whole file."""
    items = [
        item
        for feedback in plan.values()
        for item in feedback.items.values()
        if item.language is None and (item.comments or item.amendments)
    ]
    generals = [
        feedback
        for feedback in plan.values()
        if feedback.general and feedback.general_language is None
    ]
    texts = [JOIN.join(item.comments + item.amendments) for item in items]
    texts += [JOIN.join(feedback.general) for feedback in generals]
    if not texts:
        return
    found = detect_many(texts)
    for item, language in zip(items, found[: len(items)], strict=True):
        item.language = language
    for feedback, language in zip(generals, found[len(items) :], strict=True):
        feedback.general_language = language


def _write(
    actor: User,
    consultation: Consultation,
    version: DocumentVersion,
    plan: dict[str, _Feedback],
    new_organisations: dict[str, NewOrganisation],
    report: ImportReport,
) -> list[int]:
    """Create the organisations, then each submission, its items and its revision, in bulk;
    the ids of the submissions written."""
    now, actor_id = utcnow(), getattr(actor, "id", None)
    created = _create_organisations(new_organisations, now)
    for key, organisation_id in created.items():
        plan[key].organisation_id = organisation_id
    submissions = _save_submissions(consultation, version, plan, now, actor_id)
    followup.invite_missing(actor, consultation, list(submissions))
    stored = _existing_items(consultation)
    inserts: list[dict] = []
    updates: list[dict] = []
    revisions: list[dict] = []
    for feedback in plan.values():
        submission_id, lock_version, general_before = submissions[feedback.organisation_id]
        stamp = {"changed_at_version": lock_version, "updated_at": now, "updated_by_id": actor_id}
        changes: dict[str, dict] = {}
        for paragraph_id, item in feedback.items.items():
            values = {**item.values(), "language_confirmed": item.confirmed, "ref": item.ref}
            before = stored.get((submission_id, paragraph_id), {})
            if before:
                updates.append({"id": before["id"], **values, **stamp})
            else:
                keys = {"submission_id": submission_id, "paragraph_id": paragraph_id}
                inserts.append({**keys, **values, **stamp})
            if diff := _diff(before, item.values()):
                changes[f"p:{paragraph_id}"] = diff
        general = {"comment": JOIN.join(feedback.general)}
        if feedback.general and (diff := _diff({"comment": general_before}, general)):
            changes["general"] = diff
        revision = {"submission_id": submission_id, "lock_version": lock_version}
        revisions.append(
            {**revision, "action": "imported", "actor_id": actor_id, "at": now, "changes": changes}
        )
    for statement, values in (
        (sa.insert(ParagraphFeedback), inserts),
        (sa.update(ParagraphFeedback), updates),
        (sa.insert(SubmissionRevision), revisions),
    ):
        if values:
            db.session.execute(statement, values)
    report.organisations_created = len(created)
    report.submissions = len(plan)
    report.items = len(inserts) + len(updates)
    report.general_comments = sum(1 for feedback in plan.values() if feedback.general)
    return [submission_id for submission_id, _, _ in submissions.values()]


def _diff(before: dict, after: dict) -> dict[str, list]:
    """{field: [before, after]} for each field that changes, as submission revisions record."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def _create_organisations(new: dict[str, NewOrganisation], now: datetime) -> dict[str, int]:
    """Insert the new organisations in one statement; their ids by lowercased name."""
    if not new:
        return {}
    values = [
        {
            "name": organisation.name,
            "kind": organisation.details["organisation_kind"][0],
            "region": organisation.details["region"][0],
            "country": organisation.details.get("country", ("", 0))[0],
            "verified": False,
            "created_at": now,
        }
        for organisation in new.values()
    ]
    ids = db.session.scalars(
        sa.insert(Organisation).returning(Organisation.id, sort_by_parameter_order=True), values
    ).all()
    return dict(zip(new, ids, strict=True))


def _save_submissions(
    consultation: Consultation,
    version: DocumentVersion,
    plan: dict[str, _Feedback],
    now: datetime,
    actor_id: int | None,
) -> dict[int, tuple[int, int, str]]:
    """Create or update each organisation's submission as submitted, with a new lock version.

    Returns (submission id, new lock version, general comment before) by organisation id.
    """
    existing = {
        row.organisation_id: row
        for row in db.session.execute(
            sa.select(
                Submission.id,
                Submission.organisation_id,
                Submission.lock_version,
                Submission.general_comment,
            ).where(Submission.consultation_id == consultation.id)
        )
    }
    saved: dict[int, tuple[int, int, str]] = {}
    inserts: list[dict] = []
    table = Submission.__table__
    for feedback in plan.values():
        old = existing.get(feedback.organisation_id)
        lock_version = old.lock_version + 1 if old else 1
        values = {
            "version_id": version.id,
            "status": "submitted",
            "source": "import",
            "lock_version": lock_version,
            "submitted_lock_version": lock_version,
            "updated_at": now,
            "updated_by_id": actor_id,
            "submitted_at": feedback.latest or now,
            "submitted_by_id": actor_id,
        }
        if feedback.general:
            values |= {
                "general_comment": JOIN.join(feedback.general),
                "general_language": feedback.general_language,
                "general_changed_at_version": lock_version,
            }
        if old is None:
            inserts.append(
                {
                    "consultation_id": consultation.id,
                    "created_at": now,
                    "organisation_id": feedback.organisation_id,
                    **values,
                }
            )
            continue
        # The same optimistic lock as the ORM's: a save in between makes this match nothing.
        result = db.session.execute(
            table.update()
            .where(table.c.id == old.id, table.c.lock_version == old.lock_version)
            .values(**values)
        )
        if result.rowcount != 1:
            raise Conflict(CHANGED_MEANWHILE)
        saved[feedback.organisation_id] = (old.id, lock_version, old.general_comment)
    if inserts:
        ids = db.session.scalars(
            sa.insert(Submission).returning(Submission.id, sort_by_parameter_order=True), inserts
        ).all()
        for values, submission_id in zip(inserts, ids, strict=True):
            saved[values["organisation_id"]] = (submission_id, values["lock_version"], "")
    return saved


def _existing_items(consultation: Consultation) -> dict[tuple[int, int], dict]:
    """The consultation's paragraph items, by (submission id, paragraph id)."""
    rows = db.session.execute(
        sa.select(
            ParagraphFeedback.id,
            ParagraphFeedback.submission_id,
            ParagraphFeedback.paragraph_id,
            ParagraphFeedback.stance,
            ParagraphFeedback.comment,
            ParagraphFeedback.amendment,
            ParagraphFeedback.language,
        )
        .join(Submission, Submission.id == ParagraphFeedback.submission_id)
        .where(Submission.consultation_id == consultation.id)
    ).mappings()
    return {(row["submission_id"], row["paragraph_id"]): dict(row) for row in rows}
