"""The base models' work inside the stacker: the columns each one sees, its fold tasks
(fit on some movies, predict others) run in parallel, the cache keys of the media files
behind them, and the hints for columns no modality reads."""

import contextlib
import difflib
import logging
import os
import stat
import warnings

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, parallel_config
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from ..datasets._modalities import NON_FEATURE_COLUMNS, MODALITY_REGISTRY, media_columns
from ..multioutput._per_genre import constant_genres_reported, warn_constant_genres_by_name
from ..utils import is_missing, positive_proba
from ..utils._cache import feature_memo
from ..utils._on_error import collect_unreadable
from ..utils._progress import progress
from ._fit_cache import FitCache, cached_fit, cached_fit_predict

#: Whether the stacker's ``memory`` also keeps the refit base models (see _fit_cache),
#: read in each task: benchmarks/fit_cache.py compares both (a warm fit on the real data
#: reads them in 7 s instead of refitting them in 117-330 s, on a loaded machine).
CACHE_REFITS = True

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


def _media_reader(estimator):
    """The transformer that reads a base model's media files (the estimator, or its
    Pipeline's first step) when it treats unreadable ones as missing; else None."""
    step = estimator
    while isinstance(step, Pipeline) and step.steps:
        step = step.steps[0][1]
    on_error = step.get_params(deep=False).get("on_error") if hasattr(step, "get_params") else None
    return step if hasattr(step, "transform") and on_error not in (None, "raise") else None


def present_rows(estimator, X, columns, *, fitted):
    """Movies that have the modality, as fit and predict decide it: a non-empty cell
    (:func:`_present`) whose media file, if the cell names one, the base model can read.

    Under ``on_error="missing"`` a media reader skips an unreadable file and hands its
    model a row of zeros, which the model would score; the movie is instead treated
    exactly as one whose cell is empty, as ``on_error``'s docs promise. Which files are
    unreadable is what the reader itself reports while it reads them
    (:func:`~skgenre.utils._on_error.collect_unreadable`): no header probe can tell a
    video cut in its middle, and the reader's own result is the one that counts. Its
    features go to the feature cache (``memory``, or the in-memory memo of the caller's
    :func:`feature_memo` block), so the fits and predictions that follow read them from
    there: no file is decoded twice. ``fitted``: whether ``estimator`` is fitted (at
    predict time) or a clone of its reader must be fitted first (at fit time).
    """
    present = _present(X, columns)
    cols = [columns] if isinstance(columns, str) else list(columns)
    media = [c for c in cols if c in media_columns() and c in X.columns]
    reader = _media_reader(estimator) if media and present.any() else None
    if reader is None:
        return present
    rows = np.flatnonzero(present)
    items = _select(X.iloc[rows], columns)
    with collect_unreadable() as unreadable:
        reader.transform(items) if fitted else clone(reader).fit_transform(items)
    if unreadable:
        cells = X.iloc[rows]
        bad = np.logical_or.reduce([cells[c].map(
            lambda v: isinstance(v, (str, os.PathLike)) and os.fspath(v) in unreadable
        ).to_numpy(dtype=bool) for c in media])
        present[rows[bad]] = False
    return present


def predict_modality(estimator, X, columns, n_genres, name):
    """A fitted base model's probabilities on ``X``: NaN rows for the movies that lack
    its modality (:func:`present_rows`), the model's own for the others."""
    proba = np.full((len(X), n_genres), np.nan)
    # a reader's features, computed to see which files it can read, serve the prediction
    with feature_memo() if _media_reader(estimator) else contextlib.nullcontext():
        rows = np.flatnonzero(present_rows(estimator, X, columns, fitted=True))
        if len(rows):
            proba[rows] = _proba(estimator, _select(X.iloc[rows], columns), n_genres, name)
    return proba


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


def _fit_predict(estimator, X_train, Y_train, X_test, n_genres, name, cache, files=None):
    """A fold: fit on its training movies, predict its test movies; through ``cache``
    (``files``, the identity of the media files behind the paths, is part of its key, so
    that replaced files are never served from the cache)."""
    def fit_predict():
        with _in_task():
            fitted = clone(estimator).fit(X_train, Y_train)
            return _proba(fitted, X_test, n_genres, name)

    return cached_fit_predict(fit_predict, cache, estimator, X_train, Y_train, X_test,
                              n_genres, files)


def _fit(estimator, X, Y, cache, files=None):
    """The refit on all the movies that have the modality; through ``cache``."""
    def fit():
        with _in_task():
            return clone(estimator).fit(X, Y)

    return cached_fit(fit, cache, estimator, X, Y, files, models=CACHE_REFITS)


