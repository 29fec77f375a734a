"""The one net base, the skorch multilabel net and the MLP head every modality trains."""

from ._base import BaseGenreNet
from ._mlp import GenreMLP, MLPModule
from ._net import MultilabelNet, MultilabelValidSplit, balanced_pos_weight

__all__ = [
    "BaseGenreNet",
    "GenreMLP",
    "MLPModule",
    "MultilabelNet",
    "MultilabelValidSplit",
    "balanced_pos_weight",
]
