"""MultilabelClassifierMixin: target normalisation at entry, formatting at exit."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.utils.validation import check_is_fitted

from skgenre.metrics import average_precision
from skgenre.multioutput import MultilabelClassifierMixin


class _OneVsRest(MultilabelClassifierMixin, BaseEstimator):
    """A one-vs-rest model written the way the mixin's docstring says."""

    _target_types = ("multilabel-indicator", "binary", "multiclass")

    def __init__(self, threshold=0.5):
        self.threshold = threshold

    def fit(self, X, y):
        Y = self._validate_target(y)
        self.models_ = [LogisticRegression().fit(X, Y[:, j]) for j in range(Y.shape[1])]
        return self

    def _predict_proba_multilabel(self, X):
        check_is_fitted(self)
        return np.column_stack([m.predict_proba(X)[:, 1] for m in self.models_])


class _BinaryOnly(_OneVsRest):
    _target_types = ("multilabel-indicator", "binary")


class _MultilabelOnly(_OneVsRest):
    _target_types = ("multilabel-indicator",)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 4))
    codes = np.argmax(X[:, :3], axis=1)
    return X, codes


def test_multilabel_path_is_the_indicator_matrix(data):
    X, codes = data
    Y = np.eye(3, dtype=int)[codes]
    Y[::4, 0] = 1
    model = _OneVsRest().fit(X, Y)
    assert [c.tolist() for c in model.classes_] == [[0, 1]] * 3
    proba = model.predict_proba(X)
    np.testing.assert_array_equal(proba, model._predict_proba_multilabel(X))
    np.testing.assert_array_equal(model.predict(X), (proba >= 0.5).astype(int))
    assert model.score(X, Y) == average_precision(Y, proba, average="macro")


@pytest.mark.parametrize("labels", [np.array([3, 7]), np.array(["no", "yes"])])
def test_binary_y(data, labels):
    X, codes = data
    y = labels[(codes == 0).astype(int)]
    model = _OneVsRest(threshold=0.3).fit(X, pd.Series(y))
    np.testing.assert_array_equal(model.classes_, labels)
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba[:, 1], model.models_[0].predict_proba(X)[:, 1])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.predict(X), labels[(proba[:, 1] > 0.3).astype(int)])
    assert model.score(X, y) == accuracy_score(y, model.predict(X))


def test_multiclass_rows_are_normalised(data):
    X, codes = data
    y = np.array(["a", "b", "c"])[codes]
    model = _OneVsRest().fit(X, y)
    np.testing.assert_array_equal(model.classes_, ["a", "b", "c"])
    raw = model._predict_proba_multilabel(X)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba, raw / raw.sum(axis=1, keepdims=True))
    np.testing.assert_array_equal(model.predict(X), model.classes_[raw.argmax(axis=1)])
    assert model.score(X, y) > 0.8


def test_all_zero_row_becomes_uniform():
    model = _OneVsRest()
    model._target_type_ = "multiclass"
    np.testing.assert_allclose(model._format_proba(np.array([[0.0, 0.0], [0.2, 0.6]])),
                               [[0.5, 0.5], [0.25, 0.75]])


@pytest.mark.parametrize("cls, y, match", [
    (_BinaryOnly, np.array([0, 1, 2] * 30), "multiclass y with 3 classes"),
    (_MultilabelOnly, np.array([0, 1] * 45), "2-D"),
    (_OneVsRest, np.ones(90), "one class only"),
    (_OneVsRest, np.linspace(0, 1, 90), "Unknown label type"),
    (_OneVsRest, None, "y is None"),
    (_OneVsRest, np.full((90, 2), 2), "0/1"),
])
def test_target_errors(data, cls, y, match):
    X, _ = data
    with pytest.raises(ValueError, match=match):
        cls().fit(X, y)


def test_tags_follow_the_declared_targets():
    tags = _OneVsRest().__sklearn_tags__()
    assert tags.classifier_tags.multi_label and tags.target_tags.multi_output
    assert tags.target_tags.single_output and tags.classifier_tags.multi_class
    binary = _BinaryOnly().__sklearn_tags__()
    assert binary.target_tags.single_output and not binary.classifier_tags.multi_class
    assert not _MultilabelOnly().__sklearn_tags__().target_tags.single_output


def test_subclass_without_proba_says_what_to_implement(data):
    class Bare(MultilabelClassifierMixin, BaseEstimator):
        pass

    with pytest.raises(NotImplementedError, match="_predict_proba_multilabel"):
        Bare().predict_proba(data[0])


def test_column_of_labels_is_read_as_1d_and_a_column_of_indicators_as_one_genre(data):
    from sklearn.exceptions import DataConversionWarning

    X, codes = data
    with pytest.warns(DataConversionWarning, match="column of labels"):
        model = _OneVsRest().fit(X, codes[:, None] + 1)
    np.testing.assert_array_equal(model.classes_, [1, 2, 3])
    assert model.predict(X).shape == (len(X),)
    one_genre = _OneVsRest().fit(X, (codes[:, None] == 0).astype(int))
    assert len(one_genre.classes_) == 1 and one_genre.predict(X).shape == (len(X), 1)


def test_binary_tie_at_threshold_agrees_with_argmax():
    # A probability of exactly 0.5 (half the trees, say) is the first class, as
    # argmax and LabelBinarizer.inverse_transform decide.
    class _Fixed(_OneVsRest):
        def _predict_proba_multilabel(self, X):
            return np.asarray(X, dtype=float)[:, :1]

    model = _Fixed().fit(np.array([[0.0], [1.0], [0.0], [1.0]]), ["no", "yes", "no", "yes"])
    X = np.array([[0.2], [0.5], [0.7]])
    proba = model.predict_proba(X)
    np.testing.assert_array_equal(model.predict(X), ["no", "no", "yes"])
    np.testing.assert_array_equal(model.predict(X), model.classes_[np.argmax(proba, axis=1)])
