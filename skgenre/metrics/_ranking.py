"""Average precision for multilabel genres, and the study's report table."""

import warnings

import numpy as np
import pandas as pd
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import average_precision_score

from ..utils import check_multilabel_target, positive_proba

__all__ = ["average_precision", "per_genre_average_precision", "average_precision_report"]

AVERAGES = ("micro", "macro", "samples")


def _check_scores(Y_true, Y_score):
    Y_true = check_multilabel_target(Y_true, name="Y_true")
    Y_score = positive_proba(Y_score)
    if Y_score.shape != Y_true.shape:
        raise ValueError(
            f"Y_score has shape {Y_score.shape} but Y_true has shape {Y_true.shape}."
        )
    if not np.isfinite(Y_score).all():
        raise ValueError("Y_score contains NaN or infinite values.")
    return Y_true, Y_score


def average_precision(Y_true, Y_score, *, average="macro", genre_names=None):
    """Average precision of multilabel genre scores, never NaN.

    A genre with no positive movie has no defined AP: it is left out of the
    ``"macro"`` average with an :class:`~sklearn.exceptions.UndefinedMetricWarning`.
    Likewise a movie with no genre is left out of the ``"samples"`` average.

    Parameters
    ----------
    Y_true : array-like of shape (n_movies, n_genres)
        0/1 genre indicators.
    Y_score : array-like of shape (n_movies, n_genres) or list of (n_movies, 2)
        Scores, higher meaning more likely present.
    average : {"micro", "macro", "samples"}, default="macro"
        How per-genre or per-movie precision is averaged.
    genre_names : list of str, default=None
        Used to name the left-out genres in the warning; by default ``Y_true``'s
        columns when it is a DataFrame.

    Returns
    -------
    score : float
        NaN only when no genre (or, for ``"samples"``, no movie) has a positive label.

    Examples
    --------
    >>> from skgenre.metrics import average_precision
    >>> Y = [[1, 0], [0, 1], [1, 1]]
    >>> P = [[0.9, 0.2], [0.1, 0.7], [0.6, 0.4]]
    >>> float(average_precision(Y, P, average="macro"))
    1.0
    """
    if average not in AVERAGES:
        raise ValueError(f"average must be one of {AVERAGES}; got {average!r}.")
    if genre_names is None and isinstance(Y_true, pd.DataFrame):
        genre_names = [str(c) for c in Y_true.columns]
    Y_true, Y_score = _check_scores(Y_true, Y_score)
    if average == "macro":
        keep = Y_true.sum(axis=0) > 0
        if not keep.all():
            dropped = np.flatnonzero(~keep)
            names = ([genre_names[j] for j in dropped] if genre_names is not None
                     else [f"column {j}" for j in dropped])
            warnings.warn(
                f"{len(dropped)} genre(s) have no positive movie and are left out of the "
                f"macro average: {names[:10]}",
                UndefinedMetricWarning,
                stacklevel=2,
            )
        if not keep.any():
            return float("nan")
        return float(
            np.mean(
                [average_precision_score(Y_true[:, j], Y_score[:, j]) for j in np.flatnonzero(keep)]
            )
        )
    if average == "samples":
        keep = Y_true.sum(axis=1) > 0
        if not keep.all():
            warnings.warn(
                f"{int((~keep).sum())} movie(s) have no genre and are left out of the "
                "samples average.",
                UndefinedMetricWarning,
                stacklevel=2,
            )
        if not keep.any():
            return float("nan")
        return float(np.mean(_samples_average_precision(Y_true[keep], Y_score[keep])))
    if Y_true.sum() == 0:
        warnings.warn("No positive label at all: micro AP is undefined.", UndefinedMetricWarning)
        return float("nan")
    return float(average_precision_score(Y_true, Y_score, average="micro"))


def _samples_average_precision(Y_true, Y_score):
    """Each movie's average precision over its genres, for all movies at once.

    The value of scikit-learn's ``average_precision_score(y_true, y_score)`` on each
    row, ties included: the mean, over the movie's genres, of the precision at the end
    of the group of genres scored at least as high. scikit-learn's ``average="samples"``
    calls the binary score once per movie, validating its input each time, which took
    5 s for the 4,811 movies of the real data (and so each out-of-fold table of
    ``skgenre fit``); this takes milliseconds. Every row needs a positive genre.
    """
    n_genres = Y_score.shape[1]
    order = np.argsort(-Y_score, axis=1, kind="stable")
    score = np.take_along_axis(Y_score, order, axis=1)
    truth = np.take_along_axis(Y_true, order, axis=1)
    group_end = np.ones(score.shape, dtype=bool)  # the last genre of each group of ties
    group_end[:, :-1] = score[:, 1:] != score[:, :-1]
    # For each position, the position where its group of ties ends.
    end = np.where(group_end, np.arange(n_genres), n_genres)
    end = np.minimum.accumulate(end[:, ::-1], axis=1)[:, ::-1]
    precision = np.take_along_axis(np.cumsum(truth, axis=1), end, axis=1) / (end + 1)
    return (precision * truth).sum(axis=1) / truth.sum(axis=1)


def per_genre_average_precision(Y_true, Y_score, genre_names=None):
    """Average precision of each genre, NaN for a genre without positive movie.

    Returns
    -------
    ap : Series of shape (n_genres,)
        Indexed by ``genre_names`` (or the column numbers).
    """
    Y_true, Y_score = _check_scores(Y_true, Y_score)
    values = [
        average_precision_score(Y_true[:, j], Y_score[:, j]) if Y_true[:, j].any() else np.nan
        for j in range(Y_true.shape[1])
    ]
    index = list(genre_names) if genre_names is not None else list(range(Y_true.shape[1]))
    return pd.Series(values, index=index, name="average_precision")


def average_precision_report(Y_true, scores, *, averages=AVERAGES, genre_names=None):
    """The study's table: one row per model, one column per average of AP.

    Parameters
    ----------
    Y_true : array-like of shape (n_movies, n_genres)
    scores : dict of str to array-like, or array-like
        Each model's (n_movies, n_genres) scores, keyed by the row name; a single
        array makes a one-row table named ``"model"``.
    averages : tuple of str, default=("micro", "macro", "samples")
    genre_names : list of str, default=None

    Returns
    -------
    report : DataFrame of shape (n_models, len(averages))

    Examples
    --------
    >>> from skgenre.metrics import average_precision_report
    >>> Y = [[1, 0], [0, 1], [1, 1]]
    >>> average_precision_report(Y, {"good": [[.9, .2], [.1, .7], [.6, .4]]}).round(3)
          micro  macro  samples
    good  0.917    1.0    0.833
    """
    if not isinstance(scores, dict):
        scores = {"model": scores}
    rows = {
        name: [average_precision(Y_true, s, average=a, genre_names=genre_names) for a in averages]
        for name, s in scores.items()
    }
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(averages))
