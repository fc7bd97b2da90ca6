"""Sentences many organisations repeat, and the draft quoted back, weigh nothing in themes."""

import random
import re
import zlib

import numpy as np
import pytest

from app.services.synthesis import boilerplate
from app.services.synthesis.embedding import default_embedder

OWN = {
    "en": [
        "Youth unemployment in Lyon is close to 30% and apprenticeships are missing.",
        "Libraries in Dakar close one after another for lack of funds.",
        "Rural households in Quito still have no broadband at all.",
        "Heat waves in Sevilla call for shaded streets and cool rooms.",
        "Care work falls on women in Pune, with too few childcare places.",
        "Migrants arriving in Tunis wait months for housing support.",
    ],
    "fr": [
        "À Lyon, le chômage des jeunes frôle 30 % faute d'apprentissages.",
        "Les bibliothèques de Dakar ferment l'une après l'autre faute de moyens.",
        "Les ménages ruraux de Quito n'ont toujours pas de haut débit.",
        "Les canicules à Séville demandent des rues ombragées et des salles fraîches.",
        "Le soin repose sur les femmes à Pune, faute de places en crèche.",
        "Les migrants arrivés à Tunis attendent des mois une aide au logement.",
    ],
    "es": [
        "En Lyon el paro juvenil ronda el 30 % y faltan aprendizajes.",
        "Las bibliotecas de Dakar cierran una tras otra por falta de fondos.",
        "Los hogares rurales de Quito siguen sin banda ancha.",
        "Las olas de calor en Sevilla exigen calles con sombra y salas frescas.",
        "El cuidado recae en las mujeres en Pune y faltan plazas de guardería.",
        "Los migrantes que llegan a Túnez esperan meses una ayuda de vivienda.",
    ],
}
COURTESY = {
    "en": ("We welcome this paragraph.", "We remain available for further exchanges."),
    "fr": ("Nous saluons ce paragraphe.", "Nous restons disponibles pour en discuter."),
    "es": (
        "Acogemos con satisfacción este párrafo.",
        "Quedamos a disposición para seguir conversando.",
    ),
}
DRAFT = {
    "en": "Local and regional governments should guarantee decent work for young people.",
    "fr": "Les gouvernements locaux et régionaux devraient garantir un travail décent aux jeunes.",
    "es": "Los gobiernos locales y regionales deberían garantizar trabajo decente a los jóvenes.",
}


def hashed(texts: list[str]) -> np.ndarray:
    """Vectors that only say whether two texts are the same (no meaning at all)."""
    out = np.zeros((len(texts), 64), dtype=np.float32)
    for row, text in enumerate(texts):
        out[row, zlib.crc32(text.encode()) % 64] = 1.0
        out[row, zlib.crc32(text[::-1].encode()) % 64] += 1.0
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def wrapped(language: str) -> tuple[list[str], list[str]]:
    """Six organisations writing their own point between the same opener and closer."""
    opener, closer = COURTESY[language]
    texts = [f"{opener} {own} {closer}" for own in OWN[language]]
    return texts, [f"{language} org {i}" for i in range(len(texts))]


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_openers_and_closers_many_organisations_write_weigh_nothing(language):
    texts, organisations = wrapped(language)
    found = boilerplate.find_substance(texts, organisations, [], hashed)
    assert found.sentences == OWN[language]  # each comment's own point, nothing else
    assert found.owner.tolist() == list(range(6))
    assert set(found.boilerplate) == set(COURTESY[language])
    assert found.boilerplate_count == 12


def test_an_organisation_repeating_its_own_opener_is_not_boilerplate():
    texts = [f"Our board met twice on this. {own}" for own in OWN["en"]]
    found = boilerplate.find_substance(texts, ["One org"] * 6, [], hashed)
    assert len(found.sentences) == 12 and found.boilerplate == []


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_draft_quoted_back_in_any_of_its_languages_is_left_out(language):
    own = OWN[language][0]
    texts = [
        f"{DRAFT[language]} {own}",  # the paragraph copied as a sentence of its own
        f"«{DRAFT[language][:60]}»: {own}",  # a quoted part, then the point
    ]
    found = boilerplate.find_substance(texts, ["A", "B"], list(DRAFT.values()), hashed)
    assert found.sentences == [own, own]
    assert found.quoted_count == 2


def test_a_courtesy_written_once_in_another_language_is_known_by_its_meaning():
    texts, organisations = wrapped("en")
    lone = f"Nous saluons ce paragraphe. {OWN['fr'][1]}"
    found = boilerplate.find_substance(
        texts + [lone], organisations + ["fr org"], [], default_embedder().embed
    )
    assert found.sentences[-1] == OWN["fr"][1]
    assert "Nous saluons ce paragraphe." not in found.sentences


def test_a_sentence_with_a_subject_of_its_own_is_kept_though_it_reads_like_courtesy():
    texts = [f"This is a key issue for us. {own}" for own in OWN["en"]]
    texts.append("Broadband is a key issue for us.")
    found = boilerplate.find_substance(
        texts, [f"org {i}" for i in range(7)], [], default_embedder().embed
    )
    assert "Broadband is a key issue for us." in found.sentences
    assert "This is a key issue for us." not in found.sentences


def test_sentences_end_at_their_marks_but_not_after_abbreviations_or_in_figures():
    text = "We agree, e.g. on youth. Figures: 3.5 % of budgets!\nSee p. ex. Lyon; and more"
    assert boilerplate.split_sentences(text) == [
        "We agree, e.g. on youth.",
        "Figures:",
        "3.5 % of budgets!",
        "See p. ex. Lyon;",
        "and more",
    ]


def test_sentences_written_the_same_way_share_one_key_whatever_the_case_accents_or_figures():
    assert boilerplate.normalise("Notre organisation a discuté avec ses 12 membres.") == (
        boilerplate.normalise("notre organisation a DISCUTE avec ses 40 membres")
    )


def test_sentences_normalised_together_get_the_keys_each_gets_alone():
    sentences = ["Ça coûte 12 € — l’été_2024 !", "!!!", "Notre réseau", "É", "a  b"]
    assert boilerplate.normalise_all(sentences) == [boilerplate.normalise(s) for s in sentences]
    assert boilerplate.normalise_all(sentences) == [
        "ca coute 0 l ete 0",
        "",
        "notre reseau",
        "e",
        "a b",
    ]


def test_a_text_with_line_breaks_is_normalised_whole():
    assert boilerplate.normalise("First line,\nsecond line.") == "first line second line"


def test_draft_quotes_looked_up_together_are_those_found_one_by_one():
    quotes = boilerplate.DraftQuotes(list(DRAFT.values()))
    sentences = [
        DRAFT["fr"],
        OWN["en"][0],
        DRAFT["es"][:50],
        "",
        "Local and national governments",
        "x",
    ]
    keys = boilerplate.normalise_all(sentences)
    together = quotes.are_quotes(keys).tolist()
    assert together == [True, False, True, False, False, False]
    assert together == [quotes.is_quote(s) for s in sentences]


def test_sentences_are_cut_at_the_gaps_the_plain_pattern_describes():
    # The splitting pattern is written for speed; it must cut exactly where the plain one
    # does, on every mix of sentence ends, closing quotes, spaces and line breaks.
    plain = re.compile(f"({boilerplate.SENTENCE_GAP})")
    alphabet = list("ab .!?…;:\"'”»)]\n\t\u00a0\u2009Z«“")
    rng = random.Random(7)
    for _ in range(50_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        assert boilerplate._END.split(text) == plain.split(text), repr(text)
