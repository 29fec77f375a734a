"""Precomputed trailer features: TrailerFeatures, the column check, the default kind."""

import numpy as np
import pandas as pd
import pytest

from skgenre.video import (
    TrailerFeatures,
    TrailerReadError,
    TrailerReadWarning,
    check_trailer_column,
    make_trailer_model,
)
from skgenre.video._features import default_trailer_kind


@pytest.fixture
def files(tmp_path):
    """Feature files of each shape a user may bring, good and bad."""
    rng = np.random.default_rng(0)
    arrays = {
        "mmtf.npy": rng.normal(size=(1, 7)).astype(np.float32),     # one row per trailer
        "frames.npy": rng.normal(size=(5, 7)).astype(np.float32),   # one row per frame
        "wide.npy": rng.normal(size=(3, 9)),
        "nan.npy": np.where(np.eye(3, 7, dtype=bool), np.nan, 1.0),
        "empty.npy": np.zeros((0, 7), dtype=np.float32),
        "flat.npy": np.ones(7),
        "cube.npy": np.ones((2, 3, 7)),
        "pixels.npy": np.zeros((4, 8, 8, 3), dtype=np.uint8),
        "words.npy": np.array(["a", "b"]).reshape(1, 2),
    }
    out = {}
    for name, array in arrays.items():
        out[name] = str(tmp_path / name)
        np.save(out[name], array)
    objects = np.empty((1, 2), dtype=object)
    objects[0] = [1.0, "x"]
    out["objects.npy"] = str(tmp_path / "objects.npy")
    np.save(out["objects.npy"], objects, allow_pickle=True)
    out["video.mp4"] = str(tmp_path / "video.mp4")
    open(out["video.mp4"], "wb").close()
    out["garbage.npy"] = str(tmp_path / "garbage.npy")
    with open(out["garbage.npy"], "wb") as handle:
        handle.write(b"not an array")
    return out


def test_rows_are_pooled_and_the_width_learnt(files):
    features = TrailerFeatures().fit([files["mmtf.npy"], files["frames.npy"]])
    assert (features.feature_width_, features.n_features_out_, features.n_features_in_) == (7, 14, 1)
    out = features.transform([files["frames.npy"], files["mmtf.npy"]])
    frames, mmtf = np.load(files["frames.npy"]), np.load(files["mmtf.npy"])
    np.testing.assert_allclose(out[0], np.r_[frames.mean(0), frames.std(0)], rtol=1e-5)
    np.testing.assert_allclose(out[1], np.r_[mmtf[0], np.zeros(7)])  # one row: no spread
    assert out.dtype == np.float32
    mean = TrailerFeatures(pooling="mean").fit_transform([frames, files["mmtf.npy"]])
    np.testing.assert_allclose(mean, np.stack([frames.mean(0), mmtf[0]]), rtol=1e-6)
    assert list(features.get_feature_names_out()[[0, 7]]) == ["mean0", "std0"]


def test_any_width_and_in_memory_arrays():
    rng = np.random.default_rng(0)
    trailers = [rng.normal(size=(int(rng.integers(1, 4)), 4096)) for _ in range(3)]
    assert TrailerFeatures().fit_transform(trailers).shape == (3, 8192)
    column = pd.Series([np.ones((1, 3)), None, np.zeros((2, 3))])
    assert check_trailer_column(column) == ("features", 3)


@pytest.mark.parametrize("name, error, match", [
    ("nan.npy", TrailerReadError, r"nan\.npy holds 3 NaN or infinite"),
    ("empty.npy", TrailerReadError, r"empty\.npy is empty \(shape \(0, 7\)\); it must hold"),
    ("flat.npy", TrailerReadError, r"flat\.npy is 1-D \(shape \(7,\)\).*save a single vector "
                                   r"x as x\[None\]"),
    ("cube.npy", TrailerReadError, r"cube\.npy is 3-D \(shape \(2, 3, 7\)\); it must hold "
                                   r"per-frame features"),
    ("objects.npy", TrailerReadError, r"objects\.npy holds Python objects \(dtype object\)"),
    ("words.npy", TrailerReadError, r"words\.npy holds <U1 values, not numbers"),
    ("garbage.npy", TrailerReadError, r"garbage\.npy is not a readable \.npy file"),
    ("pixels.npy", TrailerReadError, r"pixels\.npy holds frames .* not features"),
    ("video.mp4", TrailerReadError, r"video\.mp4 is a video or a frame folder"),
    ("gone.npy", FileNotFoundError, r"gone\.npy"),
])
def test_bad_feature_arrays_raise_naming_the_file(files, name, error, match):
    path = files.get(name, name)
    with pytest.raises(error, match=match):
        TrailerFeatures().fit([files["mmtf.npy"], path])


