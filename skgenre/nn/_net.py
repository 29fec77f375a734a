"""A skorch net for multilabel genres: BCE on logits, sigmoid probabilities.

skorch ships binary and multiclass classifiers only: its ``predict_proba`` is (n, 2, k)
for multilabel outputs and its stratified validation split fails on a 2-D ``y``. This
net fixes both and is what every trainable part of skgenre builds on, through
:class:`~skgenre.nn.BaseGenreNet` (MLP heads, the poster CNN, the trailer 3D CNN).
"""

import contextvars
from collections import defaultdict

import numpy as np
import torch
from skorch import NeuralNet
from skorch.exceptions import DeviceWarning
from skorch.history import History
from torch.utils.data import Subset

from sklearn.base import clone
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit

from ..model_selection import MultilabelStratifiedShuffleSplit
from ..multioutput import MultilabelClassifierMixin
from ..utils._device import arrays_to_tensors, available_device, tensors_to_arrays

__all__ = ["MultilabelNet", "MultilabelValidSplit", "balanced_pos_weight"]


class _Interrupted(BaseException):
    """A KeyboardInterrupt carried past skorch's ``partial_fit``, which would swallow it."""


# Set while MultilabelNet.partial_fit runs: only there is Ctrl-C carried past skorch's
# partial_fit (a fit_loop called on its own raises the KeyboardInterrupt itself).
_CARRY_INTERRUPT = contextvars.ContextVar("skgenre_carry_interrupt", default=False)


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


def resolve_pos_weight(pos_weight, Y, *, multiclass=False):
    """An estimator's ``pos_weight`` parameter as one float32 weight per output column.

    ``True``: :func:`balanced_pos_weight` of ``Y`` (for a one-hot multiclass ``Y``,
    scikit-learn's "balanced" class weights ``n / (n_classes * count)``); ``False``: ones;
    an array-like: checked to hold one weight per column.
    """
    if isinstance(pos_weight, (bool, np.bool_)):
        if not pos_weight:
            return np.ones(Y.shape[1], dtype=np.float32)
        if multiclass:
            counts = np.maximum(np.asarray(Y).sum(axis=0), 1).astype(np.float64)
            return (Y.shape[0] / (Y.shape[1] * counts)).astype(np.float32)
        return balanced_pos_weight(Y)
    weight = np.asarray(pos_weight, dtype=np.float32)
    if weight.shape != (Y.shape[1],):
        raise ValueError(
            f"pos_weight has shape {weight.shape}; expected ({Y.shape[1]},), one per genre."
        )
    if not (weight > 0).all():
        raise ValueError("pos_weight must be positive.")
    return weight


def validation_indices(Y, valid_size, random_state):
    """Train and validation rows of a multilabel-stratified hold-out split.

    Iterative stratification over the columns of ``Y``; a single column (a binary
    target) is stratified with scikit-learn's ``StratifiedShuffleSplit`` (or shuffled,
    when a class has a single member).

    Returns
    -------
    train, valid : ndarray of int
    """
    Y = np.asarray(Y)
    X = np.zeros((len(Y), 1))
    if Y.shape[1] > 1:
        splitter = MultilabelStratifiedShuffleSplit(
            n_splits=1, test_size=valid_size, random_state=random_state
        )
        return next(splitter.split(X, Y))
    y = Y[:, 0]
    if np.bincount(y.astype(np.int64), minlength=2).min() >= 2:
        splitter = StratifiedShuffleSplit(n_splits=1, test_size=valid_size,
                                          random_state=random_state)
        return next(splitter.split(X, y))
    return next(ShuffleSplit(n_splits=1, test_size=valid_size,
                             random_state=random_state).split(X))


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
        train, valid = validation_indices(Y.reshape(len(Y), -1), self.valid_size,
                                          self.random_state)
        return Subset(dataset, train), Subset(dataset, valid)

    def __repr__(self):
        return f"MultilabelValidSplit(valid_size={self.valid_size}, random_state={self.random_state})"


