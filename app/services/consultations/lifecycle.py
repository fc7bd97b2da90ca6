"""Consultations: creating them from an imported draft, their lifecycle and their versions."""

import re
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import Consultation, DocumentVersion, Paragraph, Section, User
from app.models.common import utcnow
from app.models.feedback import PUBLICATION
from app.services.accounts import access, audit
from app.services.drafts.importer import ParsedDraft
from app.services.errors import Conflict, DomainError, NotFound
from app.services.mail import outbox
from app.services.notifications import events
from app.vocabulary import LANGUAGES

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def get_by_slug(slug: str, with_text: bool = True) -> Consultation:
    """The consultation with this slug, or NotFound; without its text, its versions only
    (for a page that reads the text apart, as plain rows)."""
    # The draft's sections and paragraphs come in three queries, not one per section.
    versions = so.selectinload(Consultation.versions)
    if with_text:
        versions = versions.selectinload(DocumentVersion.sections).selectinload(Section.paragraphs)
    consultation = db.session.scalar(
        sa.select(Consultation)
        .where(Consultation.slug == slug)
        .options(versions, so.selectinload(Consultation.questions))
    )
    if consultation is None:
        raise NotFound(_l("There is no consultation “%(slug)s”.", slug=slug))
    return consultation


def readable_by(user: User | None) -> list[Consultation]:
    """Every consultation this user may read, newest first."""
    everything = db.session.scalars(
        sa.select(Consultation).order_by(Consultation.created_at.desc(), Consultation.id.desc())
    ).all()
    return [c for c in everything if access.can(user, "consultation.read", c)]


def paragraph_counts(consultations: list[Consultation]) -> dict[int, int]:
    """How many paragraphs each consultation's current version has, in two queries whatever
    the number of consultations (the dashboard lists them all)."""
    versions = db.session.execute(
        sa.select(DocumentVersion.id, DocumentVersion.consultation_id, DocumentVersion.published_at)
        .where(DocumentVersion.consultation_id.in_([c.id for c in consultations]))
        .order_by(DocumentVersion.number)
    ).all()
    latest, published = {}, {}
    for version_id, consultation_id, published_at in versions:
        latest[consultation_id] = version_id
        if published_at is not None:
            published[consultation_id] = version_id
    current = {**latest, **published}  # as Consultation.current_version chooses
    counts = dict(
        db.session.execute(
            sa.select(Section.version_id, sa.func.count(Paragraph.id))
            .join(Paragraph, Paragraph.section_id == Section.id)
            .where(Section.version_id.in_(list(current.values())))
            .group_by(Section.version_id)
        ).all()
    )
    return {cid: counts.get(version_id, 0) for cid, version_id in current.items()}


def listing_by_phase(user: User | None) -> dict[str, list[Consultation]]:
    """Consultations grouped by phase, for the public pages."""
    groups: dict[str, list[Consultation]] = {"open": [], "upcoming": [], "closed": [], "draft": []}
    for consultation in readable_by(user):
        groups.setdefault(consultation.phase(), []).append(consultation)
    groups["open"].sort(key=lambda c: c.closes_at or datetime.max.replace(tzinfo=utcnow().tzinfo))
    return groups


def check_slug(slug: str) -> str:
    """A valid, unused slug, or a DomainError naming the field."""
    slug = slug.strip().lower()
    if not SLUG_PATTERN.match(slug) or len(slug) > 80:
        raise DomainError(
            _l("Use lowercase letters, digits and hyphens only (for example pact-2026)."),
            field="slug",
        )
    if db.session.scalar(sa.select(Consultation.id).where(Consultation.slug == slug)):
        raise Conflict(_l("The address “%(slug)s” is already taken.", slug=slug), field="slug")
    return slug


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise DomainError(_l("Choose English, French or Spanish."), field="language")
    return language


