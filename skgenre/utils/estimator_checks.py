"""skgenre's own checks of a multilabel genre classifier, to run on your own base model.

scikit-learn's :func:`~sklearn.utils.estimator_checks.check_estimator` checks the
estimator API on numeric arrays; a genre model must also speak multilabel the way
skgenre's stacker, scorers and reports expect (imbalanced-learn's
``utils/estimator_checks.py`` is the model of this module):

- ``predict_proba`` returns an (n_movies, n_genres) float array of each genre's
  probability, ``predict`` agrees with it, and ``classes_`` reads as multilabel (one
  ``array([0, 1])`` per genre), so that scikit-learn's scorers score it as such;
- a movie's probabilities do not depend on the other movies predicted with it (their
  order, a subset), refitting forgets the previous fit, pickling and cloning keep the
  predictions, and the inputs are not modified;
- a 1-D binary ``y`` works as in scikit-learn's classifiers: ``classes_`` holds its
  labels and ``predict_proba`` one column per class;
- on a numeric array, ``n_features_in_`` is set and a wrong width is refused.

Run them all with :func:`check_genre_estimator`, or one pytest test per check with
:func:`parametrize_with_checks`. The checks read ``X`` and ``Y`` of your model's kind
(texts, file paths, a DataFrame): give them as ``data``, else a numeric problem made
here is used.
"""

import copy
import functools
import pickle
import sys
import warnings

import numpy as np

__all__ = [
    "check_genre_estimator",
    "genre_checks",
    "make_genre_problem",
    "parametrize_with_checks",
]

#: Absolute tolerance between two predictions of the same movies: a net's batch
#: composition may move the last bits of a row.
ATOL = 1e-6


def make_genre_problem(n_movies=36, n_features=5, n_genres=3, random_state=0):
    """A small learnable multilabel problem: numeric ``X`` and a 0/1 ``Y``.

    Parameters
    ----------
    n_movies : int, default=36
    n_features : int, default=5
        At least ``n_genres``: genre ``j`` is present when feature ``j`` plus noise is
        positive.
    n_genres : int, default=3
    random_state : int, default=0

    Returns
    -------
    X : ndarray of shape (n_movies, n_features), dtype float32
    Y : ndarray of shape (n_movies, n_genres), dtype int
        Every genre has present and absent movies.
    """
    rng = np.random.default_rng(random_state)
    X = rng.normal(size=(n_movies, n_features)).astype(np.float32)
    Y = (X[:, :n_genres] + 0.5 * rng.normal(size=(n_movies, n_genres)) > 0).astype(int)
    Y[0], Y[1] = 0, 1
    return X, Y


def _rows(X, index):
    if hasattr(X, "iloc"):
        return X.iloc[index]
    if isinstance(X, list):
        return [X[i] for i in index]
    return X[index]


def _n(X):
    return X.shape[0] if hasattr(X, "shape") else len(X)


def _fit(estimator, X, Y):
    """Fit, with torch's global generator seeded (a skorch net drawing from it) and the
    warnings of tiny data (few epochs, a rare genre) silenced."""
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return estimator.fit(X, Y)


def _clone(estimator):
    from sklearn.base import clone

    return clone(estimator)


_FITTED = {}


def _fitted(estimator, X, Y):
    """One fitted clone per (estimator, data), shared by the checks that only predict."""
    key = (id(estimator), id(X), id(Y))
    if key not in _FITTED or _FITTED[key][0] is not estimator:
        _FITTED[key] = (estimator, X, Y, _fit(_clone(estimator), X, Y))
    return _FITTED[key][3]


def _proba(estimator, X):
    return np.asarray(estimator.predict_proba(X))


def check_multilabel_output(estimator, X, Y):
    """``predict_proba`` is (n, n_genres) float64 in [0, 1]; ``predict`` agrees with it;
    ``classes_`` is one ``array([0, 1])`` per genre."""
    fitted = _fitted(estimator, X, Y)
    proba = fitted.predict_proba(X)
    Y = np.asarray(Y)
    assert isinstance(proba, np.ndarray) and proba.shape == Y.shape, (
        f"predict_proba returned {type(proba).__name__} of shape "
        f"{getattr(proba, 'shape', None)}; expected an array of shape {Y.shape}")
    assert proba.dtype == np.float64, f"predict_proba's dtype is {proba.dtype}, not float64"
    assert ((proba >= 0) & (proba <= 1)).all(), "probabilities outside [0, 1]"
    threshold = getattr(fitted, "threshold", 0.5)
    np.testing.assert_array_equal(fitted.predict(X), (proba >= threshold).astype(int),
                                  err_msg="predict disagrees with predict_proba >= threshold")
    assert [np.asarray(c).tolist() for c in fitted.classes_] == [[0, 1]] * Y.shape[1], (
        f"classes_ should be one array([0, 1]) per genre; got {fitted.classes_!r}")


