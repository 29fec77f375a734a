"""Multilabel meta-estimators and the mixin every genre classifier builds on: one
classifier per genre, averaged genre probabilities, natively multi-output models."""

from ._average import GenreProbabilityAverage
from ._mixin import MultilabelClassifierMixin
from ._native import MultilabelProbaClassifier
from ._per_genre import ConstantGenreWarning, PerGenreClassifier

__all__ = [
    "ConstantGenreWarning",
    "GenreProbabilityAverage",
    "MultilabelClassifierMixin",
    "MultilabelProbaClassifier",
    "PerGenreClassifier",
]
