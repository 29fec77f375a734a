"""Multilabel-stratified splitting, delegated to ``iterative-stratification``."""

import numbers

import numpy as np
from iterstrat.ml_stratifiers import (
    MultilabelStratifiedKFold as _IterstratKFold,
    MultilabelStratifiedShuffleSplit as _IterstratShuffleSplit,
    RepeatedMultilabelStratifiedKFold,
)
from sklearn.model_selection import StratifiedKFold, StratifiedShuffleSplit, check_cv
from sklearn.utils import indexable

from ..utils import check_multilabel_target
from ..utils._sklearn_compat import safe_indexing

__all__ = [
    "MultilabelStratifiedKFold",
    "MultilabelStratifiedShuffleSplit",
    "RepeatedMultilabelStratifiedKFold",
    "check_multilabel_cv",
    "multilabel_train_test_split",
]


class MultilabelStratifiedKFold(_IterstratKFold):
    """K-fold that keeps each genre's share of movies alike across folds.

    Iterative stratification (Sechidis et al., 2011) from ``iterative-stratification``,
    with scikit-learn's default of 5 folds.

    Parameters
    ----------
    n_splits : int, default=5
    shuffle : bool, default=False
    random_state : int, RandomState instance or None, default=None
        Used only when ``shuffle=True``.

    Examples
    --------
    >>> import numpy as np
    >>> from skgenre.model_selection import MultilabelStratifiedKFold
    >>> Y = np.array([[1, 0], [0, 1], [1, 1], [0, 0]] * 3)
    >>> [len(test) for _, test in MultilabelStratifiedKFold(3).split(Y, Y)]
    [4, 4, 4]
    """

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        super().__init__(n_splits=n_splits, shuffle=shuffle, random_state=random_state)

    def split(self, X, y, groups=None):
        """Train and test indices; a single genre (one column) is stratified on its own.

        ``iterative-stratification`` takes only targets of two genres or more; one genre
        is split by scikit-learn's :class:`~sklearn.model_selection.StratifiedKFold`.

        Parameters
        ----------
        X : array-like of shape (n_movies, n_features)
        y : array-like of shape (n_movies, n_genres)
            The 0/1 genre matrix to stratify on.
        groups : None
            Ignored.

        Yields
        ------
        train, test : ndarray
        """
        one = _single_genre(y)
        if one is not None:
            return StratifiedKFold(self.n_splits, shuffle=self.shuffle,
                                   random_state=self.random_state).split(X, one, groups)
        return super().split(X, y, groups)


class MultilabelStratifiedShuffleSplit(_IterstratShuffleSplit):
    """Shuffle-split that keeps each genre's share of movies alike in train and test.

    Iterative stratification from ``iterative-stratification``; a single genre (one
    column) is split by scikit-learn's
    :class:`~sklearn.model_selection.StratifiedShuffleSplit`.

    Parameters
    ----------
    n_splits : int, default=10
    test_size, train_size : float, int or None, default=None
    random_state : int, RandomState instance or None, default=None
    """

    def split(self, X, y, groups=None):
        """Train and test indices; a single genre (one column) is stratified on its own.

        Parameters
        ----------
        X : array-like of shape (n_movies, n_features)
        y : array-like of shape (n_movies, n_genres)
            The 0/1 genre matrix to stratify on.
        groups : None
            Ignored.

        Yields
        ------
        train, test : ndarray
        """
        one = _single_genre(y)
        if one is not None:
            test_size = None if isinstance(self.test_size, str) else self.test_size  # "default"
            return StratifiedShuffleSplit(
                self.n_splits, test_size=test_size, train_size=self.train_size,
                random_state=self.random_state).split(X, one, groups)
        return super().split(X, y, groups)


def _single_genre(y):
    """The column of a one-genre (n, 1) target, else ``None``."""
    y = check_multilabel_target(y, name="y") if np.ndim(y) == 2 else None
    return y[:, 0] if y is not None and y.shape[1] == 1 else None


def check_multilabel_cv(cv=5, *, random_state=None):
    """Turn ``cv`` into a splitter: an int becomes a shuffled multilabel-stratified K-fold.

    Parameters
    ----------
    cv : int, cross-validation generator or iterable, default=5
    random_state : int, RandomState instance or None, default=None
        Shuffles the folds when ``cv`` is an int.
    """
    if cv is None:
        cv = 5
    if isinstance(cv, numbers.Integral):
        return MultilabelStratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    return check_cv(cv)


def multilabel_train_test_split(*arrays, stratify, test_size=0.25, random_state=None):
    """Split arrays into train and test parts keeping each genre's share alike.

    Parameters
    ----------
    *arrays : sequence of indexables with the same length
    stratify : array-like of shape (n_movies, n_genres)
        The 0/1 genre matrix to stratify on (usually ``Y``).
    test_size : float or int, default=0.25
    random_state : int or None, default=None

    Returns
    -------
    splitting : list of length 2 * len(arrays)

    Examples
    --------
    >>> import numpy as np
    >>> from skgenre.model_selection import multilabel_train_test_split
    >>> X = np.arange(16).reshape(8, 2); Y = np.array([[1, 0], [0, 1]] * 4)
    >>> X_train, X_test, Y_train, Y_test = multilabel_train_test_split(
    ...     X, Y, stratify=Y, test_size=0.5, random_state=0)
    >>> Y_test.sum(axis=0).tolist()
    [2, 2]
    """
    if not arrays:
        raise ValueError("At least one array is required.")
    arrays = indexable(*arrays)
    Y = check_multilabel_target(stratify, name="stratify")
    if len(Y) != len(arrays[0]):
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: stratify has "
            f"{len(Y)} rows, the arrays {len(arrays[0])}."
        )
    splitter = MultilabelStratifiedShuffleSplit(
        n_splits=1, test_size=test_size, random_state=random_state
    )
    train, test = next(splitter.split(Y, Y))
    out = []
    for a in arrays:
        out.extend([safe_indexing(a, train), safe_indexing(a, test)])
    return out
