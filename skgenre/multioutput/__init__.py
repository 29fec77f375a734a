"""Multilabel meta-estimators and the mixin every genre classifier builds on."""

from ._mixin import MultilabelClassifierMixin

__all__ = ["MultilabelClassifierMixin"]
