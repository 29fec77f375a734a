"""Utilities shared across skgenre: multilabel targets, probabilities, missing cells,
the per-item feature cache, progress bars, torch devices, the ``on_error`` vocabulary
and the one shape of the model factories (:func:`build_model`, :func:`route_params`).

The bottom layer: importing it imports nothing else of skgenre.
"""

import importlib

from ._cache import (
    CacheWriteWarning,
    FeatureCache,
    cache_location,
    cache_usage,
    clear_cache_home,
    file_key,
)
from ._device import module_device
from ._errors import InputError
from ._genres import RowAlignmentWarning, align_genres, align_rows
from ._home import get_cache_home
from ._missing import is_missing
from ._multilabel import check_multilabel_target, multilabel_classes, positive_proba
from ._on_error import ON_ERROR, MediaReadError, check_on_error
from ._parallel import parallel_backend_for
from ._params import build_model, route_params
from ._progress import progress

__all__ = [
    "ON_ERROR",
    "CacheWriteWarning",
    "FeatureCache",
    "InputError",
    "MediaReadError",
    "RowAlignmentWarning",
    "align_genres",
    "align_rows",
    "build_model",
    "cache_location",
    "cache_usage",
    "clear_cache_home",
    "check_multilabel_target",
    "check_on_error",
    "file_key",
    "get_cache_home",
    "is_missing",
    "module_device",
    "multilabel_classes",
    "parallel_backend_for",
    "positive_proba",
    "progress",
    "route_params",
]

# Names that moved up to other subpackages, imported only when asked for (aliases kept
# for code written against skgenre 0.1).
_MOVED = {"MultilabelClassifierMixin": "skgenre.multioutput"}


def __getattr__(name):
    if name in _MOVED:
        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module 'skgenre.utils' has no attribute {name!r}")
