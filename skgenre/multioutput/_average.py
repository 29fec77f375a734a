"""Averaging the genre probabilities of several models fitted on the same input."""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone
from sklearn.utils.validation import check_is_fitted

from ..utils._multilabel import positive_proba
from ..utils._sklearn_compat import Interval, fit_context
from ._mixin import MultilabelClassifierMixin

__all__ = ["GenreProbabilityAverage"]


class GenreProbabilityAverage(MultilabelClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Average the genre probabilities of several models fitted on the same input.

    A 1-D binary or multiclass ``y`` is passed to the models as it is (any
    scikit-learn classifier then fits), and their ``predict_proba`` rows are
    averaged, as soft voting does (see
    :class:`~skgenre.multioutput.MultilabelClassifierMixin`).

    Parameters
    ----------
    estimators : list of (str, estimator)
        Multilabel classifiers whose ``predict_proba`` gives (n_movies, n_genres)
        probabilities (or any form :func:`~skgenre.utils.positive_proba` reads).
    weights : array-like of shape (n_estimators,), default=None
        Weights of the average; equal by default.
    threshold : float, default=0.5
        Decision threshold of ``predict``.

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted models.
    classes_ : list of ndarray or ndarray
        ``array([0, 1])`` per genre; the sorted labels of a 1-D ``y``.
    n_features_in_ : int
        The first model's, when it has one.
    feature_names_in_ : ndarray of str
        The first model's, when it has one.

    Examples
    --------
    >>> from sklearn.datasets import make_multilabel_classification
    >>> from skgenre.multioutput import GenreProbabilityAverage, PerGenreClassifier
    >>> from sklearn.naive_bayes import GaussianNB
    >>> X, Y = make_multilabel_classification(n_samples=50, n_classes=3, random_state=0)
    >>> avg = GenreProbabilityAverage(
    ...     [("lr", PerGenreClassifier()), ("nb", PerGenreClassifier(GaussianNB()))],
    ...     weights=[0.7, 0.3]).fit(X, Y)
    >>> avg.predict_proba(X[:2]).shape
    (2, 3)
    """

    _parameter_constraints = {
        "estimators": [list],
        "weights": ["array-like", None],
        "threshold": [Interval(numbers.Real, 0, 1, closed="both")],
    }
    _target_types = ("multilabel-indicator", "binary", "multiclass")

    def __init__(self, estimators, *, weights=None, threshold=0.5):
        self.estimators = estimators
        self.weights = weights
        self.threshold = threshold

    def _named(self):
        # The (name, estimator) pairs, or none while ``estimators`` is not a list of them
        # (set_params takes any value; fit validates it).
        try:
            return [(name, estimator) for name, estimator in self.estimators
                    if hasattr(estimator, "get_params")]
        except (TypeError, ValueError):
            return []

    def get_params(self, deep=True):
        params = super().get_params(deep=False)
        if deep:
            for name, estimator in self._named():
                params[name] = estimator
                for key, value in estimator.get_params(deep=True).items():
                    params[f"{name}__{key}"] = value
        return params

    def set_params(self, **params):
        if "estimators" in params:
            super().set_params(estimators=params.pop("estimators"))
        names = dict(self._named())
        own = {k: v for k, v in params.items() if "__" not in k and k not in names}
        super().set_params(**own)
        replaced = {k: v for k, v in params.items() if k in names}
        if replaced:
            self.estimators = [(n, replaced.get(n, e)) for n, e in self.estimators]
            names = dict(self.estimators)
        nested = {}
        for key, value in params.items():
            if "__" in key:
                name, sub = key.split("__", 1)
                if name not in names:
                    raise ValueError(f"Invalid parameter {key!r}: no estimator named {name!r}.")
                nested.setdefault(name, {})[sub] = value
        for name, sub in nested.items():
            names[name].set_params(**sub)
        return self

    @fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, Y):
        """Fit every model on ``X`` and ``Y``.

        Parameters
        ----------
        X : array-like of shape (n_movies, ...)
        Y : array-like of shape (n_movies, n_genres) or (n_movies,)
            0/1 genre indicators, or 1-D class labels.

        Returns
        -------
        self : GenreProbabilityAverage
        """
        if not self.estimators:
            raise ValueError("estimators is empty.")
        indicators = self._validate_target(Y)
        # Multilabel: the models learn the checked indicator matrix; a 1-D y goes to
        # them unchanged, so any classifier fits it.
        target = indicators if self._target_type_ == "multilabel-indicator" else Y
        if self.weights is not None and len(self.weights) != len(self.estimators):
            raise ValueError(
                f"weights has {len(self.weights)} values for {len(self.estimators)} estimators."
            )
        self.estimators_ = [clone(estimator).fit(X, target) for _, estimator in self.estimators]
        self.named_estimators_ = dict(zip([n for n, _ in self.estimators], self.estimators_))
        for name in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.estimators_[0], name):
                setattr(self, name, getattr(self.estimators_[0], name))
        return self

    def _predict_proba_multilabel(self, X):
        check_is_fitted(self)
        if self._target_type_ == "multilabel-indicator":
            probas = [positive_proba(e.predict_proba(X), getattr(e, "classes_", None))
                      for e in self.estimators_]
        else:
            # (n, n_classes) per model, columns in the order of its sorted classes_.
            probas = [np.asarray(e.predict_proba(X), dtype=float) for e in self.estimators_]
        proba = np.average(np.stack(probas), axis=0, weights=self.weights)
        # The mixin's binary form reads the probability of classes_[1].
        return proba[:, 1:] if self._target_type_ == "binary" else proba

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = [estimator.__sklearn_tags__() for _, estimator in self._named()]
        tags.input_tags.sparse = bool(inner) and all(t.input_tags.sparse for t in inner)
        tags.input_tags.allow_nan = bool(inner) and all(t.input_tags.allow_nan for t in inner)
        return tags
