"""Adding a language to a draft: side by side in the browser, or from a translated file."""

from dataclasses import dataclass, field

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import Consultation, DocumentVersion, User
from app.services.accounts import access, audit
from app.services.consultations.lifecycle import check_language
from app.services.drafts.importer import ParsedDraft
from app.services.errors import DomainError


@dataclass
class AlignmentReport:
    """What a translated file matched in the draft, and what it did not."""

    translated: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # in the draft, not in the file
    unknown: list[str] = field(default_factory=list)  # in the file, not in the draft


def _check_target_language(consultation: Consultation, language: str) -> str:
    check_language(language)
    if language == consultation.original_language:
        raise DomainError(
            _l("This is the original language of the draft; choose another."), field="language"
        )
    return language


def save_side_by_side(
    actor: User,
    version: DocumentVersion,
    language: str,
    headings: dict[int, str],
    intros: dict[int, str],
    paragraphs: dict[int, str],
) -> int:
    """Store translated headings, intros and paragraphs (keyed by id); blank removes one."""
    consultation = version.consultation
    access.require(actor, "consultation.manage")
    _check_target_language(consultation, language)
    changed = 0
    for section in version.sections:
        changed += _set_text(section.heading, language, headings.get(section.id))
        changed += _set_text(section.intro, language, intros.get(section.id))
        for paragraph in section.paragraphs:
            changed += _set_text(paragraph.text, language, paragraphs.get(paragraph.id))
    audit.record(
        actor,
        "consultation.translated",
        consultation,
        language=language,
        version=version.number,
        changed=changed,
    )
    db.session.commit()
    return changed


def _set_text(field: dict, language: str, text: str | None) -> int:
    if text is None:
        return 0
    text = text.strip()
    if field.get(language, "") == text:
        return 0
    if text:
        field[language] = text
    else:
        field.pop(language, None)
    return 1


def import_translation(
    actor: User,
    consultation: Consultation,
    draft: ParsedDraft,
    language: str,
    title: str = "",
    ip: str | None = None,
) -> AlignmentReport:
    """Align a translated draft with the current version by paragraph number."""
    access.require(actor, "consultation.manage")
    _check_target_language(consultation, language)
    version = consultation.current_version
    by_number = {p.number: p for s in draft.sections for p in s.paragraphs}
    report = AlignmentReport()
    for paragraph in version.paragraphs:
        parsed = by_number.pop(paragraph.number, None)
        if parsed is None:
            report.missing.append(paragraph.number)
            continue
        paragraph.text[language] = parsed.text
        report.translated.append(paragraph.number)
    report.unknown = list(by_number)
    if not report.translated:
        raise DomainError(_l("No paragraph number in this file matches the draft."), field="file")
    # Headings have no numbers: they align by position when the file has as many sections.
    if len(draft.sections) == len(version.sections):
        for section, parsed in zip(version.sections, draft.sections, strict=True):
            if parsed.heading:
                section.heading[language] = parsed.heading
            if parsed.intro:
                section.intro[language] = parsed.intro
    if draft.preamble:
        version.preamble[language] = draft.preamble
    if title.strip() or draft.title:
        consultation.title[language] = (title or draft.title).strip()
    audit.record(
        actor,
        "consultation.translation_imported",
        consultation,
        ip=ip,
        language=language,
        translated=len(report.translated),
    )
    db.session.commit()
    return report
