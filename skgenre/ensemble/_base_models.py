"""The base models' work inside the stacker: the columns each one sees, its fold tasks
(fit on some movies, predict others), the cache keys of the media files behind them,
and the hints for columns no modality reads."""

import difflib
import os
import stat

import numpy as np
import pandas as pd
from joblib import parallel_config
from sklearn.base import clone

from ..datasets._format import MEDIA_COLUMNS
from ..utils import is_missing, positive_proba


def _select(X, columns):
    """The part of ``X`` a base estimator sees: 1-D values for a column name, else a frame."""
    if isinstance(columns, str):
        return X[columns].to_numpy()
    # A column of a multi-column modality absent from the table is a column of missing
    # values (the docs' promise), not a KeyError.
    return X.reindex(columns=list(columns)).reset_index(drop=True)


def _take(data, rows):
    if isinstance(data, pd.DataFrame):
        return data.iloc[rows].reset_index(drop=True)
    return data[rows]


def _present(X, columns):
    """Movies that have the modality: its column exists and the cell is not empty."""
    cols = [columns] if isinstance(columns, str) else list(columns)
    cols = [c for c in cols if c in X.columns]
    if not cols:
        return np.zeros(len(X), dtype=bool)
    return np.logical_or.reduce([~is_missing(X[c]) for c in cols])


def _proba(estimator, data, n_genres, name):
    proba = positive_proba(estimator.predict_proba(data), getattr(estimator, "classes_", None))
    if proba.shape != (len(data), n_genres):
        raise ValueError(
            f"Base estimator {name!r} returned probabilities of shape {proba.shape}; "
            f"expected ({len(data)}, {n_genres}), one column per genre."
        )
    return proba


def _in_task():
    """joblib inside a base model's task (and the final estimator's fit): the folds x
    modalities are the parallel level, so calls there run in this process, sequentially
    unless given their own n_jobs (then in threads). Under the Dask backend they would
    otherwise become cluster tasks of their own: costly for a forest's trees or tiny
    per-genre models, and not bit-for-bit reproducible (arrays shipped to another
    process can land at another alignment, and BLAS rounds differently)."""
    return parallel_config(backend="threading", n_jobs=1)


def _call(func, args):
    """``func(*args)``. Packed in a tuple, the arguments travel with the task: joblib's
    Dask backend would scatter each large one to a single worker ahead of the task, which
    gains nothing here (each fold's data serves one task) and, when that worker is lost,
    fails the fit instead of letting Dask run the task again elsewhere."""
    return func(*args)


def _fit_predict(estimator, X_train, Y_train, X_test, n_genres, name, files=None):
    # ``files`` is not used: it is the identity of the media files behind the paths, part
    # of the ``memory`` cache key so that replaced files are never served from the cache.
    with _in_task():
        fitted = clone(estimator).fit(X_train, Y_train)
        return _proba(fitted, X_test, n_genres, name)


def _fit(estimator, X, Y, files=None):
    with _in_task():
        return clone(estimator).fit(X, Y)


def _file_identity(X, columns):
    """Per movie, (size, mtime_ns, ctime_ns) of the media files its cells name, for cache keys.

    Only media columns (posters, trailers) name files. A folder (of trailer frames)
    counts with the sizes and times of the files in it. ``None`` when no column of
    this modality holds file paths.
    """
    cols = [columns] if isinstance(columns, str) else list(columns)
    cols = [c for c in cols if c in MEDIA_COLUMNS and c in X.columns]
    if not cols:
        return None
    return [tuple(_stat(v) for v in row) for row in X[cols].itertuples(index=False)]


def _stat(value):
    if not isinstance(value, (str, os.PathLike)) or not str(value).strip():
        return None
    try:
        st = os.stat(value)
    except OSError:
        return None
    # ctime too: a copy that keeps the size and mtime (cp -p, rsync -a) is still new.
    if stat.S_ISDIR(st.st_mode):
        with os.scandir(value) as entries:
            return tuple(sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns,
                                 e.stat().st_ctime_ns) for e in entries if e.is_file()))
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class UnusedColumnsWarning(UserWarning):
    """Columns of the movie table that no modality of the stacker reads."""


def _did_you_mean(names, known):
    """`` Did you mean ...?`` for names close to known column names (case, spelling)."""
    lowered = {str(k).lower(): k for k in known}
    hints = []
    for name in names:
        match = lowered.get(str(name).lower()) or next(
            iter(difflib.get_close_matches(str(name), [str(k) for k in known], n=1)), None)
        if match is not None and match != name:
            hints.append(f"{name!r} -> {match!r}")
    return f" Did you mean: {', '.join(hints)}?" if hints else ""
