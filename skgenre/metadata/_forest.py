"""Random forest over all genres at once, returning (n_movies, n_genres) probabilities.

:class:`~skgenre.multioutput.MultilabelProbaClassifier` wraps any natively multi-output
estimator; it lives in :mod:`skgenre.multioutput` and is re-exported by
:mod:`skgenre.metadata` for code written against skgenre 0.1.
"""

import numbers

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.ensemble import RandomForestClassifier
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.validation import check_is_fitted

from ..multioutput import MultilabelClassifierMixin, MultilabelProbaClassifier
from ..multioutput._native import fit_native, native_positive_proba
from ..utils._sklearn_compat import Interval, StrOptions, fit_context, validate_data

__all__ = ["GenreForestClassifier", "MultilabelProbaClassifier"]


class GenreForestClassifier(MultilabelClassifierMixin, BaseEstimator):
    """Random forest over all genres at once, on dense or sparse features.

    One scikit-learn :class:`~sklearn.ensemble.RandomForestClassifier` is grown on
    the (n_movies, n_genres) target (each split minimises the impurity averaged
    over genres), and its per-genre probabilities are returned as one
    (n_movies, n_genres) array: a genre constant in training (say, no Western in a
    cross-validation fold) gets probability 0 (or 1) for every movie. It takes the
    sparse one-hot matrix of :class:`MetadataEncoder` as is. The defaults are
    scikit-learn's; :func:`make_metadata_model` sets the values tuned for credits
    (300 trees, ``min_samples_leaf=2``, ``max_features="log2"``). A 1-D binary or
    multiclass ``y`` is taken as :class:`~sklearn.neural_network.MLPClassifier` takes
    it (see :class:`~skgenre.multioutput.MultilabelClassifierMixin`).

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
    class_weight : {"balanced", "balanced_subsample"}, dict, list of dict or None, \
            default=None
        Per-genre class weights (see :class:`~sklearn.ensemble.RandomForestClassifier`);
        for a 1-D ``y``, a dict ``{label: weight}`` (and "balanced") weigh each movie
        by its class, as for a multiclass forest.
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
    classes_ : list of ndarray or ndarray
        ``array([0, 1])`` per genre, so scikit-learn's scorers read the model as
        multilabel; the sorted labels of a 1-D ``y``.
    n_outputs_ : int
        Indicator columns learned: n_genres, 1 for a binary ``y``, n_classes for a
        multiclass ``y``.
    n_features_in_ : int
    feature_importances_ : ndarray of shape (n_features,)

    See Also
    --------
    skgenre.multioutput.MultilabelProbaClassifier : the same for any natively
        multilabel estimator.
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
        "class_weight": [StrOptions({"balanced", "balanced_subsample"}), dict, list, None],
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
    _target_types = ("multilabel-indicator", "binary", "multiclass")

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
    def fit(self, X, y, sample_weight=None):
        """Grow the forest.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_movies, n_features)
        y : array-like of shape (n_movies, n_genres) or (n_movies,)
            0/1 genre indicators, or 1-D class labels.
        sample_weight : array-like of shape (n_movies,), default=None

        Returns
        -------
        self : GenreForestClassifier
        """
        Y = self._validate_target(y)
        X = validate_data(self, X, accept_sparse=("csr", "csc"), dtype=np.float32)
        self.estimator_ = RandomForestClassifier(
            n_estimators=self.n_estimators,
            criterion=self.criterion,
            max_depth=self.max_depth,
            min_samples_split=self.min_samples_split,
            min_samples_leaf=self.min_samples_leaf,
            max_features=self.max_features,
            bootstrap=self.bootstrap,
            class_weight=self._indicator_class_weight(y),
            max_samples=self.max_samples if self.bootstrap else None,
            n_jobs=self.n_jobs,
            random_state=self.random_state,
            verbose=self.verbose,
        )
        self.n_outputs_ = fit_native(self.estimator_, X, Y, sample_weight=sample_weight)
        return self

    def _predict_proba_multilabel(self, X):
        # The mean over trees of leaf frequencies, per indicator column.
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", dtype=np.float32, reset=False)
        return native_positive_proba(self.estimator_, X, self.n_outputs_)

    def _indicator_class_weight(self, y):
        """``class_weight`` for the indicator columns the forest learns.

        A 1-D ``y`` weighs a movie by its label. Binary: the label weights of the one
        column. Multiclass (one-hot columns): ``{0: 1, 1: w[label]}`` per column, whose
        product over columns is the movie's label weight, as in a multiclass forest.
        """
        weight = self.class_weight
        kind = self._target_type_
        if kind == "multilabel-indicator" or weight is None or weight == "balanced_subsample":
            return weight
        if isinstance(weight, list):
            raise ValueError("class_weight as a list of dicts needs a multilabel Y; "
                             "give a dict {label: weight} for a 1-D y.")
        if weight == "balanced":
            weight = dict(zip(self.classes_, compute_class_weight(
                "balanced", classes=self.classes_, y=np.asarray(y).ravel())))
        if kind == "binary":
            return {0: weight.get(self.classes_[0], 1.0), 1: weight.get(self.classes_[1], 1.0)}
        return [{0: 1.0, 1: weight.get(label, 1.0)} for label in self.classes_]

    @property
    def feature_importances_(self):
        """Impurity-based importance of each feature, from the fitted forest."""
        check_is_fitted(self)
        return self.estimator_.feature_importances_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
