"""Utilities shared across skgenre: multilabel targets, probabilities, missing cells."""

from ._missing import is_missing
from ._multilabel import (
    MultilabelClassifierMixin,
    check_multilabel_target,
    multilabel_classes,
    positive_proba,
)
from ._parallel import parallel_backend_for

__all__ = [
    "MultilabelClassifierMixin",
    "check_multilabel_target",
    "is_missing",
    "multilabel_classes",
    "parallel_backend_for",
    "positive_proba",
]
