"""Counting stances on a paragraph, how far they agree, and which paragraphs stand out."""

from __future__ import annotations

from collections import Counter

STANCES = ("support", "amend", "oppose", "none")
# Where each stance sits between rejection (0) and support (1): amending is partial support.
POSITION = {"support": 1.0, "amend": 0.5, "oppose": 0.0}
# Spellings of "no position" found in forms, imports and the model (None: nothing chosen).
NO_POSITION = {None, "", "none", "no position", "no_position", "abstain"}


def stance_counts(stances: list[str | None]) -> dict[str, int]:
    """How many of each stance, with all four keys always present; unknown stances raise."""
    counts = dict.fromkeys(STANCES, 0)
    for stance, count in Counter(stances).items():
        key = stance.strip().lower() if isinstance(stance, str) else stance
        if key in NO_POSITION:
            counts["none"] += count
        elif key in counts:
            counts[key] += count
        else:
            raise ValueError(f"unknown stance {stance!r}")
    return counts


def agreement(counts: dict[str, int]) -> float | None:
    """1 − 4 × the variance of positions (support 1, amend ½, oppose 0), "none" left out.

    Every organisation that took a stance is placed on a line from rejection to support,
    amending counting as half support. The variance of those positions is 0 when all agree
    (whatever they agree on: support, amend or oppose) and ¼ at most, for an even split
    between support and oppose, so the measure is 1 for unanimity and 0 for an even split.
    In between: 90 % support / 10 % oppose gives 0.64, half support / half amend gives 0.75,
    80 / 20 gives 0.36. None when nobody took a stance other than "none".
    """
    weights = {stance: max(int(counts.get(stance, 0)), 0) for stance in POSITION}
    total = sum(weights.values())
    if total == 0:
        return None
    mean = sum(POSITION[s] * w for s, w in weights.items()) / total
    variance = sum(w * (POSITION[s] - mean) ** 2 for s, w in weights.items()) / total
    # Clamp: float rounding can put an exact unanimity a hair away from 1.
    return round(min(1.0, max(0.0, 1.0 - 4.0 * variance)), 6)


def rank_paragraphs(
    paragraphs: list[tuple[str, dict[str, int]]], minimum: int = 3, threshold: float = 0.5
) -> dict[str, list[str]]:
    """Paragraph numbers at or above `threshold` agreement (best first) and below (worst first).

    Paragraphs with fewer than `minimum` stances other than "none" are left out: two
    supports are not a consensus. Ties go to the paragraph with more stances, then to the
    order given, so the ranking is deterministic.
    """
    scored = []
    for position, (number, counts) in enumerate(paragraphs):
        taken = sum(max(int(counts.get(s, 0)), 0) for s in POSITION)
        score = agreement(counts)
        if score is not None and taken >= minimum:
            scored.append((score, taken, position, number))
    consensus = sorted((s for s in scored if s[0] >= threshold), key=lambda s: (-s[0], -s[1], s[2]))
    contested = sorted((s for s in scored if s[0] < threshold), key=lambda s: (s[0], -s[1], s[2]))
    return {
        "consensus": [s[3] for s in consensus],
        "contested": [s[3] for s in contested],
    }
