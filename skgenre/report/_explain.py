"""Per-movie explanations in words, for the report's movie cards and ``skgenre predict
--explain``.

A line reads ``"Horror 0.91: plot +3.60, poster +0.70 (logit points from the base
0.12)"``: the genre's fused probability, then what each modality the movie has added
to the genre's score, in logit points (the unit of
:meth:`~skgenre.ensemble.MovieGenreStacker.explain`: ``+2`` multiplies the odds by about
7.4), largest first, starting from the base, the probability of an average training
movie. A modality the movie lacks is not listed: what its absence does is counted in the
base (``"from the base 0.08 of a movie without a poster"``), so that the base and the
listed points still add up to the probability shown. The stacking guide tells the same
in more words (:ref:`explaining`).
"""

import numpy as np

__all__ = ["explanation_lines", "modality_labels", "modality_presence"]

_NOT_TERMS = ("base", "logit", "proba")


def _sigmoid(logit):
    return 1.0 / (1.0 + np.exp(-logit))


def _join(words):
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def modality_labels(stacker):
    """What to call each modality of a fitted stacker in words: the column it reads
    when it reads one (``"plot"``, ``"poster"``, ``"trailer"``), else its name
    (``"metadata"``)."""
    return {name: cols if isinstance(cols, str) else name
            for name, cols in zip(stacker.modalities_, stacker.columns_)}


def modality_presence(stacker, X):
    """Which movies of ``X`` have each modality of a fitted stacker, as its fit and
    predict decide it: a DataFrame of bools, ``X``'s index, one column per modality."""
    import pandas as pd

    from ..ensemble._base_models import present_rows

    return pd.DataFrame({name: present_rows(est, X, cols, fitted=True) for name, est, cols
                         in zip(stacker.modalities_, stacker.estimators_, stacker.columns_)},
                        index=X.index)


def _line(genre, row, terms, present, labels):
    missing = [m for m in terms if present is not None and not present.get(m, True)]
    shown = [m for m in terms if m not in missing and np.isfinite(row[m])]
    base = row["base"] + sum(row[m] for m in missing)
    parts = ", ".join(f"{labels.get(m, m)} {round(row[m], 2) + 0.0:+.2f}"  # no "-0.00"
                      for m in sorted(shown, key=lambda m: -abs(row[m])))
    without = (f" of a movie without a {_join([labels.get(m, m) for m in missing])}"
               if missing else "")
    unit = f"logit points from the base {_sigmoid(base):.2f}{without}"
    return f"{genre} {row['proba']:.2f}: {parts} ({unit})" if parts else (
        f"{genre} {row['proba']:.2f}: the base {_sigmoid(base):.2f}{without}, nothing else known")


def explanation_lines(explanation, *, top=3, min_proba=None, present=None, labels=None):
    """One list of lines per movie from :meth:`MovieGenreStacker.explain`'s table.

    Each line reads ``"Horror 0.91: plot +2.10, poster +0.30 (logit points from the
    base 0.12)"``: a genre's fused probability, then each modality's contribution to
    its logit, largest first, from the base (the probability of an average training
    movie). With ``present``, the modalities a movie lacks are left out of the list and
    their contribution (that of their missing indicator) is counted in the base, which
    says so (``"from the base 0.08 of a movie without a poster"``): the base's logit and
    the listed points always add up to the genre's logit. A movie's genres are its
    ``top`` most probable ones (and only those at least ``min_proba`` when given).

    Parameters
    ----------
    explanation : DataFrame
        The output of :meth:`~skgenre.ensemble.MovieGenreStacker.explain`: a
        ``("movie", "genre")`` MultiIndex, ``base``, one column per modality,
        ``logit`` and ``proba``.
    top : int, default=3
        Genres shown per movie.
    min_proba : float or array-like of shape (n_genres,), default=None
        Leave out genres less probable than this (one value, or one per genre in the
        table's genre order, e.g. the stacker's ``thresholds_``).
    present : DataFrame of bool, default=None
        Which movies have each modality (:func:`modality_presence`), one row per movie
        in the table's movie order; ``None`` lists every modality.
    labels : dict, default=None
        Modality -> the word shown (:func:`modality_labels`: ``{"text": "plot"}``);
        the modality's name by default.

    Returns
    -------
    lines : list of list of str
        One list per movie, in the table's movie order.

    Examples
    --------
    >>> import pandas as pd
    >>> from skgenre.report import explanation_lines
    >>> index = pd.MultiIndex.from_product([[0], ["Comedy", "Horror"]], names=["movie", "genre"])
    >>> table = pd.DataFrame({"base": [-1.0, -2.0], "text": [0.2, 2.5], "poster": [0.1, -0.1],
    ...                       "logit": [-0.7, 0.4], "proba": [0.33, 0.60]}, index=index)
    >>> explanation_lines(table, top=1, labels={"text": "plot"})
    [['Horror 0.60: plot +2.50, poster -0.10 (logit points from the base 0.12)']]
    >>> present = pd.DataFrame({"text": [True], "poster": [False]})
    >>> explanation_lines(table, top=1, present=present, labels={"text": "plot"})
    [['Horror 0.60: plot +2.50 (logit points from the base 0.11 of a movie without a poster)']]
    """
    terms = [c for c in explanation.columns if c not in _NOT_TERMS]
    labels = dict(labels or {})
    genres = list(dict.fromkeys(explanation.index.get_level_values("genre")))
    floor = None if min_proba is None else dict(
        zip(genres, np.broadcast_to(np.asarray(min_proba, dtype=float), (len(genres),))))
    out = []
    for i, (_, movie) in enumerate(explanation.groupby(level="movie", sort=False)):
        has = None if present is None else present.iloc[i].to_dict()
        movie = movie.sort_values("proba", ascending=False, kind="stable").head(top)
        lines = []
        for (_, genre), row in movie.iterrows():
            if floor is None or row["proba"] >= floor[genre]:
                lines.append(_line(genre, row, terms, has, labels))
        out.append(lines)
    return out
