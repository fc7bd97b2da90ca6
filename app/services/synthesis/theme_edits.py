"""Staff's changes to the themes of a synthesis: rename, merge two, split one in two.

Each change is made to the latest finished synthesis of a consultation (what the Council
reads changes with it), written to the consultation's theme register so the next synthesis
does it again where the comments are the same, and recorded in the audit trail.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import sqlalchemy as sa

from app.extensions import db
from app.lazy_text import lazy_gettext as _l
from app.models import ConsultationTheme, Organisation, ParagraphFeedback, Submission, Synthesis
from app.models.common import utcnow
from app.services.accounts import access, audit
from app.services.errors import Conflict, DomainError, NotFound
from app.services.synthesis import labels, quotes, schema, theme_register, themes
from app.services.synthesis.vectors import vector_matrix
from app.vocabulary import LANGUAGES

NAME_LENGTH = 120


def rename(user, synthesis: Synthesis, number: int, names: dict[str, str], ip=None) -> None:
    """Give a theme a name (per language; a language left empty takes another's)."""
    result, theme = _editable(user, synthesis, number)
    given = {lang: " ".join((names.get(lang) or "").split()) for lang in LANGUAGES}
    if not any(given.values()):
        raise DomainError(_l("Write the theme's name in at least one language."), "name_en")
    if any(len(text) > NAME_LENGTH for text in given.values()):
        raise DomainError(_l("A theme's name is at most 120 characters."), "name_en")
    fallback = next(text for text in given.values() if text)
    theme.label = {lang: given[lang] or fallback for lang in LANGUAGES}
    theme.named_by_staff = True
    entry = _entry(synthesis, number)
    entry.name, entry.named_by_staff, entry.updated_at = dict(theme.label), True, utcnow()
    _save(synthesis, result)
    audit.record(user, "theme.renamed", synthesis, ip, number=number, name=fallback)
    db.session.commit()


def merge(user, synthesis: Synthesis, number: int, into: int, ip=None) -> None:
    """Merge theme `number` into theme `into`, which keeps its number and name."""
    if number == into:
        raise DomainError(_l("Choose another theme to merge with."), "into")
    result, theme = _editable(user, synthesis, number)
    target = _theme(result, into)
    combined = theme_register.combine(target, theme)
    result.themes = [combined if t is target else t for t in result.themes if t is not theme]
    result.themes.sort(key=lambda t: -t.size)
    kept, gone = _entry(synthesis, into), _entry(synthesis, number)
    kept.feedback_ids, kept.origin, kept.updated_at = combined.feedback_ids, "merged", utcnow()
    gone.retired, gone.updated_at = True, utcnow()
    _save(synthesis, result)
    audit.record(user, "theme.merged", synthesis, ip, number=number, into=into)
    db.session.commit()


def split(user, synthesis: Synthesis, number: int, ip=None) -> int:
    """Split a theme in two by clustering its comments again; the new theme's number."""
    result, theme = _editable(user, synthesis, number)
    if theme.size < 3:
        raise Conflict(_l("A theme needs at least three comments to be split."))
    rows = _comments(theme.feedback_ids)
    matrix = vector_matrix("item", [(r.id, r.comment) for r in rows])
    assigned, _ = themes.cluster(matrix, 2)
    sides = [[rows[i] for i in np.flatnonzero(assigned == s)] for s in (0, 1)]
    if not all(sides):
        raise Conflict(_l("The comments of this theme are too alike to be split."))
    registered = theme_register.entries(synthesis.consultation_id)
    following = max((e.number for e in registered), default=0) + 1
    made = labels.label_terms(
        [[i for i in range(len(rows)) if assigned[i] == s] for s in (0, 1)],
        [r.comment for r in rows],
        [r.language for r in rows],
    )
    parts = [
        _part(side, made[s], number if s == 0 else following, matrix, rows, assigned == s, theme)
        for s, side in enumerate(sides)
    ]
    result.themes = [t for t in result.themes if t is not theme] + parts
    result.themes.sort(key=lambda t: -t.size)
    old = _entry(synthesis, number)
    for part in parts:
        entry = (
            old
            if part.number == number
            else ConsultationTheme(consultation_id=synthesis.consultation_id, number=part.number)
        )
        entry.feedback_ids, entry.name = part.feedback_ids, dict(part.label)
        entry.origin, entry.split_from, entry.named_by_staff = "split", number, False
        entry.retired, entry.updated_at = False, utcnow()
        db.session.add(entry)
    _save(synthesis, result)
    audit.record(user, "theme.split", synthesis, ip, number=number, new=following)
    db.session.commit()
    return following


def may_adjust(user, synthesis: Synthesis) -> bool:
    """Whether `user` may change this synthesis' themes (staff, on the latest one)."""
    return access.can(user, "themes.adjust", synthesis) and synthesis.number == _latest(synthesis)


def _latest(synthesis: Synthesis) -> int | None:
    return db.session.scalar(
        sa.select(sa.func.max(Synthesis.number)).where(
            Synthesis.consultation_id == synthesis.consultation_id, Synthesis.status == "done"
        )
    )


def _part(side, label, number, matrix, rows, mask, theme) -> schema.Theme:
    """One half of a split theme, its quotes picked again among its comments."""
    indexes = np.flatnonzero(mask).tolist()
    chosen = quotes.representative(
        indexes, matrix, 3, [r.organisation for r in rows], [r.language for r in rows]
    )
    members = {r.id for r in side}
    return schema.Theme(
        label=label,
        size=len(side),
        feedback_ids=[r.id for r in side],
        organisations=sorted({r.organisation for r in side}),
        quotes=[
            schema.Quote(
                feedback_id=rows[i].id,
                text=rows[i].comment,
                organisation=rows[i].organisation,
                language=rows[i].language,
            )
            for i in chosen
        ],
        languages=dict(Counter(r.language for r in side if r.language)),
        number=number,
        also_feedback_ids=[f for f in theme.also_feedback_ids if f not in members],
        origin="split",
    )


def _comments(ids: list[int]) -> list:
    return db.session.execute(
        sa.select(
            ParagraphFeedback.id,
            ParagraphFeedback.comment,
            ParagraphFeedback.language,
            Organisation.name.label("organisation"),
        )
        .join(Submission, ParagraphFeedback.submission_id == Submission.id)
        .join(Organisation, Submission.organisation_id == Organisation.id)
        .where(ParagraphFeedback.id.in_(ids))
        .order_by(ParagraphFeedback.id)
    ).all()


def _editable(user, synthesis: Synthesis, number: int):
    """The synthesis' typed result and its theme `number`, if staff may change it."""
    access.require(user, "themes.adjust", synthesis)
    # Changes to one synthesis take turns, each reading what the one before saved: two staff
    # at once would otherwise each write the result they loaded (one change lost), or number
    # two split themes alike.
    db.session.execute(
        sa.select(Synthesis.id).where(Synthesis.id == synthesis.id).with_for_update()
    )
    db.session.refresh(synthesis)
    synthesis.__dict__.pop("_typed_result", None)
    if synthesis.status != "done" or synthesis.number != _latest(synthesis):
        raise Conflict(_l("Only the themes of the latest finished synthesis can be changed."))
    result = schema.result_of(synthesis)
    return result, _theme(result, number)


def _theme(result: schema.SynthesisResult, number: int) -> schema.Theme:
    found = next((t for t in result.themes if t.number == number), None)
    if found is None:
        raise NotFound(_l("There is no such theme in this synthesis."))
    return found


def _entry(synthesis: Synthesis, number: int) -> ConsultationTheme:
    entry = db.session.scalar(
        sa.select(ConsultationTheme).where(
            ConsultationTheme.consultation_id == synthesis.consultation_id,
            ConsultationTheme.number == number,
        )
    )
    if entry is None:  # a synthesis made before themes were registered
        entry = ConsultationTheme(consultation_id=synthesis.consultation_id, number=number)
        db.session.add(entry)
    return entry


def _save(synthesis: Synthesis, result: schema.SynthesisResult) -> None:
    synthesis.result = schema.dump(result)  # a new object: the JSON column sees the change
    synthesis.__dict__.pop("_typed_result", None)
