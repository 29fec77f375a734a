"""Stacking the modalities: MovieGenreStacker and its final estimators."""

from ._defaults import default_estimators
from ._final import (  # noqa: F401 (ConstantGenreWarning, PerGenreClassifier: old home)
    ConstantGenreWarning,
    LogitFusionClassifier,
    PerGenreClassifier,
    make_final_estimator,
)
from ._presets import PRESETS, preset_kind
from ._stacking import MovieGenreStacker, UnusedColumnsWarning

__all__ = [
    "LogitFusionClassifier",
    "MovieGenreStacker",
    "PRESETS",
    "UnusedColumnsWarning",
    "default_estimators",
    "make_final_estimator",
    "preset_kind",
]

# PerGenreClassifier and ConstantGenreWarning live in skgenre.multioutput; importable
# here as before.
