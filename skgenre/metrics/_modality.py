"""The MovieScope study's table: each modality and the fusion, side by side."""

import numpy as np
import pandas as pd

from ..utils import align_genres, check_multilabel_target
from ._ranking import AVERAGES, average_precision

__all__ = ["modality_report"]


def modality_report(stacker, X, Y, *, averages=AVERAGES):
    """Micro, macro and samples AP of each base model and of the fusion.

    Each modality is scored on the movies that have it (a movie without a poster does
    not count against the poster model); the fusion on every movie. The ``n_movies``
    column says how many movies each row was scored on.

    Parameters
    ----------
    stacker : fitted MovieGenreStacker
    X : DataFrame of shape (n_movies, n_columns)
    Y : array-like or DataFrame of shape (n_movies, n_genres)
        A DataFrame's genre columns are matched to the stacker's by name.
    averages : tuple of str, default=("micro", "macro", "samples")

    Returns
    -------
    report : DataFrame
        One row per modality and a last row ``"fusion"``.
    """
    Y = align_genres(Y, getattr(stacker, "genre_names_", None))
    Y = check_multilabel_target(Y, n_genres=stacker.n_genres_)
    rows = {}
    counts = {}
    probas = stacker.predict_modalities(X, fusion=True)
    fused = probas.pop("fusion")
    for name, proba in probas.items():
        have = ~np.isnan(proba[:, 0])
        counts[name] = int(have.sum())
        rows[name] = [
            average_precision(Y[have], proba[have], average=a, genre_names=stacker.genre_names_)
            if have.any() else np.nan
            for a in averages
        ]
    rows["fusion"] = [
        average_precision(Y, fused, average=a, genre_names=stacker.genre_names_) for a in averages
    ]
    counts["fusion"] = len(Y)
    report = pd.DataFrame.from_dict(rows, orient="index", columns=list(averages))
    report["n_movies"] = pd.Series(counts)
    return report
