import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import average_precision_score
from sklearn.model_selection import GridSearchCV, cross_val_score

from skgenre.metrics import (
    SCORERS,
    average_precision,
    average_precision_report,
    confident_genres,
    get_scorer,
    per_genre_average_precision,
)
from skgenre.model_selection import MultilabelStratifiedKFold

Y = np.array([[1, 0, 1], [0, 1, 1], [1, 1, 0], [0, 0, 1]])
P = np.array([[0.9, 0.2, 0.8], [0.3, 0.6, 0.7], [0.6, 0.7, 0.1], [0.2, 0.1, 0.9]])


@pytest.mark.parametrize("average", ["micro", "macro", "samples"])
def test_average_precision_matches_sklearn_when_defined(average):
    assert average_precision(Y, P, average=average) == pytest.approx(
        average_precision_score(Y, P, average=average))


@pytest.mark.parametrize("seed", range(6))
def test_samples_average_precision_matches_sklearn_with_ties(seed):
    """The vectorised per-movie AP equals scikit-learn's row by row, ties included."""
    rng = np.random.RandomState(seed)
    n_genres = [1, 2, 5, 17, 17, 30][seed]
    Y_true = (rng.rand(60, n_genres) < rng.uniform(0.1, 0.6)).astype(int)
    Y_true[Y_true.sum(axis=1) == 0, rng.randint(n_genres)] = 1
    Y_score = np.round(rng.rand(60, n_genres), seed % 3)  # 0, 1, 2 decimals: many ties
    Y_score[:5] = 0.5  # rows of nothing but ties
    expected = np.mean([average_precision_score(y, p) for y, p in zip(Y_true, Y_score)])
    assert average_precision(Y_true, Y_score, average="samples") == pytest.approx(expected,
                                                                                   abs=1e-12)


def test_genre_without_positive_is_left_out_of_macro_with_warning():
    Y0 = Y.copy()
    Y0[:, 1] = 0
    with pytest.warns(UndefinedMetricWarning, match="Comedy"):
        score = average_precision(Y0, P, average="macro", genre_names=["Action", "Comedy", "Drama"])
    expected = np.mean([average_precision_score(Y0[:, j], P[:, j]) for j in (0, 2)])
    assert score == pytest.approx(expected)
    assert np.isfinite(score)
    # Without names, by column position as plain numbers (not numpy reprs).
    with pytest.warns(UndefinedMetricWarning, match=r"macro average: \['column 1'\]$"):
        average_precision(Y0, P, average="macro")


def test_movie_without_genre_is_left_out_of_samples_with_warning():
    Y0 = Y.copy()
    Y0[3] = 0
    with pytest.warns(UndefinedMetricWarning, match="no genre"):
        score = average_precision(Y0, P, average="samples")
    assert score == pytest.approx(average_precision_score(Y0[:3], P[:3], average="samples"))


def test_all_negative_gives_nan_not_an_error():
    with pytest.warns(UndefinedMetricWarning):
        assert np.isnan(average_precision(np.zeros_like(Y), P, average="macro"))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"average": "weighted"}, ValueError, "average must be one of"),
        ({"Y_score": P[:, :2]}, ValueError, "shape"),
        ({"Y_score": np.full_like(P, np.nan)}, ValueError, "NaN"),
        ({"Y_true": Y * 3}, ValueError, "0/1"),
    ],
)
def test_average_precision_errors(kwargs, error, match):
    args = {"Y_true": Y, "Y_score": P, **kwargs}
    with pytest.raises(error, match=match):
        average_precision(args.pop("Y_true"), args.pop("Y_score"), **args)


def test_report_is_the_studys_table():
    report = average_precision_report(Y, {"good": P, "reversed": 1 - P})
    assert list(report.columns) == ["micro", "macro", "samples"]
    assert list(report.index) == ["good", "reversed"]
    assert (report.loc["good"] > report.loc["reversed"]).all()
    assert report.loc["good", "macro"] == pytest.approx(average_precision(Y, P))


def test_per_genre_average_precision_names_genres():
    Y0 = Y.copy()
    Y0[:, 1] = 0
    ap = per_genre_average_precision(Y0, P, ["a", "b", "c"])
    assert list(ap.index) == ["a", "b", "c"]
    assert np.isnan(ap["b"]) and ap["a"] == pytest.approx(average_precision_score(Y0[:, 0], P[:, 0]))


