"""Stacking the modalities: MovieGenreStacker and its final estimators."""

from ._defaults import default_estimators
from ._final import (
    ConstantGenreWarning,
    LogitFusionClassifier,
    PerGenreClassifier,
    make_final_estimator,
)
from ._stacking import MovieGenreStacker, UnusedColumnsWarning

__all__ = [
    "ConstantGenreWarning",
    "LogitFusionClassifier",
    "MovieGenreStacker",
    "PerGenreClassifier",
    "UnusedColumnsWarning",
    "default_estimators",
    "make_final_estimator",
]
