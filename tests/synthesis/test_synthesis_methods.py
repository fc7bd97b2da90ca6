"""The analysis methods of a synthesis, on small inputs whose answers are known."""

import numpy as np
import pytest

from app.services.synthesis import amendments, duplicates, labels, quotes, stances, themes
from app.services.synthesis.embedding import default_embedder, from_bytes, stack, to_bytes


class NoMeaning:
    """An embedder in another space than the test's vectors: labels fall back to c-TF-IDF."""

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 1), dtype=np.float32)


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def blobs(centres: list[int], per: int, dims: int = 16, spread: float = 0.05, seed: int = 3):
    """`per` noisy unit vectors around each of the given axes."""
    rng = np.random.default_rng(seed)
    rows = []
    for axis in centres:
        centre = np.zeros(dims)
        centre[axis] = 1.0
        rows.append(centre + rng.normal(0, spread, (per, dims)))
    return unit(np.vstack(rows))


# --- embedding -------------------------------------------------------------------------


def test_stored_vector_takes_one_kilobyte_and_comes_back_within_float16_precision():
    vector = unit(np.random.default_rng(0).normal(size=(1, 512)))[0]
    stored = to_bytes(vector)
    assert len(stored) == 1024
    assert np.abs(from_bytes(stored) - vector).max() < 1e-3
    matrix = stack([stored, stored])
    assert matrix.shape == (2, 512) and matrix.dtype == np.float32
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)


def test_default_embedder_is_shared_and_places_a_translation_near_its_original():
    embedder = default_embedder()
    assert default_embedder() is embedder
    english, french, unrelated = embedder.embed(
        [
            "Youth unemployment keeps rising in our city.",
            "Le chômage des jeunes continue d'augmenter dans notre ville.",
            "The harbour was destroyed by the storm.",
        ]
    )
    assert english.shape == (512,) and abs(float(np.linalg.norm(english)) - 1) < 1e-4
    assert english @ french > english @ unrelated + 0.2
    assert embedder.embed([]).shape == (0, 512)


# --- stances ---------------------------------------------------------------------------


def test_stance_counts_always_have_the_four_stances_and_count_no_position_as_none():
    counts = stances.stance_counts(["support", "amend", "support", None, "no position", "none"])
    assert counts == {"support": 2, "amend": 1, "oppose": 0, "none": 3}
    assert stances.stance_counts([]) == {"support": 0, "amend": 0, "oppose": 0, "none": 0}
    with pytest.raises(ValueError):
        stances.stance_counts(["maybe"])


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"support": 7}, 1.0),
        ({"oppose": 4, "none": 9}, 1.0),
        ({"amend": 5}, 1.0),
        ({"support": 5, "oppose": 5}, 0.0),
        ({"support": 9, "oppose": 1}, 0.64),
        ({"support": 1, "amend": 1}, 0.75),
        ({"none": 3}, None),
        ({}, None),
    ],
)
def test_agreement_is_one_for_unanimity_and_zero_for_an_even_split(counts, expected):
    assert stances.agreement(counts) == expected


def test_ranking_lists_support_and_opposition_apart_most_agreed_first_most_split_contested():
    ranking = stances.rank_paragraphs(
        [
            ("1", {"support": 10, "oppose": 0}),
            ("2", {"support": 5, "oppose": 5}),
            ("3", {"support": 9, "oppose": 1}),
            ("4", {"support": 2}),  # too few stances to say anything
            ("5", {"support": 6, "amend": 2, "oppose": 4}),
            ("6", {"oppose": 12}),
        ]
    )
    # Paragraph 6, opposed by everyone, is unanimous but not "broad agreement" with the text.
    assert ranking == {"consensus": ["1", "3"], "contested": ["2", "5"], "opposed": ["6"]}
    assert "4" in stances.rank_paragraphs([("4", {"support": 2})], minimum=2)["consensus"]


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"oppose": 12}, "opposition"),
        ({"support": 9, "oppose": 1}, "support"),
        ({"support": 4, "amend": 5, "oppose": 1}, "support_with_amendments"),
        ({"support": 5, "oppose": 5}, "contested"),
        ({"support": 2, "none": 7}, "too_few"),
        ({}, "too_few"),
    ],
)
def test_consensus_says_which_way_the_stances_go(counts, expected):
    assert stances.consensus(counts) == expected
    assert stances.agreement({"oppose": 12}) == 1.0  # alike, yet opposed


def test_too_few_answers_depends_on_the_minimum_number_of_organisations():
    assert stances.consensus({"support": 4}, minimum=5) == "too_few"
    assert stances.consensus({"support": 5}, minimum=5) == "support"


# --- amendments ------------------------------------------------------------------------

ORIGINAL = "Cities should protect public spaces for everyone."


