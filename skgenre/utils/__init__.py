"""Utilities shared across skgenre: multilabel targets, probabilities, missing cells."""

from ._genres import align_genres
from ._missing import is_missing
from ._multilabel import (
    MultilabelClassifierMixin,
    check_multilabel_target,
    multilabel_classes,
    positive_proba,
)

__all__ = [
    "align_genres",
    "MultilabelClassifierMixin",
    "check_multilabel_target",
    "is_missing",
    "multilabel_classes",
    "positive_proba",
]
