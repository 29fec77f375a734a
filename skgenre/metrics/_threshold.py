"""The 3D-CNN study's threshold metric: the genres a model is confident about."""

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_curve

from ..utils import positive_proba

__all__ = ["confident_genres"]


def confident_genres(proba, genre_names, threshold=0.75):
    """Each movie's genres whose probability is at least ``threshold``, most likely first.

    Two thresholds are named apart throughout skgenre. The *confidence threshold*
    (0.75 by default here) is the study's threshold metric: the genres a model is
    confident about, as the HTML report shows them. The *decision threshold* is the
    model's own: ``MovieGenreStacker.thresholds_`` (its ``threshold``, 0.5, or one per
    genre tuned for F1 with ``tune_thresholds=True``), with which ``predict`` and
    ``skgenre predict`` list genres; pass ``threshold=stacker.thresholds_`` to get
    those.

    Parameters
    ----------
    proba : array-like of shape (n_movies, n_genres)
        Positive-class probabilities, e.g. ``stacker.predict_proba(X)``.
    genre_names : sequence of str of length n_genres
    threshold : float or array-like of shape (n_genres,), default=0.75
        The confidence threshold of the study (0.75); per-genre thresholds, such as
        a stacker's decision thresholds ``thresholds_``, are accepted.

    Returns
    -------
    genres : list of list of str
        One list per movie (empty when no genre reaches the threshold).

    Examples
    --------
    >>> from skgenre.metrics import confident_genres
    >>> confident_genres([[0.8, 0.9, 0.1]], ["Action", "Comedy", "Drama"])
    [['Comedy', 'Action']]
    """
    if isinstance(proba, pd.DataFrame):
        proba = proba.to_numpy()
    proba = positive_proba(proba)
    names = np.asarray(list(genre_names), dtype=object)
    if proba.shape[1] != len(names):
        raise ValueError(f"proba has {proba.shape[1]} genres but {len(names)} names were given.")
    threshold = np.broadcast_to(np.asarray(threshold, dtype=float), (proba.shape[1],))
    out = []
    for row in proba:
        hits = np.flatnonzero(row >= threshold)
        out.append(list(names[hits[np.argsort(-row[hits], kind="stable")]]))
    return out


def best_f1_thresholds(Y, proba):
    """Per-genre threshold maximising F1 on (out-of-fold) probabilities."""
    thresholds = np.full(Y.shape[1], 0.5)
    for j in range(Y.shape[1]):
        if not Y[:, j].any() or Y[:, j].all():
            continue
        precision, recall, cut = precision_recall_curve(Y[:, j], proba[:, j])
        with np.errstate(invalid="ignore", divide="ignore"):
            f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0)
        thresholds[j] = cut[np.argmax(f1[:-1])]
    return thresholds
