"""Themes on comments as people write them (bench/theme_corpus.py), beside references.

For each corpus: the adjusted Rand index of the themes against the planted ones (each
comment's main theme), beside, computed in the same run with the same encoder:
- today's method before this one: k-means (k by silhouette) on whole-comment vectors;
- boilerplate removed (by the truth), then k-means at the true number of themes;
- the main sentence alone, k-means at the true number of themes (what the encoder can do).
With `spans`, theme finding takes each sentence of a multi-sentence comment from its
comment's pass (`embed_with_spans`, as the vector batches store them); the references keep
the sentences' own vectors.
Then theme finding at 100,000 comments, boilerplate recognition included, timed on proxy
vectors (each sentence takes the real vector of a sentence with the same role, theme and
language, plus noise).
"""

from __future__ import annotations

import time
from collections import defaultdict

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from app.services.synthesis import boilerplate, quotes, sentence_themes, themes
from app.services.synthesis.embedding import default_embedder
from bench.theme_corpus import Corpus, Shape, generate

CASES = [
    ("one sentence, no boilerplate", Shape()),
    ("one sentence, boilerplate 20%", Shape(boilerplate=0.2)),
    ("one sentence, boilerplate 50%, draft quoted 10%", Shape(boilerplate=0.5, quotes=0.1)),
    ("one sentence, boilerplate 90%", Shape(boilerplate=0.9)),
    ("one sentence, boilerplate 60%, asides 1/3", Shape(boilerplate=0.6, asides=1 / 3)),
    ("short 5-10 words, boilerplate 50%", Shape(boilerplate=0.5, short=True)),
    ("short 5-10 words, boilerplate 50%, asides 1/3",
     Shape(boilerplate=0.5, short=True, asides=1 / 3)),
    ("'care' only in French, boilerplate 60%, asides 1/3",
     Shape(boilerplate=0.6, asides=1 / 3, only_french="care")),
]  # fmt: skip


class CachedEmbedder:
    """The project's encoder, each distinct text embedded once for the whole run."""

    def __init__(self) -> None:
        self.inner = default_embedder()
        self.name = getattr(self.inner, "name", "")
        self.cache: dict[str, np.ndarray] = {}
        self.spans: dict[str, np.ndarray] = {}
        self.seconds = 0.0

    def embed(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache and t not in self.spans]
        if missing:
            started = time.perf_counter()
            for text, vector in zip(missing, self.inner.embed(missing), strict=True):
                self.cache[text] = vector
            self.seconds += time.perf_counter() - started
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return np.stack([self.spans.get(t, self.cache.get(t)) for t in texts])

    def take_spans(self, texts: list[str]) -> None:
        """Until `drop_spans`, sentences of these comments get the vector of their span in the
        comment's pass (the first comment's), as the vector batches store them; a sentence
        that is a whole comment keeps its own."""
        comments = list(dict.fromkeys(texts))
        parts = [boilerplate.split_sentences(text) for text in comments]
        _, rows, found = self.inner.embed_with_spans(comments, parts)
        whole = set(comments)
        sentences = [s for sentences in parts for s in sentences]
        for sentence, row, located in zip(sentences, rows, found, strict=True):
            if located and sentence not in whole:
                self.spans.setdefault(sentence, row)

    def drop_spans(self) -> None:
        self.spans = {}


def ours(
    corpus: Corpus, embedder, k: int | None = None, spans: bool = False
) -> tuple[np.ndarray, object, float]:
    """Each comment's main theme by the synthesis' method; the finding; seconds."""
    comments = corpus.comments
    texts = [c.text for c in comments]
    if spans:
        embedder.take_spans(texts)
    started = time.perf_counter()
    substance = boilerplate.find_substance(
        texts, [c.organisation for c in comments], corpus.drafts, embedder.embed
    )
    found = sentence_themes.find_sentence_themes(
        substance,
        len(comments),
        texts,
        [c.language for c in comments],
        [c.organisation for c in comments],
        k=k,
        embedder=embedder,
    )
    seconds = time.perf_counter() - started
    embedder.drop_spans()
    return found.theme_of, (found, substance), seconds


def kmeans_ari(vectors: np.ndarray, truth: list[int], k: int) -> float:
    found = KMeans(n_clusters=k, n_init=3, random_state=0).fit_predict(vectors)
    return adjusted_rand_score(truth, found)