def test_widths_must_agree_at_fit_and_transform(files):
    with pytest.raises(TrailerReadError, match=r"wide\.npy holds features of width 9, but the "
                                               r"others have 7"):
        TrailerFeatures().fit([files["mmtf.npy"], files["wide.npy"]])
    fitted = TrailerFeatures().fit([files["mmtf.npy"]])
    with pytest.raises(TrailerReadError, match=r"wide\.npy holds features of width 9"):
        fitted.transform([files["wide.npy"]])


def test_on_error_missing_warns_and_gives_zeros(files):
    features = TrailerFeatures(on_error="missing")
    with pytest.warns(TrailerReadWarning) as record:
        out = features.fit_transform([files["mmtf.npy"], files["nan.npy"], files["wide.npy"]])
    messages = [str(w.message) for w in record]
    assert len(messages) == 2 and all(m.endswith("a row of zeros).") for m in messages)
    assert "nan.npy holds 3 NaN" in messages[0] and "wide.npy holds features of width 9" in messages[1]
    assert out.shape == (3, 14) and not out[1:].any()
    with pytest.raises(TrailerReadError, match="None of the 1 trailers could be read"), \
            pytest.warns(TrailerReadWarning):
        TrailerFeatures(on_error="missing").fit([files["nan.npy"]])


def test_memory_caches_the_pooled_vectors(files, tmp_path):
    cache = tmp_path / "cache"
    features = TrailerFeatures(memory=str(cache))
    first = features.fit_transform([files["frames.npy"]])
    assert list(cache.rglob("*.npy"))
    np.testing.assert_array_equal(features.transform([files["frames.npy"]]), first)


@pytest.mark.parametrize("column, expected", [
    (["a.npy-features", None, ""], ("features", 7)),
    (["trailer.mp4", "frames_folder", None], ("frames", None)),
    ([None, float("nan"), ""], (None, None)),
])
def test_check_trailer_column_kinds(files, column, expected):
    column = [files["frames.npy"] if c == "a.npy-features" else c for c in column]
    assert check_trailer_column(column) == expected
    assert default_trailer_kind(column) == ("features_logreg" if expected[0] == "features"
                                            else "default")


def test_a_mixed_column_names_an_example_of_each(files):
    with pytest.raises(TrailerReadError, match=(
            r"mixes feature arrays \(.*mmtf\.npy\) and frame inputs \(.*video\.mp4\).*same "
            r"form")):
        check_trailer_column([files["mmtf.npy"], None, files["video.mp4"], files["frames.npy"]])
    with pytest.raises(TrailerReadError, match=(
            r"differ in width: .*mmtf\.npy has 7 features per row, .*wide\.npy has 9")):
        check_trailer_column([files["mmtf.npy"], files["frames.npy"], files["wide.npy"]])
    with pytest.raises(TrailerReadError, match=r"an in-memory array of shape \(4, 8, 8, 3\)"):
        check_trailer_column([np.ones((1, 3)), np.zeros((4, 8, 8, 3), dtype=np.uint8)])


def test_feature_kinds_are_plain_pipelines(files):
    rng = np.random.default_rng(0)
    X = [rng.normal(size=(1, 5)) + y for y in (0, 1) * 10]
    Y = np.array([[0, 1], [1, 0]] * 10)
    model = make_trailer_model("features_logreg", pooling="mean")
    assert [name for name, _ in model.steps] == ["features", "scaler", "head"]
    assert model.get_params()["features__pooling"] == "mean"
    proba = model.fit(X, Y).predict_proba(X)
    assert proba.shape == (20, 2) and (proba[1::2, 0] > proba[::2, 0]).all()
    mlp = make_trailer_model("features_mlp", random_state=0, max_epochs=2)
    assert mlp.get_params()["head__max_epochs"] == 2
