"""One binary classifier per genre: the text models' and the stacker's final estimator."""

import contextlib
import contextvars
import numbers
import warnings

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from ..utils._sklearn_compat import HasMethods, Interval, StrOptions, fit_context, validate_data
from ._mixin import MultilabelClassifierMixin

__all__ = ["ConstantGenreWarning", "PerGenreClassifier"]


class ConstantGenreWarning(UserWarning):
    """A genre is constant in the training data; it gets a constant probability."""


# Set while a caller (MovieGenreStacker) reports constant genres itself, by name and once:
# the per-genre models it fits fold after fold then stay quiet. A context variable, set
# inside each task, so that it holds in threads and worker processes alike.
_REPORTED_BY_CALLER = contextvars.ContextVar("skgenre_constant_genres_reported",
                                             default=False)


@contextlib.contextmanager
def constant_genres_reported():
    """Within the block, :func:`warn_constant_genres` does not warn: the caller does."""
    token = _REPORTED_BY_CALLER.set(True)
    try:
        yield
    finally:
        _REPORTED_BY_CALLER.reset(token)


def warn_constant_genres(Y, names=None, *, stacklevel=2):
    """One :class:`ConstantGenreWarning` naming the genres constant in ``Y``.

    Parameters
    ----------
    Y : ndarray of shape (n_movies, n_genres)
    names : list of str, default=None
        The genre names; without them, genres are named by column number.
    stacklevel : int, default=2
        Of the warning, counted from the caller of this function.

    Returns
    -------
    constant : ndarray of shape (n_genres,), dtype bool
    """
    constant = Y.min(axis=0) == Y.max(axis=0)
    if constant.any() and not _REPORTED_BY_CALLER.get():
        if names is None:
            which = f"Genre columns {np.flatnonzero(constant).tolist()} are"
        else:
            which = f"Genres {[names[j] for j in np.flatnonzero(constant)]} are"
        warnings.warn(f"{which} constant in the training data; they get a constant "
                      "probability.", ConstantGenreWarning, stacklevel=stacklevel + 1)
    return constant


def warn_constant_genres_by_name(Y, names, fits, *, stacklevel=2):
    """One :class:`ConstantGenreWarning` for a whole stack of fits, naming the genres.

    Parameters
    ----------
    Y : ndarray of shape (n_movies, n_genres)
    names : list of str
    fits : dict of str to list of ndarray
        Base model name -> the rows of ``Y`` each of its fits trains on.
    stacklevel : int, default=2
        Of the warning, counted from the caller of this function.
    """
    constant = Y.min(axis=0) == Y.max(axis=0)
    parts = []
    if constant.any():
        described = [f"{names[j]!r} ({'every' if Y[0, j] else 'no'} movie has it)"
                     for j in np.flatnonzero(constant)]
        parts.append(f"Genres {', '.join(described)} are constant in Y: they get a constant "
                     "probability.")
    in_fits = {}
    for name, row_sets in fits.items():
        for rows in row_sets:
            part = Y[rows]
            for j in np.flatnonzero((part.min(axis=0) == part.max(axis=0)) & ~constant):
                in_fits.setdefault(names[j], set()).add(name)
    if in_fits:
        models = sorted(set().union(*in_fits.values()))
        parts.append(
            f"Genres {list(in_fits)} are constant among the training movies of some fits of "
            f"the base models {models} (too few movies of theirs have those modalities): "
            "those fits give them a constant probability. Fewer folds (cv), or more movies "
            "of these genres, avoid it."
        )
    if parts:
        warnings.warn(" ".join(parts), ConstantGenreWarning, stacklevel=stacklevel + 1)


def _fit_binary(estimator, X, y):
    return clone(estimator).fit(X, y)