def create_from_draft(
    actor: User,
    draft: ParsedDraft,
    slug: str,
    language: str,
    title: str = "",
    ip: str | None = None,
) -> Consultation:
    """Save an imported draft as a new consultation in status draft (version 1)."""
    access.require(actor, "consultation.manage")
    slug = check_slug(slug)
    language = check_language(language)
    title = (title or draft.title or slug).strip()
    consultation = Consultation(slug=slug, title={language: title}, original_language=language)
    consultation.versions.append(_version_from_draft(draft, language, number=1))
    db.session.add(consultation)
    audit.record(actor, "consultation.created", consultation, ip=ip, slug=slug)
    db.session.commit()
    return consultation


def _version_from_draft(draft: ParsedDraft, language: str, number: int) -> DocumentVersion:
    version = DocumentVersion(number=number)
    if draft.preamble:
        version.preamble = {language: draft.preamble}
    for position, parsed in enumerate(draft.sections):
        section = Section(
            position=position,
            heading={language: parsed.heading} if parsed.heading else {},
            intro={language: parsed.intro} if parsed.intro else {},
        )
        section.paragraphs = [
            Paragraph(number=p.number, position=i, text={language: p.text})
            for i, p in enumerate(parsed.paragraphs)
        ]
        version.sections.append(section)
    return version


def publish_new_version(
    actor: User,
    consultation: Consultation,
    draft: ParsedDraft,
    change_note: str,
    ip: str | None = None,
) -> DocumentVersion:
    """Add a new version of the draft; earlier versions and their feedback are kept as they were.

    Translations carry over for every paragraph whose number and original text are unchanged.
    """
    access.require(actor, "consultation.manage")
    if consultation.phase() == "archived":
        raise Conflict(_l("An archived consultation cannot change."))
    language = consultation.original_language
    previous = consultation.current_version
    version = _version_from_draft(draft, language, number=len(consultation.versions) + 1)
    version.change_note = change_note.strip()
    if previous is not None:
        _carry_translations(previous, version, language)
    if consultation.status != "draft":
        version.published_at = utcnow()
    consultation.versions.append(version)
    audit.record(
        actor, "consultation.version_published", consultation, ip=ip, version=version.number
    )
    db.session.commit()
    return version


def _carry_translations(old: DocumentVersion, new: DocumentVersion, language: str) -> None:
    old_paragraphs = {p.number: p for p in old.paragraphs}
    for paragraph in new.paragraphs:
        before = old_paragraphs.get(paragraph.number)
        if before and before.text.get(language) == paragraph.text.get(language):
            paragraph.text = {**before.text, **paragraph.text}
    for old_section, new_section in zip(old.sections, new.sections, strict=False):
        if old_section.heading.get(language) == new_section.heading.get(language):
            new_section.heading = {**old_section.heading, **new_section.heading}
            new_section.intro = {**old_section.intro, **new_section.intro}


def update_details(
    actor: User,
    consultation: Consultation,
    titles: dict[str, str],
    summaries: dict[str, str],
    council: str,
    ip: str | None = None,
    publication_default: str | None = None,
) -> None:
    """Set the title and summary in each language (the original language keeps a title),
    and the publication choice partners' submit form offers first."""
    access.require(actor, "consultation.manage")
    if publication_default is not None and publication_default not in PUBLICATION:
        raise DomainError(
            _l("Choose how feedback may be published by default."), field="publication_default"
        )
    if not titles.get(consultation.original_language, "").strip():
        raise DomainError(
            _l("The title in the original language is required."),
            field=f"title_{consultation.original_language}",
        )
    before = _details(consultation)
    consultation.title = {k: v.strip() for k, v in titles.items() if v.strip()}
    consultation.summary = {k: v.strip() for k, v in summaries.items() if v.strip()}
    consultation.council = council.strip()
    if publication_default is not None:
        consultation.publication_default = publication_default
    after = _details(consultation)
    changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changed:
        audit.record(actor, "consultation.updated", consultation, ip=ip, changes=changed)
    db.session.commit()


def _details(consultation: Consultation) -> dict:
    return {
        "title": dict(consultation.title or {}),
        "summary": dict(consultation.summary or {}),
        "council": consultation.council or "",
        "publication_default": consultation.publication_default,
    }


class Untranslated(Conflict):
    """Paragraphs lack a text in some languages: opening waits for the person's yes."""

    def __init__(self, missing: dict[str, list[str]]) -> None:
        super().__init__(_l("Some paragraphs are not translated."))
        self.missing = missing


def open_consultation(
    actor: User,
    consultation: Consultation,
    closes_at: datetime,
    opens_at: datetime | None = None,
    ip: str | None = None,
    untranslated_ok: bool = True,
) -> None:
    """Open for comment now or from `opens_at`, until `closes_at` (both UTC); unless
    `untranslated_ok`, a draft with untranslated paragraphs raises Untranslated first."""
    access.require(actor, "consultation.manage")
    if consultation.status == "archived":
        raise Conflict(_l("An archived consultation cannot be opened again."))
    opens_at = opens_at or utcnow()
    if closes_at <= opens_at or closes_at <= utcnow():
        raise DomainError(
            _l("The deadline must be in the future and after the opening."), field="closes_at"
        )
    if not consultation.current_version or not consultation.current_version.paragraphs:
        raise Conflict(_l("A consultation needs a draft with paragraphs before it opens."))
    missing = untranslated_paragraphs(consultation.current_version)
    if missing and not untranslated_ok and consultation.status == "draft":
        raise Untranslated(missing)
    consultation.status = "open"
    consultation.opens_at, consultation.closes_at = opens_at, closes_at
    version = consultation.current_version
    if version.published_at is None:
        version.published_at = opens_at
    audit.record(
        actor,
        "consultation.opened",
        consultation,
        ip=ip,
        opens_at=opens_at.isoformat(),
        closes_at=closes_at.isoformat(),
    )
    db.session.commit()
    # Invited organisations hear of it now; a later opening date is told by beat's sweep.
    outbox.relay(*events.tell_once(lambda: events.consultation_opened(consultation)))


def close_consultation(actor: User, consultation: Consultation, ip: str | None = None) -> None:
    """Close for comment now."""
    access.require(actor, "consultation.manage")
    if consultation.phase() not in {"open", "upcoming"}:
        raise Conflict(_l("Only an open or upcoming consultation can be closed."))
    now = utcnow()
    consultation.status = "closed"
    consultation.closes_at = min(consultation.closes_at or now, now)
    audit.record(actor, "consultation.closed", consultation, ip=ip)
    db.session.commit()


def archive_consultation(actor: User, consultation: Consultation, ip: str | None = None) -> None:
    """Archive a closed consultation: kept and readable, no longer listed."""
    access.require(actor, "consultation.manage")
    if consultation.phase() != "closed":
        raise Conflict(_l("Only a closed consultation can be archived."))
    consultation.status = "archived"
    audit.record(actor, "consultation.archived", consultation, ip=ip)
    db.session.commit()


def get_version(consultation: Consultation, number: int | None) -> DocumentVersion:
    """The numbered version, or the current one."""
    if number is None:
        version = consultation.current_version
    else:
        version = next((v for v in consultation.versions if v.number == number), None)
    if version is None:
        raise NotFound(_l("This version does not exist."))
    return version


def translation_coverage(version: DocumentVersion | None) -> dict[str, int]:
    """How many paragraphs of `version` have a text in each language."""
    paragraphs = version.paragraphs if version else []
    return {lang: sum(1 for p in paragraphs if p.text.get(lang)) for lang in LANGUAGES}


def untranslated_paragraphs(version: DocumentVersion | None) -> dict[str, list[str]]:
    """The numbers of the paragraphs of `version` without a text, for each language missing some."""
    paragraphs = version.paragraphs if version else []
    missing = {lang: [p.number for p in paragraphs if not p.text.get(lang)] for lang in LANGUAGES}
    return {lang: numbers for lang, numbers in missing.items() if numbers}
