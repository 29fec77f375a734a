"""Utilities shared across skgenre: multilabel targets, probabilities, missing cells.

The bottom layer: importing it imports nothing else of skgenre.
"""

import importlib

from ._missing import is_missing
from ._multilabel import check_multilabel_target, multilabel_classes, positive_proba

__all__ = [
    "check_multilabel_target",
    "is_missing",
    "multilabel_classes",
    "positive_proba",
]

# Names that moved up to other subpackages, imported only when asked for (aliases kept
# for code written against skgenre 0.1).
_MOVED = {"MultilabelClassifierMixin": "skgenre.multioutput"}


def __getattr__(name):
    if name in _MOVED:
        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module 'skgenre.utils' has no attribute {name!r}")
