"""Final (meta) estimators for stacking: the per-genre logit fusion and its alternatives."""

import numbers

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_expit
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from ..multioutput import ConstantGenreWarning, MultilabelClassifierMixin, PerGenreClassifier
from ..multioutput._per_genre import warn_constant_genres
from ..utils import check_multilabel_target, multilabel_classes
from ..utils._sklearn_compat import Interval, StrOptions, fit_context, validate_data

__all__ = [
    "ConstantGenreWarning",
    "LogitFusionClassifier",
    "PerGenreClassifier",
    "make_final_estimator",
]

#: Probabilities are clipped to [EPS, 1 - EPS] before their logit is taken.
EPS = 1e-4


def _logit(p):
    p = np.clip(p, EPS, 1 - EPS)
    return np.log(p) - np.log1p(-p)


class LogitFusionClassifier(MultilabelClassifierMixin, BaseEstimator):
    """Per genre, a logistic regression on the base models' logits: the default fusion.

    Reads the stacked input :class:`~skgenre.MovieGenreStacker` makes (per base model,
    one probability column per genre then a missing indicator; passthrough columns
    last). For genre ``j`` the logistic regression sees, for each base model, the logit
    of its probability of ``j`` (0 where the movie lacks the modality) and its missing
    indicator, optionally the logits of every other genre from every base model
    (``other_genres="all"``: genres co-occur, so a confident *Horror* says something
    about *Thriller*), and the passthrough columns. Logits rather than probabilities let
    a confident base model move the fused score as far as its confidence warrants:
    fusing logits linearly is a product of experts, calibrated by the regression.

    A rare genre (six positive movies in a training set) cannot learn its own weights:
    with ``pooling="partial"`` (the default) one logistic regression is first fitted on
    all genres at once (shared weights, one intercept per genre), then each genre's
    weights are fitted as the shared ones plus a deviation penalised by ``1 /
    genre_C``: frequent genres move away from the shared weights as far as their data
    warrants, rare ones keep them.

    Because the fused logit of every movie and genre is linear in these features,
    :meth:`contributions` splits it exactly into one term per group of stacked columns
    (per modality) plus a base value.

    Parameters
    ----------
    C : float, default=10.0
        Inverse regularisation strength of the pooled logistic regression
        (``pooling="partial"`` or ``"full"``) or of each genre's
        (``pooling="none"``).
    pooling : {"partial", "full", "none"}, default="partial"
        ``"full"``: the shared weights only (per-genre intercepts). ``"none"``: one
        independent logistic regression per genre.
    genre_C : float, default=0.01
        Inverse strength of the penalty on each genre's deviation from the shared
        weights (``pooling="partial"``).
    other_genres : {"none", "all"}, default="none"
        ``"all"`` adds the other genres' logits of each base model to each genre's
        features (only with ``pooling="none"``: the other genres differ by genre).
    max_iter : int, default=1000
    threshold : float, default=0.5
        Decision threshold of ``predict``.

    Attributes
    ----------
    n_genres_ : int
    n_base_ : int
        Number of base models found in the stacked input.
    columns_ : list of ndarray
        Stacked columns feeding each genre's features, in feature order.
    coef_ : list of ndarray
        Weights of each genre's features (zeros for a constant genre).
    intercept_ : ndarray of shape (n_genres,)
    feature_means_ : list of ndarray
        Mean of each genre's features over the training movies (the reference of
        :meth:`contributions`).
    classes_ : list of ndarray
        ``array([0, 1])`` per genre.
    n_features_in_ : int

    See Also
    --------
    make_final_estimator : the stacker's final estimators, measured.

    Examples
    --------
    >>> import numpy as np
    >>> from skgenre.ensemble import LogitFusionClassifier
    >>> rng = np.random.default_rng(0)
    >>> Y = rng.integers(0, 2, size=(200, 2))
    >>> text = np.clip(Y * 0.6 + rng.random((200, 2)) * 0.4, 0, 1)
    >>> Z = np.hstack([text, np.zeros((200, 1))])  # one base model: 2 genres + indicator
    >>> fusion = LogitFusionClassifier().fit(Z, Y)
    >>> fusion.predict_proba(Z[:2]).shape
    (2, 2)
    """

    _parameter_constraints = {
        "C": [Interval(numbers.Real, 0, None, closed="neither")],
        "pooling": [StrOptions({"partial", "full", "none"})],
        "genre_C": [Interval(numbers.Real, 0, None, closed="neither")],
        "other_genres": [StrOptions({"none", "all"})],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "threshold": [Interval(numbers.Real, 0, 1, closed="both")],
    }

    def __init__(self, C=10.0, *, pooling="partial", genre_C=0.01, other_genres="none",
                 max_iter=1000, threshold=0.5):
        self.C = C
        self.pooling = pooling
        self.genre_C = genre_C
        self.other_genres = other_genres
        self.max_iter = max_iter
        self.threshold = threshold

    # -- layout ----------------------------------------------------------------------------
    def _layout(self, n_features, k):
        block = k + 1
        n_base = n_features // block
        columns, is_logit = [], []
        for j in range(k):
            cols = [m * block + j for m in range(n_base)]
            logit = [True] * n_base
            cols += [m * block + k for m in range(n_base)]
            logit += [False] * n_base
            if self.other_genres == "all":
                others = [m * block + g for m in range(n_base) for g in range(k) if g != j]
                cols += others
                logit += [True] * len(others)
            rest = list(range(n_base * block, n_features))
            cols += rest
            logit += [False] * len(rest)
            columns.append(np.asarray(cols, dtype=np.intp))
            is_logit.append(np.asarray(logit, dtype=bool))
        return n_base, columns, is_logit

    def _features(self, Z, j):
        X = Z[:, self.columns_[j]].astype(float, copy=True)
        logit = self._is_logit[j]
        X[:, logit] = _logit(X[:, logit])
        # A missing modality's probability columns hold 0: its logit is set to 0 (even
        # odds) and the missing indicator carries the rest.
        block = self.n_genres_ + 1
        base_of = self.columns_[j] // block
        stacked = self.columns_[j] < self.n_base_ * block
        missing = np.zeros_like(X, dtype=bool)
        for m in range(self.n_base_):
            cols = logit & stacked & (base_of == m)
            missing[:, cols] = (Z[:, m * block + self.n_genres_] > 0.5)[:, None]
        X[missing] = 0.0
        return X

    # -- fit / predict ---------------------------------------------------------------------
    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, Y):
        """Fit one logistic regression per genre on the stacked base predictions.

        Parameters
        ----------
        X : array-like of shape (n_movies, n_base * (n_genres + 1) + n_passthrough)
            The stacked out-of-fold probabilities and missing indicators.
        Y : array-like of shape (n_movies, n_genres)
            0/1 genre indicators.

        Returns
        -------
        self : LogitFusionClassifier
        """
        if self.other_genres == "all" and self.pooling != "none":
            raise ValueError(
                "other_genres='all' needs pooling='none': the other genres' features "
                "differ from genre to genre, so their weights cannot be shared."
            )
        Z = validate_data(self, X, dtype=float)
        Y = check_multilabel_target(Y)
        if Y.shape[0] != Z.shape[0]:
            raise ValueError(f"X has {Z.shape[0]} movies but Y has {Y.shape[0]}.")
        k = Y.shape[1]
        if Z.shape[1] < k + 1:
            raise ValueError(
                f"LogitFusionClassifier needs stacked input with n_genres + 1 = {k + 1} "
                f"columns per base model; X has {Z.shape[1]}."
            )
        self.n_genres_ = k
        self.n_base_, self.columns_, self._is_logit = self._layout(Z.shape[1], k)
        constant = warn_constant_genres(Y, stacklevel=3)  # quiet inside the stacker's fit
        features = [self._features(Z, j) for j in range(k)]
        self.feature_means_ = [f.mean(axis=0) for f in features]
        self.coef_ = [np.zeros(f.shape[1]) for f in features]
        self.intercept_ = np.zeros(k)
        fitted = np.flatnonzero(~constant)
        for j in np.flatnonzero(constant):
            self.intercept_[j] = _logit(np.array([float(Y[0, j])]))[0]
        if self.pooling == "none":
            for j in fitted:
                model = LogisticRegression(C=self.C, max_iter=self.max_iter)
                model.fit(features[j], Y[:, j])
                self.coef_[j] = model.coef_[0].copy()
                self.intercept_[j] = model.intercept_[0]
        elif len(fitted):
            shared, intercepts = self._fit_pooled([features[j] for j in fitted], Y[:, fitted])
            for j, b in zip(fitted, intercepts):
                self.coef_[j], self.intercept_[j] = shared.copy(), b
                if self.pooling == "partial":
                    self.coef_[j], self.intercept_[j] = self._fit_deviation(
                        features[j], Y[:, j], shared, b
                    )
        self.classes_ = multilabel_classes(k)
        return self

    def _fit_pooled(self, features, Y):
        """One logistic regression on all genres: shared weights, one intercept per genre."""
        n, k = Y.shape
        onehot = np.repeat(np.eye(k), n, axis=0)
        X = np.hstack([np.vstack(features), onehot])
        model = LogisticRegression(C=self.C, fit_intercept=False, max_iter=self.max_iter)
        model.fit(X, Y.T.reshape(-1))
        p = features[0].shape[1]
        return model.coef_[0][:p], model.coef_[0][p:]

    def _fit_deviation(self, X, y, shared, intercept):
        """A genre's weights: ``shared + d``, ``d`` penalised by ``|d|^2 / (2 genre_C)``."""
        p = X.shape[1]
        offset = X @ shared

        def loss(theta):
            d, b = theta[:p], theta[p]
            z = offset + X @ d + b
            value = -(y * log_expit(z) + (1 - y) * log_expit(-z)).sum()
            value += 0.5 / self.genre_C * d @ d
            r = expit(z) - y
            return value, np.concatenate([X.T @ r + d / self.genre_C, [r.sum()]])

        start = np.concatenate([np.zeros(p), [intercept]])
        theta = minimize(loss, start, jac=True, method="L-BFGS-B",
                         options={"maxiter": self.max_iter}).x
        return shared + theta[:p], theta[p]

    def decision_function(self, X):
        """The fused logit of each genre.

        Parameters
        ----------
        X : array-like of shape (n_movies, n_features_in_)

        Returns
        -------
        logits : ndarray of shape (n_movies, n_genres)
        """
        check_is_fitted(self)
        Z = validate_data(self, X, dtype=float, reset=False)
        return np.column_stack([
            self._features(Z, j) @ self.coef_[j] + self.intercept_[j]
            for j in range(self.n_genres_)
        ])

    def predict_proba(self, X):
        """Probability that each genre is present.

        Parameters
        ----------
        X : array-like of shape (n_movies, n_features_in_)

        Returns
        -------
        proba : ndarray of shape (n_movies, n_genres)
        """
        return expit(self.decision_function(X))

    def contributions(self, X, groups):
        """Split each fused logit exactly into per-group terms and a base value.

        The term of a group is the sum, over that group's features, of weight times
        (feature value minus its training mean): the linear model's exact Shapley
        values, summed per group. ``base`` (intercept plus weights times training
        means) is the logit of a movie whose every feature sits at its training mean.

        Parameters
        ----------
        X : array-like of shape (n_movies, n_features_in_)
        groups : array-like of int of shape (n_features_in_,)
            Group (e.g. modality) of each stacked column, ``0 .. n_groups - 1``.

        Returns
        -------
        terms : ndarray of shape (n_movies, n_genres, n_groups)
        base : ndarray of shape (n_genres,)
            ``base[j] + terms[i, j].sum() == decision_function(X)[i, j]``.
        """
        check_is_fitted(self)
        Z = validate_data(self, X, dtype=float, reset=False)
        groups, n_groups = _check_groups(groups, self.n_features_in_)
        terms = np.zeros((Z.shape[0], self.n_genres_, n_groups))
        base = np.empty(self.n_genres_)
        for j in range(self.n_genres_):
            weighted = (self._features(Z, j) - self.feature_means_[j]) * self.coef_[j]
            for g in range(n_groups):
                terms[:, j, g] = weighted[:, groups[self.columns_[j]] == g].sum(axis=1)
            base[j] = self.intercept_[j] + self.feature_means_[j] @ self.coef_[j]
        return terms, base


