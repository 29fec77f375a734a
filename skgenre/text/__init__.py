"""Plot texts: word vectors (GloVe, word2vec), GloVeVectorizer, SentenceEmbedder, plot models."""

from ._glove import EMBEDDED_VECTORS, DamagedCacheWarning, WordVectors, load_word_vectors
from ._models import (
    TEXT_MODEL_KINDS,
    GenreProbabilityAverage,
    make_text_model,
)
from ._sentence import (
    PACKAGED_SENTENCE_MODELS,
    SentenceEmbedder,
    SentenceModelError,
    sentence_model_path,
)
from ._vectorizer import GloVeVectorizer, LowCoverageWarning, PlotTfidfVectorizer

__all__ = [
    "DamagedCacheWarning",
    "EMBEDDED_VECTORS",
    "GloVeVectorizer",
    "LowCoverageWarning",
    "PACKAGED_SENTENCE_MODELS",
    "SentenceEmbedder",
    "SentenceModelError",
    "PlotTfidfVectorizer",
    "TEXT_MODEL_KINDS",
    "WordVectors",
    "load_word_vectors",
    "make_text_model",
    "sentence_model_path",
]

# GenreProbabilityAverage moved to skgenre.multioutput; importable here as before.
