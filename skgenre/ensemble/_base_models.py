"""The base models' work inside the stacker: the columns each one sees, its fold tasks
(fit on some movies, predict others) run in parallel, the cache keys of the media files
behind them, and the hints for columns no modality reads."""

import difflib
import logging
import os
import stat
import warnings

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, parallel_config
from sklearn.base import clone
from sklearn.utils.validation import check_memory

from ..datasets._modalities import media_columns
from ..multioutput._per_genre import constant_genres_reported, warn_constant_genres_by_name
from ..utils import is_missing, positive_proba
from ..utils._progress import progress

logger = logging.getLogger(__name__)


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
    fails the fit instead of letting Dask run the task again elsewhere. The stacker names
    the genres constant in a fold's training movies itself, once: the per-genre models
    fitted here stay quiet about them."""
    with constant_genres_reported():
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
    """Per movie, (size, mtime_ns) of the media files its cells name, for cache keys.

    Only media columns (posters, trailers: the registry's ``media`` modalities) name
    files. A folder (of trailer frames) counts with the sizes and times of the files in
    it. ``None`` when no column of this modality holds file paths.
    """
    cols = [columns] if isinstance(columns, str) else list(columns)
    media = media_columns()
    cols = [c for c in cols if c in media and c in X.columns]
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
    if stat.S_ISDIR(st.st_mode):
        with os.scandir(value) as entries:
            return tuple(sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns)
                                for e in entries if e.is_file()))
    return (st.st_size, st.st_mtime_ns)


class NoModalityWarning(UserWarning):
    """Movies given to predict have no modality at all (every column the model reads is
    empty): nothing is known of them but the genres of the training movies."""


def _warn_no_modality(probas, X, columns):
    """One NoModalityWarning saying how many movies have no modality at all (``probas``:
    each base model's probabilities, NaN rows where a movie lacks its modality)."""
    if not probas or not len(X):
        return
    none = np.logical_and.reduce([np.isnan(p[:, 0]) for p in probas.values()])
    if none.any():
        read = [c for cols in columns for c in ([cols] if isinstance(cols, str) else cols)
                if c in X.columns]
        warnings.warn(
            f"{int(none.sum())} of {len(X)} movie(s) have no modality at all: every column "
            f"the model reads ({read[:8]}{' ...' if len(read) > 8 else ''}) is empty for "
            f"them (index labels {X.index[none][:5].tolist()}{' ...' if none.sum() > 5 else ''})."
            " Nothing is known of them: their probabilities are the model's answer for a "
            "movie with every modality missing, learnt from the training movies' genres.",
            NoModalityWarning,
            stacklevel=4,  # the user's predict_proba / predict, above transform
        )


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


def fit_out_of_fold(estimators, X, Y, present, splitter, *, memory, n_jobs, verbose,
                    genre_names):
    """Each base model's out-of-fold probabilities, and the model refit on all its movies.

    Every (modality, fold) fit and every refit is one joblib task (``n_jobs``, on the
    active backend); a model sees only the movies that have its modality.

    Parameters
    ----------
    estimators : list of (name, estimator, columns)
    X : DataFrame of shape (n_movies, n_columns)
    Y : ndarray of shape (n_movies, n_genres)
    present : dict of str to ndarray of bool
        Per modality, the movies that have it.
    splitter : cross-validation splitter
    memory : str, path-like, joblib.Memory or None
        Caches the fold fits and refits (their keys include the media files' identity).
    n_jobs, verbose : as the stacker's
    genre_names : list of str
        For the warning naming genres constant among some fit's training movies.

    Returns
    -------
    fitted : list of estimator
        The refit models, in the order of ``estimators``.
    oof : dict of str to ndarray of shape (n_movies, n_genres)
        Out-of-fold probabilities, NaN rows where a movie lacks the modality.
    """
    cache = check_memory(os.fspath(memory) if isinstance(memory, os.PathLike) else memory)
    fit_predict = cache.cache(_fit_predict)
    fit_all = cache.cache(_fit)
    folds = list(splitter.split(np.zeros((len(Y), 1)), Y))
    k = Y.shape[1]

    tasks, slots, trained = [], [], {}
    for name, est, cols in estimators:
        rows = np.flatnonzero(present[name])
        data = _select(X.iloc[rows], cols)
        files = _file_identity(X.iloc[rows], cols) if memory is not None else None
        trained[name] = [rows]
        for i, (train, test) in enumerate(folds):
            tr = np.flatnonzero(np.isin(rows, train))
            te = np.flatnonzero(np.isin(rows, test))
            if len(te) == 0:
                continue
            if len(tr) < 2:
                raise ValueError(f"Fold {i} has fewer than 2 training movies with {name!r}.")
            trained[name].append(rows[tr])
            fold_files = None if files is None else [files[j] for j in (*tr, *te)]
            tasks.append(delayed(_call)(fit_predict, (est, _take(data, tr), Y[rows[tr]],
                                                      _take(data, te), k, name, fold_files)))
            slots.append((name, rows[te]))
        tasks.append(delayed(_call)(fit_all, (est, data, Y[rows], files)))
        slots.append((name, None))

    # one warning, by name: the per-genre models fitted below stay quiet (see _call)
    warn_constant_genres_by_name(Y, genre_names, trained, stacklevel=5)
    logger.info("Fitting %d base models (%d folds + refit) on %d movies",
                len(tasks), len(folds), len(Y))
    results = Parallel(n_jobs=n_jobs, return_as="generator")(tasks)
    oof = {name: np.full((len(Y), k), np.nan) for name in present}
    fitted = {}
    with progress(total=len(tasks), verbose=verbose, desc="stacking") as bar:
        for (name, rows), result in zip(slots, results):
            if rows is None:
                fitted[name] = result
            else:
                oof[name][rows] = result
            bar.set_postfix_str(name)
            bar.update()
    return [fitted[name] for name, _, _ in estimators], oof
