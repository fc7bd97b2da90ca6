"""Campaigns in one, two and three languages planted in the bench corpus, with look-alikes.

On top of `corpus.generate` (whose Culture Counts campaign is the one-language case):

- "two languages": a text on water as a commons, copies in French and Spanish;
- "three languages": a text on housing, copies in English, French and Spanish;
- "three languages, one lone copy": a text on street lighting, mostly English, a few
  French copies and a single Spanish one;
- look-alikes that are not a campaign: the housing text's opening sentence followed by an
  organisation's own, different demands; and the draft paragraph quoted back in full,
  followed by an organisation's own remark.

Every copy is lightly edited: its own city, now and then an added sentence, typos.
Deterministic for a given seed.

`generate_wordings` plants proposed wordings for the corpus' draft paragraphs: the same
three edits (a place added, a sentence added, "should" made "must") written from the
English, French and Spanish drafts, each in a few paraphrases.

    from bench.campaign_corpus import generate_cases
    cases = generate_cases(3_000, seed=1)
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bench.corpus import (
    LANGUAGES,
    QUOTE_FRAME,
    THEMES,
    Corpus,
    _cities,
    _comment,
    _data,
    _typo,
    generate,
)

CAMPAIGNS = {
    "two languages": {
        "fr": [
            "Notre réseau demande que l'eau soit reconnue comme un bien commun dans le texte.",
            "À {city}, la privatisation du service a fait doubler les factures en dix ans.",
            "Les villes doivent pouvoir reprendre la gestion publique de l'eau et de "
            "l'assainissement sans pénalité.",
            "Nous demandons un tarif social garanti pour les ménages les plus pauvres.",
        ],
        "es": [
            "Nuestra red pide que el agua sea reconocida como un bien común en el texto.",
            "En {city}, la privatización del servicio duplicó las facturas en diez años.",
            "Las ciudades deben poder recuperar la gestión pública del agua y del saneamiento "
            "sin penalización.",
            "Pedimos una tarifa social garantizada para los hogares más pobres.",
        ],
    },
    "three languages": {
        "en": [
            "We, the undersigned members of the Housing Now alliance, ask the Council to "
            "make adequate housing a right in this text.",
            "In {city}, rents have risen twice as fast as wages since the last summit.",
            "Cities need the power to cap rents and to bring empty homes back into use.",
            "Public land must go to social and cooperative housing first.",
        ],
        "fr": [
            "Nous, membres signataires de l'alliance Housing Now, demandons au Conseil de "
            "faire du logement convenable un droit dans ce texte.",
            "À {city}, les loyers ont augmenté deux fois plus vite que les salaires depuis le "
            "dernier sommet.",
            "Les villes doivent pouvoir plafonner les loyers et remettre les logements vides "
            "sur le marché.",
            "Le foncier public doit aller d'abord au logement social et coopératif.",
        ],
        "es": [
            "Nosotros, miembros firmantes de la alianza Housing Now, pedimos al Consejo que "
            "haga de la vivienda adecuada un derecho en este texto.",
            "En {city}, los alquileres han subido el doble de rápido que los salarios desde "
            "la última cumbre.",
            "Las ciudades necesitan poder limitar los alquileres y devolver al uso las "
            "viviendas vacías.",
            "El suelo público debe destinarse primero a la vivienda social y cooperativa.",
        ],
    },
    "three languages, one lone copy": {
        "en": [
            "Safe streets at night are a matter of equality, and the draft should say so.",
            "In {city}, women tell us they avoid whole neighbourhoods after dark.",
            "We ask that every city adopt a plan for public lighting and safe night-time "
            "transport, designed with the women who use them.",
        ],
        "fr": [
            "Des rues sûres la nuit sont une question d'égalité, et le projet devrait le dire.",
            "À {city}, des femmes nous disent éviter des quartiers entiers une fois la nuit "
            "tombée.",
            "Nous demandons que chaque ville adopte un plan d'éclairage public et de "
            "transports de nuit sûrs, conçu avec les femmes qui les utilisent.",
        ],
        "es": [
            "Unas calles seguras de noche son una cuestión de igualdad, y el borrador debería "
            "decirlo.",
            "En {city}, las mujeres nos cuentan que evitan barrios enteros al anochecer.",
            "Pedimos que cada ciudad adopte un plan de alumbrado público y de transporte "
            "nocturno seguro, diseñado con las mujeres que los usan.",
        ],
    },
}
COPIES = {
    "two languages": {"fr": 24, "es": 16},
    "three languages": {"en": 20, "fr": 20, "es": 20},
    "three languages, one lone copy": {"en": 25, "fr": 6, "es": 1},
}
EXTRA = {
    "en": ["Our board endorsed this text unanimously.", "We are ready to share our data."],
    "fr": ["Notre bureau a adopté ce texte à l'unanimité.", "Nous pouvons partager nos données."],
    "es": ["Nuestra junta aprobó este texto por unanimidad.", "Podemos compartir nuestros datos."],
}
LOOK_ALIKES = 40  # of each kind
REMARKS = {
    "en": ["We support it, but it needs a budget line.", "Please name small towns too.",
           "The deadline is unrealistic for us.", "Our members disagree on this point."],
    "fr": ["Nous le soutenons, mais il faut une ligne budgétaire.", "Citez aussi les petites "
           "villes.", "Le délai est irréaliste pour nous.", "Nos membres sont partagés."],
    "es": ["Lo apoyamos, pero necesita una partida presupuestaria.", "Mencionen también los "
           "pueblos.", "El plazo no es realista para nosotros.", "Nuestros miembros discrepan."],
}  # fmt: skip


@dataclass
class Case:
    """The feedback ids of one planted case; `campaign`: whether they should be found as one."""

    name: str
    ids: set[int]
    campaign: bool


@dataclass
class Cases:
    """The comments (feedback_id, organisation, text, language, kind) and the planted cases."""

    items: list[tuple[int, str, str, str, str]]
    cases: list[Case]
    drafts: list[str]


def _copy(rng: random.Random, sentences: list[str], language: str) -> str:
    """One lightly edited copy: its own city, sometimes an added sentence, a few typos."""
    parts = [s.format(city=rng.choice(_cities())) for s in sentences]
    if rng.random() < 0.4:
        parts.insert(rng.randrange(1, len(parts) + 1), rng.choice(EXTRA[language]))
    text = " ".join(parts)
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        text = _typo(rng, text)
    return text


def generate_cases(n_items: int, seed: int = 1) -> Cases:
    """The bench corpus of `n_items` comments with the planted campaigns and look-alikes."""
    rng = random.Random(seed)
    corpus: Corpus = generate(n_items, seed=seed)
    kinds = {o.name: o.kind for o in corpus.organisations}
    items = [
        (i.feedback_id, i.organisation, i.comment, i.language, kinds[i.organisation])
        for i in corpus.items
    ]
    cases = [Case("one language", {i.feedback_id for i in corpus.items if i.campaign}, True)]
    next_id = max(i[0] for i in items) + 1
    organisations = corpus.organisations

    def add(text: str, language: str) -> int:
        nonlocal next_id
        org = rng.choice(organisations)
        items.append((next_id, org.name, text, language, org.kind))
        next_id += 1
        return next_id - 1

    for name, texts in CAMPAIGNS.items():
        ids = set()
        for language, count in COPIES[name].items():
            for _ in range(count):
                ids.add(add(_copy(rng, texts[language], language), language))
        cases.append(Case(name, ids, True))
    opening = CAMPAIGNS["three languages"]
    ids = set()
    for k in range(LOOK_ALIKES):
        language = LANGUAGES[k % 3]
        own = _comment(rng, rng.choice(THEMES), language, None)
        ids.add(add(f"{opening[language][0]} {own}", language))
    cases.append(Case("same opening, different demands", ids, False))
    ids = set()
    for k in range(LOOK_ALIKES):
        language = LANGUAGES[k % 3]
        paragraph = rng.choice(corpus.paragraphs).text[language]
        own = _comment(rng, rng.choice(THEMES), language, None)
        remark = f"{rng.choice(REMARKS[language])} {own}"
        ids.add(add(QUOTE_FRAME[language].format(q=paragraph) + remark, language))
    cases.append(Case("the draft quoted back", ids, False))
    drafts = sorted({t for p in corpus.paragraphs for t in p.text.values()})
    return Cases(items, cases, drafts)


EDITS = {
    "a place added": {
        "en": [" in intermediary cities and rural areas", ", including in intermediary cities and "
               "rural areas", ", in particular in small towns and rural areas"],
        "fr": [" dans les villes intermédiaires et les zones rurales",
               ", y compris dans les villes intermédiaires et les zones rurales",
               ", en particulier dans les petites villes et les zones rurales"],
        "es": [" en las ciudades intermedias y las zonas rurales", ", incluso en las ciudades "
               "intermedias y las zonas rurales", ", en particular en los pueblos y las zonas "
               "rurales"],
    },
    "a sentence added": {
        "en": ["Local and regional governments must be consulted at every stage.",
               "Local and regional governments shall be consulted at each stage."],
        "fr": ["Les gouvernements locaux et régionaux doivent être consultés à chaque étape.",
               "Les collectivités locales et régionales doivent être consultées à chaque étape."],
        "es": ["Los gobiernos locales y regionales deben ser consultados en cada etapa.",
               "Los gobiernos locales y regionales deben ser consultados en todas las etapas."],
    },
    "should made must": {
        "en": [("should", "must"), ("should", "shall"), ("should", "must always")],
        "fr": [("devraient", "doivent"), ("devrait", "doit")],
        "es": [("deberían", "deben"), ("debería", "debe")],
    },
}  # fmt: skip
EDIT_LANGUAGES = {"a place added": LANGUAGES, "a sentence added": ("en", "fr"),
                  "should made must": ("en", "es")}  # fmt: skip


@dataclass
class WordingCase:
    """The wordings proposed on one paragraph and the edit each of them makes."""

    texts: dict[str, str]
    wordings: list[tuple[int, str, str, str]]  # (feedback_id, organisation, text, language)
    planted: list[str]  # the edit of each wording, in order


def _edited(draft: str, edit: str, language: str, variant) -> str:
    if edit == "a place added":
        return draft.rstrip(".") + variant + "."
    if edit == "a sentence added":
        return f"{draft} {variant}"
    pairs = [variant] + [v for v in EDITS[edit][language] if v != variant]
    for old, new in pairs:  # the draft's own modal ("devrait" or "devraient"), made binding
        if f" {old} " in f" {draft} ":
            return f" {draft} ".replace(f" {old} ", f" {new} ", 1).strip()
    return draft


def generate_wordings(seed: int = 1, per_paragraph: int = 45) -> list[WordingCase]:
    """Wordings on each of the corpus' draft paragraphs, the same edits in several languages."""
    rng = random.Random(seed)
    drafts = _data()["draft"]
    cases = []
    next_id = 1
    for p in range(len(drafts["en"])):
        texts = {lang: drafts[lang][p] for lang in LANGUAGES}
        wordings, planted = [], []
        for k in range(per_paragraph):
            edit = rng.choice(list(EDITS))
            language = rng.choice(EDIT_LANGUAGES[edit])
            variant = rng.choice(EDITS[edit][language])
            text = _edited(texts[language], edit, language, variant)
            if text == texts[language]:
                continue
            wordings.append((next_id, f"Org {k}", text, language))
            planted.append(edit)
            next_id += 1
        cases.append(WordingCase(texts, wordings, planted))
    return cases