def test_similar_edits_are_grouped_biggest_first_with_a_diff_against_the_draft():
    proposed = [
        (1, "Org A", "Cities must protect public spaces for everyone."),
        (2, "Org B", "Cities should protect public spaces and parks for everyone."),
        (3, "Org C", "Cities must always protect public spaces for everyone."),
        (4, "Org D", "Cities should protect public spaces and green parks for everyone."),
        (5, "Org E", "Cities shall protect public spaces for everyone."),
        (6, "Org F", "Cities should protect public spaces for everyone, day and night."),
    ]
    groups = amendments.group_amendments(ORIGINAL, proposed)
    assert [g.feedback_ids for g in groups] == [[1, 3, 5], [2, 4], [6]]
    assert groups[0].text == "Cities must protect public spaces for everyone."
    assert ("ins", "must") in groups[0].diff and ("del", "should") in groups[0].diff
    assert groups[1].organisations == ["Org B", "Org D"]
    shuffled = amendments.group_amendments(ORIGINAL, proposed[::-1])
    assert [sorted(g.feedback_ids) for g in shuffled] == [[1, 3, 5], [2, 4], [6]]


def test_paraphrased_edits_meet_only_through_their_embeddings():
    proposed = [
        (1, "Org A", "Cities should protect public spaces for everyone, including rural towns."),
        (2, "Org B", "Cities should protect public spaces for everyone, villages too."),
    ]
    assert len(amendments.group_amendments(ORIGINAL, proposed)) == 2
    edits = [amendments.edit_text(ORIGINAL, text) for _, _, text in proposed]
    assert edits == ["everyone, including rural towns.", "everyone, villages too."]
    close = unit(np.array([[1.0, 0.1], [1.0, 0.0]]))
    assert len(amendments.group_amendments(ORIGINAL, proposed, vectors=close)) == 1


# --- duplicates ------------------------------------------------------------------------

CAMPAIGN = (
    "As members of the Culture Counts coalition we call on the Council to ring-fence at least "
    "two per cent of local budgets for culture. In {city}, libraries and community arts "
    "centres are closing one after another."
)
OTHERS = [
    "Youth unemployment in Lyon has reached 30% and young people lack apprenticeships.",
    "Closing the digital divide means funding public Wi-Fi for rural households by 2030.",
    "Only 20% of residents in Quito trust their local institutions, says our last survey.",
    "After the floods of 2021 Porto still has no early warning system for its river banks.",
    "We propose that cities build public care systems with childcare places for single parents.",
    "Loneliness is growing in Izmir: older people living alone have nowhere to meet others.",
]


def test_a_campaign_sent_with_small_edits_is_found_and_counted():
    copies = [
        CAMPAIGN.format(city="Lyon"),
        CAMPAIGN.format(city="Dakar"),
        CAMPAIGN.format(city="Quito").replace("libraries", "librairies"),  # a typo
        CAMPAIGN.format(city="Porto") + " Artists cannot wait for another decade of cuts.",
        CAMPAIGN.format(city="Lyon").replace("budgets", "budgtes").replace("closing", "closng"),
    ]
    texts = OTHERS[:3] + copies + OTHERS[3:]
    items = [(100 + i, f"Org {i % 4}", text) for i, text in enumerate(texts)]
    found = duplicates.find_duplicates(items)
    assert len(found) == 1
    assert found[0].feedback_ids == [103, 104, 105, 106, 107]
    assert found[0].count == 5 and found[0].text in copies
    assert found[0].organisations == ["Org 0", "Org 1", "Org 2", "Org 3"]


def test_comments_quoting_the_same_paragraph_are_not_duplicates_once_the_quote_is_removed():
    paragraph = (
        "Local and regional governments should guarantee decent work and training "
        "opportunities for young people, in partnership with employers and schools."
    )
    remarks = ["We fully agree.", "Add rural areas.", "Name the unions too.", "Too vague."]
    items = [(i, f"Org {i}", f'"{paragraph}" {remark}') for i, remark in enumerate(remarks)]
    assert duplicates.find_duplicates(items)  # alike on the quote alone
    assert duplicates.find_duplicates(items, quoted_from_draft=[paragraph]) == []


def test_short_stock_phrases_are_not_a_campaign():
    items = [(i, f"Org {i}", "We agree with this paragraph.") for i in range(6)]
    assert duplicates.find_duplicates(items) == []
    assert duplicates.find_duplicates(items, min_words=3)[0].count == 6


# --- themes, labels, quotes ------------------------------------------------------------


def themed_corpus():
    """Three themes of 20 comments on axes 0, 5 and 10, in three languages."""
    vectors = blobs([0, 5, 10], 20)
    words = {
        0: {"en": "youth employment", "fr": "emploi des jeunes", "es": "empleo juvenil"},
        5: {"en": "digital divide", "fr": "fracture numérique", "es": "brecha digital"},
        10: {"en": "climate risk", "fr": "risque climatique", "es": "riesgo climático"},
    }
    texts, languages, organisations = [], [], []
    for t, axis in enumerate([0, 5, 10]):
        for i in range(20):
            language = ("en", "fr", "es")[i % 3] if axis != 10 else ("en", "fr")[i % 2]
            texts.append(f"{words[axis][language]} {['now', 'today', 'soon'][i % 3]} n{i}")
            languages.append(language)
            organisations.append(f"Org {t}-{i % 7}")
    return vectors, texts, languages, organisations