def case(
    name: str, shape: Shape, n: int, seed: int, embedder, spans: bool = False
) -> dict[str, float]:
    corpus = generate(shape, n, seed=seed)
    comments = corpus.comments
    truth = [c.theme for c in comments]
    k = len(set(truth))
    theme_of, (found, substance), seconds = ours(corpus, embedder, spans=spans)
    ari = adjusted_rand_score(truth, theme_of)
    whole = embedder.embed([c.text for c in comments])
    before = themes.find_themes(
        whole,
        [c.text for c in comments],
        [c.language for c in comments],
        [c.organisation for c in comments],
        embedder=embedder,
    )
    assigned = np.zeros(len(comments), dtype=int)
    for t, theme in enumerate(before):
        assigned[theme.member_indexes] = t
    previous = adjusted_rand_score(truth, assigned)
    cleaned = kmeans_ari(embedder.embed([c.substance for c in comments]), truth, k)
    main = kmeans_ari(embedder.embed([c.main for c in comments]), truth, k)
    asides = [i for i, c in enumerate(comments) if c.aside_theme is not None]
    also = {i: t for t, theme in enumerate(found.themes) for i in theme.also_indexes}
    # An aside found: the comment's second theme holds mostly comments of the aside's theme.
    majority = [
        np.bincount([truth[i] for i in theme.member_indexes], minlength=k).argmax()
        if theme.member_indexes
        else -1
        for theme in found.themes
    ]
    caught = sum(1 for i in asides if i in also and majority[also[i]] == comments[i].aside_theme)
    aside_note = f", asides linked {caught}/{len(asides)}" if asides else ""
    print(
        f"  {name:<52} ARI {ari:.3f} (k={len(found.themes)}, {found.merged} merged)"
        f" | whole comments, k by silhouette {previous:.3f} (k={len(before)})"
        f" | boilerplate removed, k-means k={k} {cleaned:.3f}"
        f" | main sentence alone, k={k} {main:.3f}"
    )
    print(
        f"  {'':<52} {substance.boilerplate_count} boilerplate sentences left out "
        f"({len(substance.boilerplate)} distinct){aside_note}, {seconds:.1f} s"
    )
    return {"ours": ari, "main": main, "cleaned": cleaned, "previous": previous}


