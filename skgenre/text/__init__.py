"""Plot texts: word vectors (GloVe, word2vec), GloVeVectorizer and the plot models."""

from ._glove import EMBEDDED_VECTORS, DamagedCacheWarning, WordVectors, load_word_vectors
from ._models import (
    TEXT_MODEL_KINDS,
    GenreProbabilityAverage,
    make_text_model,
)
from ._vectorizer import GloVeVectorizer, LowCoverageWarning, PlotTfidfVectorizer

__all__ = [
    "DamagedCacheWarning",
    "EMBEDDED_VECTORS",
    "GenreProbabilityAverage",
    "GloVeVectorizer",
    "LowCoverageWarning",
    "PlotTfidfVectorizer",
    "TEXT_MODEL_KINDS",
    "WordVectors",
    "load_word_vectors",
    "make_text_model",
]
