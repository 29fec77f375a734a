"""Per-genre AP bars and precision-recall curves in scikit-learn's display style."""

import builtins

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from skgenre.metrics._display import (  # noqa: E402
    AveragePrecisionDisplay,
    GenrePrecisionRecallDisplay,
)

GENRES = ["Action", "Comedy", "Drama"]


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    Y = (rng.random((60, 3)) < 0.4).astype(int)
    Y[0] = 1  # every genre has positives
    good = np.clip(Y * 0.35 + rng.random(Y.shape) * 0.65, 0, 1)
    noise = rng.random(Y.shape)
    return Y, {"plot": noise, "fusion": good}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_ap_display_values_and_artists(data):
    Y, scores = data
    display = AveragePrecisionDisplay.from_predictions(Y, scores, genre_names=GENRES)
    ap = display.average_precision
    assert list(ap.columns) == ["plot", "fusion"]
    assert list(ap.index) == GENRES
    for j in range(3):
        assert ap.loc[GENRES[j], "fusion"] == pytest.approx(
            average_precision_score(Y[:, j], scores["fusion"][:, j])
        )
    assert (ap["fusion"] > ap["plot"]).all()
    np.testing.assert_allclose(display.prevalence.to_numpy(), Y.mean(axis=0))
    assert display.figure_ is display.ax_.figure
    assert set(display.bars_) == {"plot", "fusion"}
    assert len(display.bars_["plot"]) == 3
    # top-down order of the given genres
    labels = [t.get_text() for t in display.ax_.get_yticklabels()]
    assert labels == GENRES[::-1]
    widths = [bar.get_width() for bar in display.bars_["fusion"]]
    np.testing.assert_allclose(widths, ap["fusion"].to_numpy()[::-1])


def test_ap_display_sort_and_given_axes(data):
    Y, scores = data
    fig, ax = plt.subplots()
    display = AveragePrecisionDisplay.from_predictions(
        Y, scores, genre_names=GENRES, ax=ax, sort=True, plot_chance_level=False
    )
    assert display.ax_ is ax
    labels = [t.get_text() for t in ax.get_yticklabels()]
    best_first = display.average_precision["fusion"].sort_values(ascending=False).index
    assert labels[::-1] == list(best_first)
    assert not ax.collections  # no chance markers


def test_ap_display_dataframe_target_and_nan_rows(data):
    Y, scores = data
    scores = {k: v.copy() for k, v in scores.items()}
    scores["plot"][:10] = np.nan  # plot missing for ten movies
    display = AveragePrecisionDisplay.from_predictions(pd.DataFrame(Y, columns=GENRES), scores)
    assert list(display.average_precision.index) == GENRES
    expected = average_precision_score(Y[10:, 1], scores["plot"][10:, 1])
    assert display.average_precision.loc["Comedy", "plot"] == pytest.approx(expected)


def test_ap_display_genre_without_positive_is_nan(data):
    Y, scores = data
    Y = Y.copy()
    Y[:, 2] = 0
    display = AveragePrecisionDisplay.from_predictions(Y, scores["fusion"], genre_names=GENRES)
    assert list(display.average_precision.columns) == ["model"]
    assert np.isnan(display.average_precision.loc["Drama", "model"])


class _FakeStacker:
    genre_names_ = GENRES

    def __init__(self, scores):
        self.scores = scores

    def predict_modalities(self, X, *, fusion=False):  # MovieGenreStacker's interface
        out = {"plot": self.scores["plot"]}
        if fusion:
            out["fusion"] = self.scores["fusion"]
        return out

    def predict_proba(self, X):
        return self.scores["fusion"]


class _Plain:
    def __init__(self, P):
        self.P = P

    def predict_proba(self, X):
        return self.P


def test_from_estimator_uses_modalities_and_genre_names(data):
    Y, scores = data
    display = AveragePrecisionDisplay.from_estimator(_FakeStacker(scores), None, Y)
    assert list(display.average_precision.columns) == ["plot", "fusion"]
    assert list(display.average_precision.index) == GENRES
    pr = GenrePrecisionRecallDisplay.from_estimator(_FakeStacker(scores), None, Y, genre="Drama")
    assert pr.genre == "Drama"
    assert set(pr.lines_) == {"plot", "fusion"}
    plain = AveragePrecisionDisplay.from_estimator(_Plain(scores["fusion"]), None, Y)
    assert list(plain.average_precision.columns) == ["_Plain"]


def test_pr_display_micro_and_per_genre(data):
    Y, scores = data
    display = GenrePrecisionRecallDisplay.from_predictions(Y, scores, genre_names=GENRES)
    assert display.genre is None
    assert display.average_precision["fusion"] == pytest.approx(
        average_precision_score(Y.ravel(), scores["fusion"].ravel())
    )
    assert display.prevalence == pytest.approx(Y.mean())
    line = display.lines_["fusion"]
    np.testing.assert_allclose(line.get_xdata(), display.recall["fusion"])
    assert "fusion (AP = " in line.get_label()
    assert display.ax_.get_legend() is not None

    one = GenrePrecisionRecallDisplay.from_predictions(Y, scores, genre=1, genre_names=GENRES)
    assert one.genre == "Comedy"
    assert one.average_precision["plot"] == pytest.approx(
        average_precision_score(Y[:, 1], scores["plot"][:, 1])
    )
    assert "Comedy" in one.ax_.get_title()


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"genre": "Western"}, ValueError, "Unknown genre 'Western'"),
        ({"genre": 7}, ValueError, "out of range"),
        ({"genre_names": ["a", "b"]}, ValueError, "genre_names has 2 names"),
        ({"Y_score": {}}, ValueError, "empty dict"),
        ({"Y_score": {"m": np.zeros((60, 2))}}, ValueError, r"Scores of 'm' have shape \(60, 2\)"),
        ({"Y_score": {"m": np.full((60, 3), np.inf)}}, ValueError, "infinite values"),
    ],
)
def test_pr_display_errors(data, kwargs, error, match):
    Y, scores = data
    kwargs = {"Y_score": scores, **kwargs}
    with pytest.raises(error, match=match):
        GenrePrecisionRecallDisplay.from_predictions(Y, **kwargs)


def test_partial_nan_row_and_empty_genre_rejected(data):
    Y, scores = data
    P = scores["fusion"].copy()
    P[0, 0] = np.nan
    with pytest.raises(ValueError, match="partly NaN"):
        AveragePrecisionDisplay.from_predictions(Y, P)
    Y0 = Y.copy()
    Y0[:, 0] = 0
    with pytest.raises(ValueError, match="has no positive movie"):
        GenrePrecisionRecallDisplay.from_predictions(Y0, scores["fusion"], genre=0)


def test_missing_matplotlib_gives_install_hint(data, monkeypatch):
    Y, scores = data
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match=r"pip install skgenre\[plot\]"):
        AveragePrecisionDisplay.from_predictions(Y, scores)


def test_scores_as_nested_lists_or_forest_output(data):
    Y, scores = data
    P = scores["fusion"]
    expected = AveragePrecisionDisplay.from_predictions(Y, P).average_precision
    as_lists = AveragePrecisionDisplay.from_predictions(Y, P.tolist()).average_precision
    forest = [np.column_stack([1 - P[:, j], P[:, j]]) for j in range(P.shape[1])]
    as_forest = AveragePrecisionDisplay.from_predictions(Y, {"model": forest}).average_precision
    np.testing.assert_allclose(as_lists.to_numpy(), expected.to_numpy())
    np.testing.assert_allclose(as_forest.to_numpy(), expected.to_numpy())
