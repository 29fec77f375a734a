"""Stacking the modalities: MovieGenreStacker and its final estimators."""

from ._defaults import default_estimators
from ._final import ConstantGenreWarning, PerGenreClassifier, make_final_estimator
from ._stacking import MovieGenreStacker, UnusedColumnsWarning

__all__ = [
    "ConstantGenreWarning",
    "MovieGenreStacker",
    "PerGenreClassifier",
    "UnusedColumnsWarning",
    "default_estimators",
    "make_final_estimator",
]
