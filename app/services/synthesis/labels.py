"""Readable labels for groups of comments: distinctive key phrases, one label per language.

Class-based TF-IDF (each group's comments in one language taken as one document) over
phrases of one to four words that start and end on a content word, so French and Spanish
keep their connectors ("emploi des jeunes", "brecha digital"). No LGPL dependency.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from app.services.synthesis.embedding import Embedder
from app.vocabulary import LANGUAGES

# Words that every consultation comment uses, whatever it is about.
_DOMAIN = """council text draft paragraph proposal propose position cities city members member
network organisation organisations year years also conseil texte projet paragraphe position
villes ville membres réseau organisation ans consejo texto borrador párrafo ciudades ciudad
miembros red organización años"""
_FRENCH = """au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la le les
leur leurs lui ma mais me même mes moi mon ne nos notre nous on ou où par pas pour qu que qui sa
se ses son sur ta te tes toi ton tu un une vos votre vous été être avoir ai as avons avez ont eu
est sont était étaient sera seront serait fait faire font peut peuvent doit doivent devrait
devraient plus moins très tout tous toute toutes autre autres aussi ainsi alors comme car donc si
sans sous entre vers chez depuis pendant avant après déjà encore toujours jamais rien cela ça
celui celle ceux celles ici là dont quel quelle quels quelles chaque quand afin non oui bien peu
beaucoup trop ont aucun aucune près surtout concrètement ailleurs ajoutons bref merci"""
_SPANISH = """al algo algunas algunos ante antes como con contra cual cuando de del desde donde
durante el ella ellas ellos en entre era eran es esa esas ese eso esos esta estas este esto estos
está están estar fue fueron ha han hasta hay la las le les lo los más me mi mis mucho muchos muy
nada ni no nos nosotros os otra otras otro otros para pero poco por porque que quien quienes se
sea ser si sido sin sobre su sus también tan te tiene tienen todo todos tu tus un una unas uno
unos ya sí debe deben debería deberían puede pueden cada solo sólo así aquí allí hacia según sino
aunque mientras además sobre todo añadimos resumen gracias hace"""
# Verbs comments use around their subject ("trust needs budgets", "la confiance reviendra"):
# a title names the subject, so a phrase never runs through one.
_VERBS = """need needs needed must ask asks asked call calls want wants lack lacks get gets make
makes take takes give gives come comes return returns say says said think believe see seen
reviendra revient revenir faut manque manquent demande demandent demandons veut veulent
restent reste attend attendent rencontrer voir faire volverá vuelve volver necesitan necesita
piden pide faltan falta tienen tiene quieren quiere esperan espera siguen sigue queda quedan"""
# How a title joins its last phrase, per language.
AND_WORD = {"en": "and", "fr": "et", "es": "y"}
# Short words that may sit inside a phrase but never start or end one.
_CONNECTOR_WORDS = "of for and to in the on de des du d l la le les et à au aux en del los las el y"
_CONNECTORS = frozenset(_CONNECTOR_WORDS.split())
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_WORD_SPLIT = re.compile(f"({_WORD.pattern})")
_SPACES = re.compile(r"\s+")
MAX_WORDS = 4
TEXTS_PER_GROUP = 300  # enough for stable phrases; bounds the cost at 100,000 comments
CANDIDATES = 25  # distinctive phrases per group and language, re-ranked by meaning
MMR_WEIGHT = 0.7
SMALL = 100  # phrases in a group's texts of one language below which single mentions count


@lru_cache(maxsize=4)
def stop_words(language: str) -> frozenset[str]:
    """Words that never make a label on their own in `language`."""
    return _grammar_words(language) | frozenset(_DOMAIN.split()) | frozenset(_VERBS.split())


def guess_language(text: str) -> str | None:
    """en, fr or es by the stop words a text uses: enough to file it for labels, no more."""
    words = [w.lower() for w in _WORD.findall(text)]
    hits = {lang: sum(w in _grammar_words(lang) for w in words) for lang in LANGUAGES}
    best = max(LANGUAGES, key=lambda lang: hits[lang])
    return best if hits[best] else None


@lru_cache(maxsize=4)
def _grammar_words(language: str) -> frozenset[str]:
    """The language's own stop words (articles, pronouns, auxiliaries), without domain words."""
    lists = {"en": ENGLISH_STOP_WORDS, "fr": _FRENCH.split(), "es": _SPANISH.split()}
    return frozenset(lists.get(language, ()))


