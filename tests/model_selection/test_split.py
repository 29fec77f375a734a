import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_multilabel_classification
from sklearn.model_selection import KFold

from skgenre.model_selection import (
    MultilabelStratifiedKFold,
    check_multilabel_cv,
    multilabel_train_test_split,
)


@pytest.fixture
def Y():
    return make_multilabel_classification(n_samples=300, n_classes=13, random_state=0)[1]


def test_kfold_keeps_genre_shares(Y):
    cv = MultilabelStratifiedKFold(5, shuffle=True, random_state=0)
    assert cv.get_n_splits() == 5
    seen = np.zeros(len(Y), dtype=int)
    for train, test in cv.split(Y, Y):
        seen[test] += 1
        np.testing.assert_allclose(Y[test].mean(0), Y.mean(0), atol=0.1)
    assert (seen == 1).all()


def test_kfold_beats_plain_kfold_on_rare_genres(Y):
    def spread(cv):
        return np.mean([np.abs(Y[t].mean(0) - Y.mean(0)).max() for _, t in cv.split(Y, Y)])

    assert spread(MultilabelStratifiedKFold(5, shuffle=True, random_state=0)) < spread(
        KFold(5, shuffle=True, random_state=0))


def test_train_test_split_stratifies_and_keeps_types(Y):
    X = pd.DataFrame({"plot": [f"movie {i}" for i in range(len(Y))]})
    X_train, X_test, Y_train, Y_test = multilabel_train_test_split(
        X, Y, stratify=Y, test_size=0.2, random_state=0)
    assert isinstance(X_train, pd.DataFrame)
    assert len(X_test) == len(Y_test) == 60
    np.testing.assert_allclose(Y_test.mean(0), Y.mean(0), atol=0.05)
    assert set(X_train.index).isdisjoint(X_test.index)
    again = multilabel_train_test_split(X, Y, stratify=Y, test_size=0.2, random_state=0)
    assert again[1].index.equals(X_test.index)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"stratify": np.zeros(10)}, ValueError, "2-D"),
        ({"stratify": np.zeros((10, 2)), "arrays": (np.zeros(9),)}, ValueError, "inconsistent"),
    ],
)
def test_train_test_split_errors(kwargs, error, match):
    arrays = kwargs.pop("arrays", (np.zeros(10),))
    with pytest.raises(error, match=match):
        multilabel_train_test_split(*arrays, **kwargs)


def test_check_multilabel_cv():
    cv = check_multilabel_cv(4, random_state=0)
    assert isinstance(cv, MultilabelStratifiedKFold) and cv.n_splits == 4 and cv.shuffle
    assert check_multilabel_cv(None).n_splits == 5
    kf = KFold(3)
    assert check_multilabel_cv(kf) is kf


def test_a_single_genre_is_stratified_too():
    """iterative-stratification refuses one column ("Supported target type is:
    multilabel-indicator. Got 'binary'"); one genre is split by scikit-learn's
    stratified splitters."""
    from skgenre.model_selection import MultilabelStratifiedShuffleSplit

    Y = np.zeros((40, 1), dtype=int)
    Y[:8] = 1
    for _, test in MultilabelStratifiedKFold(4, shuffle=True, random_state=0).split(Y, Y):
        assert Y[test].sum() == 2
    _, test = next(MultilabelStratifiedShuffleSplit(1, test_size=0.25,
                                                     random_state=0).split(Y, Y))
    assert len(test) == 10 and Y[test].sum() == 2
    _, X_test = multilabel_train_test_split(np.arange(40), stratify=Y, test_size=0.5,
                                            random_state=0)
    assert Y[X_test].sum() == 4
