"""Themes that keep their number, name and staff's merges and splits from one synthesis of a
consultation to the next.

The consultation keeps a register of its themes (`ConsultationTheme`). A new synthesis
matches each theme it found to the register by the comments they share: a theme holding
at least half of a registered theme's comments (or a registered theme holding at least half
of its known comments) takes its number, and its name where staff gave one. Two found
themes that both match a theme staff merged are merged again; a found theme holding most of
two themes staff split from one is split again along them, new comments going to the part
they are closest to. Themes matching nothing get new numbers.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import sqlalchemy as sa

from app.extensions import db
from app.models import ConsultationTheme
from app.models.common import utcnow
from app.services.synthesis import schema

MATCH_SHARE = 0.5
QUOTES = 3


def entries(consultation_id: int) -> list[ConsultationTheme]:
    """The consultation's registered themes, by number."""
    return list(
        db.session.scalars(
            sa.select(ConsultationTheme)
            .where(ConsultationTheme.consultation_id == consultation_id)
            .order_by(ConsultationTheme.number)
        )
    )


def carry_over(consultation, found: list[schema.Theme], comments, vectors) -> list[schema.Theme]:
    """`found` with the numbers, names, merges and splits the register keeps; the register
    then updated to them (the caller commits). `comments` rows and `vectors` are aligned."""
    registered = entries(consultation.id)
    active = [e for e in registered if not e.retired]
    row_of = {c.id: i for i, c in enumerate(comments)}
    found = _split_again(found, active, row_of, vectors)
    themes = _match(found, active)
    remember(consultation.id, themes, registered)
    return themes


def _owner(active: list[ConsultationTheme]) -> dict[int, ConsultationTheme]:
    return {f: e for e in active for f in e.feedback_ids}


def _split_again(found, active, row_of: dict[int, int], vectors) -> list[schema.Theme]:
    """Each found theme holding at least half of each of two parts staff split: split."""
    owner = _owner(active)
    result = []
    for theme in found:
        held = Counter(owner[f].number for f in theme.feedback_ids if f in owner)
        by_number = {e.number: e for e in active}
        parts = [
            by_number[n]
            for n, count in held.items()
            if by_number[n].origin == "split"
            and count >= MATCH_SHARE * len(by_number[n].feedback_ids)
        ]
        sources = Counter(e.split_from for e in parts)
        source = next((s for s, n in sources.most_common() if n >= 2), None)
        if source is None:
            result.append(theme)
            continue
        chosen = [e for e in parts if e.split_from == source]
        result.extend(divide(theme, _sides(theme, chosen, row_of, vectors), chosen))
    return result


def _sides(theme, parts, row_of: dict[int, int], vectors) -> list[list[int]]:
    """The theme's comments by part: those a part held stay in it, new ones go nearest."""
    known = [set(p.feedback_ids) for p in parts]
    centres = []
    for members in known:
        rows = [row_of[f] for f in members if f in row_of]
        centre = vectors[rows].mean(axis=0) if rows else np.zeros(vectors.shape[1])
        centres.append(centre / (np.linalg.norm(centre) or 1.0))
    sides: list[list[int]] = [[] for _ in parts]
    for f in theme.feedback_ids:
        side = next((i for i, members in enumerate(known) if f in members), None)
        if side is None:
            side = int(np.argmax(np.stack(centres) @ vectors[row_of[f]])) if f in row_of else 0
        sides[side].append(f)
    return sides


def divide(theme: schema.Theme, sides: list[list[int]], parts=None) -> list[schema.Theme]:
    """The theme cut into one theme per side (lists of its feedback ids)."""
    out = []
    for n, side in enumerate(sides):
        if not side:
            continue
        members = set(side)
        part = parts[n] if parts else None
        out.append(
            schema.Theme(
                label=dict(part.name) if part is not None and part.name else dict(theme.label),
                size=len(side),
                feedback_ids=side,
                organisations=theme.organisations,
                quotes=[q for q in theme.quotes if q.feedback_id in members],
                languages={},
                number=part.number if part is not None else None,
                also_feedback_ids=[f for f in theme.also_feedback_ids if f not in members],
                named_by_staff=bool(part is not None and part.named_by_staff),
                origin="split",
            )
        )
    return out


def combine(first: schema.Theme, second: schema.Theme) -> schema.Theme:
    """One theme holding both: the first's number and name, quotes from both."""
    members = first.feedback_ids + [
        f for f in second.feedback_ids if f not in set(first.feedback_ids)
    ]
    in_it = set(members)
    languages = Counter(first.languages) + Counter(second.languages)
    quoted = first.quotes[:2] + second.quotes[:1] + first.quotes[2:] + second.quotes[1:]
    return schema.Theme(
        label=first.label,
        size=len(members),
        feedback_ids=members,
        organisations=sorted(set(first.organisations) | set(second.organisations)),
        quotes=quoted[:QUOTES],
        languages=dict(languages),
        number=first.number,
        also_feedback_ids=sorted(
            {f for f in first.also_feedback_ids + second.also_feedback_ids if f not in in_it}
        ),
        named_by_staff=first.named_by_staff,
        origin="merged",
    )


def _match(found: list[schema.Theme], active: list[ConsultationTheme]) -> list[schema.Theme]:
    """Numbers and names from the register, by the comments shared; staff merges redone."""
    owner = _owner(active)
    by_number = {e.number: e for e in active}
    pairs = []
    for t, theme in enumerate(found):
        if theme.number is not None:  # a part of a split made again
            continue
        held = Counter(owner[f].number for f in theme.feedback_ids if f in owner)
        known = sum(held.values())
        for number, count in held.items():
            entry = by_number[number]
            if count >= MATCH_SHARE * min(known, len(entry.feedback_ids)):
                pairs.append((count, t, number))
    taken: dict[int, int] = {t.number: i for i, t in enumerate(found) if t.number is not None}
    merged_into: dict[int, int] = {}
    for _, t, number in sorted(pairs, key=lambda p: (-p[0], p[1])):
        if found[t].number is not None or t in merged_into:
            continue
        entry = by_number[number]
        if number in taken:
            if entry.origin == "merged":  # staff merged these: merge them again
                merged_into[t] = taken[number]
            continue
        found[t].number = number
        if entry.named_by_staff:
            found[t].label, found[t].named_by_staff = dict(entry.name), True
        found[t].origin = entry.origin
        taken[number] = t
    themes = list(found)
    for t, into in merged_into.items():
        themes[into] = combine(themes[into], found[t])
    themes = [theme for t, theme in enumerate(themes) if t not in merged_into]
    return sorted(themes, key=lambda th: -th.size)


def remember(consultation_id: int, themes: list[schema.Theme], registered) -> None:
    """Write the themes to the register: numbers for new ones, members and names kept."""
    by_number = {e.number: e for e in registered}
    following = max(by_number, default=0) + 1
    for theme in themes:
        if theme.number is None:
            theme.number, following = following, following + 1
        entry = by_number.get(theme.number)
        if entry is None:
            entry = ConsultationTheme(consultation_id=consultation_id, number=theme.number)
            db.session.add(entry)
            by_number[theme.number] = entry
        entry.feedback_ids = list(theme.feedback_ids)
        entry.name = dict(theme.label)
        entry.named_by_staff = theme.named_by_staff
        entry.origin = theme.origin or entry.origin or ""
        entry.retired = False
        entry.updated_at = utcnow()
