"""Moderation: staff hide a text that breaks the published rules, and may show it again.

A hidden text stays in the database and on staff pages, marked; it leaves the pages other
readers see, the exports (unless staff ask for it, which is audited) and every synthesis
computed afterwards. The organisation's members are told by email in their own language.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import Answer, Consultation, Moderation, ParagraphFeedback, Submission, User
from app.models.common import utcnow
from app.models.moderation import HIDDEN_PARTS, HIDE_REASONS
from app.services.accounts import access, audit
from app.services.errors import DomainError, NotFound
from app.services.ids import is_valid_id
from app.services.mail import delivery as mail
from app.services.mail import outbox

NOTE_MAX = 1000


@dataclass
class HiddenText:
    """One text of a submission that can be hidden, with its current hiding if any."""

    part: str
    target_id: int
    where: str
    text: str
    moderation: Moderation | None


def hidden_targets(part: str) -> sa.Select:
    """The ids of the texts of this part hidden now, as a subquery for other queries."""
    return sa.select(Moderation.target_id).where(
        Moderation.part == part, Moderation.shown_at.is_(None)
    )


def visible_text(part: str, column: sa.ColumnElement) -> sa.ColumnElement:
    """A feedback item's comment or wording, or "" where moderation hid it, for queries that
    read feedback for other readers."""
    return sa.case((ParagraphFeedback.id.in_(hidden_targets(part)), ""), else_=column)


def active(submission: Submission) -> dict[tuple[str, int], Moderation]:
    """The hidings in force on a submission (a step of pages that read it through `access`)."""
    rows = db.session.scalars(
        sa.select(Moderation).where(
            Moderation.submission_id == submission.id, Moderation.shown_at.is_(None)
        )
    )
    return {(m.part, m.target_id): m for m in rows}


def hidden_from(reader: User | None, submission: Submission) -> set[str]:
    """The texts of a submission this reader is not shown ("comment:12"): none for staff,
    who see them marked, nor for the organisation that wrote them."""
    access.require(reader, "submission.read", submission)
    if access.can(reader, "feedback.moderate") or (
        getattr(reader, "organisation_id", None) == submission.organisation_id
    ):
        return set()
    return {f"{part}:{target_id}" for part, target_id in active(submission)}


def texts(reader: User, submission: Submission) -> list[HiddenText]:
    """Every text of a submission staff may hide or show again, in the draft's order."""
    access.require(reader, "feedback.moderate", submission)
    hidings = active(submission)
    found = []
    for item in sorted(submission.items, key=lambda i: (i.paragraph.position, i.id)):
        for part, text in (("comment", item.comment), ("amendment", item.amendment)):
            if text:
                where = item.paragraph.number
                found.append(HiddenText(part, item.id, where, text, hidings.get((part, item.id))))
    for answer in sorted(submission.answers, key=lambda a: a.question.position):
        if isinstance(answer.value, str) and answer.value.strip():
            label = f"Q{answer.question.position}"
            found.append(
                HiddenText(
                    "answer", answer.id, label, answer.value, hidings.get(("answer", answer.id))
                )
            )
    if submission.general_comment:
        hiding = hidings.get(("general", submission.id))
        found.append(HiddenText("general", submission.id, "", submission.general_comment, hiding))
    return found