def phrases(text: str, stop: frozenset[str]) -> list[str]:
    """Candidate key phrases of a text: 1–4 words, content words at both ends, as written."""
    # [gap, word, gap, word, ..., gap]: the words and what comes between them, in one C call.
    pieces = _WORD_SPLIT.split(text.lower())
    words, gaps = pieces[1::2], [""] + pieces[2:-1:2]  # gaps[i]: what comes before words[i]
    # Per word, once: whether it may start or end a phrase, whether it may not sit inside
    # one, and whether punctuation comes before it ("jeunes, emploi" is two phrases).
    edge = [w not in stop and len(w) >= 3 for w in words]
    blocks = [w in stop and w not in _CONNECTORS for w in words]
    after_mark = [bool(gap.strip(" '’-")) for gap in gaps]
    # What joins each word to the one before, its spaces made one ("centres d'accueil").
    joins = [_SPACES.sub(" ", gap) for gap in gaps]
    found = []
    for start in range(len(words)):
        if not edge[start]:
            continue
        phrase = words[start]
        found.append(phrase)
        for end in range(start + 1, min(start + MAX_WORDS, len(words))):
            if after_mark[end] or (end - 1 > start and blocks[end - 1]):
                break
            # As written between the two ends, so "centres d'accueil" keeps its apostrophe.
            phrase += joins[end] + words[end]
            if edge[end]:
                found.append(phrase)
    return found


