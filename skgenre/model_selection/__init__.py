"""Multilabel-stratified cross-validation and train/test splitting."""

from ._split import (
    MultilabelStratifiedKFold,
    MultilabelStratifiedShuffleSplit,
    RepeatedMultilabelStratifiedKFold,
    check_multilabel_cv,
    multilabel_train_test_split,
)

__all__ = [
    "MultilabelStratifiedKFold",
    "MultilabelStratifiedShuffleSplit",
    "RepeatedMultilabelStratifiedKFold",
    "check_multilabel_cv",
    "multilabel_train_test_split",
]