def hide(
    actor: User,
    consultation: Consultation,
    submission: Submission,
    part: str,
    target_id: int,
    reason: str,
    note: str = "",
    ip: str | None = None,
) -> Moderation:
    """Hide one text of a submission for a reason, audit it and tell the organisation."""
    access.require(actor, "feedback.moderate", submission)
    if submission.consultation_id != consultation.id:
        raise NotFound(_l("This submission does not exist."))
    if reason not in HIDE_REASONS:
        raise DomainError(_l("Choose the rule this text breaks."), field="reason")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(_l("Keep the note under 1000 characters."), field="note")
    if reason == "other" and not note:
        raise DomainError(_l("Say which rule the text breaks."), field="note")
    if part not in HIDDEN_PARTS or not _belongs(submission, part, target_id):
        raise NotFound(_l("This text does not exist."))
    if (part, target_id) in active(submission):
        raise DomainError(_l("This text is already hidden."))
    hiding = Moderation(
        submission_id=submission.id,
        part=part,
        target_id=target_id,
        reason=reason,
        note=note,
        hidden_by_id=actor.id,
        hidden_at=utcnow(),
    )
    db.session.add(hiding)
    db.session.flush()
    audit.record(
        actor, "feedback.hidden", submission, ip=ip, part=part, target=target_id, reason=reason
    )
    messages = [
        mail.queue_email(
            member,
            "moderation",
            _l("A text of your organisation's feedback was hidden"),
            consultation=consultation,
            organisation=submission.organisation,
            part=part,
            reason=reason,
            note=note,
        )
        for member in _members(submission.organisation_id)
    ]
    db.session.commit()
    outbox.relay(*messages)
    return hiding


def show_again(actor: User, moderation_id: int, ip: str | None = None) -> Moderation:
    """Show a hidden text again; the hiding stays on record and the change is audited."""
    hiding = db.session.get(Moderation, moderation_id) if is_valid_id(moderation_id) else None
    if hiding is None or hiding.shown_at is not None:
        raise NotFound(_l("This text is not hidden."))
    access.require(actor, "feedback.moderate", hiding.submission)
    hiding.shown_at, hiding.shown_by_id = utcnow(), actor.id
    audit.record(
        actor,
        "feedback.unhidden",
        hiding.submission,
        ip=ip,
        part=hiding.part,
        target=hiding.target_id,
    )
    db.session.commit()
    return hiding


def _members(organisation_id: int) -> list[User]:
    """The members of an organisation who can sign in."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.organisation_id == organisation_id,
                User.active.is_(True),
                User.password_hash.is_not(None),
            )
            .order_by(User.id)
        )
    )


def _belongs(submission: Submission, part: str, target_id: int) -> bool:
    if part == "general":
        return target_id == submission.id and bool(submission.general_comment)
    model = Answer if part == "answer" else ParagraphFeedback
    target = db.session.get(model, target_id) if is_valid_id(target_id) else None
    if target is None or target.submission_id != submission.id:
        return False
    return bool(target.value) if part == "answer" else bool(getattr(target, part))


class Shown:
    """A feedback item as other readers and the synthesis read it: hidden parts read empty."""

    def __init__(self, item: ParagraphFeedback, hidden: frozenset[str]) -> None:
        self._item, self._hidden = item, hidden

    def __getattr__(self, name: str) -> object:
        if name in self._hidden:
            return ""
        return getattr(self._item, name)

    @property
    def is_empty(self) -> bool:
        return not (self.stance or self.comment or self.amendment)


def hidden_parts_of(item_ids: list[int]) -> dict[int, frozenset[str]]:
    """Which parts (comment, amendment) of these feedback items are hidden now."""
    found: dict[int, set[str]] = {}
    if not item_ids:
        return {}
    # Every hiding in force, filtered here: there are few of them, and a synthesis asks
    # about tens of thousands of items, which as an IN list cost more than the query.
    wanted = set(item_ids)
    rows = db.session.execute(
        sa.select(Moderation.target_id, Moderation.part).where(
            Moderation.part.in_(("comment", "amendment")),
            Moderation.shown_at.is_(None),
        )
    )
    for target_id, part in rows:
        if target_id in wanted:
            found.setdefault(target_id, set()).add(part)
    return {k: frozenset(v) for k, v in found.items()}


def without_hidden(rows: list) -> list:
    """Rows (item, ...) with hidden parts read as empty; an item left with nothing is dropped."""
    hidden = hidden_parts_of([row[0].id for row in rows])
    kept = []
    for item, *rest in rows:
        if item.id in hidden:
            item = Shown(item, hidden[item.id])
            if item.is_empty:
                continue
        kept.append((item, *rest))
    return kept