class PerGenreClassifier(MultilabelClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """One clone of a binary classifier per genre, returning (n, n_genres) probabilities.

    Like :class:`~sklearn.multioutput.MultiOutputClassifier` (or
    :class:`~sklearn.multiclass.OneVsRestClassifier` on an indicator matrix), but
    ``predict_proba`` is always one (n_movies, n_genres) array of probabilities of
    presence (also for a single genre) and ``classes_`` is one ``array([0, 1])`` per
    genre, so that scikit-learn's scorers (``scoring="average_precision"``) and the
    stacker read it as multilabel. A genre constant in the training data (a rare genre
    in a cross-validation fold) gets that constant as its probability, with a
    :class:`ConstantGenreWarning`, instead of failing the whole fit.

    A 1-D ``y`` is taken as :class:`~sklearn.neural_network.MLPClassifier` takes it
    (see :class:`~skgenre.multioutput.MultilabelClassifierMixin`): binary fits one
    classifier for ``classes_[1]`` and ``predict_proba`` is (n_movies, 2); multiclass
    is one-vs-rest, each row of probabilities normalised to sum to one.

    Parameters
    ----------
    estimator : classifier with ``fit`` and ``predict_proba``, default=None
        The binary classifier, cloned once per genre; ``None`` means
        ``LogisticRegression(max_iter=1000)``.
    features : {"all", "own_genre"}, default="all"
        ``"all"``: each genre's classifier sees every column. ``"own_genre"``: for
        stacked input laid out as :class:`~skgenre.MovieGenreStacker` makes it (per base
        model, one column per genre then a missing indicator; extra passthrough columns
        last), each genre's classifier sees only that genre's column of each base model,
        the missing indicators and the passthrough columns: far fewer weights.
    n_jobs : int, default=None
        Genres fitted in parallel (joblib).
    threshold : float, default=0.5
        Decision threshold of ``predict``.

    Attributes
    ----------
    estimators_ : list of estimator or float
        Fitted classifier per genre, or the constant probability of a constant genre.
    columns_ : list of ndarray or None
        Columns of ``X`` each genre's classifier sees; None for ``features="all"``
        (every column: not stored, as 17 copies of ``arange(n_features)`` of a large
        TF-IDF vocabulary would double the size of a saved text model).
    classes_ : list of ndarray or ndarray
        ``array([0, 1])`` per genre; the sorted labels of a 1-D ``y``.
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from skgenre.multioutput import PerGenreClassifier
    >>> X = np.array([[0.], [1.], [2.], [3.]]); Y = np.array([[0, 1], [0, 1], [1, 1], [1, 1]])
    >>> PerGenreClassifier().fit(X, Y).predict_proba([[3.]])[:, 1]
    array([1.])
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict_proba"]), None],
        "features": [StrOptions({"all", "own_genre"})],
        "n_jobs": [numbers.Integral, None],
        "threshold": [Interval(numbers.Real, 0, 1, closed="both")],
    }

    _target_types = ("multilabel-indicator", "binary", "multiclass")

    def __init__(self, estimator=None, *, features="all", n_jobs=None, threshold=0.5):
        self.estimator = estimator
        self.features = features
        self.n_jobs = n_jobs
        self.threshold = threshold

    @fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, Y):
        """Fit one classifier per genre.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_movies, n_features)
        Y : array-like of shape (n_movies, n_genres) or (n_movies,)
            0/1 genre indicators, or 1-D class labels (binary: one classifier for
            ``classes_[1]``; multiclass: one-vs-rest, rows normalised).

        Returns
        -------
        self : PerGenreClassifier
        """
        names = [str(c) for c in Y.columns] if isinstance(Y, pd.DataFrame) else None
        Y = self._validate_target(Y)
        X = validate_data(self, X, accept_sparse="csr")
        if Y.shape[0] != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} movies but Y has {Y.shape[0]}.")
        k = Y.shape[1]
        if self.features == "own_genre" and X.shape[1] < k + 1:
            raise ValueError(
                f"features='own_genre' needs stacked input with at least n_genres + 1 = {k + 1} "
                f"columns per base model; X has {X.shape[1]}."
            )
        if self.estimator is None:
            from sklearn.linear_model import LogisticRegression

            base = LogisticRegression(max_iter=1000)
        else:
            base = self.estimator
        constant = warn_constant_genres(
            Y, names if self._target_type_ == "multilabel-indicator" else None, stacklevel=3)
        self.columns_ = (None if self.features == "all"
                         else [self._genre_columns(j, k, X.shape[1]) for j in range(k)])
        # One small binary fit per genre: BLAS threads only add overhead to them (a
        # logistic regression by lbfgs on 3,853 x 385 takes 6x longer on 2 threads than
        # on one), so they run on one; n_jobs spreads the genres instead.
        with threadpool_limits(limits=1, user_api="blas"):
            fitted = iter(Parallel(n_jobs=self.n_jobs)(
                delayed(_fit_binary)(base, self._columns(X, j), Y[:, j])
                for j in np.flatnonzero(~constant)
            ))
        self.estimators_ = [float(Y[0, j]) if constant[j] else next(fitted) for j in range(k)]
        return self

    def _predict_proba_multilabel(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", reset=False)
        columns = []
        for j, estimator in enumerate(self.estimators_):
            if isinstance(estimator, float):
                columns.append(np.full(X.shape[0], estimator))
            else:
                proba = np.asarray(estimator.predict_proba(self._columns(X, j)), dtype=float)
                columns.append(proba[:, list(estimator.classes_).index(1)])
        return np.column_stack(columns)

    def _columns(self, X, j):
        # "all" passes X itself: indexing a large sparse TF-IDF matrix would copy it.
        return X if self.features == "all" else X[:, self.columns_[j]]

    def _genre_columns(self, j, n_genres, n_features):
        block = n_genres + 1
        n_stacked = (n_features // block) * block
        stacked = np.arange(n_stacked)
        own = stacked[(stacked % block == j) | (stacked % block == n_genres)]
        return np.concatenate([own, np.arange(n_stacked, n_features)])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
