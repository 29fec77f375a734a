"""Write a self-contained HTML report folder: the study's table, AP bars, PR curves, examples."""

import datetime
import logging
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..metrics import average_precision_report, confident_genres
from ..metrics._display import (
    AveragePrecisionDisplay,
    GenrePrecisionRecallDisplay,
    _scores_dict,
    _target_and_names,
)

__all__ = ["write_report"]

logger = logging.getLogger(__name__)

THUMBNAIL_WIDTH = 120
PLOT_CHARACTERS = 260  # longer plots are cut at a word boundary on the cards


def _environment():
    """The Jinja2 environment of the report's templates (package data), autoescaping on."""
    try:
        import jinja2
    except ImportError as exc:  # pragma: no cover - jinja2 comes with the plot extra
        raise ImportError(
            "The HTML report needs Jinja2: pip install jinja2 (or skgenre[plot])."
        ) from exc
    return jinja2.Environment(
        loader=jinja2.PackageLoader("skgenre.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _figure(figsize):
    """A matplotlib Figure that needs neither pyplot nor a display."""
    from ..metrics._display import _import_pyplot

    _import_pyplot()  # the install hint when matplotlib is missing
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout="constrained")


def _save(fig, path):
    fig.savefig(path, dpi=110)
    logger.info("wrote %s", path)
    return path.name


def _study_table(Y_true, scores, genre_names):
    """One row per model, scored on the movies that model saw; plus the number of movies."""
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # genres without positives are reported in the note
        for name, P in scores.items():
            seen = ~np.isnan(P).all(axis=1)
            table = average_precision_report(Y_true[seen], {name: P[seen]}, genre_names=genre_names)
            table["n_movies"] = int(seen.sum())
            rows.append(table)
    return pd.concat(rows)


def _table_rows(
    table, best_columns=("micro", "macro", "samples"), highlight_row="fusion", best_in_row=()
):
    """A table for the template: the best value of each score column (or of each row) in bold."""
    best = {c: table[c].max() for c in best_columns if c in table}
    row_best = table[list(best_in_row)].max(axis=1) if len(best_in_row) else None
    rows = []
    for i, name in enumerate(table.index):
        cells = []
        for j, c in enumerate(table.columns):
            value = table.iloc[i, j]
            if pd.api.types.is_float_dtype(table[c].dtype):
                text = "–" if math.isnan(value) else f"{value:.3f}"
                bold = c in best and not math.isnan(value) and np.isclose(value, best[c])
                if row_best is not None and c in best_in_row and not math.isnan(value):
                    bold = bool(np.isclose(value, row_best.iloc[i]))
            else:
                text, bold = str(value), False
            cells.append({"text": text, "best": bool(bold)})
        rows.append({"name": str(name), "fusion": str(name) == highlight_row, "cells": cells})
    return {"columns": [str(c) for c in table.columns], "rows": rows}


def _per_genre_grid(Y_true, scores, genre_names, path):
    """Small multiples: one precision-recall panel per genre, every model in each."""
    keep = [j for j in range(Y_true.shape[1]) if Y_true[:, j].any()]
    n_cols = 4
    n_rows = max(1, math.ceil(len(keep) / n_cols))
    fig = _figure((11, 2.6 * n_rows))
    axes = fig.subplots(n_rows, n_cols, squeeze=False).ravel()
    usable = {}
    for name, P in scores.items():
        seen = ~np.isnan(P).all(axis=1)
        usable[name] = (seen, P)
    for ax, j in zip(axes, keep):
        genre_scores = {
            name: P for name, (seen, P) in usable.items() if Y_true[seen, j].any()
        }
        if not genre_scores:
            ax.set_visible(False)
            continue
        display = GenrePrecisionRecallDisplay.from_predictions(
            Y_true, genre_scores, genre=j, genre_names=genre_names, ax=ax, legend=False,
            colors=[f"C{list(scores).index(name)}" for name in genre_scores],
        )
        last = list(genre_scores)[-1]
        ax.set_title(
            f"{genre_names[j]}  ({last} AP {display.average_precision[last]:.2f})", fontsize=9
        )
        ax.set_xlabel("Recall", fontsize=8)
        ax.set_ylabel("Precision", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes[len(keep):]:
        ax.set_visible(False)
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=f"C{i}", label=name) for i, name in enumerate(scores)]
    handles.append(Line2D([], [], color="black", linestyle="--", label="chance"))
    fig.legend(handles=handles, loc="outside upper center", ncols=len(handles), frameon=False)
    return _save(fig, path)


def _thumbnail(src, dest):
    """Copy a poster into the report, ``THUMBNAIL_WIDTH`` pixels wide; None if unreadable."""
    from PIL import Image

    try:
        with Image.open(src) as img:
            img = img.convert("RGB")
            height = max(1, round(img.height * THUMBNAIL_WIDTH / img.width))
            img = img.resize((THUMBNAIL_WIDTH, height), Image.LANCZOS)
            img.save(dest, format="JPEG", quality=88)
    except (OSError, ValueError) as exc:
        logger.warning("poster %s could not be read for the report: %s", src, exc)
        return None
    return dest


