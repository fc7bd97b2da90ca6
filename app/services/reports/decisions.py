"""“You said, we did”: the Council's decisions on the proposed wordings, published to partners."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import _, force_locale, ngettext

from app.extensions import db
from app.i18n import Localized, language_name, localize
from app.lazy_text import lazy_gettext as _l
from app.models import (
    AmendmentDecision,
    Consultation,
    Synthesis,
    User,
)
from app.models.common import utcnow
from app.services.accounts import access, audit
from app.services.errors import Conflict, NotFound
from app.services.feedback.submissions import submitted_organisations
from app.services.mail import outbox
from app.services.notifications import events
from app.services.reports.pdf import (
    clean,
    fallback_note,
    localized,
    moment,
    names,
    render_pdf,
    user_text,
)
from app.services.reports.text_language import written_in
from app.services.synthesis import schema
from app.services.synthesis.review import decisions_of

OUTCOMES = {
    "accept": _l("Accepted"),
    "partial": _l("Accepted in part"),
    "reject": _l("Rejected"),
}
NOT_PUBLISHED = _l("The Council has not published its decisions on this consultation yet.")


@dataclass(frozen=True)
class DecidedGroup:
    """A group of proposed wordings, who proposed it and what the Council decided."""

    index: int  # "Wording 2" of its paragraph, as the Council numbered it while deciding
    text: str
    diff: list[tuple[str, str]]
    organisations: list[str]
    decision: str
    outcome: str
    reason: str
    decided_at: datetime
    language: str | None = None  # the wording's, as the synthesis recorded it
    reason_language: str | None = None  # not recorded: told from the reason's words


@dataclass(frozen=True)
class DecidedParagraph:
    number: str
    text: Localized
    groups: list[DecidedGroup]


@dataclass(frozen=True)
class DecidedSection:
    heading: Localized
    paragraphs: list[DecidedParagraph]


@dataclass(frozen=True)
class DecisionsReport:
    """The report in one language: decided groups by section and paragraph, and their counts."""

    slug: str
    title: Localized
    language: str
    original_language: str
    synthesis_number: int
    published_at: datetime | None
    sections: list[DecidedSection]
    counts: dict[str, int]  # accept | partial | reject → groups

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def count_rows(self) -> list[tuple[str, int]]:
        """(outcome, groups) for each kind of decision, in the language being rendered."""
        return [(str(OUTCOMES[key]), count) for key, count in self.counts.items()]


def you_said_we_did(synthesis: Synthesis, language: str) -> DecisionsReport:
    """The decided groups of `synthesis`, texts in `language` (falling back to the original)."""
    consultation = synthesis.consultation
    original = consultation.original_language
    decisions = decisions_of(synthesis)
    result = schema.result_of(synthesis)
    by_section: dict[int, list[DecidedParagraph]] = {}
    counts = dict.fromkeys(OUTCOMES, 0)
    with force_locale(language):
        for paragraph in result.paragraphs:
            groups = _decided_groups(paragraph, decisions)
            if not groups:
                continue
            for group in groups:
                counts[group.decision] += 1
            by_section.setdefault(paragraph.section_id, []).append(
                DecidedParagraph(
                    paragraph.number, localize(paragraph.text, original, language), groups
                )
            )
    sections = [
        DecidedSection(localize(s.heading, original, language), by_section[s.id])
        for s in result.sections
        if s.id in by_section
    ]
    return DecisionsReport(
        slug=consultation.slug,
        title=localize(consultation.title, original, language),
        language=language,
        original_language=original,
        synthesis_number=synthesis.number,
        published_at=synthesis.decisions_published_at,
        sections=sections,
        counts=counts,
    )


def _decided_groups(
    paragraph: schema.ParagraphResult, decisions: dict[str, AmendmentDecision]
) -> list[DecidedGroup]:
    groups = []
    for index, group in enumerate(paragraph.amendment_groups, start=1):
        decision = decisions.get(group.key)
        if decision is None or decision.decision not in OUTCOMES:
            continue
        groups.append(
            DecidedGroup(
                index=index,
                text=group.text,
                diff=[(op, text) for op, text in group.diff],
                organisations=list(group.organisations),
                decision=decision.decision,
                outcome=str(OUTCOMES[decision.decision]),
                reason=decision.reason,
                decided_at=decision.decided_at,
                language=group.language,
                reason_language=written_in(decision.reason),
            )
        )
    return groups


def write_pdf(
    synthesis: Synthesis, language: str, target: str | Path | IO[bytes] | None = None
) -> bytes | None:
    """The report as a tagged PDF in `language`: bytes, or written to `target`."""
    report = you_said_we_did(synthesis, language)
    with force_locale(language):
        return render_pdf("decisions.typ", _pdf_data(report), target)


def _pdf_data(report: DecisionsReport) -> dict[str, Any]:
    """What the decisions template lays out, every word in the report's language."""
    wording_lang = report.original_language if report.original_language != report.language else None
    title = _("You said, we did")
    sections = [
        {
            "heading": localized(section.heading),
            "paragraphs": [
                {
                    "heading": _("Paragraph %(number)s", number=paragraph.number),
                    "note": fallback_note(paragraph.text),
                    "text": localized(paragraph.text),
                    "groups": [
                        {
                            "heading": _("Wording %(index)d", index=group.index)
                            + f": {group.outcome}",
                            "text": user_text(
                                group.text, group.language or report.original_language
                            ),
                            "diff": [[op, clean(piece)] for op, piece in group.diff],
                            "proposed_by": ngettext(
                                "Proposed by %(num)d organisation",
                                "Proposed by %(num)d organisations",
                                len(group.organisations),
                            ),
                            "organisations": names(group.organisations),
                            "reason": user_text(group.reason, group.reason_language),
                            "decided": _("Decided on %(date)s.", date=moment(group.decided_at)),
                        }
                        for group in paragraph.groups
                    ],
                }
                for paragraph in section.paragraphs
            ],
        }
        for section in report.sections
    ]
    wording_language = language_name(wording_lang)
    return {
        "lang": report.language,
        "doc_title": f"{title} — {report.title.text}",
        "title": title,
        "consultation": localized(report.title),
        "intro": _(
            "What the Council decided on the wordings that organisations proposed, as compiled"
            " in synthesis %(number)d, and why.",
            number=report.synthesis_number,
        ),
        "published": _("Published on %(date)s.", date=moment(report.published_at))
        if report.published_at
        else "",
        "wording_note": _(
            "Proposed wordings are shown as sent, compared with the draft in its original"
            " language (%(language)s).",
            language=wording_language,
        )
        if wording_lang
        else "",
        "counts_caption": _("Decisions of the Council"),
        "counts_header": [_("Decision"), _("Proposed wordings")],
        "counts": [[outcome, count] for outcome, count in report.count_rows],
        "total": [_("Total"), report.total],
        "sections": sections,
        "labels": {
            "none": _("The Council has not decided on any proposed wording yet."),
            "wording": _("Proposed wording"),
            "diff": _("Changes to the draft"),
            "reason": _("Reason of the Council"),
        },
    }


