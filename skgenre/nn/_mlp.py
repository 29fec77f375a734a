"""GenreMLP: the trainable MLP head shared by every modality."""

import numpy as np
import torch
from scipy import sparse

from ..utils._sklearn_compat import StrOptions, validate_data
from ._base import BaseGenreNet

__all__ = ["GenreMLP", "MLPModule"]

_ACTIVATIONS = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "gelu": torch.nn.GELU}


def _as_rows(X):
    """A CSR matrix for sparse input: skorch reads rows of a scipy sparse matrix, not of
    a sparse array (``csr_array``), whose rows are 1-D."""
    return sparse.csr_matrix(X) if sparse.issparse(X) else X


class MLPModule(torch.nn.Module):
    """Fully connected layers ending in one logit per genre.

    Parameters
    ----------
    n_features : int
    n_outputs : int
    hidden_layer_sizes : tuple of int, default=(1000,)
        ``()`` gives a single linear layer (the study's fusion layer).
    activation : {"relu", "tanh", "gelu"}, default="relu"
    dropout : float, default=0.5
    """

    def __init__(self, n_features, n_outputs, hidden_layer_sizes=(1000,), activation="relu",
                 dropout=0.5):
        super().__init__()
        layers, width = [], n_features
        for size in hidden_layer_sizes:
            layers += [torch.nn.Linear(width, size), _ACTIVATIONS[activation]()]
            if dropout:
                layers.append(torch.nn.Dropout(dropout))
            width = size
        layers.append(torch.nn.Linear(width, n_outputs))
        self.layers = torch.nn.Sequential(*layers)

    def forward(self, X):
        return self.layers(X)


class GenreMLP(BaseGenreNet):
    """Multilabel MLP trained with the study's recipe, on dense or sparse features.

    Binary cross-entropy on logits with per-genre positive weight
    negatives/positives, Adam, mini-batches of 64, and early stopping on the loss of a
    multilabel-stratified validation split, restoring the best epoch's weights (the
    training of :class:`BaseGenreNet`). A 1-D binary ``y`` trains one logit; a 1-D
    multiclass ``y`` trains a softmax with cross-entropy, as
    :class:`~sklearn.neural_network.MLPClassifier` does.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(1000,)
        Widths of the hidden layers; ``()`` trains a single linear layer.
    activation : {"relu", "tanh", "gelu"}, default="relu"
    dropout : float, default=0.5
        Dropout after each hidden layer.
    lr : float, default=1e-3
        Adam learning rate.
    weight_decay : float, default=0.0
        Adam L2 penalty.
    batch_size : int, default=64
    max_epochs : int, default=100
    patience : int, default=5
        Epochs without a better validation loss before training stops.
    validation_fraction : float, default=0.1
        Share of the training movies held out for early stopping; ``0`` trains for
        ``max_epochs`` on everything.
    pos_weight : bool or array-like of shape (n_genres,), default=True
        ``True`` weighs each genre's positives by negatives/positives (the study; for a
        multiclass ``y``, each class by ``n / (n_classes * count)``), ``False`` weighs
        all movies alike, an array gives the (positive) weights.
    correct_pos_weight : bool, default=False
        Subtract ``log(pos_weight)`` from the logits in ``predict_proba``. Weighting a
        genre's positives by ``w`` multiplies the odds the net learns for it by about
        ``w``, which inflates rare genres' probabilities; the correction puts them back
        on the data's scale, which is what micro and samples averages (and one
        ``threshold`` for all genres) compare across genres. Each genre's ranking of
        the movies, hence its average precision and the macro average, is unchanged.
        The weighting then only balances the gradients. ``False`` (the study) returns
        the weighted net's probabilities.
    threshold : float, default=0.5
        Decision threshold of ``predict``.
    device : str, default="cpu"
        Torch device, e.g. ``"cuda"``.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, batch order and the validation split.
    verbose : int, default=0
        ``> 0`` prints skorch's epoch table.

    Attributes
    ----------
    net_ : MultilabelNet
        The fitted skorch net.
    classes_ : list of ndarray or ndarray
        ``array([0, 1])`` per genre, so scikit-learn's scorers read the model as
        multilabel; for a 1-D ``y``, its labels.
    n_features_in_ : int
    pos_weight_ : ndarray of shape (n_outputs,)
        One weight per genre (per class for a multiclass ``y``; one for binary).
    n_epochs_ : int
        Epochs trained.

    See Also
    --------
    MultilabelNet : the underlying skorch net, for custom modules.
    BaseGenreNet : the training shared with PosterCNN and Trailer3DCNN.

    Examples
    --------
    >>> from sklearn.datasets import make_multilabel_classification
    >>> from skgenre.nn import GenreMLP
    >>> X, Y = make_multilabel_classification(n_samples=60, n_classes=3, random_state=0)
    >>> clf = GenreMLP(hidden_layer_sizes=(16,), max_epochs=5, random_state=0).fit(X, Y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 3)
    """

    _parameter_constraints = {
        **BaseGenreNet._parameter_constraints,
        "hidden_layer_sizes": ["array-like"],
        "activation": [StrOptions(set(_ACTIVATIONS))],
    }

    def __init__(
        self,
        hidden_layer_sizes=(1000,),
        *,
        activation="relu",
        dropout=0.5,
        lr=1e-3,
        weight_decay=0.0,
        batch_size=64,
        max_epochs=100,
        patience=5,
        validation_fraction=0.1,
        pos_weight=True,
        correct_pos_weight=False,
        threshold=0.5,
        device="cpu",
        random_state=None,
        verbose=0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.lr = lr
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.pos_weight = pos_weight
        self.correct_pos_weight = correct_pos_weight
        self.threshold = threshold
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _fit_examples(self, X, Y):
        X = _as_rows(validate_data(self, X, accept_sparse="csr", dtype=np.float32))
        self._check_n_rows(X.shape[0], Y)
        return X, None

    def _make_module(self, n_outputs, seed):
        return MLPModule, {
            "module__n_features": self.n_features_in_,
            "module__n_outputs": n_outputs,
            "module__hidden_layer_sizes": tuple(self.hidden_layer_sizes),
            "module__activation": self.activation,
            "module__dropout": self.dropout,
        }

    def _predict_examples(self, X):
        return _as_rows(validate_data(self, X, accept_sparse="csr", dtype=np.float32,
                                      reset=False))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.non_deterministic = False
        return tags
