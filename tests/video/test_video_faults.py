"""Damaged trailers and feature files: a clear error naming the file, or, with
``on_error="missing"``, a warning naming it and the movie treated as having no trailer.
Never a silently wrong result."""

import numpy as np
import pytest

av = pytest.importorskip("av")

from skgenre.video import (  # noqa: E402
    FrameSampler,
    TrailerEmbedder,
    TrailerReadError,
    TrailerReadWarning,
    read_trailer,
    write_video,
)


def _frames(n=40, size=32):
    frames = np.empty((n, size, size, 3), dtype=np.uint8)
    for i in range(n):
        frames[i] = (6 * i, 255 - 6 * i, 128)
    return frames


def _has_encoder(name):
    try:
        av.codec.Codec(name, "w")
        return True
    except Exception:  # noqa: BLE001
        return False


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Whole and truncated videos, and per-frame feature files good and bad."""
    folder = tmp_path_factory.mktemp("faults")
    out = {}
    codecs = {"mkv": "libx264", "webm": "libvpx"}
    for ext, codec in codecs.items():
        if not _has_encoder(codec):
            continue
        whole = write_video(folder / f"whole.{ext}", _frames(), fps=10, codec=codec)
        data = open(whole, "rb").read()
        cut = folder / f"cut.{ext}"  # Matroska keeps no frame count, only a duration
        cut.write_bytes(data[: len(data) * 2 // 3])
        out[f"whole.{ext}"], out[f"cut.{ext}"] = whole, str(cut)
    rng = np.random.default_rng(0)
    features = {
        "good.npy": rng.normal(size=(20, 416)),
        "nan.npy": np.where(np.eye(20, 416, dtype=bool), np.nan, rng.normal(size=(20, 416))),
        "inf.npy": np.full((20, 416), np.inf),
        "narrow.npy": rng.normal(size=(20, 4)),
        "empty.npy": np.zeros((0, 416)),
        "flat.npy": rng.normal(size=416),
        "cube.npy": rng.normal(size=(3, 4, 5)),
    }
    for name, array in features.items():
        np.save(folder / name, array.astype(np.float32))
    nan_frames = _frames(6).astype(np.float32) / 255
    nan_frames[2, 0, 0, 0] = np.nan
    np.save(folder / "nan_frames.npy", nan_frames)
    np.save(folder / "objects.npy", np.array([{"frame": 1}], dtype=object), allow_pickle=True)
    out.update({name: str(folder / name)
                for name in [*features, "nan_frames.npy", "objects.npy"]})
    return out


def _need(files, name):
    if name not in files:
        pytest.skip(f"this FFmpeg build cannot write {name}")
    return files[name]


# ------------------------------------------------------------------ truncated videos

TRUNCATED = r"cut\.{ext} is truncated: its header declares a duration of 4 s at 10 fps \(40 frames\)"


@pytest.mark.parametrize("ext", ["mkv", "webm"])
@pytest.mark.parametrize("kwargs", [{"every": 1}, {"every": 4}, {"n_frames": 8}, {}])
def test_truncated_matroska_raises_naming_the_file(files, ext, kwargs):
    cut = _need(files, f"cut.{ext}")
    with pytest.raises(TrailerReadError, match=TRUNCATED.format(ext=ext)):
        read_trailer(cut, **kwargs)


@pytest.mark.parametrize("ext", ["mkv", "webm"])
def test_whole_matroska_reads_every_frame(files, ext):
    whole = _need(files, f"whole.{ext}")
    assert len(read_trailer(whole)) == 40
    assert len(read_trailer(whole, n_frames=8)) == 8


def test_truncated_video_under_on_error_missing(files):
    cut, whole = _need(files, "cut.mkv"), files["whole.mkv"]
    sampler = FrameSampler(n_frames=4, size=8, on_error="missing")
    with pytest.warns(TrailerReadWarning, match=r"cut\.mkv is truncated"):
        frames = sampler.fit_transform([whole, cut])
    assert frames[0].shape == (4, 8, 8, 3) and frames[1] is None
    embedder = TrailerEmbedder(on_error="missing").fit()
    with pytest.warns(TrailerReadWarning, match=r"cut\.mkv is truncated.*a row of zeros"):
        out = embedder.transform([whole, cut])
    assert out[0].any() and not out[1].any()


# ------------------------------------------------------------------ feature files

@pytest.mark.parametrize("backbone, items, match", [
    ("color", ["nan.npy"], r"nan\.npy holds 20 NaN or infinite per-frame feature value"),
    ("color", ["inf.npy"], r"inf\.npy holds 8320 NaN or infinite"),
    (None, ["nan.npy"], r"nan\.npy holds 20 NaN"),
    ("color", ["narrow.npy"], r"narrow\.npy holds features of width 4, but the 'color' "
                              r"backbone makes 416 per frame"),
    (None, ["good.npy", "narrow.npy"], r"narrow\.npy holds features of width 4, but the "
                                       r"others have 416"),
    ("color", [np.full((3, 416), np.nan)], r"The trailer array holds 1248 NaN"),
    (None, ["empty.npy"], r"empty\.npy is empty \(shape \(0, 416\)\); it must hold per-frame"),
    (None, ["flat.npy"], r"flat\.npy is 1-D \(shape \(416,\)\); it must hold per-frame"),
    ("color", ["cube.npy"], r"cube\.npy is 3-D \(shape \(3, 4, 5\)\); it must hold per-frame"),
    (None, ["objects.npy"], r"objects\.npy holds Python objects \(dtype object\), not numbers"),
])
def test_bad_feature_files_raise_naming_the_file(files, backbone, items, match):
    items = [files[i] if isinstance(i, str) else i for i in items]
    embedder = TrailerEmbedder(backbone).fit()
    with pytest.raises(TrailerReadError, match=match + ".* Pass on_error='missing'") as info:
        embedder.transform(items)
    path = items[-1] if isinstance(items[-1], str) else None
    assert (info.value.path, info.value.fix) == (path, {"on_error": "missing"})


@pytest.mark.parametrize("backbone, bad, match", [
    ("color", "nan.npy", r"nan\.npy holds 20 NaN"),
    ("color", "narrow.npy", r"narrow\.npy holds features of width 4"),
    (None, "narrow.npy", r"narrow\.npy holds features of width 4"),
    (None, "inf.npy", r"inf\.npy holds 8320 NaN or infinite"),
    (None, "empty.npy", r"empty\.npy is empty"),
    (None, "objects.npy", r"objects\.npy holds Python objects"),
])
def test_bad_feature_files_under_on_error_missing(files, backbone, bad, match):
    embedder = TrailerEmbedder(backbone, on_error="missing").fit()
    with pytest.warns(TrailerReadWarning, match=match + r".*a row of zeros"):
        out = embedder.transform([files["good.npy"], files[bad], files["good.npy"]])
    expected = np.load(files["good.npy"]).mean(axis=0)
    np.testing.assert_allclose(out[[0, 2]], [expected, expected], rtol=1e-5, atol=1e-6)
    assert out.shape == (3, 416) and not out[1].any()


def test_nan_frames_file_raises_naming_it(files):
    with pytest.raises(TrailerReadError, match=r"nan_frames\.npy holds NaN or infinite pixel"):
        FrameSampler(n_frames=3, size=8).fit_transform([files["nan_frames.npy"]])
