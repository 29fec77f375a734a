"""TrailerEmbedder: frame-averaged features of a frozen backbone, .npy features, cache."""

import numpy as np
import pytest
import torch
from sklearn.base import clone

av = pytest.importorskip("av")

from skgenre.video import (  # noqa: E402
    TrailerEmbedder,
    TrailerReadError,
    TrailerReadWarning,
    read_trailer,
    write_video,
)
from skgenre.vision._images import normalize_uint8  # noqa: E402

FORWARDS = []  # frames seen by ChannelMeans, across clones (clone deep-copies modules)


class ChannelMeans(torch.nn.Module):
    """A checkable 'backbone': the mean of each normalised channel (3 features)."""

    input_size = 8
    n_features = 3

    def forward(self, x):
        FORWARDS.append(len(x))
        return x.mean(dim=(2, 3))


@pytest.fixture(scope="module")
def videos(tmp_path_factory):
    folder = tmp_path_factory.mktemp("embed")
    rng = np.random.default_rng(0)
    paths = []
    for i in range(3):
        frames = rng.integers(0, 255, (1, 1, 1, 3)) * np.ones((15, 16, 16, 3))
        frames[:, : 4 * (i + 1)] = 255  # a white band that differs per video
        paths.append(write_video(folder / f"v{i}.mp4", frames.astype(np.uint8), fps=10))
    return paths


def test_features_are_the_frame_average(videos):
    embedder = TrailerEmbedder(ChannelMeans(), n_frames=6).fit()
    out = embedder.transform(videos)
    assert out.shape == (3, 3) and out.dtype == np.float32
    frames = read_trailer(videos[1], n_frames=6, size=8)
    expected = normalize_uint8(frames.transpose(0, 3, 1, 2)).mean(dim=(0, 2, 3)).numpy()
    np.testing.assert_allclose(out[1], expected, rtol=1e-5, atol=1e-6)
    assert not np.allclose(out[0], out[2])
    assert embedder.get_feature_names_out().tolist() == [
        "trailerembedder0", "trailerembedder1", "trailerembedder2"]


def test_mean_std_pooling(tmp_path, videos):
    features = np.random.default_rng(0).normal(size=(50, 4))
    out = TrailerEmbedder(backbone=None, pooling="mean_std").fit().transform([features])
    np.testing.assert_allclose(out[0], np.r_[features.mean(0), features.std(0)], rtol=1e-5)
    embedder = TrailerEmbedder(ChannelMeans(), n_frames=6, pooling="mean_std", batch_size=4)
    out = embedder.fit().transform(videos)
    assert out.shape == (3, 6) and embedder.n_features_out_ == 6
    frames = read_trailer(videos[2], n_frames=6, size=8)
    per_frame = normalize_uint8(frames.transpose(0, 3, 1, 2)).mean(dim=(2, 3)).numpy()
    np.testing.assert_allclose(out[2], np.r_[per_frame.mean(0), per_frame.std(0)],
                               rtol=1e-4, atol=1e-5)


def test_batches_do_not_change_the_average(videos):
    small = TrailerEmbedder(ChannelMeans(), n_frames=7, batch_size=2).fit().transform(videos)
    big = TrailerEmbedder(ChannelMeans(), n_frames=7, batch_size=64).fit().transform(videos)
    np.testing.assert_allclose(small, big, rtol=1e-5)


def test_npy_features_are_averaged_directly(tmp_path):
    path = tmp_path / "movie.npy"
    features = np.arange(200 * 4, dtype=np.float32).reshape(200, 4)  # MovieScope: 200 x d
    np.save(path, features)
    out = TrailerEmbedder(backbone=None).fit().transform([str(path), np.ones((3, 4))])
    np.testing.assert_allclose(out, [features.mean(axis=0), np.ones(4)])
    # with a backbone, matching-width feature files are still averaged as they are
    out = TrailerEmbedder(ChannelMeans()).fit().transform([np.full((5, 3), 2.0)])
    np.testing.assert_allclose(out, [[2.0, 2.0, 2.0]])


