"""Counting stances on a paragraph, how far they agree, and which paragraphs stand out."""

from __future__ import annotations

from collections import Counter

from app.lazy_text import lazy_gettext as _l
from app.vocabulary import STANCES

# Where each stance sits between rejection (0) and support (1): amending is partial support.
POSITION = {"support": 1.0, "amend": 0.5, "oppose": 0.0}
# Spellings of "no position" found in forms, imports and the model (None: nothing chosen).
NO_POSITION = {None, "", "none", "no position", "no_position", "abstain"}
# Which way a paragraph's stances go (`consensus`), as stored in the synthesis result.
CONSENSUS = ("support", "support_with_amendments", "opposition", "contested", "too_few")
CONSENSUS_LABELS = {
    "support": _l("Broad support"),
    "support_with_amendments": _l("Broad support with amendments"),
    "opposition": _l("Broad opposition"),
    "contested": _l("Contested"),
    "too_few": _l("Too few answers to tell"),
}
# Share of the stances taken that makes a consensus broad.
BROAD = 0.75
# Stances (other than "none") below which a paragraph has too few answers to tell; the
# synthesis reads SYNTHESIS_CONSENSUS_MINIMUM from the configuration.
MINIMUM = 3


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


def consensus(counts: dict[str, int], minimum: int = MINIMUM) -> str:
    """Which way a paragraph's stances go: one of CONSENSUS.

    Fewer than `minimum` stances other than "none" are "too_few". Otherwise, "support" when
    at least BROAD of those stances support; "support_with_amendments" when support and
    amendments together reach BROAD; "opposition" when opposition alone does; else
    "contested". Unlike `agreement`, this says which way: a paragraph opposed by everyone is
    unanimous, and opposed.
    """
    weights = {stance: max(int(counts.get(stance, 0)), 0) for stance in POSITION}
    total = sum(weights.values())
    if total == 0 or total < minimum:
        return "too_few"
    if weights["support"] >= BROAD * total:
        return "support"
    if weights["support"] + weights["amend"] >= BROAD * total:
        return "support_with_amendments"
    if weights["oppose"] >= BROAD * total:
        return "opposition"
    return "contested"


def rank_paragraphs(
    paragraphs: list[tuple[str, dict[str, int]]], minimum: int = MINIMUM
) -> dict[str, list[str]]:
    """Paragraph numbers by which way their stances go, each list most telling first.

    "consensus": broadly supported, outright support first, then support with amendments,
    each most agreed first;
    "opposed": broadly opposed, most agreed first; "contested": neither, most split first.
    Paragraphs with fewer than `minimum` stances other than "none" are left out: two
    supports are not a consensus. Ties go to the paragraph with more stances, then to the
    order given, so the ranking is deterministic.
    """
    lists: dict[str, list[tuple]] = {"consensus": [], "contested": [], "opposed": []}
    for position, (number, counts) in enumerate(paragraphs):
        direction = consensus(counts, minimum)
        if direction == "too_few":
            continue
        taken = sum(max(int(counts.get(s, 0)), 0) for s in POSITION)
        score = agreement(counts) or 0.0
        if direction == "contested":
            lists["contested"].append((0, score, -taken, position, number))
        elif direction == "opposition":
            lists["opposed"].append((0, -score, -taken, position, number))
        else:  # support outright before support that asks for amendments
            lists["consensus"].append((direction != "support", -score, -taken, position, number))
    return {key: [entry[-1] for entry in sorted(entries)] for key, entries in lists.items()}