class IndexSplit:
    """skorch ``train_split`` from precomputed train and validation example indices."""

    def __init__(self, train, valid):
        self.train = train
        self.valid = valid

    def __call__(self, dataset, y=None, groups=None):
        return Subset(dataset, self.train), Subset(dataset, self.valid)


class MultilabelNet(MultilabelClassifierMixin, NeuralNet):
    """skorch ``NeuralNet`` whose module outputs one logit per genre.

    The loss is ``BCEWithLogitsLoss`` (pass ``criterion__pos_weight`` for the study's
    per-genre weighting), targets are cast to float, ``predict_proba`` returns
    (n, n_genres) sigmoid probabilities of presence and ``predict`` thresholds them.
    With ``criterion=torch.nn.CrossEntropyLoss`` the probabilities are a softmax over
    the logits instead (one class per row). Unlike skorch's nets, a KeyboardInterrupt
    (Ctrl-C) during training propagates out of ``fit`` and ``partial_fit`` instead of
    ending training quietly with a cut-short net; skorch's ``EarlyStopping`` still ends
    training early (it raises KeyboardInterrupt to do so; a callback of your own that
    stops training should derive from it). A 1-D ``y`` is taken as
    :class:`~skgenre.multioutput.MultilabelClassifierMixin` describes: binary as one
    logit, multiclass as one logit per class (one-vs-rest with the default BCE loss,
    softmax with ``CrossEntropyLoss``).

    Parameters
    ----------
    module : torch.nn.Module class or instance
        Must return logits of shape (batch, n_genres).
    threshold : float, default=0.5
        Decision threshold of ``predict``.
    correct_pos_weight : bool, default=False
        Subtract ``log(pos_weight)`` of the criterion (``log(weight)`` of a
        ``CrossEntropyLoss``) from the logits in ``predict_proba`` (see
        :class:`GenreMLP`).
    **kwargs
        Any :class:`skorch.NeuralNet` parameter. ``criterion`` defaults to
        ``BCEWithLogitsLoss`` and ``train_split`` to a 10 % multilabel-stratified split.
    """

    _target_types = ("multilabel-indicator", "binary", "multiclass")

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
            y = self._validate_target(y).astype(np.float32)
        return super().fit(X, y, **fit_params)

    def fit_loop(self, *args, **kwargs):
        # skorch's partial_fit ends training quietly on any KeyboardInterrupt and returns
        # the cut-short net as if fitted. skorch's EarlyStopping stops training that way
        # (it raises KeyboardInterrupt once its patience is spent); any other is Ctrl-C,
        # carried past partial_fit as another exception and raised again there.
        try:
            return super().fit_loop(*args, **kwargs)
        except KeyboardInterrupt as exc:
            if self._stopped_early() or not _CARRY_INTERRUPT.get():
                raise
            raise _Interrupted() from exc

    def _stopped_early(self):
        """Whether an EarlyStopping callback has just spent its patience (and so raised)."""
        from skorch.callbacks import EarlyStopping

        return any(isinstance(callback, EarlyStopping)
                   and getattr(callback, "misses_", 0) >= callback.patience
                   for _, callback in getattr(self, "callbacks_", []))

    def partial_fit(self, X, y=None, classes=None, **fit_params):
        token = _CARRY_INTERRUPT.set(True)
        try:
            return super().partial_fit(X, y, classes, **fit_params)
        except _Interrupted as exc:
            raise exc.__cause__ from None
        finally:
            _CARRY_INTERRUPT.reset(token)

    def _predict_proba_multilabel(self, X):
        softmax = isinstance(self.criterion_, torch.nn.CrossEntropyLoss)
        offset = None
        weight = getattr(self.criterion_, "weight" if softmax else "pos_weight", None)
        if self.correct_pos_weight and weight is not None:
            offset = torch.log(weight)
        chunks = []
        for logits in self.forward_iter(X, training=False):
            logits = logits[0] if isinstance(logits, tuple) else logits
            if offset is not None:
                logits = logits - offset.to(logits.device)
            proba = torch.softmax(logits, dim=1) if softmax else torch.sigmoid(logits)
            chunks.append(proba.cpu().numpy())
        return np.concatenate(chunks).astype(np.float64)

    # ------------------------------------------------------------------ state

    def __getstate__(self):
        """The net as plain data, for pickle, ``copy`` and :func:`skgenre.save_model`.

        What skorch's ``save_params`` writes, in memory: the parameters, the
        ``state_dict`` of each module and criterion and the optimizer's state as numpy
        arrays, and the history as a list. Callbacks are kept with their parameters
        only; their fitted state (early stopping's best weights) is not (skorch's
        ``load_params`` does not restore it either).
        """
        state = dict(self.__dict__)
        if "callbacks_" in state:  # rebuilt by __setstate__
            del state["callbacks_"], state["virtual_params_"]
        if isinstance(state.get("callbacks"), list):
            state["callbacks"] = [
                (item[0], clone(item[1], safe=False)) if isinstance(item, tuple)
                else clone(item, safe=False) for item in state["callbacks"]
            ]
        tensors = [k for k, v in state.items() if isinstance(v, torch.Tensor)]
        state.update({k: tensors_to_arrays(state[k]) for k in tensors}, _tensor_params=tensors)
        if state.get("initialized_"):
            state["history_"] = list(state["history_"])
            for name in self._modules + self._criteria:
                state[name + "_"] = tensors_to_arrays(state[name + "_"].state_dict())
            state["optimizer_"] = self._optimizer_state()
        return state

    def _optimizer_state(self):
        """The optimizer's class, defaults, groups and per-parameter state (as arrays);
        a parameter is its position in ``get_all_learnable_params()``."""
        position = {id(p): i for i, (_, p) in enumerate(self.get_all_learnable_params())}
        optimizer = self.optimizer_
        groups = [{**group, "params": [position[id(p)] for p in group["params"]]}
                  for group in optimizer.param_groups]
        return {"defaults": tensors_to_arrays(optimizer.defaults),
                "param_groups": tensors_to_arrays(groups),
                "state": {position[id(p)]: tensors_to_arrays(s)
                          for p, s in optimizer.state.items()}}

    def __setstate__(self, state):
        if "__cuda_dependent_attributes__" in state:  # pickled by an earlier skgenre
            return super().__setstate__(state)
        state = dict(state)
        for key in state.pop("_tensor_params", []):
            state[key] = arrays_to_tensors(state[key])
        names = [n + "_" for n in state.get("_modules", []) + state.get("_criteria", [])]
        torch_state = {k: state.pop(k) for k in names + ["optimizer_", "history_"] if k in state}
        self.__dict__.update(state)
        if not state.get("initialized_"):
            return
        self.device = available_device(self.device, type(self).__name__, DeviceWarning)
        self.initialized_ = False  # no "Re-initializing" messages
        self.__dict__["_optimizer_state_"] = torch_state["optimizer_"]
        self._initialize_virtual_params()
        self._initialize_callbacks()
        self._initialize_module()
        self._initialize_criterion()
        for name in names:
            getattr(self, name).load_state_dict(arrays_to_tensors(torch_state[name]))
        self._initialize_optimizer()
        self.history_ = History(torch_state["history_"])
        self.initialized_ = True

    def initialize_optimizer(self, triggered_directly=None):
        saved = self.__dict__.pop("_optimizer_state_", None)
        if saved is None:
            return super().initialize_optimizer(triggered_directly)
        # As unpickling rebuilds an optimizer (its __setstate__): its constructor would
        # import torch._dynamo, seconds of a cold `skgenre predict`.
        params = [p for _, p in self.get_all_learnable_params()]
        groups = [{**group, "params": [params[i] for i in group["params"]]}
                  for group in arrays_to_tensors(saved["param_groups"])]
        state = defaultdict(dict)
        for i, values in saved["state"].items():
            state[params[i]] = {k: v if k == "step" else v.to(params[i].device)
                                for k, v in arrays_to_tensors(values).items()}
        cls = self.optimizer
        self.optimizer_ = cls.__new__(cls)
        self.optimizer_.__setstate__({"defaults": arrays_to_tensors(saved["defaults"]),
                                      "state": state, "param_groups": groups})
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags
