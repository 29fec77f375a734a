"""MovieGenreStacker: leak-free multi-output stacking of the movie modalities."""

import logging
import numbers

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.utils import Bunch
from sklearn.utils.validation import check_is_fitted

from ..model_selection import check_multilabel_cv
from ..multioutput import MultilabelClassifierMixin
from ..multioutput._per_genre import constant_genres_reported, warn_constant_genres_by_name
from ..metrics._threshold import best_f1_thresholds
from ..utils import align_genres, align_rows, check_multilabel_target, positive_proba
from ..utils._cache import feature_memo, memory_constraint
from ..utils._sklearn_compat import BaseComposition, HasMethods, Interval, StrOptions, fit_context
from ._base_models import (
    MissingModalityWarning,
    NoModalityWarning,
    UnusedColumnsWarning,
    _in_task,
    fit_out_of_fold,
    modality_scores,
    predict_modality,
    present_rows,
    warn_missing_modalities,
)
from ._defaults import resolved_kinds
from ._final import make_final_estimator
from ._presets import DEFAULT_PRESET, PRESETS
from ._resolve import check_movie_table, derive_seeds, passthrough_columns, resolve_estimators

logger = logging.getLogger(__name__)

__all__ = ["MissingModalityWarning", "MovieGenreStacker", "NoModalityWarning",
           "UnusedColumnsWarning"]

_MULTILABEL = "multilabel-indicator"


