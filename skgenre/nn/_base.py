"""BaseGenreNet: the one training harness of skgenre's trainable nets.

The shared parameters, their constraints and the ``fit`` template live here, as in
skorch's ``NeuralNet`` -> ``NeuralNetClassifier``; :class:`GenreMLP`,
:class:`~skgenre.vision.PosterCNN` and :class:`~skgenre.video.Trailer3DCNN` only say
how their module and their training examples are made.
"""

import numbers
from abc import ABCMeta, abstractmethod

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ..multioutput import MultilabelClassifierMixin
from ..utils._sklearn_compat import Interval, fit_context
from ._net import IndexSplit, MultilabelNet, resolve_pos_weight, validation_indices

__all__ = ["BaseGenreNet"]


class BaseGenreNet(MultilabelClassifierMixin, BaseEstimator, metaclass=ABCMeta):
    """Base class of the genre nets: one ``fit`` for every trainable model.

    ``fit`` normalises the target (a multilabel ``Y``, or a 1-D binary or multiclass
    ``y``, see :class:`~skgenre.multioutput.MultilabelClassifierMixin`), draws one seed
    from ``random_state``, resolves the positive weights, holds out a multilabel-
    stratified validation split of the rows, builds a :class:`MultilabelNet` around the
    subclass's module (BCE on logits; softmax cross-entropy for a multiclass ``y``, as
    :class:`~sklearn.neural_network.MLPClassifier` does), and trains it with Adam and
    early stopping on the validation loss that restores the best epoch's weights, with
    torch seeded inside :func:`torch.random.fork_rng` (the global torch generator is
    left untouched).

    Subclasses declare ``__init__`` with every parameter (the shared ones below and
    their own, with their defaults; its body is one ``self.<name> = <name>`` line per
    parameter, as scikit-learn writes it), merge
    ``_parameter_constraints`` with
    ``{**BaseGenreNet._parameter_constraints, ...}`` and implement:

    - ``_fit_examples(X, Y)``: check ``X``, set input attributes (``n_features_in_``,
      ...) and return ``(examples, owner)``: the training examples and, when there is
      not exactly one example per row of ``Y`` (slices of trailers), the row of ``Y``
      of each example (rows owning no example are left out of training);
    - ``_make_module(n_outputs, seed)``: the torch module, as a class or instance, and a
      dict of ``module__*`` parameters; called with torch seeded;
    - ``_predict_examples(X)``: the examples to predict, one per row of ``X``
      (override ``_predict_proba_multilabel`` to aggregate several per row).

    and may override ``_encode`` (examples -> what the net reads, once the module is
    made), ``_net_params`` (extra skorch parameters) and ``_item_name`` (what a row of
    ``X`` is called in errors, default ``"movies"``). ``_fit_examples`` calls
    ``self._check_n_rows(n_items, Y)`` to compare ``X``'s length with ``Y``'s.

    Parameters
    ----------
    dropout : float
    lr : float
        Adam learning rate.
    weight_decay : float
        Adam L2 penalty.
    batch_size : int
    max_epochs : int
    patience : int
        Epochs without a better validation loss before training stops.
    validation_fraction : float
        Share of the training rows held out for early stopping, multilabel-stratified;
        ``0`` trains for ``max_epochs`` on everything.
    pos_weight : bool or array-like of shape (n_genres,)
        ``True`` weighs each genre's positives by negatives/positives (the study; for a
        multiclass ``y``, classes by ``n / (n_classes * count)``), ``False`` weighs all
        alike, an array gives the (positive) weights.
    correct_pos_weight : bool
        Subtract ``log(pos_weight)`` from the logits in ``predict_proba``.
    threshold : float
        Decision threshold of ``predict``.
    device : str
    random_state : int, RandomState instance or None
    verbose : int

    Notes
    -----
    ``fit`` sets ``net_`` (the fitted :class:`MultilabelNet`), ``classes_``,
    ``pos_weight_`` (one weight per output) and ``n_epochs_``, which each net's
    Attributes section lists with its own.
    """

    _parameter_constraints = {
        "dropout": [Interval(numbers.Real, 0, 1, closed="left")],
        "lr": [Interval(numbers.Real, 0, None, closed="neither")],
        "weight_decay": [Interval(numbers.Real, 0, None, closed="left")],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "patience": [Interval(numbers.Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="left")],
        "pos_weight": ["boolean", "array-like"],
        "correct_pos_weight": ["boolean"],
        "threshold": [Interval(numbers.Real, 0, 1, closed="both")],
        "device": [str],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }
    _target_types = ("multilabel-indicator", "binary", "multiclass")
    _item_name = "movies"

    # ------------------------------------------------------------------ hooks

    @abstractmethod
    def _fit_examples(self, X, Y):
        """Check ``X`` against ``Y``; return ``(examples, owner or None)``."""

    @abstractmethod
    def _make_module(self, n_outputs, seed):
        """Return ``(module class or instance, dict of module__* parameters)``."""

    @abstractmethod
    def _predict_examples(self, X):
        """Check ``X`` at predict time; return the examples the net reads."""

    def _encode(self, examples):
        """What the net reads for ``examples``, once ``_make_module`` has run."""
        return examples

    def _net_params(self, n_train):
        """Extra skorch parameters, given the number of training examples."""
        return {}

    # ------------------------------------------------------------------ template

    def _check_n_rows(self, n_items, Y):
        if n_items != Y.shape[0]:
            raise ValueError(
                f"X has {n_items} {self._item_name} but Y has {Y.shape[0]} rows."
            )

    def _validation_split(self, Y, owner, seed):
        """skorch ``train_split`` holding out stratified rows (all their examples)."""
        rows = np.arange(len(Y)) if owner is None else np.unique(owner)
        n_valid = int(round(self.validation_fraction * len(rows)))
        if not (self.validation_fraction > 0 and n_valid >= 2 and len(rows) - n_valid >= 2):
            return None
        _, valid = validation_indices(Y[rows], self.validation_fraction, seed)
        is_valid = np.isin(rows if owner is None else owner, rows[valid])
        return IndexSplit(np.flatnonzero(~is_valid), np.flatnonzero(is_valid))

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the net.

        Parameters
        ----------
        X : array-like
            The subclass's inputs, one per movie.
        y : array-like of shape (n_movies, n_genres) or (n_movies,)
            0/1 genre indicators, or 1-D class labels.

        Returns
        -------
        self : object
        """
        from skorch.callbacks import EarlyStopping

        Y = self._validate_target(y)
        examples, owner = self._fit_examples(X, Y)
        rng = check_random_state(self.random_state)
        seed = int(rng.randint(np.iinfo(np.int32).max))
        multiclass = self._target_type_ == "multiclass"
        used = Y if owner is None else Y[np.unique(owner)]
        self.pos_weight_ = resolve_pos_weight(self.pos_weight, used, multiclass=multiclass)

        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            module, module_params = self._make_module(Y.shape[1], seed)
        examples = self._encode(examples)
        train_split = self._validation_split(Y, owner, seed)
        n_train = len(Y if owner is None else owner)
        if train_split is not None:
            n_train = len(train_split.train)
        criterion = (
            {"criterion": torch.nn.CrossEntropyLoss,
             "criterion__weight": torch.as_tensor(self.pos_weight_)}
            if multiclass else
            {"criterion": torch.nn.BCEWithLogitsLoss,
             "criterion__pos_weight": torch.as_tensor(self.pos_weight_)}
        )
        net = MultilabelNet(
            module,
            **module_params,
            **criterion,
            optimizer=torch.optim.Adam,
            optimizer__weight_decay=self.weight_decay,
            lr=self.lr,
            batch_size=self.batch_size,
            max_epochs=self.max_epochs,
            train_split=train_split,
            callbacks=(
                [("early_stopping", EarlyStopping(monitor="valid_loss", patience=self.patience,
                                                  load_best=True))]
                if train_split is not None else []
            ),
            iterator_train__shuffle=True,
            threshold=self.threshold,
            correct_pos_weight=self.correct_pos_weight,
            device=self.device,
            verbose=self.verbose,
            **self._net_params(n_train),
        )
        Y_train = (Y if owner is None else Y[owner]).astype(np.float32)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            net.fit(examples, Y_train)  # Ctrl-C propagates: no cut-short net_ is kept
        net.train_split = None  # drop the index arrays from the fitted model
        self.net_ = net
        self.n_epochs_ = len(self.net_.history)
        return self

    def _predict_proba_multilabel(self, X):
        check_is_fitted(self)
        return self.net_.predict_proba(self._predict_examples(X))
