"""Trailers given as precomputed feature arrays: the default stacker picks the feature model."""

import numpy as np
import pandas as pd
import pytest

from skgenre import MovieGenreStacker
from skgenre.ensemble import default_estimators
from skgenre.video import TrailerFeatures, TrailerReadError


def feature_table(folder, n=60, width=13, seed=0):
    """Movies whose only modality is a .npy trailer of ``width`` features (1-3 rows each)."""
    rng = np.random.default_rng(seed)
    Y = (rng.random((n, 3)) < 0.4).astype(int)
    Y[0], Y[1] = 0, 1
    paths = []
    for i, row in enumerate(Y):
        rows = rng.normal(size=(int(rng.integers(1, 4)), width)).astype(np.float32)
        rows[:, :3] += 2.0 * row
        paths.append(str(folder / f"{i}.npy"))
        np.save(paths[-1], rows)
    X = pd.DataFrame({"title": [f"movie {i}" for i in range(n)], "trailer": paths})
    X.loc[[5, 17], "trailer"] = None  # movies without a trailer
    return X, pd.DataFrame(Y, columns=["Horror", "Comedy", "Drama"])


def test_default_stacker_reads_features_of_any_width(tmp_path):
    X, Y = feature_table(tmp_path, width=13)
    stacker = MovieGenreStacker(cv=3, random_state=0).fit(X, Y)
    assert stacker.modalities_ == ["trailer"]
    assert stacker.kinds_ == {"trailer": "features_logreg"}
    features = stacker.named_estimators_["trailer"].named_steps["features"]
    assert isinstance(features, TrailerFeatures) and features.feature_width_ == 13
    assert stacker.score(X, Y) > 0.8
    proba = stacker.predict_proba(X.iloc[[5, 17]])  # no trailer: the genre prior
    np.testing.assert_allclose(proba, np.tile(Y.to_numpy().mean(0), (2, 1)), atol=1e-4)


def test_kinds_name_the_feature_model(tmp_path):
    X, Y = feature_table(tmp_path, n=40, width=6)
    stacker = MovieGenreStacker(kinds={"video": "features_mlp"}, cv=2, random_state=0)
    stacker.fit(X, Y)
    assert stacker.kinds_ == {"trailer": "features_mlp"}
    assert type(stacker.named_estimators_["trailer"].named_steps["head"]).__name__ == "GenreMLP"


@pytest.mark.parametrize("bad, match", [
    ("video", r"mixes feature arrays \(.*0\.npy\) and frame inputs \(.*trailer\.mp4\)"),
    ("wide", r"differ in width: .*0\.npy has 13 features per row, .*wide\.npy has 20"),
    ("flat", r"flat\.npy is 1-D \(shape \(13,\)\)"),
])
def test_a_column_no_model_can_read_fails_before_fitting(tmp_path, bad, match):
    X, Y = feature_table(tmp_path, n=30, width=13)
    if bad == "video":
        X.loc[3, "trailer"] = str(tmp_path / "trailer.mp4")
    else:
        path = tmp_path / f"{bad}.npy"
        np.save(path, np.ones(13) if bad == "flat" else np.ones((1, 20)))
        X.loc[3, "trailer"] = str(path)
    with pytest.raises(TrailerReadError, match=match) as info:
        MovieGenreStacker(cv=2).fit(X, Y)
    # Checked before any reader runs, so on_error='missing' would not help: no such advice.
    assert info.value.fix == {} and "on_error" not in str(info.value)


def test_frame_inputs_keep_the_frame_model(tmp_path):
    X = pd.DataFrame({"trailer": [str(tmp_path / "a.mp4"), str(tmp_path / "frames"), None]})
    (name, model, column), = default_estimators(X)
    assert (name, column) == ("trailer", "trailer")
    assert type(model.named_steps["embedder"]).__name__ == "TrailerEmbedder"