# -- Who reads which report ----------------------------------------------------------------


def latest_published(user: User | None, consultation: Consultation) -> Synthesis:
    """The newest synthesis whose decisions are published and that `user` may read."""
    published = db.session.scalars(
        sa.select(Synthesis)
        .options(so.defer(Synthesis.result))  # megabytes each; the rule needs none of it
        .where(
            Synthesis.consultation_id == consultation.id,
            Synthesis.decisions_published_at.is_not(None),
        )
        .order_by(Synthesis.number.desc())
    )
    found = next((s for s in published if access.can(user, "decisions.read", s)), None)
    if found is None:
        raise NotFound(NOT_PUBLISHED)
    return found


def readable(user: User | None, consultation: Consultation, number: int) -> Synthesis:
    """The numbered synthesis, if `user` may read its decisions; NotFound otherwise."""
    synthesis = db.session.scalar(
        sa.select(Synthesis).where(
            Synthesis.consultation_id == consultation.id, Synthesis.number == number
        )
    )
    if synthesis is None or not access.can(user, "decisions.read", synthesis):
        raise NotFound(NOT_PUBLISHED)
    if not synthesis.result:
        raise NotFound(_l("There is no synthesis to show here."))
    return synthesis


def has_published(user: User | None, consultation: Consultation) -> bool:
    """Whether `user` may read published decisions on the consultation."""
    try:
        latest_published(user, consultation)
    except NotFound:
        return False
    return True


