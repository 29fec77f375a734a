"""Utilities shared across skgenre: multilabel targets, probabilities, missing cells,
the per-item feature cache, progress bars, torch devices and the ``on_error`` vocabulary.

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
from ._device import PortableBackboneMixin, module_device
from ._home import get_cache_home
from ._genres import align_genres
from ._missing import is_missing
from ._multilabel import check_multilabel_target, multilabel_classes, positive_proba
from ._parallel import parallel_backend_for
from ._on_error import ON_ERROR, check_on_error
from ._progress import progress

__all__ = [
    "ON_ERROR",
    "CacheWriteWarning",
    "FeatureCache",
    "align_genres",
    "PortableBackboneMixin",
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
]

# Names that moved up to other subpackages, imported only when asked for (aliases kept
# for code written against skgenre 0.1).
_MOVED = {"MultilabelClassifierMixin": "skgenre.multioutput"}


def __getattr__(name):
    if name in _MOVED:
        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module 'skgenre.utils' has no attribute {name!r}")