def check_sklearn_scorers(estimator, X, Y):
    """scikit-learn's ``average_precision`` and ``roc_auc`` scorers see a multilabel model:
    they score ``predict_proba``'s genre columns."""
    from sklearn.metrics import average_precision_score, get_scorer, roc_auc_score

    fitted = _fitted(estimator, X, Y)
    proba = _proba(fitted, X)
    Y = np.asarray(Y)
    for name, metric in (("average_precision", average_precision_score),
                         ("roc_auc", roc_auc_score)):
        got = get_scorer(name)(fitted, X, Y)
        np.testing.assert_allclose(got, metric(Y, proba), err_msg=f"the {name} scorer")


def check_sample_order_invariance(estimator, X, Y):
    """Predicting the movies in another order permutes the rows, nothing else."""
    fitted = _fitted(estimator, X, Y)
    order = np.random.default_rng(1).permutation(_n(X))
    np.testing.assert_allclose(_proba(fitted, _rows(X, order)), _proba(fitted, X)[order],
                               atol=ATOL)


def check_subset_invariance(estimator, X, Y):
    """A movie's probabilities do not depend on the other movies predicted with it."""
    fitted = _fitted(estimator, X, Y)
    whole = _proba(fitted, X)
    half = _n(X) // 2 + 1
    parts = [_proba(fitted, _rows(X, np.arange(half))),
             _proba(fitted, _rows(X, np.arange(half, _n(X))))]
    np.testing.assert_allclose(np.vstack(parts), whole, atol=ATOL)
    np.testing.assert_allclose(_proba(fitted, _rows(X, [3])), whole[[3]], atol=ATOL)


def check_fit_idempotent(estimator, X, Y):
    """Refitting forgets the previous fit: fit on other movies, then on these."""
    expected = _proba(_fit(_clone(estimator), X, Y), X)
    others = np.random.default_rng(2).permutation(_n(X))[: _n(X) - max(1, _n(X) // 6)]
    refitted = _fit(_fit(_clone(estimator), _rows(X, others), _rows(np.asarray(Y), others)),
                    X, Y)
    np.testing.assert_allclose(_proba(refitted, X), expected, atol=ATOL)


def check_pickle_round_trip(estimator, X, Y):
    """A pickled and unpickled fitted model predicts the same, to the bit."""
    fitted = _fitted(estimator, X, Y)
    restored = pickle.loads(pickle.dumps(fitted))
    assert type(restored) is type(fitted)
    np.testing.assert_array_equal(_proba(restored, X), _proba(fitted, X))
    np.testing.assert_array_equal(restored.predict(X), fitted.predict(X))


def check_clone(estimator, X, Y):
    """A clone of a fitted model is unfitted, and fitting it gives the same model."""
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    fitted = _fitted(estimator, X, Y)
    twin = _clone(fitted)
    try:
        check_is_fitted(twin)
    except NotFittedError:
        pass
    else:
        raise AssertionError("a clone of a fitted model reads as fitted")
    np.testing.assert_allclose(_proba(_fit(twin, X, Y), X), _proba(fitted, X), atol=ATOL)


def check_no_input_mutation(estimator, X, Y):
    """``fit``, ``predict_proba`` and ``predict`` leave ``X`` and ``Y`` as they were."""
    X_before, Y_before = copy.deepcopy(X), copy.deepcopy(Y)
    fitted = _fit(_clone(estimator), X, Y)
    fitted.predict_proba(X)
    fitted.predict(X)
    for before, after, name in [(X_before, X, "X"), (Y_before, Y, "Y")]:
        if hasattr(before, "equals"):
            assert after.equals(before), f"{name} was modified"
        elif isinstance(before, list):
            assert after == before, f"{name} was modified"
        else:
            np.testing.assert_array_equal(after, before, err_msg=f"{name} was modified")


def check_one_dimensional_target(estimator, X, Y):
    """A 1-D binary ``y`` works as in scikit-learn: ``classes_`` holds its labels,
    ``predict_proba`` one column per class summing to one, ``predict`` its argmax."""
    labels = np.array(["other", "western"])
    y = labels[np.asarray(Y)[:, 0]]
    fitted = _fit(_clone(estimator), X, y)
    np.testing.assert_array_equal(fitted.classes_, labels)
    proba = _proba(fitted, X)
    assert proba.shape == (_n(X), 2), f"predict_proba's shape is {proba.shape}"
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(fitted.predict(X), labels[np.argmax(proba, axis=1)])


def check_n_features_in(estimator, X, Y):
    """On a numeric array: ``n_features_in_``, a wrong width refused, feature names kept."""
    import pandas as pd

    fitted = _fitted(estimator, X, Y)
    assert fitted.n_features_in_ == X.shape[1]
    assert not hasattr(fitted, "feature_names_in_")
    try:
        fitted.predict_proba(X[:, :-1])
    except ValueError as exc:
        assert "features" in str(exc), f"the error does not speak of features: {exc}"
    else:
        raise AssertionError("predict_proba took a matrix with one feature less")
    names = [f"f{i}" for i in range(X.shape[1])]
    on_frame = _fit(_clone(estimator), pd.DataFrame(X, columns=names), Y)
    np.testing.assert_array_equal(on_frame.feature_names_in_, names)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        on_frame.predict_proba(X)
    assert any("feature names" in str(w.message) for w in caught), (
        "no warning for an array without the feature names seen in fit")


_CHECKS = [check_multilabel_output, check_sklearn_scorers, check_sample_order_invariance,
           check_subset_invariance, check_fit_idempotent, check_pickle_round_trip,
           check_clone, check_no_input_mutation, check_one_dimensional_target,
           check_n_features_in]


def _is_numeric_array(X):
    return isinstance(X, np.ndarray) and X.ndim == 2 and np.issubdtype(X.dtype, np.number)


def genre_checks(estimator, X=None, Y=None):
    """The checks that apply to ``estimator`` on ``(X, Y)``, as ``check(estimator)`` callables.

    Parameters
    ----------
    estimator : classifier
        Unfitted; each check fits clones of it.
    X, Y : inputs of the estimator's kind and (n_movies, n_genres) 0/1 array, default=None
        A few dozen movies, every genre present in some and absent in others;
        :func:`make_genre_problem` when None. ``check_n_features_in`` runs only on a
        numeric 2-D array.

    Yields
    ------
    check : callable
        ``check(estimator)`` raises an ``AssertionError`` on failure; its
        ``__name__`` is the check's.
    """
    if X is None:
        X, Y = make_genre_problem()
    for check in _CHECKS:
        if check is check_n_features_in and not _is_numeric_array(X):
            continue
        bound = functools.partial(check, X=X, Y=Y)
        functools.update_wrapper(bound, check)
        yield bound


def check_genre_estimator(estimator, X=None, Y=None, *, expected_failed_checks=None):
    """Run skgenre's multilabel checks on ``estimator``; raise on the first failure.

    Parameters
    ----------
    estimator : classifier
        An unfitted genre model: ``fit(X, Y)`` with ``Y`` an (n_movies, n_genres) 0/1
        matrix, ``predict_proba(X)``. Make it small and seeded (few epochs, a fixed
        ``random_state``): the checks fit it several times and compare predictions.
    X, Y : default=None
        Movies of the model's input kind and their genres (see :func:`genre_checks`).
    expected_failed_checks : dict of str to str, default=None
        Check name -> why it does not apply; those checks are skipped.

    Returns
    -------
    passed : list of str
        The names of the checks run.

    Raises
    ------
    AssertionError
        From the first check that fails, its name in front of the message.

    Examples
    --------
    A user's own base model of plot texts, checked on texts:

    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn.pipeline import make_pipeline
    >>> from skgenre.multioutput import PerGenreClassifier
    >>> from skgenre.utils.estimator_checks import check_genre_estimator
    >>> texts = ["a ghost in the house", "two friends laugh", "ghost and laughter",
    ...          "a quiet walk"] * 6
    >>> Y = [[1, 0], [0, 1], [1, 1], [0, 0]] * 6
    >>> model = make_pipeline(TfidfVectorizer(), PerGenreClassifier())
    >>> check_genre_estimator(model, texts, Y)  # doctest: +NORMALIZE_WHITESPACE
    ['check_multilabel_output', 'check_sklearn_scorers', 'check_sample_order_invariance',
     'check_subset_invariance', 'check_fit_idempotent', 'check_pickle_round_trip',
     'check_clone', 'check_no_input_mutation', 'check_one_dimensional_target']
    """
    skip = dict(expected_failed_checks or {})
    passed = []
    try:
        for check in genre_checks(estimator, X, Y):
            if check.__name__ in skip:
                continue
            try:
                check(estimator)
            except AssertionError as exc:
                raise AssertionError(
                    f"{check.__name__} failed for {estimator!r}: {exc}") from exc
            passed.append(check.__name__)
    finally:
        _FITTED.clear()
    return passed


def parametrize_with_checks(estimators, *, data=None, expected_failed_checks=None):
    """A pytest decorator: one test per (estimator, check), as scikit-learn's.

    Parameters
    ----------
    estimators : list of estimator
    data : callable, default=None
        ``data(estimator) -> (X, Y)``: the movies each estimator is checked on;
        :func:`make_genre_problem` when None.
    expected_failed_checks : callable, default=None
        ``expected_failed_checks(estimator) -> {check name: reason}``: those checks
        are marked ``xfail`` with the reason (strictly: one that passes fails).

    Returns
    -------
    decorator
        ``pytest.mark.parametrize("estimator, check", ...)``.

    Examples
    --------
    >>> from skgenre.multioutput import PerGenreClassifier
    >>> from skgenre.utils.estimator_checks import parametrize_with_checks
    >>> @parametrize_with_checks([PerGenreClassifier()])
    ... def test_genre_model(estimator, check):
    ...     check(estimator)
    """
    import pytest

    cases = []
    for estimator in estimators:
        X, Y = data(estimator) if data is not None else (None, None)
        expected = expected_failed_checks(estimator) if expected_failed_checks else {}
        name = type(estimator).__name__
        for check in genre_checks(estimator, X, Y):
            marks = ()
            if check.__name__ in expected:
                marks = pytest.mark.xfail(reason=expected[check.__name__], strict=True)
            cases.append(pytest.param(estimator, check, marks=marks,
                                      id=f"{name}-{check.__name__}"))
    return pytest.mark.parametrize("estimator, check", cases)
