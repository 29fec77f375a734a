"""MovieGenreStacker: leak-free multi-output stacking of the movie modalities."""

import logging
import numbers
import os
import warnings

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.metrics import precision_recall_curve
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, Options, StrOptions
from sklearn.utils.validation import check_is_fitted, check_memory

from ..datasets._modalities import MODALITY_REGISTRY, NON_FEATURE_COLUMNS
from ..model_selection import check_multilabel_cv
from ..multioutput import MultilabelClassifierMixin
from ..utils import (
    align_genres,
    check_multilabel_target,
    multilabel_classes,
    positive_proba,
)
from ..utils._cache import feature_memo
from ..utils._params import store_params
from ..utils._progress import progress
from ..utils._sklearn import BaseComposition, fit_context
from ._base_models import (
    UnusedColumnsWarning,
    _call,
    _did_you_mean,
    _file_identity,
    _fit,
    _fit_predict,
    _in_task,
    _present,
    _proba,
    _select,
    _take,
)
from ._defaults import default_estimators
from ._final import make_final_estimator
from ._presets import DEFAULT_PRESET, PRESETS

logger = logging.getLogger(__name__)

__all__ = ["MovieGenreStacker", "UnusedColumnsWarning"]


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
        ``None`` builds a default for each modality present in ``X`` at fit time, of
        the kind ``preset`` and ``kinds`` choose (see
        :func:`skgenre.ensemble.default_estimators`): ``"text"`` on ``plot``,
        ``"poster"`` on ``poster``, ``"trailer"`` on ``trailer`` and ``"metadata"`` on
        the metadata columns.
    final_estimator : estimator, default=None
        Fitted on the stacked (n_movies, n_base x (n_genres + 1)) out-of-fold features;
        ``None`` means :func:`~skgenre.ensemble.make_final_estimator` ``("default")``:
        per genre, a logistic regression on the logit of that genre's probability from
        each base model and the missing-modality indicators
        (:class:`~skgenre.ensemble.LogitFusionClassifier`), which :meth:`explain` splits
        exactly into per-modality contributions.
    preset : {"best", "fast"}, default="best"
        With ``estimators=None``, the kinds of the default base models
        (:data:`skgenre.ensemble.PRESETS`): ``"best"``, those measured best by
        cross-validation, with the pretrained encoders (MiniLM sentence embeddings
        beside TF-IDF for the plots, ImageNet EfficientNet-Lite0 for the posters);
        ``"fast"``, no pretrained network (TF-IDF and GloVe, colour statistics: the
        defaults of skgenre 0.1, about 4x cheaper on a cold cache). A grid search may
        compare presets. Must stay ``"best"`` when ``estimators`` is given.
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
        Decision threshold of ``predict`` when ``tune_thresholds=False``.
    tune_thresholds : bool, default=False
        Pick each genre's threshold maximising F1 on out-of-fold fused predictions.
    n_jobs : int, default=None
        Folds and modalities are fitted in parallel with joblib (inside a
        :func:`joblib.parallel_config` block, on its backend: Dask runs them on a
        cluster, see :func:`skgenre.utils.parallel_backend_for`); inside each base
        model, joblib runs sequentially unless given its own ``n_jobs`` (then in threads).
    memory : None, False, str, path-like or joblib.Memory, default=None
        A folder: caches base models' out-of-fold predictions and refits (and, for
        default estimators, the posters', trailers' and plots' frozen features), so
        that a grid over final-estimator parameters does not refit base models.
        ``None``: the default estimators cache their frozen features (pretrained
        embeddings, poster statistics) per item in the user cache folder
        (:func:`skgenre.utils.get_cache_home`), fitted base models are not cached.
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
    final_estimator_ : estimator
    genre_names_ : list of str
        ``Y``'s column names when it is a DataFrame, else ``genre_0``, ``genre_1``, ...
    n_genres_ : int
    classes_ : list of ndarray
        ``array([0, 1])`` per genre (scikit-learn's scorers then see a multilabel model).
    oof_proba_ : dict of str to ndarray of shape (n_movies, n_genres)
        Out-of-fold probabilities of each base model (NaN rows where the movie lacks
        the modality), and ``"fusion"`` when ``tune_thresholds=True``.
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
        "n_jobs": [numbers.Integral, None],
        "memory": [None, Options(bool, {False}), str, os.PathLike, HasMethods(["cache"])],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

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
        store_params(self, locals())

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
        if isinstance(X, dict):
            X = pd.DataFrame(X)
        if not isinstance(X, pd.DataFrame):
            raise TypeError(
                "X must be a pandas DataFrame of movies (one row per movie, columns such as "
                f"'plot', 'poster', 'trailer', 'cast'); got {type(X).__name__}."
            )
        if fitted:
            read = [c for cols in self.columns_
                    for c in ([cols] if isinstance(cols, str) else cols)]
            if not any(c in X.columns for c in read):
                # Otherwise every movie would get the same prior row, silently.
                raise ValueError(
                    f"X has none of the columns the model was fitted on ({read}); its "
                    f"columns are {list(X.columns)[:10]}.{_did_you_mean(X.columns, read)}"
                )
        return X

    def __setstate__(self, state):
        # Model files written before ``kinds`` existed lack it; those written before
        # ``preset`` were fitted with what is now the "fast" preset.
        state.setdefault("kinds", None)
        state.setdefault("preset", "fast")
        super().__setstate__(state)

    def _resolve_estimators(self, X, seed):
        if self.estimators is None:
            estimators = default_estimators(X, random_state=seed, memory=self.memory,
                                            kinds=self.kinds, preset=self.preset)
            if not estimators:
                known = [c for m in MODALITY_REGISTRY.values() for c in m.columns]
                raise ValueError(
                    "X has none of the modality columns ('plot', 'poster', 'trailer', "
                    f"metadata such as 'cast'); its columns are {list(X.columns)[:10]}."
                    f"{_did_you_mean(X.columns, known)}"
                )
            return estimators
        if self.kinds:
            raise ValueError(
                f"kinds={self.kinds!r} chooses among the default base models, but "
                "estimators is given; pass one or the other."
            )
        if self.preset != DEFAULT_PRESET:
            raise ValueError(
                f"preset={self.preset!r} chooses among the default base models, but "
                "estimators is given; pass one or the other."
            )
        names = []
        for item in self.estimators:
            if not (isinstance(item, tuple) and len(item) == 3):
                raise ValueError(
                    "estimators must be a list of (name, estimator, columns) tuples; "
                    f"got {item!r}."
                )
            name, est, cols = item
            if not isinstance(name, str) or "__" in name or name in names:
                raise ValueError(f"Estimator names must be unique strings without '__'; {name!r}.")
            names.append(name)
            missing = [c for c in ([cols] if isinstance(cols, str) else cols) if c not in X.columns]
            if isinstance(cols, str) and missing or (not isinstance(cols, str) and len(missing) == len(cols)):
                raise ValueError(
                    f"Estimator {name!r} reads column(s) {missing} that X does not have."
                )
        return list(self.estimators)

    def _warn_unused_columns(self, X, estimators):
        """One warning naming the columns that no modality reads (e.g. ``Plot``)."""
        read = {c for _, _, cols in estimators
                for c in ([cols] if isinstance(cols, str) else cols)}
        read |= set(self.passthrough_columns_)
        unused = [c for c in X.columns
                  if c not in read and str(c).lower() not in NON_FEATURE_COLUMNS]
        if unused:
            known = [c for m in MODALITY_REGISTRY.values() for c in m.columns]
            warnings.warn(
                f"No modality reads the column(s) {unused}; they are ignored."
                f"{_did_you_mean(unused, known)} Rename a column to the name its modality "
                "reads (see skgenre.datasets.MODALITY_REGISTRY) or pass estimators=.",
                UnusedColumnsWarning,
                stacklevel=4,  # the user's fit call, above fit and fit_context's wrapper
            )

    def _passthrough_columns(self, X):
        if self.passthrough is False:
            return []
        if self.passthrough is True:
            return list(X.select_dtypes("number").columns)
        return list(self.passthrough)

    @fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, Y):
        """Fit the base estimators out of fold, the final estimator, then refit the bases.

        Parameters
        ----------
        X : DataFrame of shape (n_movies, n_columns)
            The movie table; an empty cell means the movie lacks that modality.
        Y : array-like or DataFrame of shape (n_movies, n_genres)
            0/1 genre indicators; a DataFrame's columns become ``genre_names_``.

        Returns
        -------
        self : MovieGenreStacker
        """
        X = self._check_X(X)
        names = [str(c) for c in Y.columns] if isinstance(Y, pd.DataFrame) else None
        Y = check_multilabel_target(Y)
        self.genre_names_ = names or [f"genre_{j}" for j in range(Y.shape[1])]
        if len(X) != len(Y):
            raise ValueError(f"X has {len(X)} movies but Y has {len(Y)}.")
        self.n_genres_ = Y.shape[1]
        self.classes_ = multilabel_classes(self.n_genres_)
        rng = check_random_state(self.random_state)
        cv_seed, model_seed = (int(s) for s in rng.randint(np.iinfo(np.int32).max, size=2))

        estimators = self._resolve_estimators(X, model_seed)
        self.modalities_ = [name for name, _, _ in estimators]
        self.columns_ = [cols for _, _, cols in estimators]
        present = {name: _present(X, cols) for name, _, cols in estimators}
        for name, mask in present.items():
            if mask.sum() < 2:
                raise ValueError(f"Only {int(mask.sum())} movie(s) have data for {name!r}.")
        self.passthrough_columns_ = self._passthrough_columns(X)
        if self.estimators is None:
            self._warn_unused_columns(X, estimators)

        if self.cv == "prefit":
            for name, est, _ in estimators:
                check_is_fitted(est, msg=f"cv='prefit' but estimator {name!r} is not fitted.")
            self.estimators_ = [est for _, est, _ in estimators]
            self.oof_proba_ = self._predict_modalities(X)
        else:
            with feature_memo():  # without memory=, frozen features are computed once
                self.estimators_, self.oof_proba_ = self._fit_out_of_fold(
                    X, Y, estimators, present, cv_seed
                )
        self.named_estimators_ = Bunch(**dict(zip(self.modalities_, self.estimators_)))

        Z = self._stack(self.oof_proba_, X)
        final = self.final_estimator
        self.final_estimator_ = clone(final if final is not None else make_final_estimator())
        with _in_task():  # small: in this process, even when base models ran on a cluster
            self.final_estimator_.fit(Z, Y)
        self.thresholds_ = np.full(self.n_genres_, float(self.threshold))
        if self.tune_thresholds:
            fused = self._out_of_fold_fusion(Z, Y, cv_seed)
            self.oof_proba_["fusion"] = fused
            self.thresholds_ = _best_f1_thresholds(Y, fused)
        return self

    def _model_memory(self):
        """The memory of fitted base models: a folder given by ``memory``, else none."""
        if self.memory is None or self.memory is False:
            return None
        return os.fspath(self.memory) if isinstance(self.memory, os.PathLike) else self.memory

    def _fit_out_of_fold(self, X, Y, estimators, present, cv_seed):
        memory = check_memory(self._model_memory())
        fit_predict = memory.cache(_fit_predict)
        fit_all = memory.cache(_fit)
        splitter = check_multilabel_cv(self.cv, random_state=cv_seed)
        folds = list(splitter.split(np.zeros((len(Y), 1)), Y))
        k = self.n_genres_

        tasks, slots = [], []
        for name, est, cols in estimators:
            rows = np.flatnonzero(present[name])
            data = _select(X.iloc[rows], cols)
            files = (_file_identity(X.iloc[rows], cols) if self._model_memory() is not None
                     else None)
            for i, (train, test) in enumerate(folds):
                tr = np.flatnonzero(np.isin(rows, train))
                te = np.flatnonzero(np.isin(rows, test))
                if len(te) == 0:
                    continue
                if len(tr) < 2:
                    raise ValueError(f"Fold {i} has fewer than 2 training movies with {name!r}.")
                fold_files = None if files is None else [files[j] for j in (*tr, *te)]
                tasks.append(delayed(_call)(fit_predict, (est, _take(data, tr), Y[rows[tr]],
                                                          _take(data, te), k, name, fold_files)))
                slots.append((name, rows[te]))
            tasks.append(delayed(_call)(fit_all, (est, data, Y[rows], files)))
            slots.append((name, None))

        logger.info("Fitting %d base models (%d folds + refit) on %d movies",
                    len(tasks), len(folds), len(Y))
        results = Parallel(n_jobs=self.n_jobs, return_as="generator")(tasks)
        oof = {name: np.full((len(Y), k), np.nan) for name in present}
        fitted = {}
        with progress(total=len(tasks), verbose=self.verbose, desc="stacking") as bar:
            for (name, rows), result in zip(slots, results):
                if rows is None:
                    fitted[name] = result
                else:
                    oof[name][rows] = result
                bar.set_postfix_str(name)
                bar.update()
        return [fitted[name] for name in self.modalities_], oof

    def _out_of_fold_fusion(self, Z, Y, cv_seed):
        splitter = check_multilabel_cv(self.cv if self.cv != "prefit" else 5, random_state=cv_seed)
        fused = np.zeros(Y.shape, dtype=float)
        for train, test in splitter.split(Z, Y):
            with _in_task():
                final = clone(self.final_estimator_).fit(Z[train], Y[train])
            fused[test] = positive_proba(final.predict_proba(Z[test]),
                                         getattr(final, "classes_", None))
        return fused

    # -- stacked features -----------------------------------------------------------------
    def _predict_modalities(self, X):
        out = {}
        for name, est, cols in zip(self.modalities_, self.estimators_, self.columns_):
            proba = np.full((len(X), self.n_genres_), np.nan)
            rows = np.flatnonzero(_present(X, cols))
            if len(rows):
                proba[rows] = _proba(est, _select(X.iloc[rows], cols), self.n_genres_, name)
            out[name] = proba
        return out

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
        return self._stack(self._predict_modalities(X), X)

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
        lacks contributes through its missing indicator. Any final estimator with a
        ``contributions(Z, groups)`` method returning ``(terms, base)`` works the same;
        others raise a ``TypeError``.

        Parameters
        ----------
        X : DataFrame of shape (n_movies, n_columns)

        Returns
        -------
        explanation : DataFrame of shape (n_movies * n_genres, n_modalities + 3 or 4)
            One row per (movie, genre), indexed by a MultiIndex ``("movie", "genre")``
            (``movie``: the labels of ``X.index``; ``genre``: ``genre_names_``), movies
            in ``X``'s order, genres in ``genre_names_`` order. Columns: ``"base"``
            (the logit of an average training movie), one column per modality named as
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
        frame.insert(0, "base", np.tile(base, n))
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
        proba : ndarray of shape (n_movies, n_genres)
        """
        return self._fuse(self.transform(X))

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
        y = check_multilabel_target(align_genres(y, self.genre_names_), n_genres=self.n_genres_)
        return average_precision(y, self.predict_proba(X), average="macro",
                                 genre_names=self.genre_names_)

    def predict(self, X):
        """Genre indicators using ``thresholds_`` (``threshold``, or tuned per genre).

        Returns
        -------
        Y : ndarray of shape (n_movies, n_genres)
        """
        return (self.predict_proba(X) >= self.thresholds_).astype(int)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True
        return tags


def _best_f1_thresholds(Y, proba):
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
