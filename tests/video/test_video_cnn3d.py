"""Trailer3DCNN: the 3D CNN on slices, aggregation per trailer, inputs, cache, search."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold

av = pytest.importorskip("av")

from skgenre.metrics import average_precision  # noqa: E402
from skgenre.video import (  # noqa: E402
    Conv3DModule,
    FrameSampler,
    Trailer3DCNN,
    TrailerReadError,
    TrailerReadWarning,
    write_video,
)

TINY = dict(channels=(4, 4, 4, 8, 8, 8), hidden_layer_sizes=(16, 8), dropout=0.0,
            batch_size=8, random_state=0)


def toy_trailers(n, n_frames=8, size=8, seed=0):
    """Genre 0: red frames; genre 1: a bright bar sweeping across; else grey noise."""
    rng = np.random.default_rng(seed)
    Y = np.zeros((n, 2), dtype=int)
    Y[: n // 2, 0] = 1
    Y[n // 4: 3 * n // 4, 1] = 1
    Y = Y[rng.permutation(n)]
    frames = rng.integers(60, 120, (n, n_frames, size, size, 3)).astype(np.uint8)
    frames[Y[:, 0] == 1, ..., 0] = 220
    for i in np.flatnonzero(Y[:, 1]):
        for t in range(n_frames):
            frames[i, t, :, (t * size // n_frames)] = 255
    return frames, Y


@pytest.mark.parametrize("slice_length, frame_size", [(8, (64, 64)), (1, (5, 7)), (3, (16, 8))])
def test_conv3d_module_shapes(slice_length, frame_size):
    module = Conv3DModule(4, slice_length, frame_size, channels=(2,) * 6,
                          hidden_layer_sizes=(5, 3))
    assert sum(isinstance(m, torch.nn.Conv3d) for m in module.modules()) == 6
    assert sum(isinstance(m, torch.nn.Linear) for m in module.modules()) == 3
    x = torch.zeros((2, slice_length) + frame_size + (3,), dtype=torch.uint8)
    assert module(x).shape == (2, 4)


def test_fit_predict_on_frames_learns_the_toy_genres():
    frames, Y = toy_trailers(48)
    model = Trailer3DCNN(slice_length=4, max_epochs=10, lr=1e-2, validation_fraction=0,
                         **TINY).fit(frames, Y)
    assert model.n_slices_ == 96 and model.frame_shape_ == (8, 8)
    test_frames, test_Y = toy_trailers(24, seed=1)
    proba = model.predict_proba(test_frames)
    assert proba.shape == (24, 2) and np.all((proba >= 0) & (proba <= 1))
    assert average_precision(test_Y, proba) > 0.8  # the prior scores 0.5
    np.testing.assert_array_equal(model.predict(test_frames), (proba >= 0.5).astype(int))
    assert model.classes_[0].tolist() == [0, 1] and len(model.classes_) == 2


def test_aggregation_mean_and_max():
    frames, Y = toy_trailers(16)
    model = Trailer3DCNN(slice_length=3, max_epochs=2, validation_fraction=0, **TINY)
    model.fit(frames, Y)  # 8 frames in slices of 3: 3 slices, the last zero-padded
    slice_proba, owner = model.predict_slices(frames[:4])
    assert owner.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    mean = model.predict_proba(frames[:4])
    np.testing.assert_allclose(mean, slice_proba.reshape(4, 3, 2).mean(axis=1), rtol=1e-6)
    maximum = model.set_params(aggregate="max").predict_proba(frames[:4])
    np.testing.assert_allclose(maximum, slice_proba.reshape(4, 3, 2).max(axis=1), rtol=1e-6)


def test_variable_length_trailers_and_early_stopping():
    frames, Y = toy_trailers(20)
    ragged = np.empty(20, dtype=object)
    for i in range(20):
        ragged[i] = frames[i, : 2 + i % 7]  # 2 to 8 frames
    model = Trailer3DCNN(slice_length=4, max_epochs=3, patience=1, validation_fraction=0.2,
                         **TINY).fit(ragged, Y)
    assert model.n_slices_ == sum(-(-(2 + i % 7) // 4) for i in range(20))
    assert "valid_loss" in model.net_.history[-1]
    assert model.predict_proba(ragged[:3]).shape == (3, 2)


def test_reproducible_and_picklable():
    frames, Y = toy_trailers(12)
    a = Trailer3DCNN(slice_length=4, max_epochs=2, **TINY).fit(frames, Y)
    b = clone(a).fit(frames, Y)
    np.testing.assert_allclose(a.predict_proba(frames), b.predict_proba(frames), rtol=1e-5)
    restored = pickle.loads(pickle.dumps(a))
    np.testing.assert_allclose(restored.predict_proba(frames), a.predict_proba(frames))


@pytest.fixture(scope="module")
def video_paths(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cnn_videos")
    frames, Y = toy_trailers(12, n_frames=10, size=16)
    return [write_video(folder / f"{i:02d}.mp4", f, fps=10) for i, f in enumerate(frames)], Y


def test_grid_search_on_paths_decodes_each_trailer_once(tmp_path, video_paths, monkeypatch):
    paths, Y = video_paths
    opens = []
    real_open = av.open
    monkeypatch.setattr(av, "open", lambda *a, **k: opens.append(a[0]) or real_open(*a, **k))
    model = Trailer3DCNN(slice_length=2, n_frames=4, frame_size=8, max_epochs=1,
                         memory=str(tmp_path / "cache"), **TINY)
    search = GridSearchCV(model, {"aggregate": ["mean", "max"]}, cv=KFold(2), refit=True)
    search.fit(np.array(paths), Y)
    assert sorted(set(opens)) == sorted(paths)
    assert len(opens) == len(paths)  # 4 fits, 4 scorings and the refit: one decode each
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.predict_proba(np.array(paths[:2])).shape == (2, 2)


def test_paths_and_presampled_frames_agree(tmp_path, video_paths):
    paths, Y = video_paths
    params = dict(slice_length=2, n_frames=4, frame_size=8, max_epochs=1, **TINY)
    on_paths = Trailer3DCNN(**params).fit(paths, Y)
    frames = FrameSampler(n_frames=4, size=8).fit_transform(paths)
    on_frames = Trailer3DCNN(**params).fit(frames, Y)
    np.testing.assert_allclose(on_paths.predict_proba(paths), on_frames.predict_proba(frames),
                               rtol=1e-5)


def test_on_error_missing_uses_the_prior(tmp_path, video_paths):
    paths, Y = video_paths
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"x" * 100)
    X = paths[:6] + [str(junk)]
    Y7 = np.vstack([Y[:6], [[1, 1]]])
    model = Trailer3DCNN(slice_length=2, n_frames=4, frame_size=8, max_epochs=1,
                         on_error="missing", **TINY)
    with pytest.warns(TrailerReadWarning, match=r"junk\.mp4"):
        model.fit(X, Y7)
    np.testing.assert_allclose(model.prior_, Y[:6].mean(axis=0))  # junk left out
    with pytest.warns(TrailerReadWarning):
        proba = model.predict_proba([str(junk), paths[0]])
    np.testing.assert_allclose(proba[0], model.prior_)


@pytest.mark.parametrize("params, X, error, match", [
    ({"channels": (4, 4, 4)}, "frames", ValueError, "6 convolution widths"),
    ({"frame_size": (8, 8, 3)}, "paths", ValueError, "size must be an int or"),
    ({"aggregate": "median"}, "frames", ValueError, "aggregate"),
    ({}, "mixed", TypeError, "mixes trailer paths and frame arrays"),
    ({}, "short_y", ValueError, "12 trailers but Y has 11"),
    # an array given directly: on_error does not cover it, and the error does not say so
    ({}, "nan_frames", TrailerReadError, r"^X\[0\] holds NaN or infinite pixel values\.$"),
])
def test_trailer3dcnn_errors(video_paths, params, X, error, match):
    paths, Y = video_paths
    frames, _ = toy_trailers(12)
    nan_frames = [np.full(frames[0].shape, np.nan)] + list(frames[1:])
    X = {"frames": frames, "paths": paths, "mixed": [paths[0]] + list(frames[1:]),
         "short_y": frames, "nan_frames": nan_frames}[X]
    Yx = Y[:11] if match.startswith("12 trailers") else Y
    with pytest.raises(error, match=match):
        Trailer3DCNN(max_epochs=1, **params).fit(X, Yx)


def test_predict_on_other_frame_size_fails():
    frames, Y = toy_trailers(8)
    model = Trailer3DCNN(slice_length=4, max_epochs=1, **TINY).fit(frames, Y)
    other, _ = toy_trailers(2, size=12)
    with pytest.raises(ValueError, match=r"fitted on \(8, 8\) frames"):
        model.predict_proba(other)