def _check_groups(groups, n_features):
    """``groups`` as an int array of one group per stacked column, and the group count."""
    groups = np.asarray(groups, dtype=np.intp)
    if groups.shape != (n_features,):
        raise ValueError(
            f"groups must give one group per stacked column ({n_features}); "
            f"got shape {groups.shape}."
        )
    return groups, int(groups.max()) + 1 if groups.size else 0


#: Accepted values of ``make_final_estimator(kind=...)``.
FINAL_ESTIMATOR_KINDS = ("default", "subsets", "logit", "logit_pergenre", "logit_cogenres",
                         "own_genre", "logistic", "linear_layer")


def make_final_estimator(kind="default", *, random_state=None):
    """The stacker's final estimator.

    Parameters
    ----------
    kind : {"default", "subsets", "logit", "logit_pergenre", "logit_cogenres", "own_genre", \
"logistic", "linear_layer"}, default="default"
        - ``"subsets"``: :class:`SubsetFusionClassifier`: ``"logit"`` for every movie
          whose set of modalities is common in training, and a ``"logit"`` fusion of
          its present modalities alone for a movie whose set is rare or was never seen
          (no plot, when every training movie had one), so that any subset of
          modalities gives calibrated probabilities; the genre prior for a movie with
          none.
        - ``"logit"``: :class:`LogitFusionClassifier`: per genre, a logistic
          regression on the logit of that genre's probability from each base model, the
          missing indicators and any passthrough columns, its weights shrunk towards
          weights shared by all genres (``pooling="partial"``).
        - ``"logit_pergenre"``: the same without sharing (``pooling="none"``, ``C=1``).
        - ``"logit_cogenres"``: per genre, unshared, plus every other genre's logit
          from every base model (``pooling="none"``, ``other_genres="all"``,
          ``C=0.1``).
        - ``"own_genre"``: per genre, a logistic regression (``C=3``) on that genre's
          probability from each base model and the missing indicators
          (``PerGenreClassifier(features="own_genre")``; the default of 0.1).
        - ``"logistic"``: one logistic regression per genre (``C=1``) on every base
          model's probabilities for every genre.
        - ``"linear_layer"``: the MovieScope study's single linear layer trained with
          BCE (``GenreMLP(hidden_layer_sizes=())``).

        ``"default"`` is ``"subsets"``: ``"logit"``, the best by ``benchmarks/fusion.py``
        (see the table in ``docs/stacking.rst``; 5-fold cross-validation, 3 seeds, on
        the out-of-fold base predictions of the MovieLens/Wikipedia train+val
        movies), made honest for movies that lack modalities the training movies had
        (``benchmarks/subsets.py``).
    random_state : int or None, default=None
        Seeds ``"linear_layer"``.

    Returns
    -------
    estimator : estimator
        Unfitted; ``fit(Z, Y)`` on the stacked input, ``predict_proba`` of shape
        (n_movies, n_genres).
    """
    if kind == "default":
        kind = DEFAULT_KIND
    if kind == "subsets":
        from ._subsets import SubsetFusionClassifier

        return SubsetFusionClassifier()
    if kind == "logit":
        return LogitFusionClassifier()
    if kind == "logit_pergenre":
        return LogitFusionClassifier(C=1.0, pooling="none")
    if kind == "logit_cogenres":
        return LogitFusionClassifier(C=0.1, pooling="none", other_genres="all")
    if kind == "own_genre":
        return PerGenreClassifier(LogisticRegression(C=3.0, max_iter=1000), features="own_genre")
    if kind == "logistic":
        return PerGenreClassifier(LogisticRegression(C=1.0, max_iter=1000))
    if kind == "linear_layer":
        from ..nn import GenreMLP

        return GenreMLP(hidden_layer_sizes=(), dropout=0.0, lr=1e-2, random_state=random_state)
    raise ValueError(
        f"Unknown final estimator kind {kind!r}; use one of {FINAL_ESTIMATOR_KINDS}."
    )


#: What ``kind="default"`` stands for.
DEFAULT_KIND = "subsets"
