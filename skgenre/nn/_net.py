"""A skorch net for multilabel genres: BCE on logits, sigmoid probabilities.

skorch ships binary and multiclass classifiers only: its ``predict_proba`` is (n, 2, k)
for multilabel outputs and its stratified validation split fails on a 2-D ``y``. This
net fixes both and is what every trainable part of skgenre (MLP heads, the poster CNN,
the trailer 3D CNN) builds on.
"""

import numpy as np
import torch
from skorch import NeuralNet
from torch.utils.data import Subset

from ..model_selection import MultilabelStratifiedShuffleSplit
from ..utils import MultilabelClassifierMixin, multilabel_classes

__all__ = ["MultilabelNet", "MultilabelValidSplit", "balanced_pos_weight"]


def balanced_pos_weight(Y):
    """Per-genre BCE positive weight: negatives / positives (1 for a genre never seen).

    Examples
    --------
    >>> import numpy as np
    >>> from skgenre.nn import balanced_pos_weight
    >>> balanced_pos_weight(np.array([[1, 0], [0, 0], [0, 0], [1, 0]]))
    array([1., 1.], dtype=float32)
    """
    Y = np.asarray(Y)
    pos = Y.sum(axis=0).astype(np.float64)
    neg = Y.shape[0] - pos
    weight = np.where(pos > 0, neg / np.maximum(pos, 1), 1.0)
    return np.maximum(weight, 1e-3).astype(np.float32)


def resolve_pos_weight(pos_weight, Y):
    """An estimator's ``pos_weight`` parameter as one float32 weight per genre.

    ``True``: :func:`balanced_pos_weight` of ``Y``; ``False``: ones; an array-like: checked
    to hold one weight per genre.
    """
    if isinstance(pos_weight, (bool, np.bool_)):
        return balanced_pos_weight(Y) if pos_weight else np.ones(Y.shape[1], dtype=np.float32)
    weight = np.asarray(pos_weight, dtype=np.float32)
    if weight.shape != (Y.shape[1],):
        raise ValueError(
            f"pos_weight has shape {weight.shape}; expected ({Y.shape[1]},), one per genre."
        )
    return weight


class MultilabelValidSplit:
    """skorch ``train_split`` holding out a multilabel-stratified validation fraction.

    Parameters
    ----------
    valid_size : float, default=0.1
        Fraction of the training movies used for early stopping.
    random_state : int or None, default=None
    """

    def __init__(self, valid_size=0.1, random_state=None):
        self.valid_size = valid_size
        self.random_state = random_state

    def __call__(self, dataset, y=None, groups=None):
        if y is None:
            raise ValueError("MultilabelValidSplit needs y to stratify on.")
        Y = np.asarray(y.cpu() if torch.is_tensor(y) else y)
        splitter = MultilabelStratifiedShuffleSplit(
            n_splits=1, test_size=self.valid_size, random_state=self.random_state
        )
        train, valid = next(splitter.split(np.zeros((len(Y), 1)), Y))
        return Subset(dataset, train), Subset(dataset, valid)

    def __repr__(self):
        return f"MultilabelValidSplit(valid_size={self.valid_size}, random_state={self.random_state})"


class MultilabelNet(MultilabelClassifierMixin, NeuralNet):
    """skorch ``NeuralNet`` whose module outputs one logit per genre.

    The loss is ``BCEWithLogitsLoss`` (pass ``criterion__pos_weight`` for the study's
    per-genre weighting), targets are cast to float, ``predict_proba`` returns
    (n, n_genres) sigmoid probabilities of presence and ``predict`` thresholds them.

    Parameters
    ----------
    module : torch.nn.Module class or instance
        Must return logits of shape (batch, n_genres).
    threshold : float, default=0.5
        Decision threshold of ``predict``.
    correct_pos_weight : bool, default=False
        Subtract ``log(pos_weight)`` of the criterion from the logits in
        ``predict_proba`` (see :class:`GenreMLP`).
    **kwargs
        Any :class:`skorch.NeuralNet` parameter. ``criterion`` defaults to
        ``BCEWithLogitsLoss`` and ``train_split`` to a 10 % multilabel-stratified split.
    """

    def __init__(
        self,
        module,
        *args,
        criterion=torch.nn.BCEWithLogitsLoss,
        train_split=MultilabelValidSplit(0.1),
        threshold=0.5,
        correct_pos_weight=False,
        **kwargs,
    ):
        super().__init__(module, *args, criterion=criterion, train_split=train_split, **kwargs)
        self.threshold = threshold
        self.correct_pos_weight = correct_pos_weight

    def get_loss(self, y_pred, y_true, X=None, training=False):
        y_true = y_true.to(device=y_pred.device, dtype=y_pred.dtype)
        return super().get_loss(y_pred, y_true, X=X, training=training)

    def fit(self, X, y=None, **fit_params):
        if y is not None:
            self.classes_ = multilabel_classes(np.shape(y)[1])
        return super().fit(X, y, **fit_params)

    def predict_proba(self, X):
        """Probabilities of presence, shape (n, n_genres)."""
        offset = None
        pos_weight = getattr(self.criterion_, "pos_weight", None)
        if self.correct_pos_weight and pos_weight is not None:
            offset = torch.log(pos_weight)
        chunks = []
        for logits in self.forward_iter(X, training=False):
            logits = logits[0] if isinstance(logits, tuple) else logits
            if offset is not None:
                logits = logits - offset.to(logits.device)
            chunks.append(torch.sigmoid(logits).cpu().numpy())
        return np.concatenate(chunks).astype(np.float64)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags

