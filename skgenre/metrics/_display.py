"""Plotting displays in scikit-learn's style: per-genre AP bars and precision-recall curves.

matplotlib is an optional dependency (``pip install skgenre[plot]``); it is imported
only when a display draws.
"""

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, precision_recall_curve

from ..utils import align_genres, check_multilabel_target, positive_proba

__all__ = ["AveragePrecisionDisplay", "GenrePrecisionRecallDisplay"]


def _import_pyplot():
    """Import ``matplotlib.pyplot`` or fail with the install hint."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - exercised by monkeypatching in tests
        raise ImportError(
            "Plotting requires matplotlib, which is not installed. "
            "Install it with: pip install skgenre[plot]"
        ) from exc
    return plt


def _target_and_names(Y_true, genre_names):
    """Validate ``Y_true`` and return it with the genre names (DataFrame columns first)."""
    if genre_names is None and isinstance(Y_true, pd.DataFrame):
        genre_names = [str(c) for c in Y_true.columns]
    Y_true = check_multilabel_target(Y_true, name="Y_true")
    if genre_names is None:
        genre_names = [f"genre_{j}" for j in range(Y_true.shape[1])]
    genre_names = [str(g) for g in genre_names]
    if len(genre_names) != Y_true.shape[1]:
        raise ValueError(
            f"genre_names has {len(genre_names)} names but Y_true has {Y_true.shape[1]} genres."
        )
    return Y_true, genre_names


def _scores_dict(Y_score, n_movies, n_genres):
    """Normalise one array or a dict of arrays into ``{name: (n_movies, n_genres) float}``.

    Rows that are all NaN (a modality missing for that movie) are kept as NaN;
    every other value must be finite.
    """
    if isinstance(Y_score, pd.DataFrame):
        Y_score = Y_score.to_numpy()
    if not isinstance(Y_score, dict):
        Y_score = {"model": Y_score}
    if not Y_score:
        raise ValueError("Y_score is an empty dict: give at least one model's scores.")
    out = {}
    for name, scores in Y_score.items():
        if isinstance(scores, pd.DataFrame):
            scores = scores.to_numpy()
        if isinstance(scores, (list, tuple)) and not all(
            isinstance(s, np.ndarray) and s.ndim == 2 for s in scores
        ):  # nested lists of rows; a list of (n, 2) arrays is a forest's output
            scores = np.asarray(scores, dtype=float)
        scores = np.asarray(positive_proba(scores), dtype=float)
        if scores.shape != (n_movies, n_genres):
            raise ValueError(
                f"Scores of {name!r} have shape {scores.shape}; expected "
                f"{(n_movies, n_genres)} like Y_true."
            )
        nan = np.isnan(scores)
        partial = nan.any(axis=1) & ~nan.all(axis=1)
        if partial.any() or np.isinf(scores).any():
            raise ValueError(
                f"Scores of {name!r} contain infinite values or rows that are partly NaN; "
                "only whole NaN rows (a modality missing for a movie) are allowed."
            )
        out[str(name)] = scores
    return out


def _estimator_scores(estimator, X):
    """Each modality's and the fused probabilities of a stacker, or one estimator's."""
    if hasattr(estimator, "predict_modalities"):
        return dict(estimator.predict_modalities(X, fusion=True))
    return {type(estimator).__name__: positive_proba(estimator.predict_proba(X))}


def _from_estimator(display, estimator, X, Y, genre_names, **kwargs):
    """``display.from_predictions`` on what ``estimator`` predicts for ``X``.

    ``Y``'s genre columns are put in the estimator's fitted order, by name, and the genre
    names default to ``Y``'s columns, else the estimator's ``genre_names_``.
    """
    fitted_names = getattr(estimator, "genre_names_", None)
    Y = align_genres(Y, fitted_names)
    if genre_names is None and not isinstance(Y, pd.DataFrame):
        genre_names = fitted_names
    return display.from_predictions(
        Y, _estimator_scores(estimator, X), genre_names=genre_names, **kwargs
    )


class AveragePrecisionDisplay:
    """Per-genre average precision of several models, as grouped horizontal bars.

    Use :meth:`from_predictions` or :meth:`from_estimator` to build one; for a
    :class:`~skgenre.ensemble.MovieGenreStacker`, ``from_estimator`` shows each
    modality next to the fusion.

    Parameters
    ----------
    average_precision : DataFrame of shape (n_genres, n_models)
        AP of each genre (rows, indexed by genre name) for each model (columns);
        NaN where a genre has no positive movie.
    prevalence : Series of shape (n_genres,), default=None
        Fraction of movies having each genre: the AP of a random ranking, drawn as
        a chance marker when given.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the bars.
    figure_ : matplotlib Figure
        Figure containing the bars.
    bars_ : dict of str to matplotlib BarContainer
        The bars of each model.

    See Also
    --------
    GenrePrecisionRecallDisplay : Precision-recall curves of several models.
    skgenre.metrics.per_genre_average_precision : The numbers behind the bars.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skgenre.metrics import AveragePrecisionDisplay
    >>> Y = [[1, 0], [0, 1], [1, 1], [0, 0]]
    >>> scores = {"plot": [[.9, .2], [.1, .7], [.6, .4], [.2, .1]],
    ...           "fusion": [[.8, .1], [.2, .9], [.7, .8], [.1, .2]]}
    >>> display = AveragePrecisionDisplay.from_predictions(
    ...     Y, scores, genre_names=["Action", "Drama"])
    >>> display.average_precision.round(2)
            plot  fusion
    Action   1.0     1.0
    Drama    1.0     1.0
    """

    def __init__(self, average_precision, *, prevalence=None):
        self.average_precision = average_precision
        self.prevalence = prevalence

    def plot(self, ax=None, *, sort=False, plot_chance_level=True, colors=None):
        """Draw the bars.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.
        sort : bool, default=False
            Order genres by the last model's AP (best at the top) instead of
            their given order.
        plot_chance_level : bool, default=True
            Mark each genre's prevalence (the AP of a random ranking) when known.
        colors : list of color, default=None
            One color per model; matplotlib's color cycle when None.

        Returns
        -------
        display : AveragePrecisionDisplay
            The object, with ``ax_``, ``figure_`` and ``bars_`` set.
        """
        plt = _import_pyplot()
        ap = self.average_precision
        if sort:
            ap = ap.sort_values(ap.columns[-1], ascending=True, na_position="first")
        else:
            ap = ap.iloc[::-1]  # barh draws bottom-up: keep the given order top-down
        n_genres, n_models = ap.shape
        if ax is None:
            _, ax = plt.subplots(figsize=(7.5, 1.2 + 0.28 * n_genres * max(1, n_models / 3)))
        if colors is None:
            colors = [f"C{i}" for i in range(n_models)]
        height = 0.8 / n_models
        y = np.arange(n_genres)
        self.bars_ = {}
        for i, model in enumerate(ap.columns):
            offset = (n_models - 1 - i) * height - 0.4 + height / 2
            self.bars_[model] = ax.barh(
                y + offset, ap[model].to_numpy(), height=height, color=colors[i], label=model
            )
        n_entries = n_models
        if plot_chance_level and self.prevalence is not None:
            prevalence = self.prevalence.reindex(ap.index).to_numpy()
            ax.scatter(
                prevalence, y, marker="|", s=220, color="black", linewidths=1.5,
                label="chance (prevalence)", zorder=3,
            )
            n_entries += 1
        ax.set_yticks(y, [str(g) for g in ap.index])
        ax.set_xlim(0, 1)
        ax.set_ylim(-0.6, n_genres - 0.4)
        ax.set_xlabel("Average precision")
        ax.grid(axis="x", alpha=0.3)
        ax.set_axisbelow(True)
        # Above the axes, so the legend never hides a bar; models first, chance last.
        handles, labels = ax.get_legend_handles_labels()
        order = sorted(range(len(labels)), key=lambda i: labels[i] == "chance (prevalence)")
        ax.legend(
            [handles[i] for i in order], [labels[i] for i in order], loc="lower center",
            bbox_to_anchor=(0.5, 1.0), ncols=min(n_entries, 6), fontsize="small",
            frameon=False, columnspacing=1.2, handlelength=1.5,
        )
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_predictions(
        cls, Y_true, Y_score, *, genre_names=None, ax=None, sort=False, plot_chance_level=True,
        colors=None,
    ):
        """Compute per-genre AP from scores and draw it.

        Parameters
        ----------
        Y_true : array-like or DataFrame of shape (n_movies, n_genres)
            0/1 genre indicators; a DataFrame's columns name the genres.
        Y_score : array-like of shape (n_movies, n_genres), or dict of str to array-like
            Scores of one model, or of several keyed by name (e.g.
            ``{"plot": P1, "poster": P2, "fusion": P}``). A row of NaN marks a movie
            the model did not see (a missing modality): the model is scored on the
            other movies.
        genre_names : list of str, default=None
            Names of the genres; taken from ``Y_true``'s columns when a DataFrame.
        ax : matplotlib Axes, default=None
        sort : bool, default=False
        plot_chance_level : bool, default=True
        colors : list of color, default=None
            See :meth:`plot`.

        Returns
        -------
        display : AveragePrecisionDisplay
        """
        Y_true, genre_names = _target_and_names(Y_true, genre_names)
        scores = _scores_dict(Y_score, *Y_true.shape)
        columns = {}
        for name, P in scores.items():
            rows = ~np.isnan(P).all(axis=1)
            Yr, Pr = Y_true[rows], P[rows]
            columns[name] = [
                average_precision_score(Yr[:, j], Pr[:, j]) if Yr[:, j].any() else np.nan
                for j in range(Y_true.shape[1])
            ]
        ap = pd.DataFrame(columns, index=genre_names)
        prevalence = pd.Series(Y_true.mean(axis=0), index=genre_names, name="prevalence")
        display = cls(ap, prevalence=prevalence)
        return display.plot(ax=ax, sort=sort, plot_chance_level=plot_chance_level, colors=colors)

    @classmethod
    def from_estimator(
        cls, estimator, X, Y, *, genre_names=None, ax=None, sort=False, plot_chance_level=True,
        colors=None,
    ):
        """Per-genre AP of a fitted estimator; each modality and the fusion for a stacker.

        Parameters
        ----------
        estimator : fitted estimator
            Any multilabel classifier with ``predict_proba``; when it also has
            ``predict_modalities`` (a :class:`~skgenre.ensemble.MovieGenreStacker`),
            each modality's bars are drawn next to the fusion's.
        X : DataFrame of shape (n_movies, n_columns)
            Movies to score.
        Y : array-like or DataFrame of shape (n_movies, n_genres)
            Their true genres.
        genre_names : list of str, default=None
            Defaults to ``Y``'s columns, else the estimator's ``genre_names_``.
        ax, sort, plot_chance_level, colors
            See :meth:`plot`.

        Returns
        -------
        display : AveragePrecisionDisplay
        """
        return _from_estimator(cls, estimator, X, Y, genre_names, ax=ax, sort=sort,
                               plot_chance_level=plot_chance_level, colors=colors)


class GenrePrecisionRecallDisplay:
    """Precision-recall curves of several multilabel models, micro-averaged or for one genre.

    Use :meth:`from_predictions` or :meth:`from_estimator` to build one.

    Parameters
    ----------
    precision : dict of str to ndarray
        Each model's precision values.
    recall : dict of str to ndarray
        Each model's recall values.
    average_precision : dict of str to float
        Each model's average precision (shown in the legend).
    genre : str, default=None
        The genre of the curves, or None for micro-averaged curves over all genres.
    prevalence : float, default=None
        Fraction of positive (movie, genre) pairs: the precision of a random
        ranking, drawn as a chance line when given.

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    lines_ : dict of str to matplotlib Line2D
        The curve of each model.

    See Also
    --------
    AveragePrecisionDisplay : Per-genre AP bars of several models.
    sklearn.metrics.PrecisionRecallDisplay : The single-output display.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skgenre.metrics import GenrePrecisionRecallDisplay
    >>> Y = [[1, 0], [0, 1], [1, 1], [0, 0]]
    >>> scores = {"plot": [[.9, .2], [.1, .7], [.6, .4], [.2, .5]]}
    >>> display = GenrePrecisionRecallDisplay.from_predictions(Y, scores)
    >>> round(display.average_precision["plot"], 3)
    0.95
    """

    def __init__(self, precision, recall, average_precision, *, genre=None, prevalence=None):
        self.precision = precision
        self.recall = recall
        self.average_precision = average_precision
        self.genre = genre
        self.prevalence = prevalence

    def plot(self, ax=None, *, plot_chance_level=True, colors=None, legend=True):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.
        plot_chance_level : bool, default=True
            Draw the precision of a random ranking when the prevalence is known.
        colors : list of color, default=None
            One color per model; matplotlib's color cycle when None.
        legend : bool, default=True
            Whether to add a legend.

        Returns
        -------
        display : GenrePrecisionRecallDisplay
            The object, with ``ax_``, ``figure_`` and ``lines_`` set.
        """
        plt = _import_pyplot()
        if ax is None:
            _, ax = plt.subplots(figsize=(5.5, 4.5))
        if colors is None:
            colors = [f"C{i}" for i in range(len(self.precision))]
        self.lines_ = {}
        for i, name in enumerate(self.precision):
            ap = self.average_precision[name]
            (self.lines_[name],) = ax.plot(
                self.recall[name], self.precision[name], drawstyle="steps-post",
                color=colors[i], label=f"{name} (AP = {ap:.2f})",
            )
        if plot_chance_level and self.prevalence is not None:
            ax.axhline(
                self.prevalence, color="black", linestyle="--", linewidth=1,
                label=f"chance (AP = {self.prevalence:.2f})",
            )
        ax.set_xlim(-0.01, 1.01)
        ax.set_ylim(-0.01, 1.01)
        ax.set_xlabel("Recall")
        ax.set_ylabel("Precision")
        ax.set_title(
            f"Genre: {self.genre}" if self.genre is not None else "Micro-averaged over genres"
        )
        ax.grid(alpha=0.3)
        if legend:
            ax.legend(loc="upper right", fontsize="small")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_predictions(
        cls, Y_true, Y_score, *, genre=None, genre_names=None, ax=None, plot_chance_level=True,
        colors=None, legend=True,
    ):
        """Compute precision-recall curves from scores and draw them.

        Parameters
        ----------
        Y_true : array-like or DataFrame of shape (n_movies, n_genres)
            0/1 genre indicators; a DataFrame's columns name the genres.
        Y_score : array-like of shape (n_movies, n_genres), or dict of str to array-like
            Scores of one model, or of several keyed by name. A row of NaN marks a
            movie the model did not see (a missing modality): that model's curve
            uses the other movies.
        genre : str or int, default=None
            Draw the curves of this genre (a name or a column number); None
            micro-averages over all genres (every (movie, genre) pair is one
            decision).
        genre_names : list of str, default=None
            Names of the genres; taken from ``Y_true``'s columns when a DataFrame.
        ax, plot_chance_level, colors, legend
            See :meth:`plot`.

        Returns
        -------
        display : GenrePrecisionRecallDisplay
        """
        Y_true, genre_names = _target_and_names(Y_true, genre_names)
        scores = _scores_dict(Y_score, *Y_true.shape)
        column = None
        if genre is not None:
            if isinstance(genre, (int, np.integer)) and not isinstance(genre, bool):
                if not 0 <= genre < len(genre_names):
                    raise ValueError(
                        f"genre={genre} is out of range for {len(genre_names)} genres."
                    )
                column = int(genre)
            elif str(genre) in genre_names:
                column = genre_names.index(str(genre))
            else:
                raise ValueError(f"Unknown genre {genre!r}; known genres: {genre_names}.")
            if not Y_true[:, column].any():
                raise ValueError(
                    f"Genre {genre_names[column]!r} has no positive movie: no precision-recall "
                    "curve is defined."
                )
        if Y_true.sum() == 0:
            raise ValueError("Y_true has no positive label: no precision-recall curve is defined.")
        precision, recall, ap = {}, {}, {}
        for name, P in scores.items():
            rows = ~np.isnan(P).all(axis=1)
            if column is None:
                y, s = Y_true[rows].ravel(), P[rows].ravel()
            else:
                y, s = Y_true[rows, column], P[rows, column]
            if not y.any():
                raise ValueError(f"Model {name!r} scored no movie having a positive label.")
            precision[name], recall[name], _ = precision_recall_curve(y, s)
            ap[name] = float(average_precision_score(y, s))
        prevalence = float(Y_true.mean() if column is None else Y_true[:, column].mean())
        display = cls(
            precision, recall, ap,
            genre=None if column is None else genre_names[column], prevalence=prevalence,
        )
        return display.plot(
            ax=ax, plot_chance_level=plot_chance_level, colors=colors, legend=legend
        )

    @classmethod
    def from_estimator(
        cls, estimator, X, Y, *, genre=None, genre_names=None, ax=None, plot_chance_level=True,
        colors=None, legend=True,
    ):
        """Precision-recall curves of a fitted estimator (of each modality and the fusion).

        Parameters
        ----------
        estimator : fitted estimator
            Any multilabel classifier with ``predict_proba``; when it also has
            ``predict_modalities`` (a :class:`~skgenre.ensemble.MovieGenreStacker`),
            each modality's curve is drawn next to the fusion's.
        X : DataFrame of shape (n_movies, n_columns)
        Y : array-like or DataFrame of shape (n_movies, n_genres)
        genre : str or int, default=None
            See :meth:`from_predictions`.
        genre_names : list of str, default=None
            Defaults to ``Y``'s columns, else the estimator's ``genre_names_``.
        ax, plot_chance_level, colors, legend
            See :meth:`plot`.

        Returns
        -------
        display : GenrePrecisionRecallDisplay
        """
        return _from_estimator(cls, estimator, X, Y, genre_names, genre=genre, ax=ax,
                               plot_chance_level=plot_chance_level, colors=colors,
                               legend=legend)
