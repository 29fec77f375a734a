"""Write a self-contained HTML report folder: the study's table, AP bars, PR curves, examples."""

import datetime
import html
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

_CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0;
       color: #1d2330; background: #f5f6f8; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }
h1 { margin: 0 0 4px; font-size: 28px; }
h2 { margin: 36px 0 8px; font-size: 21px; border-bottom: 2px solid #e3e6ea; padding-bottom: 4px; }
p.lead { color: #555d6b; margin: 0 0 12px; }
p.note { color: #555d6b; font-size: 13px; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; font-size: 14px; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
table.scores { border-collapse: collapse; font-size: 14px; margin: 8px 0; }
table.scores th, table.scores td { padding: 5px 12px; border-bottom: 1px solid #e3e6ea;
                                   text-align: right; }
table.scores th:first-child, table.scores td:first-child { text-align: left; }
table.scores thead th { background: #f0f2f5; }
table.scores td.best { font-weight: 700; color: #0b6b2f; }
table.scores tr.fusion td { background: #f3faf5; }
img.figure { max-width: 100%; display: block; margin: 8px 0; }
.movies { display: grid; grid-template-columns: repeat(2, 1fr); gap: 16px; }
.movie { display: flex; gap: 14px; border: 1px solid #e3e6ea; border-radius: 6px; padding: 12px; }
.movie img, .movie .noposter { width: 120px; height: auto; flex: none; align-self: flex-start;
                                border-radius: 3px; box-shadow: 0 1px 3px rgba(0,0,0,.25); }
.movie .noposter { height: 170px; background: #e3e6ea; color: #777; font-size: 12px;
                   display: flex; align-items: center; justify-content: center; }
.movie h3 { margin: 0 0 6px; font-size: 16px; }
.movie .plot { font-size: 13px; color: #444; margin: 0 0 8px; }
.movie .row { font-size: 13px; margin: 4px 0; }
.chip { display: inline-block; padding: 1px 8px; margin: 2px 2px; border-radius: 10px;
        font-size: 12px; border: 1px solid; }
.hit { background: #e3f5e9; border-color: #3a9d5d; color: #175c2f; }
.miss { background: #fff; border-color: #9aa1ac; color: #555d6b; }
.wrong { background: #fdeaea; border-color: #d05353; color: #8c1d1d; }
.plain { background: #f0f2f5; border-color: #f0f2f5; color: #555d6b; }
.legend { font-size: 13px; margin: 4px 0 12px; }
"""


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


def _table_html(
    table, best_columns=("micro", "macro", "samples"), highlight_row="fusion", best_in_row=()
):
    """An HTML table with the best value of each score column (or of each row) in bold."""
    best = {c: table[c].max() for c in best_columns if c in table}
    row_best = table[list(best_in_row)].max(axis=1) if len(best_in_row) else None
    out = ['<table class="scores"><thead><tr><th></th>']
    out += [f"<th>{html.escape(str(c))}</th>" for c in table.columns]
    out.append("</tr></thead><tbody>")
    for i, name in enumerate(table.index):
        cls = ' class="fusion"' if str(name) == highlight_row else ""
        out.append(f"<tr{cls}><td>{html.escape(str(name))}</td>")
        for j, c in enumerate(table.columns):
            value = table.iloc[i, j]
            if pd.api.types.is_float_dtype(table[c].dtype):
                text = "–" if math.isnan(value) else f"{value:.3f}"
                bold = c in best and not math.isnan(value) and np.isclose(value, best[c])
                if row_best is not None and c in best_in_row and not math.isnan(value):
                    bold = bool(np.isclose(value, row_best.iloc[i]))
            else:
                text, bold = html.escape(str(value)), False
            out.append(f'<td{" class=best" if bold else ""}>{text}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


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
    """Genre chips colored by (true, confident): hit, miss, wrong or plain."""
    if not genres:
        return '<span class="note">none</span>'
    out = []
    for g in genres:
        if g in truth:
            cls = "hit" if g in predicted else "miss"
        else:
            cls = "wrong" if g in predicted else "plain"
        label = html.escape(str(g))
        if proba is not None:
            label += f" {proba[g]:.0%}"
        out.append(f'<span class="chip {cls}">{label}</span>')
    return "".join(out)


def _examples_html(movies, rows, Y_true, fused, genre_names, threshold, poster_dir):
    confident = confident_genres(fused[rows], genre_names, threshold=threshold)
    cards = []
    for k, (i, predicted) in enumerate(zip(rows, confident)):
        movie = movies.iloc[i]
        truth = [g for g, y in zip(genre_names, Y_true[i]) if y]
        proba = dict(zip(genre_names, fused[i]))
        has_title = "title" in movie and _present(movie["title"])
        title = str(movie["title"]) if has_title else f"Movie {i}"
        poster = '<div class="noposter">no poster</div>'
        if "poster" in movie and _present(movie["poster"]) and Path(str(movie["poster"])).is_file():
            dest = poster_dir / f"movie_{k:02d}.jpg"
            if _thumbnail(movie["poster"], dest) is not None:
                poster = (
                    f'<img src="{poster_dir.name}/{dest.name}" alt="poster of '
                    f'{html.escape(title)}">'
                )
        plot = ""
        if "plot" in movie and _present(movie["plot"]):
            text = str(movie["plot"])
            text = text if len(text) <= 260 else text[:257].rsplit(" ", 1)[0] + "…"
            plot = f'<p class="plot">{html.escape(text)}</p>'
        top = sorted(genre_names, key=lambda g: -proba[g])[:3]
        cards.append(
            '<div class="movie">' + poster + "<div>"
            f"<h3>{html.escape(title)}</h3>{plot}"
            '<div class="row"><b>True genres:</b> '
            + _chips(truth, truth, predicted)
            + "</div>"
            f'<div class="row"><b>Confident (&ge; {threshold:.2f}):</b> '
            + _chips(predicted, truth, predicted, proba)
            + "</div>"
            '<div class="row"><b>Most likely:</b> '
            + _chips(top, truth, predicted, proba)
            + "</div></div></div>"
        )
    return '<div class="movies">' + "".join(cards) + "</div>"


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
        movie (missing modality); it is scored on the others.
    genre_names : list of str, default=None
        Genre names; taken from ``Y_true``'s columns when a DataFrame.
    movies : DataFrame of shape (n_movies, n_columns), default=None
        The scored movies, in the rows' order; ``title``, ``plot`` and ``poster``
        (an image path) are shown for a few examples when present.
    threshold : float, default=0.75
        Probability from which a genre is listed as confident (the study's 0.75).
    n_examples : int, default=6
        Number of example movies shown (movies with a poster file first).
    title : str, default="Movie genre report"
        Page heading.
    facts : dict of str to str, default=None
        Extra lines shown under the heading (data, model, timings...).
    fusion : str, default="fusion"
        Key of ``probas`` used for the example movies; the last model when absent.
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
    if movies is not None and len(movies) != Y_true.shape[0]:
        raise ValueError(
            f"movies has {len(movies)} rows but Y_true has {Y_true.shape[0]} movies."
        )
    if not 0 <= float(threshold) <= 1:
        raise ValueError(f"threshold must be in [0, 1]; got {threshold!r}.")
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
    examples = ""
    if movies is not None:
        rows = _pick_examples(movies.reset_index(drop=True), n_examples, random_state)
        if rows:
            poster_dir = out_dir / "posters"
            poster_dir.mkdir(exist_ok=True)
            examples = _examples_html(
                movies.reset_index(drop=True), rows, Y_true, fused, genre_names, threshold,
                poster_dir,
            )

    facts = dict(facts or {})
    facts.setdefault("Movies scored", f"{Y_true.shape[0]:,}")
    facts.setdefault("Genres", f"{len(genre_names)} ({', '.join(genre_names)})")
    facts.setdefault("Models", ", ".join(scores))
    facts.setdefault("Written", datetime.datetime.now().strftime("%Y-%m-%d %H:%M"))
    facts_html = "".join(
        f"<dt>{html.escape(str(k))}</dt><dd>{html.escape(str(v))}</dd>" for k, v in facts.items()
    )
    note = (
        f"<p class=note>Genres without a positive movie here, left out of the macro average: "
        f"{html.escape(', '.join(no_positive))}.</p>"
        if no_positive else ""
    )
    examples_section = ""
    if examples:
        examples_section = (
            f"<h2>Example movies</h2><p class=lead>Genres come from <b>{html.escape(fused_name)}"
            f"</b>. A genre is <i>confident</i> when its probability is at least "
            f"{threshold:.2f}.</p><div class=legend>"
            '<span class="chip hit">true, confident</span>'
            '<span class="chip miss">true, not confident</span>'
            '<span class="chip wrong">confident, not true</span>'
            '<span class="chip plain">neither</span></div>' + examples
        )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><style>{_CSS}</style></head>
<body><main>
<h1>{html.escape(title)}</h1>
<dl class="facts">{facts_html}</dl>
<h2>Average precision</h2>
<p class=lead>Micro: every (movie, genre) pair ranked together. Macro: the mean of the
per-genre APs. Samples: the mean of the per-movie APs. Each model is scored on the movies it
saw (a movie lacking a modality is not scored for that modality). Best value of each column in
bold.</p>
{_table_html(table)}
{note}
<h2>Average precision per genre</h2>
<p class=lead>The black tick marks each genre's prevalence: the AP of a random ranking.</p>
<img class="figure" src="{ap_png}" alt="Average precision per genre for each model"
     style="max-width: 820px">
<p class=lead>The same numbers, with the number of movies having each genre (best model of
each genre in bold):</p>
{_table_html(per_genre, best_columns=(), best_in_row=list(scores))}
<h2>Precision-recall curves</h2>
<img class="figure" src="{pr_png}" alt="Micro-averaged precision-recall curves"
     style="max-width: 560px">
<img class="figure" src="{grid_png}" alt="Precision-recall curves of each genre">
{examples_section}
</main></body></html>
"""
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    logger.info("wrote %s", index)
    return index
