"""Comments as people write them, for theme finding: one substantive sentence, wrapped.

Built on the planted themes of `corpus.py` (the same sentence templates in English, French
and Spanish). Each comment has one substantive sentence with a few words missing (or, for
short comments, 5–10 words of one), wrapped at a chosen rate in the openers and closers
organisations repeat (each organisation has its habits, and many share them) and now and
then the draft quoted back; a share of comments adds a short aside on another theme. A
theme may be written in one language only. The truth kept per comment: its theme, its main
sentence and its text without boilerplate, so references can be computed on them.

    from bench.theme_corpus import Shape, generate
    corpus = generate(Shape(boilerplate=0.5, asides=1 / 3), 2_000, seed=1)
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bench.corpus import LANGUAGES, QUOTE_FRAME, THEME_WEIGHTS, THEMES, _data, _slots, _vary

# Courtesy in three languages: openers, thanks, closers, stances without a reason.
BOILERPLATE = {
    "en": [
        "We welcome this paragraph.",
        "We thank the secretariat for the opportunity to comment.",
        "Thank you for the opportunity to comment on this draft.",
        "Our organisation discussed this paragraph with its {n} members.",
        "We broadly support the direction of this text.",
        "This is a key issue for us.",
        "We remain available for further exchanges.",
        "We hope the Council will take this into account.",
        "This should be reflected in the final text.",
        "We look forward to the next version of the draft.",
    ],
    "fr": [
        "Nous saluons ce paragraphe.",
        "Nous remercions le secrétariat pour cette occasion de contribuer.",
        "Merci pour cette consultation.",
        "Notre organisation a discuté ce paragraphe avec ses {n} membres.",
        "Nous soutenons globalement l'orientation du texte.",
        "C'est un sujet essentiel pour nous.",
        "Nous restons disponibles pour en discuter.",
        "Nous espérons que le Conseil en tiendra compte.",
        "Cela devrait figurer dans le texte final.",
        "Nous attendons avec intérêt la prochaine version du projet.",
    ],
    "es": [
        "Acogemos con satisfacción este párrafo.",
        "Agradecemos a la secretaría la oportunidad de comentar.",
        "Gracias por esta consulta.",
        "Nuestra organización debatió este párrafo con sus {n} miembros.",
        "Apoyamos en general la orientación del texto.",
        "Es un tema clave para nosotros.",
        "Quedamos a disposición para seguir conversando.",
        "Esperamos que el Consejo lo tenga en cuenta.",
        "Esto debería reflejarse en el texto final.",
        "Esperamos con interés la próxima versión del borrador.",
    ],
}
OPENERS = 6  # the first six of each list open a comment, the rest close it


@dataclass(frozen=True)
class Shape:
    """How the comments of a corpus are written."""

    boilerplate: float = 0.0  # chance of an opener, and separately of a closer
    asides: float = 0.0  # share of comments with a short aside on another theme
    short: bool = False  # 5–10 words of a sentence instead of a whole one
    quotes: float = 0.0  # share of comments that open by quoting the draft
    only_french: str | None = None  # a theme written in French only


@dataclass(frozen=True)
class Comment:
    organisation: str
    language: str
    text: str
    theme: int
    main: str  # the substantive sentence
    substance: str  # the text without boilerplate (the aside kept)
    aside_theme: int | None = None


@dataclass
class Corpus:
    comments: list[Comment]
    drafts: list[str]
    organisations: int
    roles: dict[str, tuple[str, int]] = field(default_factory=dict)  # sentence → (role, theme)


def generate(shape: Shape, n: int, seed: int = 0, organisations: int = 300) -> Corpus:
    """`n` comments of `organisations` organisations, written as `shape` says."""
    rng = random.Random(seed)
    data = _data()
    habits = []
    for _ in range(organisations):
        language = rng.choices(LANGUAGES, weights=(0.5, 0.25, 0.25))[0]
        pool = BOILERPLATE[language]
        # An organisation keeps two or three of the common formulas.
        habits.append((language, rng.sample(pool[:OPENERS], 2), rng.sample(pool[OPENERS:], 2)))
    drafts = sorted({t for lang in LANGUAGES for t in data["draft"][lang]})
    corpus = Corpus([], drafts, organisations)
    for _ in range(n):
        o = rng.randrange(organisations)
        home, openers, closers = habits[o]
        theme = rng.choices(range(len(THEMES)), weights=THEME_WEIGHTS)[0]
        language = home if rng.random() < 0.85 else rng.choice(LANGUAGES)
        if shape.only_french and THEMES[theme] == shape.only_french:
            language = "fr"
        elif shape.only_french and language == "fr" and rng.random() < 0.5:
            language = home if home != "fr" else "en"
        main = _sentence(rng, THEMES[theme], language, shape.short)
        corpus.roles[main] = ("main", theme)
        parts, aside_theme = [main], None
        if rng.random() < shape.asides:
            aside_theme = rng.choice([t for t in range(len(THEMES)) if t != theme])
            aside = _aside(rng, THEMES[aside_theme], language)
            corpus.roles[aside] = ("aside", aside_theme)
            parts.insert(rng.randrange(2), aside)
        substance = " ".join(parts)
        if language == home and rng.random() < shape.boilerplate:
            parts.insert(0, rng.choice(openers).format(n=rng.randint(5, 90)))
        elif rng.random() < shape.boilerplate:  # writing in another language: any formula
            parts.insert(
                0, rng.choice(BOILERPLATE[language][:OPENERS]).format(n=rng.randint(5, 90))
            )
        if rng.random() < shape.boilerplate:
            own = closers if language == home else BOILERPLATE[language][OPENERS:]
            parts.append(rng.choice(own))
        text = " ".join(parts)
        if rng.random() < shape.quotes:
            words = data["draft"][language][rng.randrange(4)].split()
            quoted = " ".join(words[: rng.randint(8, min(16, len(words)))])
            text = QUOTE_FRAME[language].format(q=quoted) + text
        corpus.comments.append(
            Comment(f"org {o}", language, text, theme, main, substance, aside_theme)
        )
    return corpus


def _sentence(rng: random.Random, theme: str, language: str, short: bool) -> str:
    """One sentence of the theme with a few words missing, or 5–10 of its words."""
    pools = _data()[theme]
    slots = _slots(rng, pools, language)
    words = _vary(rng, rng.choice(pools[language])).format(**slots).rstrip(".").split()
    if short:
        # Around the theme's own words (slot "a"), as a short comment keeps what matters.
        anchor = str(slots["a"]).split()[0]
        at = next((i for i, w in enumerate(words) if w.startswith(anchor)), len(words) // 2)
        size = rng.randint(5, 10)
        start = max(0, min(at - rng.randint(0, size - 1), len(words) - size))
        words = words[start : start + size]
    else:
        for _ in range(rng.randint(1, 3)):
            if len(words) > 8:
                del words[rng.randrange(1, len(words))]
    text = " ".join(words)
    return text[:1].upper() + text[1:] + "."


def _aside(rng: random.Random, theme: str, language: str) -> str:
    """A short remark on another theme: 6–12 words of one of its sentences."""
    connective = rng.choice(_data()["then"][f"{language} a"])
    words = _sentence(rng, theme, language, short=True).rstrip(".").split()
    words = words[: rng.randint(6, 12)] if len(words) > 6 else words
    return f"{connective} {words[0].lower()} {' '.join(words[1:])}.".replace("  ", " ")
