"""GenreForestClassifier and MultilabelProbaClassifier: (n, n_genres) probabilities."""

import joblib
import numpy as np
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.datasets import make_multilabel_classification
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils._param_validation import InvalidParameterError

from skgenre.metadata import GenreForestClassifier, MultilabelProbaClassifier


@pytest.fixture
def data():
    X, Y = make_multilabel_classification(
        n_samples=120, n_features=30, n_classes=5, n_labels=2, random_state=0
    )
    X = (X > 2).astype(np.float32)  # binary, like the one-hot encoding
    Y[:, 3] = 0  # a genre absent from training
    Y[:, 4] = 1  # and one present in every movie
    return sparse.csr_matrix(X), Y


def check_proba(clf, X, Y):
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape and proba.dtype == np.float64
    assert ((proba >= 0) & (proba <= 1)).all()
    np.testing.assert_array_equal(proba[:, 3], 0.0)
    np.testing.assert_array_equal(proba[:, 4], 1.0)
    assert len(clf.classes_) == Y.shape[1]
    for classes in clf.classes_:
        np.testing.assert_array_equal(classes, [0, 1])
    np.testing.assert_array_equal(clf.predict(X), (proba >= clf.threshold).astype(int))
    return proba


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning")
def test_forest_proba_shape_and_constant_genres(data):
    X, Y = data
    clf = GenreForestClassifier(n_estimators=20, random_state=0).fit(X, Y)
    proba = check_proba(clf, X, Y)
    # The forest learns the varying genres: training AP well above the base rate.
    assert clf.score(X, Y) > 0.8
    assert proba[:, 0].std() > 0
    assert clf.n_features_in_ == X.shape[1]
    assert clf.feature_importances_.shape == (X.shape[1],)


def test_forest_sparse_and_dense_agree(data):
    X, Y = data
    clf = GenreForestClassifier(n_estimators=10, min_samples_leaf=2, random_state=0)
    p_sparse = clone(clf).fit(X, Y).predict_proba(X)
    p_dense = clone(clf).fit(X.toarray(), Y).predict_proba(X.toarray())
    np.testing.assert_allclose(p_sparse, p_dense)


def test_forest_passes_parameters_through(data):
    X, Y = data
    clf = GenreForestClassifier(
        n_estimators=7, min_samples_leaf=3, max_features=0.5, class_weight="balanced_subsample",
        bootstrap=False, max_samples=0.5, n_jobs=2, random_state=1,
    ).fit(X, Y)
    forest = clf.estimator_
    assert len(forest.estimators_) == 7 and forest.n_jobs == 2
    assert (forest.min_samples_leaf, forest.max_features) == (3, 0.5)
    assert forest.class_weight == "balanced_subsample" and forest.max_samples is None
    p1 = clf.predict_proba(X)
    # n_jobs=2 sums the trees in any order: equal up to rounding.
    np.testing.assert_allclose(p1, clone(clf).fit(X, Y).predict_proba(X), atol=1e-12)


def test_forest_single_genre(data):
    X, Y = data
    clf = GenreForestClassifier(n_estimators=5, random_state=0).fit(X, Y[:, :1])
    assert clf.predict_proba(X).shape == (X.shape[0], 1)
    assert len(clf.classes_) == 1


@pytest.mark.parametrize(
    "params, Y, error, match",
    [
        ({"n_estimators": 0}, None, InvalidParameterError, "n_estimators"),
        ({"max_features": "all"}, None, InvalidParameterError, "max_features"),
        ({"class_weight": "even"}, None, InvalidParameterError, "class_weight"),
        ({}, np.zeros(120), ValueError, "one class"),
        ({}, np.linspace(0, 1, 120), ValueError, "Unknown label type"),
        ({}, np.zeros((119, 5)), ValueError, "inconsistent|119"),
        ({}, np.full((120, 5), 2), ValueError, "0/1"),
    ],
)
def test_forest_errors(data, params, Y, error, match):
    X, Y_ok = data
    with pytest.raises(error, match=match):
        GenreForestClassifier(**{"n_estimators": 3, **params}).fit(X, Y_ok if Y is None else Y)


