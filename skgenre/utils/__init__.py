"""Utilities shared across skgenre: multilabel targets, probabilities, missing cells,
the per-item feature cache, progress bars, torch devices and the ``on_error`` vocabulary."""

from ._cache import FeatureCache, cache_location, file_key
from ._device import PortableBackboneMixin, module_device
from ._genres import align_genres
from ._missing import is_missing
from ._multilabel import (
    MultilabelClassifierMixin,
    check_multilabel_target,
    multilabel_classes,
    positive_proba,
)
from ._on_error import ON_ERROR, check_on_error
from ._progress import progress

__all__ = [
    "ON_ERROR",
    "FeatureCache",
    "align_genres",
    "MultilabelClassifierMixin",
    "PortableBackboneMixin",
    "cache_location",
    "check_multilabel_target",
    "check_on_error",
    "file_key",
    "is_missing",
    "module_device",
    "multilabel_classes",
    "positive_proba",
    "progress",
]
