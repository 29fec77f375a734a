"""Wrapping natively multi-output scikit-learn classifiers for genres.

scikit-learn's trees, forests and k-NN take a 2-D 0/1 target natively but return a
list of per-genre (n, 2) probability arrays, or (n, 1) for a genre that was constant
in training (a cross-validation fold without any Western, say). The helpers and the
wrapper here turn that into the (n, n_genres) array the rest of skgenre expects.
"""

import numbers

from sklearn.base import BaseEstimator, clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.utils.validation import check_consistent_length, check_is_fitted

from ..utils import positive_proba
from ..utils._sklearn_compat import HasMethods, Interval, fit_context
from ._mixin import MultilabelClassifierMixin

__all__ = ["MultilabelProbaClassifier", "fit_native", "native_positive_proba"]


def fit_native(estimator, X, Y, **fit_params):
    """Fit a natively multi-output estimator on ``Y``, an (n, k) 0/1 indicator matrix.

    ``Y`` comes from :meth:`MultilabelClassifierMixin._validate_target`; a binary
    ``y`` is its one column.
    """
    check_consistent_length(X, Y)
    # A single genre is passed as a 1-D target: with an (n, 1) target scikit-learn
    # warns and returns one (n, 2) array instead of a list.
    target = Y[:, 0] if Y.shape[1] == 1 else Y
    estimator.fit(X, target, **{k: v for k, v in fit_params.items() if v is not None})
    return Y.shape[1]


def native_positive_proba(estimator, X, n_genres):
    """(n, n_genres) positive probabilities of an estimator fitted by :func:`fit_native`."""
    proba = estimator.predict_proba(X)
    classes = estimator.classes_
    if n_genres == 1:
        proba, classes = [proba], [classes]
    return positive_proba(proba, classes)


class MultilabelProbaClassifier(MultilabelClassifierMixin, BaseEstimator):
    """Wrap any natively multilabel scikit-learn classifier for genres.

    Decision trees, random and extra-trees forests and k-nearest neighbours fit a
    2-D 0/1 target directly; this wrapper makes their ``predict_proba`` an
    (n_movies, n_genres) array of positive-class probabilities, with 0 or 1 for a
    genre that was constant in training, and sets ``classes_`` so scikit-learn's
    scorers treat the model as multilabel. A 1-D binary or multiclass ``y`` is taken
    as :class:`~sklearn.neural_network.MLPClassifier` takes it (see
    :class:`MultilabelClassifierMixin`): the estimator learns its indicator columns.

    Parameters
    ----------
    estimator : estimator, default=None
        An unfitted classifier that takes a 2-D target (cloned in ``fit``).
        ``None`` means ``RandomForestClassifier()``.
    threshold : float, default=0.5
        Decision threshold of ``predict``.

    Attributes
    ----------
    estimator_ : estimator
        The fitted clone of ``estimator``.
    classes_ : list of ndarray or ndarray
        ``array([0, 1])`` per genre; the sorted labels of a 1-D ``y``.
    n_outputs_ : int
        Indicator columns learned: n_genres, 1 for a binary ``y``, n_classes for a
        multiclass ``y``.
    n_features_in_ : int
        Present when the fitted estimator has it.

    See Also
    --------
    GenreForestClassifier : a random forest with its parameters at the top level.

    Examples
    --------
    >>> from sklearn.datasets import make_multilabel_classification
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skgenre.multioutput import MultilabelProbaClassifier
    >>> X, Y = make_multilabel_classification(n_samples=50, n_classes=3, random_state=0)
    >>> clf = MultilabelProbaClassifier(DecisionTreeClassifier(max_depth=3, random_state=0))
    >>> clf.fit(X, Y).predict_proba(X[:2]).shape
    (2, 3)
    """

    _parameter_constraints = {
        "estimator": [None, HasMethods(["fit", "predict_proba"])],
        "threshold": [Interval(numbers.Real, 0, 1, closed="both")],
    }
    _target_types = ("multilabel-indicator", "binary", "multiclass")

    def __init__(self, estimator=None, *, threshold=0.5):
        self.estimator = estimator
        self.threshold = threshold

    @fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, Y, **fit_params):
        """Fit a clone of ``estimator`` on all genres at once.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_movies, n_features)
        Y : array-like of shape (n_movies, n_genres) or (n_movies,)
            0/1 genre indicators, or 1-D class labels.
        **fit_params
            Passed to the estimator's ``fit`` (e.g. ``sample_weight``).

        Returns
        -------
        self : MultilabelProbaClassifier
        """
        Y = self._validate_target(Y)
        estimator = RandomForestClassifier() if self.estimator is None else self.estimator
        self.estimator_ = clone(estimator)
        self.n_outputs_ = fit_native(self.estimator_, X, Y, **fit_params)
        if hasattr(self.estimator_, "n_features_in_"):
            self.n_features_in_ = self.estimator_.n_features_in_
        if hasattr(self.estimator_, "feature_names_in_"):
            self.feature_names_in_ = self.estimator_.feature_names_in_
        return self

    def _predict_proba_multilabel(self, X):
        check_is_fitted(self)
        return native_positive_proba(self.estimator_, X, self.n_outputs_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        estimator = RandomForestClassifier() if self.estimator is None else self.estimator
        inner = estimator.__sklearn_tags__()
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        return tags