@pytest.mark.parametrize("labels", [np.array([0, 1]), np.array(["drama", "horror"])])
def test_forest_binary_y(data, labels):
    X, Y = data
    y = labels[Y[:, 0]]
    clf = GenreForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    np.testing.assert_array_equal(clf.classes_, labels)
    proba = clf.predict_proba(X)
    assert proba.shape == (X.shape[0], 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), labels[np.argmax(proba, axis=1)])
    # The positive column is the single-genre model's probability.
    single = GenreForestClassifier(n_estimators=10, random_state=0).fit(X, Y[:, :1])
    np.testing.assert_allclose(proba[:, 1], single.predict_proba(X)[:, 0])
    assert clf.score(X, y) == np.mean(clf.predict(X) == y)


def test_forest_multiclass_y(data):
    X, Y = data
    y = np.array(["a", "b", "c"])[Y[:, 0] + Y[:, 1]]
    clf = GenreForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    np.testing.assert_array_equal(clf.classes_, ["a", "b", "c"])
    proba = clf.predict_proba(X)
    assert proba.shape == (X.shape[0], 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[np.argmax(proba, axis=1)])
    assert clf.score(X, y) > 0.8  # training accuracy of a forest


def test_forest_checks_feature_count_and_pickles(data, tmp_path):
    X, Y = data
    clf = GenreForestClassifier(n_estimators=5, random_state=0).fit(X, Y)
    with pytest.raises(ValueError, match="features"):
        clf.predict_proba(X[:, :10])
    joblib.dump(clf, tmp_path / "forest.joblib")
    restored = joblib.load(tmp_path / "forest.joblib")
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


@pytest.mark.parametrize(
    "estimator",
    [
        None,
        DecisionTreeClassifier(max_depth=4, random_state=0),
        ExtraTreesClassifier(n_estimators=10, random_state=0),
        KNeighborsClassifier(n_neighbors=5),
    ],
    ids=["default", "tree", "extra-trees", "knn"],
)
def test_multilabel_proba_classifier(data, estimator):
    X, Y = data
    clf = MultilabelProbaClassifier(estimator).fit(X, Y)
    check_proba(clf, X, Y)
    assert clf.n_features_in_ == X.shape[1]
    if estimator is not None:
        assert clf.estimator_ is not estimator  # a clone is fitted
    one = MultilabelProbaClassifier(estimator).fit(X, Y[:, :1])
    assert one.predict_proba(X).shape == (X.shape[0], 1)
    binary = MultilabelProbaClassifier(estimator).fit(X, Y[:, 0])
    proba = binary.predict_proba(X)
    assert proba.shape == (X.shape[0], 2)
    np.testing.assert_array_equal(binary.predict(X), np.argmax(proba, axis=1))


def test_multilabel_proba_classifier_rejects_non_classifier(data):
    from sklearn.preprocessing import StandardScaler

    X, Y = data
    with pytest.raises(InvalidParameterError, match="estimator"):
        MultilabelProbaClassifier(StandardScaler()).fit(X, Y)


def test_wrapping_a_whole_pipeline_and_fit_params():
    import pandas as pd
    from sklearn.pipeline import make_pipeline

    from skgenre.metadata import MetadataEncoder

    movies = pd.DataFrame({"cast": ["A|B", "B|C", "A|C", "C|D"] * 5})
    Y = np.array([[1, 0], [0, 1], [1, 0], [0, 1]] * 5)
    pipe = make_pipeline(MetadataEncoder(), DecisionTreeClassifier(random_state=0))
    clf = MultilabelProbaClassifier(pipe).fit(
        movies, Y, decisiontreeclassifier__sample_weight=np.ones(20)
    )
    np.testing.assert_array_equal(clf.predict_proba(movies[:2]), [[1, 0], [0, 1]])
    with pytest.raises(ValueError, match="sample_weight"):  # the fit params reach the tree
        MultilabelProbaClassifier(pipe).fit(
            movies, Y, decisiontreeclassifier__sample_weight=np.ones(3)
        )
    forest = GenreForestClassifier(n_estimators=3, random_state=0)
    X = MetadataEncoder().fit_transform(movies)
    assert forest.fit(X, Y, sample_weight=np.ones(20)).predict_proba(X).shape == (20, 2)
    with pytest.raises(ValueError, match="sample_weight"):
        forest.fit(X, Y, sample_weight=np.ones(3))