def planted(n: int, seed: int, embedder, spans: bool = False) -> dict[str, float]:
    """The planted corpus of corpus.py (two or three sentences per comment, a campaign)."""
    from bench.corpus import campaign_groups, copies_of, drafts
    from bench.corpus import generate as generate_planted

    corpus = generate_planted(n, seed=seed)
    groups = campaign_groups(corpus)
    duplicate_of = copies_of(groups)
    texts = [i.comment for i in corpus.items]
    orgs = [i.organisation for i in corpus.items]
    languages = [i.language for i in corpus.items]
    roots = [i for i in range(len(texts)) if quotes.root_of(i, duplicate_of) == i]
    if spans:
        embedder.take_spans(texts)
    started = time.perf_counter()
    substance = boilerplate.find_substance(texts, orgs, drafts(corpus), embedder.embed, roots)
    found = sentence_themes.find_sentence_themes(
        substance, len(texts), texts, languages, orgs, duplicate_of=duplicate_of,
        embedder=embedder,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    embedder.drop_spans()
    truth = [i.theme for i in corpus.items]
    whole = embedder.embed(texts)
    before = themes.find_themes(whole, texts, languages, orgs, duplicate_of=duplicate_of,
                                embedder=embedder)  # fmt: skip
    assigned = np.zeros(len(texts), dtype=int)
    for t, theme in enumerate(before):
        assigned[theme.member_indexes] = t
    ari, previous = adjusted_rand_score(truth, found.theme_of), adjusted_rand_score(truth, assigned)
    name = "planted corpus, 2-3 sentences, campaign"
    print(
        f"  {name:<52} ARI {ari:.3f} (k={len(found.themes)}, {found.merged} merged)"
        f" | whole comments, k by silhouette {previous:.3f} (k={len(before)}), {seconds:.1f} s"
    )
    return {f"themes '{name}' ARI / 0.95 (easy)": 0.95 * ari / 0.95}


def all_cases(n: int, seeds: list[int], spans: bool = False) -> dict[str, float]:
    """Every corpus of CASES for each seed; the gate scores (worst over seeds)."""
    embedder = CachedEmbedder()
    scores: dict[str, float] = {}
    for seed in seeds:
        print(f"themes on comments as people write them: {n:,} comments per corpus, seed {seed}")
        for gate, value in planted(n, seed, embedder, spans).items():
            scores[gate] = min(value, scores.get(gate, 1.0))
        for name, shape in CASES:
            got = case(name, shape, n, seed, embedder, spans)
            # Targets: 0.5 where the main sentence alone reaches 0.6; no loss where it is easy.
            # Scores are ours over the target, times 0.95 (the gate synthesis_quality applies).
            if got["main"] >= 0.9:
                gate = f"themes '{name}' ARI / 0.95 (easy)"
                scores[gate] = min(0.95 * got["ours"] / 0.95, scores.get(gate, 1.0))
            elif got["main"] >= 0.6:
                gate = f"themes '{name}' ARI / 0.5 (main sentence alone >= 0.6)"
                scores[gate] = min(0.95 * got["ours"] / 0.5, scores.get(gate, 1.0))
    print(f"  (embedding {len(embedder.cache):,} distinct texts took {embedder.seconds:.0f} s)")
    return scores


def speed(size: int, seed: int, sample: int = 2_000) -> None:
    """Theme finding of `size` comments, boilerplate recognition included, on proxy vectors."""
    shape = Shape(boilerplate=0.6, asides=1 / 3, quotes=0.1)
    real = generate(shape, sample, seed=seed)
    corpus = generate(shape, size, seed=seed + 1)
    embedder = CachedEmbedder()
    known = list(real.roles)
    vectors = embedder.embed(known)
    pools: dict[tuple, list[int]] = defaultdict(list)
    for i, sentence in enumerate(known):
        pools[real.roles[sentence]].append(i)
    rng = np.random.default_rng(seed)

    def proxy(sentences: list[str]) -> np.ndarray:
        """A real vector of a sentence with the same role and theme (courtesy: itself)."""
        out = np.empty((len(sentences), vectors.shape[1]), dtype=np.float32)
        fresh = []
        for row, sentence in enumerate(sentences):
            role = corpus.roles.get(sentence)
            if role is None:  # courtesy and quote frames: few, embedded for real
                fresh.append(row)
            else:
                out[row] = vectors[rng.choice(pools[role])]
        if fresh:
            out[fresh] = embedder.embed([sentences[r] for r in fresh])
        out[: len(sentences)] += 0.02 * rng.standard_normal(out.shape, dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    spent = [0.0, 0.0]  # wall and CPU seconds in the stand-in for reading stored vectors

    def timed_proxy(sentences: list[str]) -> np.ndarray:
        started, cpu = time.perf_counter(), time.process_time()
        out = proxy(sentences)
        spent[0] += time.perf_counter() - started
        spent[1] += time.process_time() - cpu
        return out

    texts = [c.text for c in corpus.comments]
    orgs = [c.organisation for c in corpus.comments]
    # Wall and CPU seconds: the machine is shared, and CPU time is what the load does not
    # stretch (theme finding runs on one thread).
    started, cpu = time.perf_counter(), time.process_time()
    substance = boilerplate.find_substance(texts, orgs, corpus.drafts, timed_proxy)
    took_substance = time.perf_counter() - started
    cpu_substance = time.process_time() - cpu
    embedding = spent[0]  # the stand-in for reading stored vectors: not theme finding
    started, cpu = time.perf_counter(), time.process_time()
    found = sentence_themes.find_sentence_themes(
        substance, len(texts), texts, [c.language for c in corpus.comments], orgs,
        embedder=embedder,
    )  # fmt: skip
    took_themes = time.perf_counter() - started
    cpu_themes = time.process_time() - cpu
    truth = [c.theme for c in corpus.comments]
    ari = adjusted_rand_score(truth, found.theme_of)
    started, cpu = time.perf_counter(), time.process_time()
    with threadpool_limits(1):
        KMeans(n_clusters=8, n_init=1, random_state=0).fit(substance.vectors)
    baseline, cpu_baseline = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{size:>8,}  theme finding {took_substance + took_themes - embedding:6.1f} s "
        f"(sentences and boilerplate {took_substance - embedding:.1f} s, clustering, labels "
        f"and quotes {took_themes:.1f} s; {len(substance.sentences):,} substantive sentences, "
        f"k={len(found.themes)}, ARI {ari:.3f} on proxies) | KMeans k=8 on the same sentences: "
        f"{baseline:.1f} s"
    )
    print(
        f"{size:>8,}  CPU seconds: theme finding "
        f"{cpu_substance + cpu_themes - spent[1]:.1f} (sentences and boilerplate "
        f"{cpu_substance - spent[1]:.1f}, clustering, labels and quotes {cpu_themes:.1f}) | "
        f"KMeans k=8: {cpu_baseline:.1f}"
    )
