"""Multilabel-stratified cross-validation and train/test splitting."""

from . import _split
from ._split import (
    MultilabelStratifiedKFold,
    MultilabelStratifiedShuffleSplit,
    RepeatedMultilabelStratifiedKFold,
    check_multilabel_cv,
    multilabel_train_test_split,
)

__all__ = list(_split.__all__)