def _present(value):
    if value is None:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return str(value).strip() != ""


def _pick_examples(movies, n_examples, random_state):
    """Movies to show: prefer those with a poster file, then a random, reproducible choice."""
    n = len(movies)
    if n_examples <= 0 or n == 0:
        return []
    rng = np.random.default_rng(random_state)
    order = rng.permutation(n)
    if "poster" in movies:
        has_poster = np.array(
            [_present(p) and Path(str(p)).is_file() for p in movies["poster"].to_numpy()]
        )
        order = np.concatenate([order[has_poster[order]], order[~has_poster[order]]])
    return sorted(order[:n_examples].tolist())


def _chips(genres, truth, predicted, proba=None):
    """Genre chips classed by (true, confident): hit, miss, wrong or plain."""
    chips = []
    for g in genres:
        if g in truth:
            cls = "hit" if g in predicted else "miss"
        else:
            cls = "wrong" if g in predicted else "plain"
        chips.append({"genre": str(g), "cls": cls,
                      "proba": None if proba is None else float(proba[g])})
    return chips


def _explanation_lines(explanation):
    """A movie's explanation as lines: a list of str, a {modality: text} dict, or None."""
    if explanation is None:
        return []
    if isinstance(explanation, str):
        return [explanation]
    if isinstance(explanation, dict):
        return [f"{name}: {text}" for name, text in explanation.items()]
    return [str(line) for line in explanation]


def _cards(movies, rows, Y_true, fused, genre_names, threshold, poster_dir, explanations):
    """The example movies' cards, for the template; posters copied as thumbnails."""
    confident = confident_genres(fused[rows], genre_names, threshold=threshold)
    cards = []
    for k, (i, predicted) in enumerate(zip(rows, confident)):
        movie = movies.iloc[i]
        truth = [g for g, y in zip(genre_names, Y_true[i]) if y]
        proba = dict(zip(genre_names, fused[i]))
        has_title = "title" in movie and _present(movie["title"])
        title = str(movie["title"]) if has_title else f"Movie {i}"
        poster = None
        if "poster" in movie and _present(movie["poster"]) and Path(str(movie["poster"])).is_file():
            dest = poster_dir / f"movie_{k:02d}.jpg"
            if _thumbnail(movie["poster"], dest) is not None:
                poster = f"{poster_dir.name}/{dest.name}"
        plot = None
        if "plot" in movie and _present(movie["plot"]):
            plot = str(movie["plot"])
            if len(plot) > PLOT_CHARACTERS:
                plot = plot[:PLOT_CHARACTERS - 3].rsplit(" ", 1)[0] + "…"
        top = sorted(genre_names, key=lambda g: -proba[g])[:3]
        cards.append({
            "title": title,
            "poster": poster,
            "plot": plot,
            "truth": _chips(truth, truth, predicted),
            "confident": _chips(predicted, truth, predicted, proba),
            "top": _chips(top, truth, predicted, proba),
            "explanation": _explanation_lines(
                None if explanations is None else explanations[i]
            ),
        })
    return cards


