"""Themes from substantive sentences: a comment's main theme, its aside, quotes that carry it."""

import numpy as np
from scipy import sparse

from app.services.synthesis import sentence_themes, themes
from app.services.synthesis.boilerplate import Substance
from tests.synthesis.test_synthesis_methods import NoMeaning, blobs

WORDS = {0: "youth employment", 5: "digital divide", 10: "climate risk"}


def corpus(asides: dict[int, int]):
    """30 comments, ten per theme (axes 0, 5, 10), each one long sentence; the comments in
    `asides` add a short sentence on another theme (comment → its axis)."""
    main = blobs([0, 5, 10], 10, seed=4)
    extra = blobs([0, 5, 10], 10, seed=5)  # other sentences of the same themes
    sentences, owner, words, rows = [], [], [], []
    for comment in range(30):
        axis = (0, 5, 10)[comment // 10]
        sentences.append(f"About {WORDS[axis]} we have a long point to make, n{comment}.")
        owner.append(comment)
        words.append(12)
        rows.append(main[comment])
        if comment in asides:
            other = asides[comment]
            sentences.append(f"Also {WORDS[other]} here.")
            owner.append(comment)
            words.append(4)
            rows.append(extra[(0, 5, 10).index(other) * 10 + comment % 10])
    substance = Substance(sentences, np.array(owner), np.array(words), np.vstack(rows))
    texts = [
        " ".join(s for s, o in zip(sentences, owner, strict=True) if o == c) for c in range(30)
    ]
    return substance, texts


def find(substance, texts, **kwargs):
    return sentence_themes.find_sentence_themes(
        substance,
        len(texts),
        texts,
        ["en"] * len(texts),
        [f"Org {i % 9}" for i in range(len(texts))],
        embedder=NoMeaning(),
        **kwargs,
    )


def test_a_short_aside_does_not_move_a_comment_but_links_it_to_a_second_theme():
    asides = {1: 5, 2: 10, 12: 0, 25: 0}
    found = find(*corpus(asides))
    assert len(found.themes) == 3
    theme_of_axis = {axis: found.theme_of[axis // 5 * 10] for axis in (0, 5, 10)}
    for comment in range(30):  # every comment in the theme of its long sentence
        assert found.theme_of[comment] == theme_of_axis[(0, 5, 10)[comment // 10]]
    for comment, axis in asides.items():
        assert comment in found.themes[theme_of_axis[axis]].also_indexes
    assert sum(len(t.also_indexes) for t in found.themes) == len(asides)


def test_quotes_show_the_sentence_that_carries_the_theme_never_an_aside():
    found = find(*corpus({1: 5, 2: 10}))
    for theme in found.themes:
        assert theme.quote_sentences and all("long point" in s for s in theme.quote_sentences)
        assert len(set(theme.quotes)) == len(theme.quotes)  # one quote per comment


def test_a_comment_with_nothing_but_boilerplate_is_in_no_theme():
    substance, texts = corpus({})
    found = find(substance, texts + ["We welcome this paragraph."])
    assert found.theme_of[30] == -1
    assert all(30 not in t.member_indexes for t in found.themes)


def test_a_copy_of_a_campaign_follows_the_text_it_copies():
    substance, texts = corpus({})
    found = find(substance, texts + [texts[3]], duplicate_of={30: 3})
    assert found.theme_of[30] == found.theme_of[3]


def test_clusters_whose_comments_mostly_speak_of_both_are_merged_and_counted():
    # Comments 0-9 speak of clusters 0 and 1 (one subject found twice); 10-19 of cluster 2,
    # and three of them of cluster 0 as well: not most of either.
    touched = np.zeros((20, 3))
    touched[:10, 0] = touched[:10, 1] = 1
    touched[10:, 2] = 1
    touched[10:13, 0] = 1
    group, merged = sentence_themes.merge_overlapping(sparse.csr_matrix(touched), True)
    assert merged == 1 and group[0] == group[1] != group[2]
    _, none = sentence_themes.merge_overlapping(sparse.csr_matrix(touched), False)
    assert none == 0  # a number of themes staff imposed is kept


def test_the_number_of_themes_is_the_smallest_whose_silhouette_is_within_the_tolerance():
    # Two pairs of close subjects: four clusters score best, two almost as well.
    points = blobs([0, 1, 8, 9], 40, spread=0.15, seed=6)
    points[40:80] = points[:40] * 0.3 + points[40:80] * 0.7
    points[120:] = points[80:120] * 0.3 + points[120:] * 0.7
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    best = themes.sample_centroids(points, None, seed=0, most=6)
    near = themes.sample_centroids(points, None, seed=0, most=6, tolerance=0.5)
    assert len(best) > len(near) == 2