def test_frame_folder_and_npy_frames(tmp_path, videos):
    from PIL import Image

    frames = read_trailer(videos[0])
    folder = tmp_path / "frames"
    folder.mkdir()
    for i, frame in enumerate(frames):
        Image.fromarray(frame).save(folder / f"{i:03d}.png")
    np.save(tmp_path / "frames.npy", frames)
    out = TrailerEmbedder(ChannelMeans(), n_frames=5).fit().transform(
        [videos[0], str(folder), str(tmp_path / "frames.npy")])
    np.testing.assert_allclose(out[2], out[1], atol=1e-5)  # both resized by Pillow
    np.testing.assert_allclose(out[1], out[0], atol=0.05)  # FFmpeg's scaler for the video


@pytest.mark.parametrize("params, X, error, match", [
    ({"backbone": None}, "video", TrailerReadError, "backbone=None only reads"),
    ({"backbone": None}, [np.ones((3, 4)), np.ones((3, 5))], ValueError, "differ in width"),
    ({"backbone": "color"}, [np.ones((3, 4))], ValueError,
     r"width 4, but the 'color' backbone makes 416 per frame.*'features_logreg'"),
    ({"backbone": None}, [np.ones((3, 4, 5))], TrailerReadError,
     r"is 3-D \(shape \(3, 4, 5\)\); it must hold per-frame features"),
    ({"backbone": "resnet"}, [np.ones((3, 4))], ValueError, "backbone"),
    ({"pooling": "max"}, [np.ones((3, 4))], ValueError, "pooling"),
])
def test_embedder_errors(videos, params, X, error, match):
    X = videos[:1] if isinstance(X, str) else X
    with pytest.raises(error, match=match):
        TrailerEmbedder(**params).fit().transform(X)


def test_on_error_missing_gives_a_zero_row(tmp_path, videos):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"garbage" * 10)
    with pytest.raises(TrailerReadError, match=r"junk\.mp4"):
        TrailerEmbedder(ChannelMeans()).fit().transform([videos[0], str(junk)])
    embedder = TrailerEmbedder(ChannelMeans(), on_error="missing").fit()
    with pytest.warns(TrailerReadWarning, match=r"junk\.mp4.*a row of zeros"):
        out = embedder.transform([videos[0], str(junk)])
    assert out[0].any() and not out[1].any()


def test_cache_skips_decoding_and_the_backbone(tmp_path, videos, monkeypatch):
    opens = []
    real_open = av.open
    monkeypatch.setattr(av, "open", lambda *a, **k: opens.append(a[0]) or real_open(*a, **k))
    embedder = TrailerEmbedder(ChannelMeans(), n_frames=4, memory=str(tmp_path / "c"))
    FORWARDS.clear()
    first = embedder.fit().transform(videos)
    assert sum(FORWARDS) == 12 and len(opens) >= 3
    FORWARDS.clear()
    opens.clear()
    second = clone(embedder).fit().transform(videos[::-1])
    assert FORWARDS == [] and opens == []
    np.testing.assert_array_equal(second, first[::-1])
    clone(embedder).set_params(n_frames=5).fit().transform(videos[:1])  # another key
    assert sum(FORWARDS) == 5


def test_cache_is_keyed_on_the_backbone_weights(tmp_path, videos):
    memory = str(tmp_path / "c")
    a = TrailerEmbedder("small", input_size=16, n_frames=2, memory=memory, random_state=0)
    b = clone(a).set_params(random_state=1)
    fa, fb = a.fit().transform(videos[:1]), b.fit().transform(videos[:1])
    assert a.fingerprint_ != b.fingerprint_
    assert not np.allclose(fa, fb)  # not served b's features from a's cache entry
    np.testing.assert_array_equal(clone(a).fit().transform(videos[:1]), fa)
