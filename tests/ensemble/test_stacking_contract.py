"""MovieGenreStacker under the scikit-learn contract, on DataFrames.

scikit-learn's array checks cannot run on an estimator that reads a table of columns
routed to base models (tests/test_common.py skips it from them, with the reason); this
module checks the same contract on a movie table: clone, nested parameters, pickling,
grid search over a nested parameter, cross-validation with skgenre's scorers. A single
genre works as :class:`~skgenre.multioutput.MultilabelClassifierMixin` says: a 1-D
binary ``y`` like scikit-learn's classifiers, an (n, 1) indicator matrix as one genre; a
multiclass ``y`` gets a clear error.
"""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.utils.validation import check_is_fitted
from test_stacking import base_estimators, make_table

from skgenre import MovieGenreStacker
from skgenre.metrics import get_scorer
from skgenre.multioutput import PerGenreClassifier
from skgenre.model_selection import MultilabelStratifiedKFold


@pytest.fixture(scope="module")
def table():
    return make_table(n=120)


def make_stacker(**params):
    return MovieGenreStacker(base_estimators(), cv=2, random_state=0, **params)


@pytest.fixture(scope="module")
def fitted(table):
    X, Y = table
    return make_stacker().fit(X, Y)


def test_clone_is_unfitted_with_equal_parameters(fitted, table):
    X, Y = table
    twin = clone(fitted)
    with pytest.raises(NotFittedError):
        check_is_fitted(twin)
    assert twin.get_params(deep=False).keys() == fitted.get_params(deep=False).keys()
    for (name, model, cols), (name2, model2, cols2) in zip(fitted.estimators, twin.estimators):
        assert (name, cols) == (name2, cols2) and model2 is not model
        assert model2.get_params().keys() == model.get_params().keys()
    np.testing.assert_allclose(twin.fit(X, Y).predict_proba(X), fitted.predict_proba(X))


def test_nested_parameters_round_trip():
    stacker = make_stacker(final_estimator=PerGenreClassifier())
    params = stacker.get_params(deep=True)
    # Base models by name, their steps, the final estimator's parameters.
    for key in ["text", "cast", "text__tfidfvectorizer__sublinear_tf",
                "cast__countvectorizer__lowercase", "final_estimator__threshold", "cv",
                "random_state"]:
        assert key in params
    assert stacker.set_params(**params) is stacker
    assert stacker.get_params(deep=True).keys() == params.keys()

    stacker.set_params(text__tfidfvectorizer__sublinear_tf=True, cv=3,
                       final_estimator__threshold=0.3)
    text = dict((name, model) for name, model, _ in stacker.estimators)["text"]
    assert text.named_steps["tfidfvectorizer"].sublinear_tf is True
    assert stacker.get_params()["text__tfidfvectorizer__sublinear_tf"] is True
    assert stacker.cv == 3 and stacker.final_estimator.threshold == 0.3
    # The columns of each base model survive a replaced model.
    stacker.set_params(cast=clone(text))
    assert [cols for _, _, cols in stacker.estimators] == ["plot", "cast"]


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"nosuch__C": 1.0}, ValueError, "nosuch"),
        ({"text__nosuch": 1.0}, ValueError, "nosuch"),
    ],
)
def test_nested_parameter_errors(params, error, match):
    with pytest.raises(error, match=match):
        make_stacker().set_params(**params)


def test_pickle_round_trip(fitted, table):
    X, _ = table
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict_proba(X), fitted.predict_proba(X))
    np.testing.assert_array_equal(restored.predict(X), fitted.predict(X))
    assert restored.genre_names_ == fitted.genre_names_


def test_grid_search_over_a_nested_parameter(table):
    X, Y = table
    grid = GridSearchCV(
        make_stacker(), {"cast__countvectorizer__max_features": [None, 1]},
        cv=MultilabelStratifiedKFold(2), scoring=get_scorer("average_precision_macro"),
    ).fit(X, Y)
    scores = grid.cv_results_["mean_test_score"]
    # max_features=1 leaves the cast model one name: the stack scores worse, so the
    # search did reach the nested parameter.
    assert scores[0] > scores[1] + 0.02
    assert grid.best_params_ == {"cast__countvectorizer__max_features": None}
    best_cast = dict((n, m) for n, m, _ in grid.best_estimator_.estimators)["cast"]
    assert best_cast.named_steps["countvectorizer"].max_features is None


@pytest.mark.parametrize("average", ["macro", "samples"])
def test_cross_val_score_with_skgenre_scorers(table, average):
    X, Y = table
    scores = cross_val_score(make_stacker(), X, Y, cv=MultilabelStratifiedKFold(3),
                             scoring=get_scorer(f"average_precision_{average}"))
    assert scores.shape == (3,) and np.isfinite(scores).all()
    # The genres are learnable from plot words and cast names: well above chance (~0.3).
    assert scores.min() > 0.6


@pytest.mark.parametrize("labels", [np.array([0, 1]), np.array(["other", "horror"])],
                         ids=["int", "str"])
def test_single_genre_as_a_one_d_binary_y_follows_the_mixin_contract(table, labels):
    """(Main gave "Supported target type is: multilabel-indicator. Got 'binary'".)"""
    X, Y = table
    y = labels[Y["Horror"].to_numpy()]
    stacker = make_stacker().fit(X, y)
    np.testing.assert_array_equal(stacker.classes_, np.sort(labels))
    proba = stacker.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    pred = stacker.predict(X)
    np.testing.assert_array_equal(pred, stacker.classes_[(proba[:, 1] >= 0.5).astype(int)])
    assert stacker.score(X, y) == np.mean(pred == y) > 0.8  # accuracy, as for 1-D y
    assert stacker.n_genres_ == 1 and stacker.oof_proba_["text"].shape == (len(X), 1)
    assert stacker.genre_names_ == [str(stacker.classes_[1])]  # P(that label)
    named = make_stacker().fit(X, Y["Horror"])  # a named 0/1 Series names its genre
    assert named.genre_names_ == ["Horror"]


def test_single_genre_as_a_one_column_indicator_matrix(table):
    X, Y = table
    stacker = make_stacker().fit(X, Y[["Horror"]])
    assert stacker.predict_proba(X).shape == (len(X), 1)
    assert stacker.predict(X).shape == (len(X), 1)
    assert stacker.genre_names_ == ["Horror"] and len(stacker.classes_) == 1
    assert stacker.score(X, Y[["Horror"]]) > 0.7  # macro average precision


def test_multiclass_y_is_refused_clearly(table):
    X, _ = table
    with pytest.raises(ValueError, match="a multiclass y with 3 classes"):
        make_stacker().fit(X, pd.Series(np.arange(len(X)) % 3))