def test_scores_accept_forest_style_probabilities():
    as_list = [np.column_stack([1 - P[:, j], P[:, j]]) for j in range(3)]
    assert average_precision(Y, as_list) == pytest.approx(average_precision(Y, P))
    skorch_style = np.stack([1 - P, P], axis=1)
    assert average_precision(Y, skorch_style) == pytest.approx(average_precision(Y, P))


def test_confident_genres_threshold_metric():
    names = ["Action", "Comedy", "Drama"]
    out = confident_genres(P, names, threshold=0.75)
    assert out == [["Action", "Drama"], [], [], ["Drama"]]
    assert confident_genres(P, names, threshold=[0.5, 0.5, 0.95])[0] == ["Action"]
    assert confident_genres(pd.DataFrame(P, columns=names), names)[0] == ["Action", "Drama"]
    with pytest.raises(ValueError, match="names"):
        confident_genres(P, names[:2])


def test_scorers_work_in_cross_val_score_and_grid_search():
    from sklearn.datasets import make_multilabel_classification

    X, Y13 = make_multilabel_classification(n_samples=150, n_classes=13, random_state=0)
    cv = MultilabelStratifiedKFold(3)
    forest = RandomForestClassifier(n_estimators=15, random_state=0)
    for name, scorer in SCORERS.items():
        scores = cross_val_score(forest, X, Y13, scoring=scorer, cv=cv)
        prior = cross_val_score(DummyClassifier(strategy="prior"), X, Y13, scoring=scorer, cv=cv)
        assert np.isfinite(scores).all(), name
        assert scores.mean() > prior.mean(), name
    grid = GridSearchCV(forest, {"max_depth": [2, None]}, scoring=SCORERS,
                        refit="average_precision_macro", cv=cv).fit(X, Y13)
    assert set(SCORERS) <= {k[len("mean_test_"):] for k in grid.cv_results_ if k.startswith("mean_test_")}


def test_binary_classes_trap_breaks_sklearn_scorer_but_not_ours():
    """An estimator whose classes_ is array([0, 1]) is read as binary by scikit-learn's
    scorer (one probability column is picked: error or NaN); ours reads the (n, k) array."""
    from sklearn.datasets import make_multilabel_classification

    X, Y5 = make_multilabel_classification(n_samples=100, n_classes=5, random_state=0)
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, Y5)

    class Trap:  # a hand-rolled multilabel wrapper that sets classes_ the tempting way
        _estimator_type = "classifier"
        classes_ = np.array([0, 1])

        def __sklearn_tags__(self):
            return forest.__sklearn_tags__()

        def predict_proba(self, X):
            return np.column_stack([p[:, 1] for p in forest.predict_proba(X)])

        def fit(self, X, y):
            return self

        def get_params(self, deep=True):
            return {}

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk = cross_val_score(Trap(), X, Y5, scoring="average_precision", cv=2, error_score=np.nan)
    assert np.isnan(sk).all()
    ours = cross_val_score(Trap(), X, Y5, scoring=get_scorer("average_precision_macro"), cv=2)
    assert np.isfinite(ours).all()


def test_get_scorer_unknown_name():
    with pytest.raises(ValueError, match="Unknown scorer"):
        get_scorer("roc_auc")


def test_left_out_genres_are_named_by_name_wherever_the_names_are_known():
    """(Main named them by column number: "... macro average: [1]".)"""
    from skgenre.metrics import get_scorer
    from skgenre.multioutput import PerGenreClassifier

    Y = pd.DataFrame({"Drama": [1, 0, 1, 0], "Western": [0, 0, 0, 0]})
    P = np.array([[0.9, 0.1], [0.2, 0.1], [0.8, 0.3], [0.1, 0.2]])
    with pytest.warns(UndefinedMetricWarning, match=r"macro average: \['Western'\]"):
        average_precision(Y, P)
    X = np.array([[1.0], [0.0], [1.0], [0.0]])
    with pytest.warns(UserWarning):  # the constant genre, named
        model = PerGenreClassifier().fit(X, Y)
    with pytest.warns(UndefinedMetricWarning, match=r"\['Western'\]"):
        model.score(X, Y)
    with pytest.warns(UndefinedMetricWarning, match=r"\['Western'\]"):
        get_scorer("average_precision_macro")(model, X, Y)
