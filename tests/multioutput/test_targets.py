"""1-D binary and multiclass targets on the multioutput meta-estimators (and the nets).

The multilabel path is tested in the estimators' own modules; here each classifier is
fitted on a 1-D y and must behave as scikit-learn's classifiers do: ``classes_`` holds
the labels, ``predict_proba`` one column per class with rows summing to one, and
``predict`` its argmax.
"""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.naive_bayes import GaussianNB
from sklearn.tree import DecisionTreeClassifier

from skgenre.metadata import GenreForestClassifier
from skgenre.multioutput import (
    GenreProbabilityAverage,
    MultilabelProbaClassifier,
    PerGenreClassifier,
)
from skgenre.nn import GenreMLP

ESTIMATORS = {
    "PerGenreClassifier": lambda: PerGenreClassifier(),
    "GenreProbabilityAverage": lambda: GenreProbabilityAverage(
        [("lr", LogisticRegression()), ("nb", GaussianNB())], weights=[2, 1]),
    "MultilabelProbaClassifier": lambda: MultilabelProbaClassifier(
        DecisionTreeClassifier(max_depth=3, random_state=0)),
    "GenreForestClassifier": lambda: GenreForestClassifier(n_estimators=10, random_state=0),
    "GenreMLP": lambda: GenreMLP(hidden_layer_sizes=(8,), max_epochs=10, lr=1e-2,
                                 random_state=0),
}


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 4)).astype(np.float32)
    return X, np.argmax(X[:, :3], axis=1)


@pytest.mark.parametrize("name", ESTIMATORS)
@pytest.mark.parametrize("labels", [np.array([0, 1]), np.array(["other", "western"])],
                         ids=["int", "str"])
def test_binary_y(data, name, labels):
    X, codes = data
    y = labels[(codes == 0).astype(int)]
    model = ESTIMATORS[name]().fit(X, y)
    np.testing.assert_array_equal(model.classes_, labels)
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    pred = model.predict(X)
    np.testing.assert_array_equal(pred, labels[np.argmax(proba, axis=1)])
    assert model.score(X, y) == np.mean(pred == y)
    assert model.score(X, y) > 0.75  # the label is learnable from X


@pytest.mark.parametrize("name", ESTIMATORS)
def test_multiclass_y(data, name):
    X, codes = data
    y = np.array(["action", "comedy", "drama"])[codes]
    model = ESTIMATORS[name]().fit(X, y)
    np.testing.assert_array_equal(model.classes_, ["action", "comedy", "drama"])
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.predict(X), model.classes_[np.argmax(proba, axis=1)])
    assert model.score(X, y) > 0.6


def test_per_genre_binary_is_the_single_genre_model(data):
    # A binary y fits exactly the one-genre model of the multilabel path.
    X, codes = data
    y = (codes == 1).astype(int)
    binary = PerGenreClassifier().fit(X, y).predict_proba(X)
    single = PerGenreClassifier().fit(X, y[:, None]).predict_proba(X)
    np.testing.assert_allclose(binary[:, 1], single[:, 0])
    np.testing.assert_allclose(binary[:, 0], 1 - single[:, 0])


def test_per_genre_multiclass_is_normalised_one_vs_rest(data):
    X, codes = data
    proba = PerGenreClassifier().fit(X, codes).predict_proba(X)
    ovr = OneVsRestClassifier(LogisticRegression(max_iter=1000)).fit(X, codes)
    # OneVsRestClassifier normalises its rows the same way.
    np.testing.assert_allclose(proba, ovr.predict_proba(X), rtol=1e-6)


def test_average_binary_is_soft_voting(data):
    X, codes = data
    y = (codes == 2).astype(int)
    lr, nb = LogisticRegression().fit(X, y), GaussianNB().fit(X, y)
    expected = (2 * lr.predict_proba(X) + nb.predict_proba(X)) / 3
    got = ESTIMATORS["GenreProbabilityAverage"]().fit(X, y).predict_proba(X)
    np.testing.assert_allclose(got, expected, atol=1e-6)  # float32 X


@pytest.mark.parametrize(
    "name, y, match",
    [
        ("PerGenreClassifier", np.zeros(90), "one class"),
        ("GenreForestClassifier", np.linspace(0, 1, 90), "Unknown label type"),
        ("GenreProbabilityAverage", np.full((90, 2), 3), "0/1"),
    ],
)
def test_target_errors(data, name, y, match):
    X, _ = data
    with pytest.raises(ValueError, match=match):
        ESTIMATORS[name]().fit(X, y)