class MovieGenreStacker(MultilabelClassifierMixin, BaseComposition):
    """Stack per-modality genre models (plot, poster, trailer, metadata) into one.

    Each base estimator sees only its columns of the movie table, in the spirit of
    :class:`~sklearn.compose.ColumnTransformer`, and only the movies that have that
    modality. Its out-of-fold probabilities, from a multilabel-stratified ``cv``, are
    stacked with one missing-modality indicator per base model and fed to a final
    multi-output estimator; then each base estimator is refit on all its movies.

    Unlike :class:`~sklearn.ensemble.StackingClassifier` with multilabel targets,
    ``predict_proba`` is the probability that each genre is *present*.

    Parameters
    ----------
    estimators : list of (str, estimator, str or list of str), default=None
        ``(name, estimator, columns)``: a single column name hands the estimator a 1-D
        array of that column (plot texts, poster or trailer paths), a list of names a
        DataFrame of those columns (metadata). Each estimator takes ``fit(X, Y)`` with
        ``Y`` of shape (n_movies, n_genres) and returns (n_movies, n_genres)
        probabilities (a forest's list of (n, 2) arrays is accepted too).
        ``None`` builds a default for each registered modality present in ``X`` at fit
        time, of the kind ``preset`` and ``kinds`` choose (see
        :func:`skgenre.ensemble.default_estimators` and :meth:`resolve_estimators`):
        ``"text"`` on ``plot``, ``"poster"`` on ``poster``, ``"trailer"`` on
        ``trailer`` (videos and frame folders: the frame model; feature arrays of any
        width: ``"features_logreg"``), ``"metadata"`` on the metadata columns, and
        any modality added with :func:`skgenre.datasets.register_modality`.
    final_estimator : estimator, default=None
        Fitted on the stacked (n_movies, n_base x (n_genres + 1)) out-of-fold features;
        ``None`` means :func:`~skgenre.ensemble.make_final_estimator` ``("default")``:
        per genre, a logistic regression on the logit of that genre's probability from
        each base model and the missing-modality indicators
        (:class:`~skgenre.ensemble.LogitFusionClassifier`), which :meth:`explain` splits
        exactly into per-modality contributions; a movie whose set of modalities is
        rare or unseen in training (no plot, when every training movie had one) gets
        such a fusion of the modalities it has, fitted on all training movies that
        have them, and a movie with none the genre prior
        (:class:`~skgenre.ensemble.SubsetFusionClassifier`).
    preset : {"best", "fast"}, default=skgenre.ensemble.DEFAULT_PRESET
        With ``estimators=None``, the kinds of the default base models (each modality's
        registration names its kind per preset): ``"best"``, those measured best by
        cross-validation, with the pretrained encoders (MiniLM sentence embeddings
        beside TF-IDF for the plots, ImageNet EfficientNet-Lite0 for the posters);
        ``"fast"``, no pretrained network (TF-IDF and GloVe, colour statistics),
        cheaper to fit and a little less accurate on every real table (figures:
        :ref:`the modalities page <presets>`). A grid search may compare presets.
        Must be left at its default when ``estimators`` is given.
    kinds : dict, default=None
        With ``estimators=None``: modality name (or alias, e.g. ``"plot"``) -> the kind
        of default model to build instead of the preset's, e.g. ``{"poster":
        "color_mlp"}`` (see :func:`~skgenre.ensemble.default_estimators` and each
        modality's ``model_kinds()``); a grid search may compare kinds. Precedence:
        ``estimators``, then ``kinds`` (per modality), then ``preset``. Must be
        ``None`` (or empty) when ``estimators`` is given.
    cv : int, cross-validation generator, iterable or "prefit", default=5
        Folds for the out-of-fold predictions. An int means a shuffled
        :class:`~skgenre.model_selection.MultilabelStratifiedKFold`. ``"prefit"`` uses
        the given estimators as already fitted (fit them on other movies than those
        passed to ``fit``, or the final estimator learns from over-confident scores).
    passthrough : bool or list of str, default=False
        Extra numeric columns of ``X`` appended to the final estimator's input
        (``True`` means every numeric column).
    threshold : float, default=0.5
        Decision threshold of ``predict`` when ``tune_thresholds=False`` (not the
        study's confidence threshold of :func:`~skgenre.metrics.confident_genres`).
    tune_thresholds : bool, default=False
        Pick each genre's decision threshold maximising F1 on out-of-fold fused
        predictions.
    n_jobs : int, default=None
        Folds and modalities are fitted in parallel with joblib (inside a
        :func:`joblib.parallel_config` block, on its backend: Dask runs them on a
        cluster, see :func:`skgenre.utils.parallel_backend_for`); inside each base
        model, joblib runs sequentially unless given its own ``n_jobs`` (then in threads).
    memory : None, False, str, path-like or joblib.Memory, default=None
        A folder caching base models' out-of-fold predictions and refits, and the
        default estimators' frozen features, so that a grid over final-estimator
        parameters does not refit base models: data, never code, so it may be shared
        (see :ref:`caching`; a joblib.Memory is used for its location only). ``None``:
        the default estimators cache their frozen features per item in the user cache
        folder (:func:`skgenre.utils.get_cache_home`), base models are not cached.
        ``False``: nothing is written; frozen features are still computed once per
        ``fit`` rather than once per fold (kept in memory until ``fit`` returns).
    random_state : int, RandomState instance or None, default=None
        Shuffles the folds and seeds the default estimators.
    verbose : int, default=0
        ``> 0`` shows a progress bar over base-model fits.

    Attributes
    ----------
    estimators_ : list of estimator
        Base estimators refit on all movies that have their modality.
    named_estimators_ : Bunch
        The same, by name.
    modalities_ : list of str
        Names of the base estimators, in stacking order.
    columns_ : list of str or list of str
        The columns each base estimator reads.
    kinds_ : dict of str to str
        With ``estimators=None``: the kind each default base model was built with
        (``"default"``, or the kind ``kinds`` or the data chose: a trailer column of
        feature arrays gives ``"features_logreg"``); empty when ``estimators`` is given.
    final_estimator_ : estimator
    genre_names_ : list of str
        ``Y``'s column names when it is a DataFrame, else ``genre_0``, ``genre_1``, ...;
        for a 1-D binary ``y``, its name when it is a named 0/1 Series, else the label
        ``classes_[1]``.
    n_genres_ : int
        1 for a 1-D binary ``y``.
    classes_ : list of ndarray or ndarray
        ``array([0, 1])`` per genre (scikit-learn's scorers then see a multilabel model);
        the two sorted labels of a 1-D binary ``y``.
    oof_proba_ : dict of str to ndarray of shape (n_movies, n_genres)
        Out-of-fold probabilities of each base model (NaN rows where the movie lacks
        the modality), and ``"fusion"`` when ``tune_thresholds=True``.
    modality_scores_ : dict of str to float
        Each base model's out-of-fold macro average precision on the movies that have
        its modality; ``predict`` warns when the strongest is missing for every movie.
    thresholds_ : ndarray of shape (n_genres,)
        The decision thresholds ``predict`` uses.

    See Also
    --------
    skgenre.metrics.modality_report : the study's table of each modality and the fusion.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn.pipeline import make_pipeline
    >>> from skgenre import MovieGenreStacker
    >>> from skgenre.multioutput import PerGenreClassifier
    >>> X = pd.DataFrame({"plot": ["a ghost haunts a house", "two friends laugh", "", None] * 10})
    >>> Y = np.array([[1, 0], [0, 1], [1, 0], [0, 1]] * 10)
    >>> text = make_pipeline(TfidfVectorizer(), PerGenreClassifier())
    >>> stacker = MovieGenreStacker([("text", text, "plot")], cv=3, random_state=0).fit(X, Y)
    >>> stacker.predict_proba(X[:4]).round(2)  # the last two movies have no plot
    array([[1. , 0. ],
           [0. , 1. ],
           [0.5, 0.5],
           [0.5, 0.5]])
    """

    _parameter_constraints = {
        "estimators": [list, None],
        "final_estimator": [HasMethods(["fit", "predict_proba"]), None],
        "preset": [StrOptions(set(PRESETS))],
        "kinds": [dict, None],
        "cv": ["cv_object", StrOptions({"prefit"})],
        "passthrough": ["boolean", list],
        "threshold": [Interval(numbers.Real, 0, 1, closed="both")],
        "tune_thresholds": ["boolean"],
        "n_jobs": [Interval(numbers.Integral, None, -1, closed="right"),  # 0 means nothing
                   Interval(numbers.Integral, 1, None, closed="left"), None],
        "memory": memory_constraint(),
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    # A single genre may be given as a 1-D binary y (see MultilabelClassifierMixin):
    # predict_proba is then (n, 2) and predict returns the labels.
    _target_types = (_MULTILABEL, "binary")

    def __init__(
        self,
        estimators=None,
        final_estimator=None,
        *,
        preset=DEFAULT_PRESET,
        kinds=None,
        cv=5,
        passthrough=False,
        threshold=0.5,
        tune_thresholds=False,
        n_jobs=None,
        memory=None,
        random_state=None,
        verbose=0,
    ):
        self.estimators = estimators
        self.final_estimator = final_estimator
        self.preset = preset
        self.kinds = kinds
        self.cv = cv
        self.passthrough = passthrough
        self.threshold = threshold
        self.tune_thresholds = tune_thresholds
        self.n_jobs = n_jobs
        self.memory = memory
        self.random_state = random_state
        self.verbose = verbose

    # -- nested parameters: ``text__C``, ``final_estimator__C`` ---------------------------
    @property
    def _estimators(self):
        return [(name, est) for name, est, _ in (self.estimators or [])]

    @_estimators.setter
    def _estimators(self, value):
        self.estimators = [
            (name, est, cols) for (name, est), (_, _, cols) in zip(value, self.estimators)
        ]

    def get_params(self, deep=True):
        """Parameters, with ``<name>__<param>`` entries for each base estimator."""
        return self._get_params("_estimators", deep=deep)

    def set_params(self, **params):
        """Set parameters, including ``<name>__<param>`` of base estimators."""
        self._set_params("_estimators", **params)
        return self

    # -- fitting ------------------------------------------------------------------------
    def _check_X(self, X, *, fitted=False):
        return check_movie_table(X, self.columns_ if fitted else None)

    def __setstate__(self, state):
        # Model files written before ``kinds``/``preset`` lack them ("fast" was the default
        # then). Beside given estimators a preset means nothing, and fit wants the default.
        state.setdefault("kinds", None)
        state["preset"] = (state.get("preset", "fast") if state.get("estimators") is None
                           else DEFAULT_PRESET)
        super().__setstate__(state)

    def resolve_estimators(self, X):
        """The ``(name, estimator, columns)`` base models :meth:`fit` uses on ``X``.

        The given ``estimators``, checked, or (``estimators=None``) the default model of
        each registered modality present in ``X``, built exactly as :meth:`fit` builds
        it: the same kinds, the same ``memory``, and the seed :meth:`fit` derives from
        ``random_state`` (the same one for an int ``random_state``). Setting the result
        as ``estimators`` (with ``kinds=None``) gives the same fit, and makes the
        default models' parameters reachable by ``set_params``
        (``text__head__estimator__C``), as the command line's ``--set`` does.

        Parameters
        ----------
        X : DataFrame of shape (n_movies, n_columns)
            The movie table ``fit`` will see.

        Returns
        -------
        estimators : list of (str, estimator, str or list of str)
            Unfitted, as ``estimators`` takes them.

        Warns
        -----
        UnusedColumnsWarning
            With ``estimators=None``, for the columns of ``X`` no modality reads.

        Examples
        --------
        >>> import pandas as pd
        >>> from skgenre import MovieGenreStacker
        >>> X = pd.DataFrame({"plot": ["a ghost", "a kiss"], "cast": ["A|B", "B|C"]})
        >>> stacker = MovieGenreStacker(kinds={"text": "tfidf_logreg"}, random_state=0)
        >>> [(name, columns) for name, _, columns in stacker.resolve_estimators(X)]
        [('text', 'plot'), ('metadata', ['cast'])]
        """
        X = self._check_X(X)
        return resolve_estimators(self, X, derive_seeds(self.random_state)[1], stacklevel=2)

    @fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, Y):
        """Fit the base estimators out of fold, the final estimator, then refit the bases.

        Parameters
        ----------
        X : DataFrame of shape (n_movies, n_columns)
            The movie table; an empty cell means the movie lacks that modality.
        Y : array-like or DataFrame of shape (n_movies, n_genres), or of shape (n_movies,)
            0/1 genre indicators; a DataFrame's columns become ``genre_names_`` (a name
            may not repeat). A 1-D ``y`` of two labels is one genre, as
            :class:`~skgenre.multioutput.MultilabelClassifierMixin` describes. A
            DataFrame or Series whose index holds ``X``'s labels in another order is
            matched to ``X`` by label, with a
            :class:`~skgenre.utils.RowAlignmentWarning`; other labels raise.

        Returns
        -------
        self : MovieGenreStacker

        Warns
        -----
        ConstantGenreWarning
            Once, naming the genres that are constant in ``Y``, or among the training
            movies of some fold of a base model.
        """
        X = self._check_X(X)
        Y = align_rows(X, Y)
        names = [str(c) for c in Y.columns] if isinstance(Y, pd.DataFrame) else None
        series = Y.name if isinstance(Y, pd.Series) else None
        Y = self._validate_target(Y)  # sets classes_
        if self._target_type_ == "binary":
            zero_one = {str(c) for c in self.classes_} in ({"0", "1"}, {"False", "True"})
            names = [str(series) if series is not None and zero_one
                     else str(self.classes_[1])]
        self.genre_names_ = names or [f"genre_{j}" for j in range(Y.shape[1])]
        if len(X) != len(Y):
            raise ValueError(f"X has {len(X)} movies but Y has {len(Y)}.")
        self.n_genres_ = Y.shape[1]
        cv_seed, model_seed = derive_seeds(self.random_state)
        # stacklevel: the user's fit call, above fit and fit_context's wrapper
        estimators = resolve_estimators(self, X, model_seed, stacklevel=3)
        self.modalities_ = [name for name, _, _ in estimators]
        self.columns_ = [cols for _, _, cols in estimators]
        self.kinds_ = ({} if self.estimators is not None
                       else resolved_kinds(X, self.modalities_, self.kinds, self.preset))
        self.passthrough_columns_ = passthrough_columns(X, self.passthrough)
        prefit = self.cv == "prefit"
        for name, est, _ in estimators if prefit else ():
            check_is_fitted(est, msg=f"cv='prefit' but estimator {name!r} is not fitted.")
        with feature_memo():  # frozen features are computed, or read from disk, once
            # a movie whose media file cannot be read (on_error="missing") lacks the modality
            present = {name: present_rows(est, X, cols, fitted=prefit)
                       for name, est, cols in estimators}
            for name, mask in present.items():
                if mask.sum() < 2:
                    raise ValueError(f"Only {int(mask.sum())} movie(s) have data for {name!r}.")
            if prefit:
                self.estimators_ = [est for _, est, _ in estimators]
                self.oof_proba_ = self._predict_modalities(X)
                warn_constant_genres_by_name(Y, self.genre_names_, {}, stacklevel=4)
            else:
                splitter = check_multilabel_cv(self.cv, random_state=cv_seed)
                self.estimators_, self.oof_proba_ = fit_out_of_fold(
                    estimators, X, Y, present, splitter, memory=self.memory,
                    n_jobs=self.n_jobs, verbose=self.verbose, genre_names=self.genre_names_,
                )
        self.named_estimators_ = Bunch(**dict(zip(self.modalities_, self.estimators_)))
        self.modality_scores_ = modality_scores(self.oof_proba_, Y)

        Z = self._stack(self.oof_proba_, X)
        final = self.final_estimator
        self.final_estimator_ = clone(final if final is not None else make_final_estimator())
        # small: in this process, even when base models ran on a cluster; constant genres
        # were reported above, by name
        with _in_task(), constant_genres_reported():
            self.final_estimator_.fit(Z, Y)
        self.thresholds_ = np.full(self.n_genres_, float(self.threshold))
        if self.tune_thresholds:
            fused = self._out_of_fold_fusion(Z, Y, cv_seed)
            self.oof_proba_["fusion"] = fused
            self.thresholds_ = best_f1_thresholds(Y, fused)
        return self

    def _out_of_fold_fusion(self, Z, Y, cv_seed):
        splitter = check_multilabel_cv(self.cv if self.cv != "prefit" else 5, random_state=cv_seed)
        fused = np.zeros(Y.shape, dtype=float)
        for train, test in splitter.split(Z, Y):
            with _in_task(), constant_genres_reported():
                final = clone(self.final_estimator_).fit(Z[train], Y[train])
            fused[test] = positive_proba(final.predict_proba(Z[test]),
                                         getattr(final, "classes_", None))
        return fused

    # -- stacked features -----------------------------------------------------------------
    def _predict_modalities(self, X):
        return {name: predict_modality(est, X, cols, self.n_genres_, name)
                for name, est, cols in zip(self.modalities_, self.estimators_, self.columns_)}

    def _stack(self, probas, X):
        blocks = []
        for name in self.modalities_:
            proba = probas[name]
            missing = np.isnan(proba[:, 0])
            blocks.append(np.where(missing[:, None], 0.0, proba))
            blocks.append(missing[:, None].astype(float))
        if self.passthrough_columns_:
            blocks.append(X[self.passthrough_columns_].to_numpy(dtype=float))
        return np.hstack(blocks)

    def predict_modalities(self, X, *, fusion=False):
        """Each base model's probabilities, NaN rows where a movie lacks the modality.

        Parameters
        ----------
        X : DataFrame of shape (n_movies, n_columns)
        fusion : bool, default=False
            Also return ``"fusion"``, the :meth:`predict_proba` output, computed from the
            same base predictions (each base model runs once).

        Returns
        -------
        probas : dict of str to ndarray of shape (n_movies, n_genres)
        """
        check_is_fitted(self)
        X = self._check_X(X, fitted=True)
        probas = self._predict_modalities(X)
        warn_missing_modalities(self, probas, X, stacklevel=3)
        if fusion:
            probas["fusion"] = self._fuse(self._stack(probas, X))
        return probas

    def transform(self, X):
        """Stacked base probabilities and missing indicators: the final estimator's input.

        Returns
        -------
        Z : ndarray of shape (n_movies, n_base * (n_genres + 1) + n_passthrough)
        """
        check_is_fitted(self)
        X = self._check_X(X, fitted=True)
        probas = self._predict_modalities(X)
        warn_missing_modalities(self, probas, X, stacklevel=4)  # above transform
        return self._stack(probas, X)

    def get_feature_names_out(self, input_features=None):
        """Names of :meth:`transform`'s columns: ``<modality>__<genre>`` and ``<modality>__missing``."""
        check_is_fitted(self)
        names = []
        for name in self.modalities_:
            names += [f"{name}__{g}" for g in self.genre_names_] + [f"{name}__missing"]
        names += [f"passthrough__{c}" for c in self.passthrough_columns_]
        return np.asarray(names, dtype=object)

    def explain(self, X):
        """Each modality's contribution to each movie's fused genre scores.

        For the default final estimator (:class:`~skgenre.ensemble.LogitFusionClassifier`)
        the fused score of a movie and genre is a logistic regression's logit, linear
        in each base model's logits and missing indicator; the contribution of a
        modality is the sum over its features of weight times (value minus training
        mean), so ``base`` plus the contributions equals the fused logit *exactly*
        (the linear model's Shapley values, grouped by modality). A modality the movie
        lacks contributes through its missing indicator when its set of modalities is
        common in training; otherwise the movie is served by a fusion of the
        modalities it has (see :class:`~skgenre.ensemble.SubsetFusionClassifier`), and
        an absent modality contributes nothing. Any final estimator with a
        ``contributions(Z, groups)`` method returning ``(terms, base)`` (``base`` per
        genre, or per movie and genre) works the same; others raise a ``TypeError``.

        Parameters
        ----------
        X : DataFrame of shape (n_movies, n_columns)

        Returns
        -------
        explanation : DataFrame of shape (n_movies * n_genres, n_modalities + 3 or 4)
            One row per (movie, genre), indexed by a MultiIndex ``("movie", "genre")``
            (``movie``: the labels of ``X.index``; ``genre``: ``genre_names_``), movies
            in ``X``'s order, genres in ``genre_names_`` order. Columns: ``"base"``
            (the logit of an average training movie served by the same fusion; the
            genre prior's logit for a movie with no modality), one column per modality named as
            in ``modalities_`` (its contribution, in logits), ``"passthrough"`` when
            passthrough columns are used, then ``"logit"`` (the fused logit, the sum of
            the previous columns) and ``"proba"`` (the fused probability,
            :meth:`predict_proba`).

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from sklearn.feature_extraction.text import TfidfVectorizer
        >>> from sklearn.pipeline import make_pipeline
        >>> from skgenre import MovieGenreStacker
        >>> from skgenre.multioutput import PerGenreClassifier
        >>> X = pd.DataFrame({"plot": ["a ghost haunts a house", "two friends laugh"] * 10})
        >>> Y = pd.DataFrame({"Horror": [1, 0] * 10, "Comedy": [0, 1] * 10})
        >>> text = make_pipeline(TfidfVectorizer(), PerGenreClassifier())
        >>> stacker = MovieGenreStacker([("text", text, "plot")], cv=2, random_state=0)
        >>> table = stacker.fit(X, Y).explain(X[:1])
        >>> list(table.columns)
        ['base', 'text', 'logit', 'proba']
        >>> table.index.names
        FrozenList(['movie', 'genre'])
        >>> bool(np.allclose(table["base"] + table["text"], table["logit"]))
        True
        """
        check_is_fitted(self)
        X = self._check_X(X)
        contributions = getattr(self.final_estimator_, "contributions", None)
        if contributions is None:
            raise TypeError(
                f"explain needs a final estimator with a contributions(Z, groups) method, "
                f"such as the default LogitFusionClassifier; "
                f"{type(self.final_estimator_).__name__} has none."
            )
        Z = self.transform(X)
        n_base, k = len(self.modalities_), self.n_genres_
        groups = np.concatenate([np.repeat(np.arange(n_base), k + 1),
                                 np.full(len(self.passthrough_columns_), n_base)])
        terms, base = contributions(Z, groups)
        names = list(self.modalities_) + (["passthrough"] if self.passthrough_columns_ else [])
        n = len(X)
        frame = pd.DataFrame(terms[:, :, : len(names)].reshape(n * k, len(names)),
                             columns=names)
        frame.insert(0, "base", np.broadcast_to(base, (n, k)).reshape(n * k))
        frame["logit"] = frame.to_numpy().sum(axis=1)
        frame["proba"] = self._fuse(Z).reshape(n * k)
        frame.index = pd.MultiIndex.from_product([X.index, self.genre_names_],
                                                 names=["movie", "genre"])
        return frame

    def predict_proba(self, X):
        """Probability that each genre is present.

        Parameters
        ----------
        X : DataFrame of shape (n_movies, n_columns)
            Columns missing entirely, or empty cells, mean missing modalities.

        Returns
        -------
        proba : ndarray of shape (n_movies, n_genres), or (n_movies, 2) for a 1-D ``y``
            For a 1-D binary ``y``, one column per label of ``classes_``.

        Warns
        -----
        NoModalityWarning
            When some movies have no modality at all (every column the model reads is
            empty): their probabilities are those of a movie with nothing known.
        MissingModalityWarning
            When ``X`` lacks a column the model reads (naming close ones, e.g. ``Plot``),
            or the strongest modality (``modality_scores_``) is empty for every movie.
        """
        return self._format_proba(self._fuse(self.transform(X)))

    def _fuse(self, Z):
        if len(Z) == 0:  # scikit-learn's estimators refuse 0 rows; the answer is known
            return np.empty((0, self.n_genres_))
        return positive_proba(self.final_estimator_.predict_proba(Z),
                              getattr(self.final_estimator_, "classes_", None))

    def score(self, X, y, sample_weight=None):
        """Macro average precision of :meth:`predict_proba` against ``y``.

        A ``y`` DataFrame's genre columns are matched to ``genre_names_`` by name, in
        any order; other names raise.
        """
        from ..metrics import average_precision

        check_is_fitted(self)
        if getattr(self, "_target_type_", _MULTILABEL) != _MULTILABEL:
            return MultilabelClassifierMixin.score(self, X, y, sample_weight)  # accuracy
        y = align_rows(X, y, name="y")
        y = check_multilabel_target(align_genres(y, self.genre_names_), n_genres=self.n_genres_)
        return average_precision(y, self.predict_proba(X), average="macro",
                                 genre_names=self.genre_names_)

    def predict(self, X):
        """Genre indicators using ``thresholds_`` (``threshold``, or tuned per genre).

        Returns
        -------
        Y : ndarray of shape (n_movies, n_genres), or (n_movies,) of labels for a 1-D ``y``
        """
        positive = self._fuse(self.transform(X)) >= self.thresholds_
        if getattr(self, "_target_type_", _MULTILABEL) == "binary":
            return self.classes_[positive[:, 0].astype(int)]
        return positive.astype(int)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True
        return tags
