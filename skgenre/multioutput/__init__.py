"""Multilabel meta-estimators and the mixin every genre classifier builds on: one
classifier per genre, averaged genre probabilities."""

from ._average import GenreProbabilityAverage
from ._mixin import MultilabelClassifierMixin
from ._per_genre import ConstantGenreWarning, PerGenreClassifier

__all__ = [
    "ConstantGenreWarning",
    "GenreProbabilityAverage",
    "MultilabelClassifierMixin",
    "PerGenreClassifier",
]
