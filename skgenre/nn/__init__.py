"""The skorch multilabel net and the MLP head that every modality trains."""

from ._mlp import GenreMLP, MLPModule
from ._net import MultilabelNet, MultilabelValidSplit, balanced_pos_weight

__all__ = ["GenreMLP", "MLPModule", "MultilabelNet", "MultilabelValidSplit", "balanced_pos_weight"]
