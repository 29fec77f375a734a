"""Multilabel meta-estimators: one classifier per genre, averaged genre probabilities."""

from ._average import GenreProbabilityAverage
from ._per_genre import ConstantGenreWarning, PerGenreClassifier

__all__ = [
    "ConstantGenreWarning",
    "GenreProbabilityAverage",
    "PerGenreClassifier",
]
