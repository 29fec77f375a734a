"""Per-movie explanations as short lines for the report's movie cards."""

import numpy as np

__all__ = ["explanation_lines"]


def explanation_lines(explanation, *, top=3, min_proba=None):
    """One list of lines per movie from :meth:`MovieGenreStacker.explain`'s table.

    Each line reads ``"Horror 0.81: text +0.31, poster +0.22, metadata -0.05"``: a
    genre's fused probability, then each modality's contribution to its logit, largest
    first. A movie's genres are its ``top`` most probable ones (and only those at least
    ``min_proba`` when given).

    Parameters
    ----------
    explanation : DataFrame
        The output of :meth:`~skgenre.ensemble.MovieGenreStacker.explain`: a
        ``("movie", "genre")`` MultiIndex, ``base``, one column per modality,
        ``logit`` and ``proba``.
    top : int, default=3
        Genres shown per movie.
    min_proba : float, default=None
        Leave out genres less probable than this.

    Returns
    -------
    lines : list of list of str
        One list per movie, in the table's movie order.

    Examples
    --------
    >>> import pandas as pd
    >>> from skgenre.report import explanation_lines
    >>> index = pd.MultiIndex.from_product([[0], ["Comedy", "Horror"]], names=["movie", "genre"])
    >>> table = pd.DataFrame({"base": [-1.0, -1.0], "text": [0.2, 2.5], "poster": [0.1, -0.1],
    ...                       "logit": [-0.7, 1.4], "proba": [0.33, 0.80]}, index=index)
    >>> explanation_lines(table, top=1)
    [['Horror 0.80: text +2.50, poster -0.10']]
    """
    skip = {"base", "logit", "proba"}
    modalities = [c for c in explanation.columns if c not in skip]
    out = []
    for _, movie in explanation.groupby(level="movie", sort=False):
        movie = movie.sort_values("proba", ascending=False).head(top)
        if min_proba is not None:
            movie = movie[movie["proba"] >= min_proba]
        lines = []
        for (_, genre), row in movie.iterrows():
            terms = sorted(modalities, key=lambda m: -abs(row[m]))
            parts = ", ".join(f"{m} {row[m]:+.2f}" for m in terms if np.isfinite(row[m]))
            lines.append(f"{genre} {row['proba']:.2f}: {parts}")
        out.append(lines)
    return out
