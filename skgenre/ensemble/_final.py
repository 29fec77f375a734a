"""Final (meta) estimators for stacking: one binary model per genre."""

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from ..utils import MultilabelClassifierMixin, check_multilabel_target, multilabel_classes
from ..utils._sklearn import validate_data

__all__ = ["PerGenreClassifier", "make_final_estimator"]


class PerGenreClassifier(MultilabelClassifierMixin, BaseEstimator):
    """One clone of a binary classifier per genre, returning (n, n_genres) probabilities.

    Like :class:`~sklearn.multioutput.MultiOutputClassifier`, but a genre that is
    constant in the training data (a rare genre in a cross-validation fold) gets that
    constant as its probability instead of failing the whole fit, and ``predict_proba``
    is one (n, n_genres) array of probabilities of presence.

    Parameters
    ----------
    estimator : classifier with ``predict_proba``, default=None
        ``None`` means ``LogisticRegression(C=1.0, max_iter=1000)``.
    threshold : float, default=0.5
    n_jobs : int, default=None
        Unused; kept for API symmetry with ``MultiOutputClassifier``.

    Attributes
    ----------
    estimators_ : list of estimator or float
        Fitted classifier per genre, or the constant probability of a constant genre.

    Examples
    --------
    >>> import numpy as np
    >>> from skgenre.ensemble import PerGenreClassifier
    >>> X = np.array([[0.], [1.], [2.], [3.]]); Y = np.array([[0, 1], [0, 1], [1, 1], [1, 1]])
    >>> PerGenreClassifier().fit(X, Y).predict_proba([[3.]])[:, 1]
    array([1.])
    """

    def __init__(self, estimator=None, *, threshold=0.5, n_jobs=None):
        self.estimator = estimator
        self.threshold = threshold
        self.n_jobs = n_jobs

    def fit(self, X, Y):
        """Fit one classifier per genre.

        Parameters
        ----------
        X : array-like of shape (n_movies, n_features)
        Y : array-like of shape (n_movies, n_genres)

        Returns
        -------
        self : PerGenreClassifier
        """
        X = validate_data(self, X, accept_sparse="csr")
        Y = check_multilabel_target(Y)
        base = self.estimator if self.estimator is not None else LogisticRegression(max_iter=1000)
        self.estimators_ = []
        for j in range(Y.shape[1]):
            y = Y[:, j]
            if y.min() == y.max():
                self.estimators_.append(float(y[0]))
            else:
                self.estimators_.append(clone(base).fit(X, y))
        self.classes_ = multilabel_classes(Y.shape[1])
        return self

    def predict_proba(self, X):
        """Probability that each genre is present, shape (n_movies, n_genres)."""
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", reset=False)
        columns = [
            np.full(X.shape[0], est) if isinstance(est, float) else est.predict_proba(X)[:, 1]
            for est in self.estimators_
        ]
        return np.column_stack(columns)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def make_final_estimator(kind="default", *, random_state=None):
    """The stacker's final estimator.

    Parameters
    ----------
    kind : {"default", "logistic", "linear_layer"}, default="default"
        ``"logistic"``: per-genre logistic regression on every modality's probabilities
        and missing-modality indicators (the default, measured best in
        ``benchmarks/stacker.py``); ``"linear_layer"``: the MovieScope study's single
        linear layer trained with BCE (``GenreMLP(hidden_layer_sizes=())``).
    random_state : int or None, default=None
    """
    if kind in ("default", "logistic"):
        return PerGenreClassifier(LogisticRegression(C=1.0, max_iter=1000))
    if kind == "linear_layer":
        from ..nn import GenreMLP

        return GenreMLP(hidden_layer_sizes=(), dropout=0.0, lr=1e-2, random_state=random_state)
    raise ValueError(f"Unknown final estimator kind {kind!r}; use 'logistic' or 'linear_layer'.")
