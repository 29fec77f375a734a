"""What ``skgenre predict`` prints: each movie's genres at or above the decision
threshold, as a table for people or CSV/JSON for programs, with explanations.

Two thresholds, named the same way everywhere (``predict``, ``info``, the report,
:func:`~skgenre.metrics.confident_genres`, the docs):

- the **decision threshold** is the model's: ``MovieGenreStacker.thresholds_``, the
  stacker's ``threshold`` (0.5 by default) or, fitted with ``tune_thresholds=True``, one
  per genre chosen to maximise F1 on the out-of-fold predictions. ``predict()`` and
  ``skgenre predict`` list the genres at or above it (``--threshold`` replaces it);
- the **confidence threshold** is the study's threshold metric (0.75 by default), not
  part of the model: the genres a model is confident about, shown by the report.
"""

import json

import numpy as np

__all__ = ["decision_thresholds", "format_predictions", "genre_lists", "movie_names"]

_ID_COLUMNS = ("movieId", "imdbId", "title")


def decision_thresholds(stacker, genres, threshold=None):
    """The decision threshold of each genre, and a sentence saying where it comes from.

    Parameters
    ----------
    stacker : fitted MovieGenreStacker
    genres : list of str
    threshold : float, default=None
        ``--threshold``: one value for every genre instead of the model's.

    Returns
    -------
    thresholds : ndarray of shape (n_genres,)
    statement : str
    """
    if threshold is not None:
        return (np.full(len(genres), float(threshold)),
                f"the decision threshold {threshold:.2f} (--threshold) for every genre")
    thresholds = np.asarray(stacker.thresholds_, dtype=float)
    if np.allclose(thresholds, thresholds[0]):
        return thresholds, (f"the model's decision threshold, {thresholds[0]:.2f} for every "
                            "genre")
    low, high = int(np.argmin(thresholds)), int(np.argmax(thresholds))
    return thresholds, (
        "the model's decision thresholds, tuned per genre at fit to maximise F1 (from "
        f"{thresholds[low]:.2f} for {genres[low]} to {thresholds[high]:.2f} for "
        f"{genres[high]}; `skgenre info` lists them)")


def threshold_lines(stacker, genres):
    """``info``'s lines on the decision threshold and the confidence threshold."""
    thresholds = np.asarray(stacker.thresholds_, dtype=float)
    if np.allclose(thresholds, thresholds[0]):
        decision = (f"{thresholds[0]:.2f} for every genre (the stacker's threshold); "
                    "predict() and `skgenre predict` list the genres at or above it")
    else:
        decision = ("tuned per genre at fit to maximise F1 (tune_thresholds=True): "
                    + ", ".join(f"{g} {t:.2f}" for g, t in zip(genres, thresholds)))
    confidence = ("not part of the model: the study's threshold metric (0.75 by "
                  "default, `evaluate --confidence-threshold`), shown by the report")
    return [("decision thresholds", decision), ("confidence threshold", confidence)]


def movie_names(X):
    """What to call each movie: its title (and year), else its id, else its row."""
    names = []
    for i in range(len(X)):
        row = X.iloc[i]
        title = row.get("title") if "title" in X else None
        if isinstance(title, str) and title.strip():
            year = row.get("year") if "year" in X else None
            try:
                year = int(year)
            except (TypeError, ValueError):
                year = None
            names.append(f"{title.strip()} ({year})" if year and str(year) not in title
                         else title.strip())
            continue
        ident = next((f"{c} {_json_value(row[c])}" for c in _ID_COLUMNS[:2]
                      if c in X and _json_value(row[c]) is not None), None)
        names.append(ident or f"movie {i + 1}")
    return names


def genre_lists(proba, genres, thresholds, top=None):
    """Per movie, ``(genre, probability)`` at or above the thresholds, most likely first
    (at most ``top``)."""
    out = []
    for row in proba:
        order = [j for j in np.argsort(-row, kind="stable") if row[j] >= thresholds[j]]
        out.append([(genres[j], float(row[j])) for j in order[:top]])
    return out


def _json_value(value):
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def _table(X, proba, genres, listed, statement, explanations, top):
    names = movie_names(X)
    most = f", at most {top} a movie" if top else ""
    lines = [f"Genres at or above {statement}, most likely first{most}."]
    if explanations is not None:
        lines.append("Why: what each modality adds to the genre's score, in logit points "
                     "(+1 multiplies the odds by 2.7), from the base: the probability of an "
                     "average training movie.")
    lines.append("")
    for i, name in enumerate(names):
        best = int(np.argmax(proba[i])) if len(genres) else None
        if explanations is None:
            shown = ", ".join(f"{g} {p:.2f}" for g, p in listed[i]) or (
                f"no genre reaches its threshold; the most likely is {genres[best]} "
                f"{proba[i, best]:.2f}")
            lines.append(f"{name}: {shown}")
            continue
        lines.append(name)
        if not listed[i]:
            lines.append("  no genre reaches its threshold; the most likely:")
        lines.extend(f"  {line}" for line in explanations[i])
    return "\n".join(lines) + "\n"


def format_predictions(fmt, X, proba, genres, thresholds, statement, *, top=None,
                       explanations=None):
    """The text ``skgenre predict`` writes, in ``fmt`` (``table``, ``csv`` or ``json``).

    ``explanations``: one list of lines per movie (the genres listed, or the most likely
    one when none is), or None.
    """
    import pandas as pd

    listed = genre_lists(proba, genres, thresholds, top)
    if fmt == "table":
        return _table(X, proba, genres, listed, statement, explanations, top)
    ids = [c for c in _ID_COLUMNS if c in X]
    if fmt == "csv":
        out = X[ids].copy() if ids else pd.DataFrame(index=X.index)
        for j, genre in enumerate(genres):
            out[genre] = np.round(proba[:, j], 6)
        out["genres"] = ["|".join(g for g, _ in movie) for movie in listed]
        if explanations is not None:
            out["explanation"] = [" | ".join(lines) for lines in explanations]
        return out.to_csv(index=False)
    records = []
    for i in range(len(X)):
        record = {c: _json_value(X[c].iloc[i]) for c in ids}
        record["genres"] = [g for g, _ in listed[i]]
        record["probabilities"] = {g: round(float(p), 6) for g, p in zip(genres, proba[i])}
        if explanations is not None:
            record["explanation"] = explanations[i]
        records.append(record)
    payload = {
        "decision_thresholds": {g: round(float(t), 6) for g, t in zip(genres, thresholds)},
        "thresholds_from": statement, "top": top, "genres": genres, "movies": records,
    }
    return json.dumps(payload, indent=2) + "\n"