def test_themes_are_found_across_languages_with_a_label_in_each_language():
    vectors, texts, languages, organisations = themed_corpus()
    found = themes.find_themes(vectors, texts, languages, organisations, embedder=NoMeaning())
    assert sorted(sorted(t.member_indexes) for t in found) == [
        list(range(0, 20)),
        list(range(20, 40)),
        list(range(40, 60)),
    ]
    youth = next(t for t in found if 0 in t.member_indexes)
    assert youth.languages == {"en": 7, "fr": 7, "es": 6}
    # A title, capitalised, with "and" in its language rather than a list of keywords.
    assert "youth employment" in youth.label["en"].lower()
    assert "emploi des jeunes" in youth.label["fr"].lower()
    assert "empleo juvenil" in youth.label["es"].lower()
    assert youth.label["en"][0].isupper()
    climate = next(t for t in found if 40 in t.member_indexes)
    # No Spanish comment in this theme: its Spanish label borrows from the others.
    assert climate.label["es"] == climate.label["en"]
    again = themes.find_themes(vectors, texts, languages, organisations, embedder=NoMeaning())
    assert [t.member_indexes for t in again] == [t.member_indexes for t in found]


def test_a_campaign_is_collapsed_before_clustering_and_joins_the_theme_it_is_about():
    vectors, texts, languages, organisations = themed_corpus()
    near_youth = np.zeros(16)
    near_youth[[0, 1]] = [1.0, 0.6]
    copies = unit(near_youth + np.random.default_rng(9).normal(0, 0.01, (30, 16)))
    vectors = np.vstack([vectors, copies])
    texts += ["ring-fence culture budgets now"] * 30
    languages += ["en"] * 30
    organisations += [f"Campaigner {i}" for i in range(30)]
    args = (vectors, texts, languages, organisations)
    apart = themes.find_themes(*args, embedder=NoMeaning())
    assert len(apart) == 4 and set(range(60, 90)) in [set(t.member_indexes) for t in apart]
    collapsed = themes.find_themes(
        *args, duplicate_of={i: 60 for i in range(61, 90)}, embedder=NoMeaning()
    )
    assert len(collapsed) == 3
    youth = next(t for t in collapsed if 0 in t.member_indexes)
    assert set(range(60, 90)) <= set(youth.member_indexes)
    assert len(set(youth.quotes) & set(range(60, 90))) <= 1  # the campaign is quoted once at most


def test_k_can_be_imposed():
    vectors, texts, languages, organisations = themed_corpus()
    found = themes.find_themes(vectors, texts, languages, organisations, k=2, embedder=NoMeaning())
    assert len(found) == 2 and sum(len(t.member_indexes) for t in found) == 60


def test_a_title_reads_as_a_phrase_in_its_language_without_repeating_itself():
    assert labels.title(["trust needs budgets", "words", "trust"], "en") == (
        "Trust needs budgets and words"
    )
    assert labels.title(["emploi des jeunes", "stages", "mentorat"], "fr") == (
        "Emploi des jeunes, stages et mentorat"
    )
    assert labels.title(["jóvenes", "inmigrantes"], "es") == "Jóvenes e inmigrantes"
    assert labels.title(["youth", "youth employment"], "en") == "Youth employment"
    assert labels.title([], "en") == ""


def test_label_phrases_never_run_through_a_verb():
    found = labels.phrases(
        "La confiance reviendra avec les budgets participatifs", labels.stop_words("fr")
    )
    assert "confiance reviendra" not in found and "budgets participatifs" in found


def test_label_phrases_keep_their_connectors_but_never_end_on_one():
    phrases = labels.phrases(
        "L'emploi des jeunes et la fracture numérique", labels.stop_words("fr")
    )
    assert "emploi des jeunes" in phrases and "fracture numérique" in phrases
    assert not any(p.split()[-1] in {"des", "et", "la"} for p in phrases)


def test_quotes_are_central_from_different_organisations_and_never_the_same_text_twice():
    vectors = unit(
        np.array(
            [
                [1.0, 0.00, 0.00],  # 0: the centre, Org A
                [1.0, 0.00, 0.01],  # 1: a near-copy of 0, Org B
                [1.0, 0.05, 0.00],  # 2: central too, but Org A again
                [1.0, 0.60, 0.20],  # 3: Org C
                [1.0, -0.6, 0.00],  # 4: Org D, a copy of 3 per duplicate_of
                [1.0, 0.00, -0.6],  # 5: Org E
            ]
        )
    )
    organisations = ["Org A", "Org B", "Org A", "Org C", "Org D", "Org E"]
    chosen = quotes.representative(
        list(range(6)), vectors, n=3, organisations=organisations, duplicate_of={4: 3}
    )
    assert chosen[0] in (0, 1, 2)
    assert not {0, 1} <= set(chosen)  # near-duplicates
    assert not {3, 4} <= set(chosen)  # one campaign, quoted once
    assert len({organisations[i] for i in chosen}) == 3
    assert quotes.representative([], vectors) == []
