"""Multilabel helpers shared by every modality: target checks, probabilities, classes.

The multilabel classifier mixin lives in :mod:`skgenre.multioutput`.
"""

import numpy as np
import pandas as pd
from scipy import sparse

from ._genres import check_not_label_lists

__all__ = [
    "check_multilabel_target",
    "multilabel_classes",
    "positive_proba",
]


def check_multilabel_target(Y, *, n_genres=None, name="Y"):
    """Validate a multilabel target and return it as an int8 indicator matrix.

    Parameters
    ----------
    Y : array-like or sparse matrix of shape (n_movies, n_genres)
        0/1 (or boolean) indicator matrix, one column per genre.
    n_genres : int, default=None
        Expected number of genres; checked when given.
    name : str, default="Y"
        Name used in error messages.

    Returns
    -------
    Y : ndarray of shape (n_movies, n_genres), dtype int8

    Raises
    ------
    ValueError
        If ``Y`` is not a 2-D 0/1 matrix, has the wrong number of genres, holds missing
        values (NaN, None, ``pd.NA``: the message names the genres and rows), or is a
        DataFrame that repeats a genre name.

    Examples
    --------
    >>> from skgenre.utils import check_multilabel_target
    >>> check_multilabel_target([[1, 0], [0, 1]])
    array([[1, 0],
           [0, 1]], dtype=int8)
    """
    if Y is None:
        raise ValueError(
            f"This estimator requires y to be passed, but the target y is None: {name} must "
            "be an (n_movies, n_genres) 0/1 indicator matrix."
        )
    check_not_label_lists(Y, name=name)
    if sparse.issparse(Y):
        Y = Y.toarray()
    if isinstance(Y, (pd.DataFrame, pd.Series)):
        check_target_frame(Y, name=name)
        Y = Y.to_numpy()
    Y = np.asarray(Y)
    if Y.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D (n_movies, n_genres) 0/1 indicator matrix; got an "
            f"array of shape {Y.shape}. Convert lists of genres with "
            "sklearn.preprocessing.MultiLabelBinarizer."
        )
    if Y.shape[1] == 0:
        raise ValueError(f"{name} has no genre column (shape {Y.shape}).")
    if Y.dtype == object or np.issubdtype(Y.dtype, np.floating):
        missing = pd.isna(Y)
        if missing.any():
            raise _missing_error(missing, list(range(Y.shape[1])), list(range(len(Y))), name)
    if Y.dtype == object:
        try:
            Y = Y.astype(float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"Unknown label type: {name} must hold 0/1 values only.") from exc
    values = np.unique(Y)
    if not np.isin(values, [0, 1]).all():
        raise ValueError(
            f"Unknown label type: {name} must hold 0/1 values only; found {values[~np.isin(values, [0, 1])][:5]}."
        )
    if n_genres is not None and Y.shape[1] != n_genres:
        raise ValueError(
            f"{name} has {Y.shape[1]} genres, but the model was fitted with {n_genres}."
        )
    return Y.astype(np.int8)


def check_target_frame(Y, *, name="Y"):
    """Refuse a target DataFrame (or Series) that repeats a genre name or has missing cells.

    Both are named: the repeated genres, and the genres and row labels of the missing
    values (NaN, None, ``pd.NA`` of a nullable ``Int8`` or ``boolean`` column).

    Raises
    ------
    ValueError
    """
    if isinstance(Y, pd.DataFrame):
        columns = [str(c) for c in Y.columns]
        repeated = sorted({c for c in columns if columns.count(c) > 1})
        if repeated:
            raise ValueError(
                f"{name} repeats the genre column(s) {repeated}: each genre must be one "
                "column, or its labels and probabilities would be paired with another's."
            )
        missing = Y.isna().to_numpy()
    else:
        columns = [str(Y.name) if Y.name is not None else name]
        missing = Y.isna().to_numpy()[:, None]
    if missing.any():
        raise _missing_error(missing, columns, list(Y.index), name, labels=True)


def _missing_error(missing, genres, rows, name, labels=False):
    genres = [genres[j] for j in np.flatnonzero(missing.any(axis=0))]
    rows = [rows[i] for i in np.flatnonzero(missing.any(axis=1))]
    where = "index label(s)" if labels else "row(s)"
    what = "genre(s)" if labels else "genre column(s)"
    return ValueError(
        f"{name} has {int(missing.sum())} missing value(s) (NaN, None or pd.NA) in {what} "
        f"{genres[:10]}{' ...' if len(genres) > 10 else ''}, at {where} {rows[:5]}"
        f"{' ...' if len(rows) > 5 else ''}: each genre of each movie must be 0 or 1. Fill "
        "them (e.g. fillna(0) if a missing value means the movie lacks the genre), or "
        "leave those movies out."
    )


def multilabel_classes(n_genres):
    """``classes_`` that makes scikit-learn's scorers treat a model as multilabel.

    A single ``array([0, 1])`` would make scikit-learn read the estimator as binary,
    pick one probability column, and return NaN scores; one array per genre does not.

    Examples
    --------
    >>> from skgenre.utils import multilabel_classes
    >>> multilabel_classes(2)
    [array([0, 1]), array([0, 1])]
    """
    return [np.array([0, 1]) for _ in range(n_genres)]


def positive_proba(proba, classes=None):
    """Normalise any multilabel ``predict_proba`` output to positive-class probabilities.

    Parameters
    ----------
    proba : ndarray or list of ndarray
        One of: an (n, n_genres) array of positive-class probabilities (returned
        unchanged); a list of (n, 2) arrays, one per genre, as scikit-learn's forests
        and ``MultiOutputClassifier`` return (an (n, 1) array, for a genre that was
        constant in training, becomes 1 or 0 by that genre's single class); or an
        (n, 2, n_genres) array as skorch's classifier returns.
    classes : list of ndarray, default=None
        Per-genre classes, needed only to resolve (n, 1) arrays; class ``1`` is
        assumed absent when not given.

    Returns
    -------
    proba : ndarray of shape (n, n_genres), float64

    Examples
    --------
    >>> import numpy as np
    >>> from skgenre.utils import positive_proba
    >>> positive_proba([np.array([[0.2, 0.8]]), np.array([[1.0]])])
    array([[0.8, 0. ]])
    """
    if isinstance(proba, list):
        columns = []
        for j, p in enumerate(proba):
            p = np.asarray(p, dtype=np.float64)
            if p.ndim != 2:
                raise ValueError(f"Per-genre probabilities must be 2-D; got {p.shape}.")
            if p.shape[1] == 2:
                columns.append(p[:, 1])
            elif p.shape[1] == 1:
                only = None if classes is None else np.asarray(classes[j])[0]
                columns.append(np.full(p.shape[0], 1.0 if only == 1 else 0.0))
            else:
                raise ValueError(
                    f"Genre {j} has {p.shape[1]} probability columns; expected 1 or 2."
                )
        return np.column_stack(columns) if columns else np.empty((0, 0))
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim == 3 and proba.shape[1] == 2:
        return proba[:, 1, :]
    if proba.ndim == 2:
        return proba
    raise ValueError(f"Cannot read multilabel probabilities of shape {proba.shape}.")
