"""Stacking the modalities: MovieGenreStacker and its final estimators."""

from ._defaults import default_estimators
from ._final import (  # noqa: F401 (ConstantGenreWarning, PerGenreClassifier: old home)
    ConstantGenreWarning,
    LogitFusionClassifier,
    PerGenreClassifier,
    make_final_estimator,
)
from ._presets import DEFAULT_PRESET, PRESETS, preset_kind
from ._stacking import (
    MissingModalityWarning,
    MovieGenreStacker,
    NoModalityWarning,
    UnusedColumnsWarning,
)
from ._subsets import SubsetFusionClassifier

__all__ = [
    "DEFAULT_PRESET",
    "LogitFusionClassifier",
    "MissingModalityWarning",
    "MovieGenreStacker",
    "NoModalityWarning",
    "PRESETS",
    "SubsetFusionClassifier",
    "UnusedColumnsWarning",
    "default_estimators",
    "make_final_estimator",
    "preset_kind",
]

# PerGenreClassifier and ConstantGenreWarning live in skgenre.multioutput; importable
# here as before.