def write_report(
    out_dir,
    *,
    Y_true,
    probas,
    genre_names=None,
    movies=None,
    threshold=0.75,
    n_examples=6,
    title="Movie genre report",
    facts=None,
    fusion="fusion",
    explanations=None,
    random_state=0,
):
    """Write an HTML report of genre predictions into a self-contained folder.

    The folder holds ``index.html``, the figures as PNG files and thumbnails of
    the example movies' posters, all linked relatively, so it can be moved,
    zipped or served as it is.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write; created if needed, files of an earlier report overwritten.
    Y_true : array-like or DataFrame of shape (n_movies, n_genres)
        True genres (0/1) of the scored movies.
    probas : dict of str to array-like of shape (n_movies, n_genres)
        Each model's probabilities, e.g. each modality's and the fusion's (the
        output of ``stacker.predict_modalities(X)`` plus ``{"fusion":
        stacker.predict_proba(X)}``). A row of NaN means the model did not see that
        movie (missing modality); it is scored on the others, and a model that saw
        none of the movies is named under the facts rather than scored.
    genre_names : list of str, default=None
        Genre names; taken from ``Y_true``'s columns when a DataFrame.
    movies : DataFrame of shape (n_movies, n_columns), default=None
        The scored movies, in the rows' order; ``title``, ``plot`` and ``poster``
        (an image path) are shown for a few examples when present.
    threshold : float, default=0.75
        The confidence threshold: the probability from which a genre is listed as
        confident (the study's threshold metric,
        :func:`~skgenre.metrics.confident_genres`). Not the model's decision threshold
        (``MovieGenreStacker.thresholds_``, what ``predict`` uses).
    n_examples : int, default=6
        Number of example movies shown (movies with a poster file first).
    title : str, default="Movie genre report"
        Page heading.
    facts : dict of str to str, default=None
        Extra lines shown under the heading (data, model, timings...).
    fusion : str, default="fusion"
        Key of ``probas`` used for the example movies; the last model when absent.
        When ``probas`` holds one model besides it (a one-modality stacker), the
        report shows a single row, named after that model, with the ``fusion``
        probabilities: the model's output, with no fusion to compare with.
    explanations : sequence, default=None
        One entry per movie, in the rows' order, shown on its card when the movie is
        one of the examples: a list of lines, a ``{modality: text}`` dict, a string,
        or None for nothing.
    random_state : int, default=0
        Seed of the choice of example movies.

    Returns
    -------
    index : Path
        Path of the written ``index.html``.

    Examples
    --------
    >>> import tempfile
    >>> from skgenre.report import write_report
    >>> Y = [[1, 0], [0, 1], [1, 1], [0, 0]]
    >>> probas = {"fusion": [[.9, .2], [.1, .7], [.6, .8], [.2, .1]]}
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     index = write_report(folder, Y_true=Y, probas=probas, genre_names=["Action", "Drama"])
    ...     print(index.name, sorted(p.name for p in index.parent.glob("*.png")))
    index.html ['ap_per_genre.png', 'pr_micro.png', 'pr_per_genre.png']
    """
    Y_true, genre_names = _target_and_names(Y_true, genre_names)
    scores = _scores_dict(probas, *Y_true.shape)
    # A model that saw none of these movies (a modality every one of them lacks) has no
    # curve or score: it is named among the facts instead of failing the figures.
    unscored = [k for k, v in scores.items() if k != fusion and np.isnan(v).all()]
    scores = {k: v for k, v in scores.items() if k not in unscored}
    if movies is not None and len(movies) != Y_true.shape[0]:
        raise ValueError(
            f"movies has {len(movies)} rows but Y_true has {Y_true.shape[0]} movies."
        )
    if explanations is not None and len(explanations) != Y_true.shape[0]:
        raise ValueError(
            f"explanations has {len(explanations)} entries but Y_true has "
            f"{Y_true.shape[0]} movies."
        )
    if not 0 <= float(threshold) <= 1:
        raise ValueError(f"threshold must be in [0, 1]; got {threshold!r}.")
    single_model = fusion in scores and len(scores) == 2
    if single_model:  # one modality: its row is the model's output, no "fusion" beside it
        (name,) = [key for key in scores if key != fusion]
        scores = {name: scores[fusion]}
    template = _environment().get_template("report.html.j2")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    logger.info("writing the report to %s", out_dir)

    table = _study_table(Y_true, scores, genre_names)
    no_positive = [g for g, y in zip(genre_names, Y_true.T) if not y.any()]

    fig = _figure((8, 1.6 + 0.3 * len(genre_names) * max(1.0, len(scores) / 3)))
    ap_display = AveragePrecisionDisplay.from_predictions(
        Y_true, scores, genre_names=genre_names, ax=fig.subplots()
    )
    ap_png = _save(fig, out_dir / "ap_per_genre.png")

    fig = _figure((6.5, 5))
    GenrePrecisionRecallDisplay.from_predictions(
        Y_true, scores, genre_names=genre_names, ax=fig.subplots()
    )
    pr_png = _save(fig, out_dir / "pr_micro.png")
    grid_png = _per_genre_grid(Y_true, scores, genre_names, out_dir / "pr_per_genre.png")

    per_genre = ap_display.average_precision.copy()
    per_genre.insert(0, "movies", Y_true.sum(axis=0).astype(int))

    fused_name = fusion if fusion in scores else list(scores)[-1]
    fused = np.nan_to_num(scores[fused_name], nan=0.0)
    cards = []
    if movies is not None:
        movies = movies.reset_index(drop=True)
        rows = _pick_examples(movies, n_examples, random_state)
        if rows:
            poster_dir = out_dir / "posters"
            poster_dir.mkdir(exist_ok=True)
            cards = _cards(
                movies, rows, Y_true, fused, genre_names, threshold, poster_dir, explanations
            )

    facts = dict(facts or {})
    facts.setdefault("Movies scored", f"{Y_true.shape[0]:,}")
    facts.setdefault("Genres", f"{len(genre_names)} ({', '.join(genre_names)})")
    facts.setdefault("Models", ", ".join(scores))
    if unscored:
        facts.setdefault("Not scored", f"{', '.join(unscored)}: no movie here has "
                         f"{'this modality' if len(unscored) == 1 else 'these modalities'}")
    facts.setdefault("Written", datetime.datetime.now().strftime("%Y-%m-%d %H:%M"))
    page = template.render(
        title=title,
        facts={str(k): str(v) for k, v in facts.items()},
        study_table=_table_rows(table),
        single_model=single_model,
        no_positive=no_positive,
        figures={"ap": ap_png, "pr": pr_png, "grid": grid_png},
        genre_table=_table_rows(per_genre, best_columns=(), best_in_row=list(scores)),
        fused_name=fused_name,
        threshold=float(threshold),
        cards=cards,
    )
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    logger.info("wrote %s", index)
    return index
