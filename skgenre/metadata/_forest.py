"""Multilabel tree ensembles that return (n_movies, n_genres) positive probabilities.

scikit-learn's trees, forests and k-NN take a 2-D 0/1 target natively but return a
list of per-genre (n, 2) probability arrays, or (n, 1) for a genre that was constant
in training (a cross-validation fold without any Western, say). The classes here
turn that into the (n, n_genres) array the rest of skgenre expects.
"""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..multioutput import MultilabelClassifierMixin
from ..utils import (
    check_multilabel_target,
    multilabel_classes,
    positive_proba,
)
from ..utils._sklearn import fit_context, validate_data

__all__ = ["GenreForestClassifier", "MultilabelProbaClassifier"]


def _fit_native(estimator, X, Y, **fit_params):
    """Fit a natively multilabel estimator on an (n, k) 0/1 target."""
    Y = check_multilabel_target(Y)
    n_movies = X.shape[0] if hasattr(X, "shape") else len(X)
    if Y.shape[0] != n_movies:
        raise ValueError(f"X has {n_movies} movies but Y has {Y.shape[0]}.")
    # A single genre is passed as a 1-D target: with an (n, 1) target scikit-learn
    # warns and returns one (n, 2) array instead of a list.
    target = Y[:, 0] if Y.shape[1] == 1 else Y
    estimator.fit(X, target, **{k: v for k, v in fit_params.items() if v is not None})
    return Y.shape[1]