def _file_identity(X, columns):
    """Per movie, (size, mtime_ns, ctime_ns) of the media files its cells name, for cache keys.

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
    # ctime too: a copy that keeps the size and mtime (cp -p, rsync -a) is still new.
    if stat.S_ISDIR(st.st_mode):
        with os.scandir(value) as entries:
            return tuple(sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns,
                                 e.stat().st_ctime_ns) for e in entries if e.is_file()))
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def registered_columns():
    """The columns of every registered modality."""
    return [c for m in MODALITY_REGISTRY.values() for c in m.columns]


class NoModalityWarning(UserWarning):
    """Movies given to predict have no modality at all (every column the model reads is
    empty): nothing is known of them but the genres of the training movies."""


def _warn_no_modality(probas, X, columns, stacklevel):
    """One NoModalityWarning saying how many movies have no modality at all (``probas``:
    each base model's probabilities, NaN rows where a movie lacks its modality); whether
    that is every movie."""
    if not probas or not len(X):
        return False
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
            stacklevel=stacklevel,
        )
    return bool(none.all())


class MissingModalityWarning(UserWarning):
    """A modality is missing for every movie of a table: its column is absent (misnamed?)
    or every cell of it is empty.

    At predict time (``predict``, ``predict_proba``, ``transform``, ``explain``): a column
    the model reads is absent from the table (with the close names it has), or the
    model's strongest modality (``modality_scores_``) is empty for every movie. At fit
    with the default base models: a registered modality whose columns are all empty,
    which is left out.
    """


def modality_scores(oof, Y):
    """Each base model's out-of-fold macro average precision, on the movies that have
    its modality (genres constant among them left out; NaN when every genre is)."""
    from sklearn.metrics import average_precision_score

    scores = {}
    for name, proba in oof.items():
        have = ~np.isnan(proba[:, 0])
        y, p = Y[have], proba[have]
        genres = [j for j in range(Y.shape[1]) if 0 < y[:, j].sum() < len(y)]
        scores[name] = (float(np.mean([average_precision_score(y[:, j], p[:, j])
                                       for j in genres])) if genres else float("nan"))
    return scores


def warn_missing_modalities(stacker, probas, X, *, stacklevel):
    """The predict-time warnings about modalities missing from ``X``: movies without
    any modality (:class:`NoModalityWarning`); a column the model reads that ``X``
    lacks, or the model's strongest modality empty for every movie
    (:class:`MissingModalityWarning`, one for all). ``stacklevel``: of the user's call,
    counted from this function."""
    if _warn_no_modality(probas, X, stacker.columns_, stacklevel + 1) or not len(X):
        return  # nothing at all is known of any movie: said once
    notes, absent = [], set()
    read = {c for cols in stacker.columns_ for c in ([cols] if isinstance(cols, str) else cols)}
    others = [c for c in X.columns if c not in read and c not in registered_columns()
              and str(c).lower() not in NON_FEATURE_COLUMNS]  # what a misnamed one may be
    for name, cols in zip(stacker.modalities_, stacker.columns_):
        cols = [cols] if isinstance(cols, str) else list(cols)
        if not any(c in X.columns for c in cols):
            absent.add(name)
            shown = " or ".join(map(repr, cols[:4])) + (" (...)" if len(cols) > 4 else "")
            notes.append(
                f"The table has no {shown} column, which the {name} modality reads: "
                "every movie is predicted without it."
                + _did_you_mean(others, cols))
    scores = {k: v for k, v in (getattr(stacker, "modality_scores_", None) or {}).items()
              if np.isfinite(v) and k in probas}
    if len(scores) > 1:
        best = max(scores, key=scores.get)
        if best not in absent and np.isnan(probas[best][:, 0]).all():
            others = ", ".join(f"{k} {v:.2f}" for k, v in
                               sorted(scores.items(), key=lambda kv: -kv[1]) if k != best)
            notes.append(
                f"The {best} modality, the model's strongest (out-of-fold macro average "
                f"precision {scores[best]:.2f}; {others}), is empty for all {len(X)} "
                "movie(s): their genres rest on the weaker modalities.")
    if notes:
        warnings.warn(" ".join(notes), MissingModalityWarning, stacklevel=stacklevel)


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
        Caches the fold predictions and refits as data (:class:`FitCache`; their keys
        include the media files' identity).
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
    cache = FitCache(memory)
    folds = list(splitter.split(np.zeros((len(Y), 1)), Y))
    k = Y.shape[1]

    tasks, slots, trained = [], [], {}
    for name, est, cols in estimators:
        rows = np.flatnonzero(present[name])
        data = _select(X.iloc[rows], cols)
        files = _file_identity(X.iloc[rows], cols) if cache.enabled else None
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
            tasks.append(delayed(_call)(_fit_predict, (est, _take(data, tr), Y[rows[tr]],
                                                       _take(data, te), k, name, cache,
                                                       fold_files)))
            slots.append((name, rows[te]))
        tasks.append(delayed(_call)(_fit, (est, data, Y[rows], cache, files)))
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