def published_consultation_ids(user: User | None) -> set[int]:
    """The consultations on which `user` may read published decisions."""
    published = db.session.scalars(
        sa.select(Synthesis)
        .options(so.defer(Synthesis.result), so.joinedload(Synthesis.consultation))
        .where(Synthesis.decisions_published_at.is_not(None))
    )
    return {s.consultation_id for s in published if access.can(user, "decisions.read", s)}


def decision_counts(syntheses: list[Synthesis]) -> dict[int, int]:
    """How many decisions the Council recorded on each synthesis, by synthesis id."""
    rows = db.session.execute(
        sa.select(AmendmentDecision.synthesis_id, sa.func.count(AmendmentDecision.id))
        .where(AmendmentDecision.synthesis_id.in_([s.id for s in syntheses]))
        .group_by(AmendmentDecision.synthesis_id)
    )
    return {synthesis_id: count for synthesis_id, count in rows}


# -- Publishing ----------------------------------------------------------------------------


def publish(actor: User, synthesis: Synthesis, ip: str | None = None) -> int:
    """Publish the decisions and email the organisations that submitted; returns emails sent.

    Publishing what is already published changes nothing and emails nobody again.
    """
    access.require(actor, "decisions.publish", synthesis)
    if synthesis.status != "done":
        raise Conflict(_l("Only the decisions on a finished synthesis can be published."))
    decided = decision_counts([synthesis]).get(synthesis.id, 0)
    if not decided:
        raise Conflict(
            _l(
                "The Council has not decided on any proposed wording of synthesis %(number)d"
                " yet: there is nothing to publish.",
                number=synthesis.number,
            )
        )
    if synthesis.released_to not in access.RELEASED:
        raise Conflict(
            _l(
                "Release synthesis %(number)d first: its decisions are read with it.",
                number=synthesis.number,
            )
        )
    # A conditional update, so two staff members publishing at once send one set of emails.
    changed = db.session.execute(
        sa.update(Synthesis)
        .where(Synthesis.id == synthesis.id, Synthesis.decisions_published_at.is_(None))
        .values(decisions_published_at=utcnow())
    ).rowcount
    if not changed:
        db.session.rollback()
        return 0
    audit.record(
        actor, "decisions.published", synthesis, ip, number=synthesis.number, decisions=decided
    )
    messages = events.decisions_published(synthesis, _members_who_submitted(synthesis.consultation))
    db.session.commit()
    outbox.relay(*messages)
    return len(messages)


def unpublish(actor: User, synthesis: Synthesis, ip: str | None = None) -> None:
    """Withdraw the decisions from partners and the public; staff and the Council keep them."""
    access.require(actor, "decisions.publish", synthesis)
    if synthesis.decisions_published_at is None:
        return
    synthesis.decisions_published_at = None
    audit.record(actor, "decisions.unpublished", synthesis, ip, number=synthesis.number)
    db.session.commit()


def _members_who_submitted(consultation: Consultation) -> list[User]:
    submitted = submitted_organisations(consultation)
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.organisation_id.in_(submitted),
                User.active.is_(True),
                User.password_hash.is_not(None),
            )
            .order_by(User.id)
        )
    )