def _native_positive_proba(estimator, X, n_genres):
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
    scorers treat the model as multilabel.

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
    classes_ : list of ndarray
        ``array([0, 1])`` per genre.
    n_features_in_ : int
        Present when the fitted estimator has it.

    See Also
    --------
    GenreForestClassifier : a random forest with its parameters at the top level.

    Examples
    --------
    >>> from sklearn.datasets import make_multilabel_classification
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skgenre.metadata import MultilabelProbaClassifier
    >>> X, Y = make_multilabel_classification(n_samples=50, n_classes=3, random_state=0)
    >>> clf = MultilabelProbaClassifier(DecisionTreeClassifier(max_depth=3, random_state=0))
    >>> clf.fit(X, Y).predict_proba(X[:2]).shape
    (2, 3)
    """

    _parameter_constraints = {
        "estimator": [None, HasMethods(["fit", "predict_proba"])],
        "threshold": [Interval(numbers.Real, 0, 1, closed="both")],
    }

    def __init__(self, estimator=None, *, threshold=0.5):
        self.estimator = estimator
        self.threshold = threshold

    @fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, Y, **fit_params):
        """Fit a clone of ``estimator`` on all genres at once.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_movies, n_features)
        Y : array-like of shape (n_movies, n_genres)
            0/1 genre indicators.
        **fit_params
            Passed to the estimator's ``fit`` (e.g. ``sample_weight``).

        Returns
        -------
        self : MultilabelProbaClassifier
        """
        estimator = RandomForestClassifier() if self.estimator is None else self.estimator
        self.estimator_ = clone(estimator)
        n_genres = _fit_native(self.estimator_, X, Y, **fit_params)
        self.classes_ = multilabel_classes(n_genres)
        if hasattr(self.estimator_, "n_features_in_"):
            self.n_features_in_ = self.estimator_.n_features_in_
        if hasattr(self.estimator_, "feature_names_in_"):
            self.feature_names_in_ = self.estimator_.feature_names_in_
        return self

    def predict_proba(self, X):
        """Probability that each genre is present.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_movies, n_features)

        Returns
        -------
        proba : ndarray of shape (n_movies, n_genres)
        """
        check_is_fitted(self)
        return _native_positive_proba(self.estimator_, X, len(self.classes_))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        if self.estimator is not None:
            inner = self.estimator.__sklearn_tags__()
            tags.input_tags.sparse = inner.input_tags.sparse
            tags.input_tags.allow_nan = inner.input_tags.allow_nan
        else:
            tags.input_tags.sparse = True
        return tags


class GenreForestClassifier(MultilabelClassifierMixin, BaseEstimator):
    """Random forest over all genres at once, on dense or sparse features.

    One scikit-learn :class:`~sklearn.ensemble.RandomForestClassifier` is grown on
    the (n_movies, n_genres) target (each split minimises the impurity averaged
    over genres), and its per-genre probabilities are returned as one
    (n_movies, n_genres) array: a genre constant in training (say, no Western in a
    cross-validation fold) gets probability 0 (or 1) for every movie. It takes the
    sparse one-hot matrix of :class:`MetadataEncoder` as is. The defaults are
    scikit-learn's; :func:`make_metadata_model` sets the values tuned for credits
    (300 trees, ``min_samples_leaf=2``, ``max_features="log2"``).

    Parameters
    ----------
    n_estimators : int, default=100
        Number of trees.
    criterion : {"gini", "entropy", "log_loss"}, default="gini"
    max_depth : int, default=None
    min_samples_split : int or float, default=2
    min_samples_leaf : int or float, default=1
    max_features : {"sqrt", "log2"}, int, float or None, default="sqrt"
        Features tried at each split.
    bootstrap : bool, default=True
    class_weight : {"balanced", "balanced_subsample"}, list of dict or None, default=None
        Per-genre class weights (see :class:`~sklearn.ensemble.RandomForestClassifier`).
    max_samples : int or float, default=None
        Bootstrap sample size per tree.
    n_jobs : int, default=None
        Trees grown and evaluated in parallel (``-1``: all cores).
    random_state : int, RandomState instance or None, default=None
    verbose : int, default=0
    threshold : float, default=0.5
        Decision threshold of ``predict``.

    Attributes
    ----------
    estimator_ : RandomForestClassifier
        The fitted forest.
    classes_ : list of ndarray
        ``array([0, 1])`` per genre, so scikit-learn's scorers read the model as multilabel.
    n_features_in_ : int
    feature_importances_ : ndarray of shape (n_features,)

    See Also
    --------
    MultilabelProbaClassifier : the same for any natively multilabel estimator.
    skgenre.nn.GenreMLP : the neural alternative.

    Examples
    --------
    >>> from sklearn.datasets import make_multilabel_classification
    >>> from skgenre.metadata import GenreForestClassifier
    >>> X, Y = make_multilabel_classification(n_samples=60, n_classes=4, random_state=0)
    >>> clf = GenreForestClassifier(n_estimators=10, random_state=0).fit(X, Y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 4)
    """

    _parameter_constraints = {
        "n_estimators": [Interval(numbers.Integral, 1, None, closed="left")],
        "criterion": [StrOptions({"gini", "entropy", "log_loss"})],
        "max_depth": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "min_samples_split": [
            Interval(numbers.Integral, 2, None, closed="left"),
            Interval(numbers.Real, 0.0, 1.0, closed="right"),
        ],
        "min_samples_leaf": [
            Interval(numbers.Integral, 1, None, closed="left"),
            Interval(numbers.Real, 0.0, 1.0, closed="neither"),
        ],
        "max_features": [
            Interval(numbers.Integral, 1, None, closed="left"),
            Interval(numbers.Real, 0.0, 1.0, closed="right"),
            StrOptions({"sqrt", "log2"}),
            None,
        ],
        "bootstrap": ["boolean"],
        "class_weight": [StrOptions({"balanced", "balanced_subsample"}), list, None],
        "max_samples": [
            None,
            Interval(numbers.Integral, 1, None, closed="left"),
            Interval(numbers.Real, 0.0, 1.0, closed="right"),
        ],
        "n_jobs": [numbers.Integral, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "threshold": [Interval(numbers.Real, 0, 1, closed="both")],
    }

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="gini",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        max_features="sqrt",
        bootstrap=True,
        class_weight=None,
        max_samples=None,
        n_jobs=None,
        random_state=None,
        verbose=0,
        threshold=0.5,
    ):
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.max_features = max_features
        self.bootstrap = bootstrap
        self.class_weight = class_weight
        self.max_samples = max_samples
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.threshold = threshold

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, Y, sample_weight=None):
        """Grow the forest.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_movies, n_features)
        Y : array-like of shape (n_movies, n_genres)
            0/1 genre indicators.
        sample_weight : array-like of shape (n_movies,), default=None

        Returns
        -------
        self : GenreForestClassifier
        """
        X = validate_data(self, X, accept_sparse=("csr", "csc"), dtype=np.float32)
        self.estimator_ = RandomForestClassifier(
            n_estimators=self.n_estimators,
            criterion=self.criterion,
            max_depth=self.max_depth,
            min_samples_split=self.min_samples_split,
            min_samples_leaf=self.min_samples_leaf,
            max_features=self.max_features,
            bootstrap=self.bootstrap,
            class_weight=self.class_weight,
            max_samples=self.max_samples if self.bootstrap else None,
            n_jobs=self.n_jobs,
            random_state=self.random_state,
            verbose=self.verbose,
        )
        n_genres = _fit_native(self.estimator_, X, Y, sample_weight=sample_weight)
        self.classes_ = multilabel_classes(n_genres)
        return self

    def predict_proba(self, X):
        """Probability that each genre is present: the mean over trees of leaf frequencies.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_movies, n_features)

        Returns
        -------
        proba : ndarray of shape (n_movies, n_genres)
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", dtype=np.float32, reset=False)
        return _native_positive_proba(self.estimator_, X, len(self.classes_))

    @property
    def feature_importances_(self):
        """Impurity-based importance of each feature, from the fitted forest."""
        check_is_fitted(self)
        return self.estimator_.feature_importances_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