def label_terms(
    groups: list[list[int]],
    texts: list[str],
    languages: list[str | None],
    n_terms: int = 3,
    centroids: np.ndarray | None = None,
    embedder: Embedder | None = None,
) -> list[dict[str, str]]:
    """One label per group and language: {"en": ..., "fr": ..., "es": ...}.

    With `centroids` (unit vectors of the groups) and the `embedder` that made them, the
    distinctive phrases are re-ranked by closeness to the group's centroid, which prefers
    what the group is about over the words its writers happen to share. A language the
    group has no comments in borrows the label made from its other comments (the most
    common language of the group first): a label in the wrong language beats none.
    """
    candidates: dict[tuple[int, str], list[tuple[float, str]]] = {}
    known = {i: languages[i] or guess_language(texts[i]) for members in groups for i in members}
    for language in LANGUAGES:
        stop = stop_words(language)
        counts = []
        for members in groups:
            own = [i for i in members if known[i] == language]
            step = max(1, len(own) // TEXTS_PER_GROUP)  # an even spread, deterministic
            # Each phrase counts once per comment: one long comment cannot name a theme.
            counts.append(Counter(p for i in own[::step] for p in set(phrases(texts[i], stop))))
        for g, ranked in enumerate(_distinctive(counts, CANDIDATES)):
            if ranked:
                candidates[(g, language)] = ranked
    if centroids is not None and embedder is not None and candidates:
        chosen = _closest(candidates, centroids, embedder, n_terms)
    else:
        chosen = {key: _readable(ranked, n_terms) for key, ranked in candidates.items()}
    labels = []
    for g, members in enumerate(groups):
        own = {lang: title(chosen[(g, lang)], lang) for lang in LANGUAGES if (g, lang) in chosen}
        spoken = [lang for lang, _ in Counter(known[i] for i in members).most_common()]
        fallback = next((own[lang] for lang in spoken if lang in own), "")
        labels.append({lang: own.get(lang, fallback) for lang in LANGUAGES})
    return labels


def title(picked: list[str], language: str) -> str:
    """Key phrases as a title a person would write: "Youth employment, apprenticeships and
    mentoring", a phrase whose words another already says left out, "and" in the language."""
    kept: list[str] = []
    for phrase in picked:
        words = set(phrase.split())
        if any(words <= set(other.split()) for other in kept):
            continue
        kept = [other for other in kept if not set(other.split()) <= words] + [phrase]
    if not kept:
        return ""
    joined = kept[-1]
    if len(kept) > 1:
        conjunction = AND_WORD.get(language, "and")
        # Spanish "y" becomes "e" before an i sound: "jóvenes e inmigrantes".
        if language == "es" and re.match(r"h?i(?![aeoué])", kept[-1]):
            conjunction = "e"
        joined = f"{', '.join(kept[:-1])} {conjunction} {kept[-1]}"
    return joined[:1].upper() + joined[1:]


def _distinctive(counts: list[Counter], limit: int) -> list[list[tuple[float, str]]]:
    """Each group's (score, phrase) by c-TF-IDF, best first: frequent in it, rare elsewhere."""
    total: Counter = Counter()
    for c in counts:
        total.update(c)
    sizes = [sum(c.values()) for c in counts]
    average = sum(sizes) / max(1, sum(1 for s in sizes if s))
    ranked = []
    for c, size in zip(counts, sizes, strict=True):
        least = 2 if size >= SMALL else 1  # a phrase said once is chance, unless little is said
        scored = sorted(
            ((c[p] / size * math.log(1 + average / total[p]), p) for p in c if c[p] >= least),
            key=lambda x: (-x[0], x[1]),
        )
        ranked.append(scored[:limit])
    return ranked


def _readable(ranked: list[tuple[float, str]], n_terms: int) -> list[str]:
    """The best phrases, a longer phrase replacing the words it contains when nearly as good."""
    picked: list[tuple[float, str]] = []
    for score, phrase in ranked:
        words = set(phrase.split())
        overlap = [i for i, (_, p) in enumerate(picked) if words & set(p.split())]
        if not overlap:
            if len(picked) < n_terms:
                picked.append((score, phrase))
            continue
        # "youth employment" says more than "youth" and "employment", if nearly as frequent.
        contained = all(set(picked[i][1].split()) <= words for i in overlap)
        if contained and score >= 0.6 * max(picked[i][0] for i in overlap):
            best = max(picked[i][0] for i in overlap)
            picked = [p for i, p in enumerate(picked) if i not in overlap[1:]]
            picked[overlap[0]] = (best, phrase)
    return [p for _, p in picked]


def _closest(
    candidates: dict[tuple[int, str], list[tuple[float, str]]],
    centroids: np.ndarray,
    embedder: Embedder,
    n_terms: int,
) -> dict[tuple[int, str], list[str]]:
    """Phrases nearest each group's centroid, picked one by one away from those already taken."""
    unique = sorted({p for ranked in candidates.values() for _, p in ranked})
    vectors = embedder.embed(unique)
    if vectors.shape[1] != centroids.shape[1]:  # not the space the groups live in
        return {key: _readable(ranked, n_terms) for key, ranked in candidates.items()}
    row = {p: i for i, p in enumerate(unique)}
    chosen = {}
    for (g, language), ranked in candidates.items():
        own = vectors[[row[p] for _, p in ranked]]
        relevance = own @ centroids[g]
        picked: list[int] = []
        while len(picked) < min(n_terms, len(ranked)):
            redundancy = (own @ own[picked].T).max(axis=1) if picked else np.zeros(len(ranked))
            # Maximal marginal relevance: near the theme, unlike what is already in the label.
            score = MMR_WEIGHT * relevance - (1 - MMR_WEIGHT) * redundancy
            score[picked] = -np.inf
            picked.append(int(np.argmax(score)))
        chosen[(g, language)] = [ranked[i][1] for i in picked]
    return chosen
