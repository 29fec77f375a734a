"""Frame sampling: indices, video files, frame folders, .npy, errors and the disk cache."""

import os
import warnings

import numpy as np
import pytest
from sklearn.base import clone

av = pytest.importorskip("av")

from skgenre.utils import MediaReadError  # noqa: E402
from skgenre.video import (  # noqa: E402
    FrameSampler,
    TrailerReadError,
    TrailerReadWarning,
    read_trailer,
    sample_indices,
    slice_trailer,
    slice_trailers,
    write_video,
)

STEP = 12  # frame i is a flat colour whose red level is STEP * i


def index_frames(n, size=32):
    """Frames whose red level encodes their index (survives lossy H.264)."""
    frames = np.empty((n, size, size, 3), dtype=np.uint8)
    for i in range(n):
        frames[i] = (STEP * i, 255 - STEP * i, 128)
    return frames


def decoded_index(frames):
    return np.rint(frames[..., 0].reshape(len(frames), -1).mean(axis=1) / STEP).astype(int)


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    """A 2-second, 32x32, 10 fps trailer (20 frames)."""
    path = tmp_path_factory.mktemp("videos") / "trailer.mp4"
    return write_video(path, index_frames(20), fps=10)


@pytest.fixture
def count_opens(monkeypatch):
    """Count the video files PyAV opens (each open is a decode)."""
    calls = []
    real_open = av.open

    def counting_open(*args, **kwargs):
        calls.append(args[0])
        return real_open(*args, **kwargs)

    monkeypatch.setattr(av, "open", counting_open)
    return calls


# ----------------------------------------------------------------- indices and slices


@pytest.mark.parametrize("n_total, kwargs, expected", [
    (20, {"n_frames": 5}, [2, 6, 10, 14, 18]),
    (10, {"n_frames": 10}, list(range(10))),
    (3, {"n_frames": 7}, [0, 0, 1, 1, 1, 2, 2]),  # short trailer: padded by repetition
    (1, {"n_frames": 3}, [0, 0, 0]),
    (250, {"every": 100}, [0, 100, 200]),
    (50, {"every": 100}, [0]),  # shorter than `every`: still one frame
    (4, {}, [0, 1, 2, 3]),
])
def test_sample_indices(n_total, kwargs, expected):
    assert sample_indices(n_total, **kwargs).tolist() == expected


@pytest.mark.parametrize("args, kwargs, match", [
    ((0,), {"n_frames": 3}, "at least one frame"),
    ((10,), {"n_frames": 3, "every": 2}, "not both"),
    ((10,), {"n_frames": 0}, "n_frames must be >= 1"),
    ((10,), {"every": 0}, "every must be >= 1"),
])
def test_sample_indices_errors(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        sample_indices(*args, **kwargs)


def test_seven_frames_in_three_slices():
    frames = np.arange(1, 8, dtype=np.uint8)[:, None, None, None] * np.ones((1, 2, 2, 3), np.uint8)
    slices = slice_trailer(frames, 3)
    assert slices.shape == (3, 3, 2, 2, 3)
    assert slices[:, :, 0, 0, 0].tolist() == [[1, 2, 3], [4, 5, 6], [7, 0, 0]]
    assert not slices[2, 1:].any()  # the padding is all-zero frames
    assert slice_trailer(frames, 7).shape == (1, 7, 2, 2, 3)  # divides: no padding
    one = slice_trailer(frames, 10)  # shorter than a slice: one zero-padded slice
    assert one.shape == (1, 10, 2, 2, 3) and one[0, 6].any() and not one[0, 7:].any()


def test_slice_trailers_owner():
    trailers = [np.ones((7, 2, 2, 3), np.uint8), np.ones((2, 2, 2, 3), np.uint8),
                np.ones((6, 2, 2, 3), np.uint8)]
    slices, owner = slice_trailers(trailers, 3)
    assert slices.shape == (6, 3, 2, 2, 3)
    assert owner.tolist() == [0, 0, 0, 1, 2, 2]


@pytest.mark.parametrize("frames, length, match", [
    (np.zeros((0, 2, 2, 3)), 3, "n_frames >= 1"),
    (np.zeros((4, 2, 2)), 3, "n_frames >= 1"),
    (np.zeros((4, 2, 2, 3)), 0, "slice_length must be >= 1"),
])
def test_slice_trailer_errors(frames, length, match):
    with pytest.raises(ValueError, match=match):
        slice_trailer(frames, length)


# ----------------------------------------------------------------- input kinds


def test_video_file_n_frames(video):
    frames = read_trailer(video, n_frames=5, size=16)
    assert frames.shape == (5, 16, 16, 3) and frames.dtype == np.uint8
    assert decoded_index(frames).tolist() == [2, 6, 10, 14, 18]


def test_container_without_frame_count(tmp_path):
    path = write_video(tmp_path / "trailer.mkv", index_frames(20, size=16), fps=10)
    with av.open(path) as container:
        assert container.streams.video[0].frames == 0  # Matroska: counted by demuxing
    assert decoded_index(read_trailer(path, n_frames=5)).tolist() == [2, 6, 10, 14, 18]


def test_video_file_every_and_native_size(video):
    frames = read_trailer(video, every=7)
    assert frames.shape == (3, 32, 32, 3)
    assert decoded_index(frames).tolist() == [0, 7, 14]
    assert read_trailer(video).shape == (20, 32, 32, 3)


def test_short_video_is_padded_not_dropped(video):
    frames = read_trailer(video, n_frames=30, size=(8, 12))
    assert frames.shape == (30, 8, 12, 3)
    index = decoded_index(frames)
    assert sorted(set(index.tolist())) == list(range(20))  # every frame, in order
    assert np.all(np.diff(index) >= 0)


def test_every_overrides_n_frames(video):
    frames = FrameSampler(n_frames=200, every=7, size=8).fit_transform([video])[0]
    assert decoded_index(frames).tolist() == [0, 7, 14]


def test_frame_folder_natural_order(tmp_path):
    from PIL import Image

    folder = tmp_path / "frames"
    folder.mkdir()
    for i, frame in enumerate(index_frames(12, size=16)):
        Image.fromarray(frame).save(folder / f"frame_{i}.png")  # frame_10 after frame_9
    (folder / "notes.txt").write_text("not a frame")
    frames = FrameSampler(every=5, size=8).fit_transform([str(folder)])[0]
    assert frames.shape == (3, 8, 8, 3)
    assert decoded_index(frames).tolist() == [0, 5, 10]
    all_frames = read_trailer(folder)
    assert decoded_index(all_frames).tolist() == list(range(12))


def test_npy_frames_and_arrays(tmp_path):
    path = tmp_path / "frames.npy"
    np.save(path, index_frames(10, size=8))
    frames = FrameSampler(n_frames=5, size=4).fit_transform([str(path), index_frames(10, 8)])
    assert frames.dtype == object and len(frames) == 2
    for f in frames:
        assert f.shape == (5, 4, 4, 3)
        assert decoded_index(f).tolist() == [1, 3, 5, 7, 9]


def test_npy_features_are_not_frames(tmp_path):
    path = tmp_path / "features.npy"
    np.save(path, np.zeros((200, 16), np.float32))
    with pytest.raises(TrailerReadError, match="per-frame features.*TrailerEmbedder"):
        FrameSampler().fit_transform([str(path)])


def test_five_d_output_stacks(video):
    frames = FrameSampler(n_frames=4, size=8).fit_transform(np.array([video, video]))
    assert np.stack(list(frames)).shape == (2, 4, 8, 8, 3)


# ----------------------------------------------------------------- errors


@pytest.fixture(scope="module")
def broken_videos(tmp_path_factory, video):
    folder = tmp_path_factory.mktemp("broken")
    empty = folder / "empty.mp4"
    empty.write_bytes(b"")
    junk = folder / "junk.mp4"
    junk.write_bytes(b"this is not a video" * 20)
    data = open(video, "rb").read()
    cut = folder / "cut.mp4"  # the index (moov atom) is at the end: unreadable when cut
    cut.write_bytes(data[: len(data) // 2])
    faststart = folder / "faststart.mp4"
    with av.open(str(faststart), "w", options={"movflags": "faststart"}) as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width = stream.height = 32
        stream.pix_fmt = "yuv420p"
        rng = np.random.default_rng(0)
        for _ in range(40):
            noise = rng.integers(0, 255, (32, 32, 3), dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(noise, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    data = faststart.read_bytes()
    truncated = folder / "truncated.mp4"  # header first: opens, then the data runs out
    truncated.write_bytes(data[: len(data) // 2])
    empty_dir = folder / "no_frames"
    empty_dir.mkdir()
    bad_image_dir = folder / "bad_images"
    bad_image_dir.mkdir()
    (bad_image_dir / "0001.png").write_bytes(b"not a png")
    (folder / "page.mp4").write_bytes(b"<!DOCTYPE html><html><body>Not Found</body></html>")
    (folder / "random.mp4").write_bytes(np.random.default_rng(0).bytes(2000))
    (folder / "folder.mp4").mkdir()
    np.save(folder / "nan_frames.npy", np.full((3, 4, 4, 3), np.nan))
    np.save(folder / "no_frames.npy", np.zeros((0, 4, 4, 3), np.uint8))
    np.save(folder / "flat.npy", np.zeros(12, np.uint8))
    np.save(folder / "grey_frames.npy", np.zeros((3, 4, 4), np.uint8))
    np.save(folder / "objects.npy", np.array([{"frame": 1}], dtype=object), allow_pickle=True)
    return {p.name: str(p) for p in folder.iterdir()}


REMEDY = r"\. Pass on_error='missing' to treat unreadable trailers as missing trailers\.$"


@pytest.mark.parametrize("name, error, match", [
    ("empty.mp4", TrailerReadError, r"empty\.mp4 is empty \(0 bytes\)" + REMEDY),
    ("junk.mp4", TrailerReadError, r"junk\.mp4 holds text, not a video" + REMEDY),
    ("page.mp4", TrailerReadError,
     r"page\.mp4 holds HTML or XML text \(a web page saved under this name\?\), not a video"
     + REMEDY),
    ("random.mp4", TrailerReadError, r"random\.mp4 is not a video FFmpeg can read \(damaged"),
    ("cut.mp4", TrailerReadError,
     r"cut\.mp4 is truncated or damaged: it starts as an MP4/MOV video but FFmpeg cannot open"),
    ("truncated.mp4", TrailerReadError, r"truncated\.mp4 is (corrupt or )?truncated.*" + REMEDY),
    ("no_frames", TrailerReadError, r"folder .*no_frames holds no image files \(.*\.png"),
    ("folder.mp4", TrailerReadError, r"folder .*folder\.mp4 holds no image files"),
    ("bad_images", TrailerReadError,
     r"bad_images has a frame image that cannot be read: 0001\.png holds text, not an image"),
    ("nan_frames.npy", TrailerReadError, r"nan_frames\.npy holds NaN or infinite pixel values" + REMEDY),
    ("no_frames.npy", TrailerReadError, r"no_frames\.npy must hold frames .*\(0, 4, 4, 3\)"),
    ("flat.npy", TrailerReadError, r"flat\.npy must hold frames .*got \(12,\)"),
    ("grey_frames.npy", TrailerReadError, r"grey_frames\.npy must hold frames .*\(3, 4, 4\)"),
    ("objects.npy", TrailerReadError,
     r"objects\.npy holds Python objects \(dtype object\), not numbers" + ".*" + REMEDY),
    ("missing.mp4", FileNotFoundError, r"Trailer file not found: .*missing\.mp4"),
])
def test_corrupt_trailers_raise_naming_the_file(broken_videos, name, error, match):
    path = broken_videos.get(name, os.path.join(os.path.dirname(broken_videos["junk.mp4"]), name))
    with pytest.raises(error, match=match) as info:
        FrameSampler(n_frames=4, size=8).fit_transform([path])
    with pytest.raises(error, match=match):  # also in `every` mode (decodes to the end)
        FrameSampler(every=3, size=8).fit_transform([path])
    if error is TrailerReadError:  # the facts, for a command line to name its own flag
        assert isinstance(info.value, MediaReadError)
        assert (info.value.path, info.value.modality) == (path, "trailer")
        assert info.value.fix == {"on_error": "missing"}
        assert info.value.problem in str(info.value) and "on_error" not in info.value.problem
        with pytest.warns(TrailerReadWarning) as record:  # as the error says
            frames = FrameSampler(n_frames=4, size=8, on_error="missing").fit_transform([path])
        assert frames[0] is None
        assert "on_error='missing' to treat" not in str(record[0].message)


def test_on_error_missing(broken_videos, video):
    sampler = FrameSampler(n_frames=4, size=8, on_error="missing")
    with pytest.warns(TrailerReadWarning, match=r"junk\.mp4.*Treated as no trailer"):
        frames = sampler.fit_transform([video, broken_videos["junk.mp4"]])
    assert frames[0].shape == (4, 8, 8, 3) and frames[1] is None


@pytest.mark.parametrize("params, X, error, match", [
    ({"size": (8, 8, 3)}, ["a.mp4"], ValueError, "size must be an int or"),
    ({"on_error": "zero"}, ["a.mp4"], ValueError, "on_error"),
    ({}, "a.mp4", ValueError, "not a single path"),
    ({}, [3.5], TypeError, r"X\[0\] is a float"),
    ({}, np.zeros((2, 3)), ValueError, "must be 1-D"),
])
def test_frame_sampler_parameter_errors(params, X, error, match):
    with pytest.raises(error, match=match):
        FrameSampler(**params).fit_transform(X)


# ----------------------------------------------------------------- cache and progress


def test_second_pass_decodes_nothing(tmp_path, video, count_opens):
    other = write_video(tmp_path / "other.mp4", index_frames(12)[::-1], fps=10)
    sampler = FrameSampler(n_frames=6, size=8, memory=tmp_path / "cache")
    first = sampler.fit_transform([video, other])
    assert len(count_opens) >= 2
    count_opens.clear()
    again = clone(sampler).fit_transform([other, video])  # a clone, another order
    assert count_opens == []
    np.testing.assert_array_equal(again[0], first[1])
    np.testing.assert_array_equal(again[1], first[0])
    # other sampling parameters are another cache entry
    clone(sampler).set_params(n_frames=3).fit_transform([video])
    assert len(count_opens) >= 1
    # an edited file (new mtime and size) is decoded again
    count_opens.clear()
    write_video(other, index_frames(14), fps=10)
    os.utime(other, ns=(1, 1))
    changed = clone(sampler).fit_transform([other])[0]
    assert len(count_opens) >= 1
    assert decoded_index(changed).tolist() == [1, 3, 5, 8, 10, 12]


def test_progress_bar_only_when_verbose(video, capsys):
    FrameSampler(n_frames=2, size=8).fit_transform([video, video])
    assert capsys.readouterr().err == ""
    FrameSampler(n_frames=2, size=8, verbose=1).fit_transform([video, video])
    assert "Sampling frames" in capsys.readouterr().err


def test_frame_sampler_is_a_transformer(video):
    sampler = FrameSampler(n_frames=3, size=8)
    assert clone(sampler).get_params() == sampler.get_params()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = sampler.transform([video])  # stateless: no fit needed
    assert out[0].shape == (3, 8, 8, 3)


# ----------------------------------------------------------------- parallel decoding


def test_threads_give_the_same_frames_in_order(tmp_path, video):
    files = [write_video(tmp_path / f"t{i}.mp4", index_frames(10 + 3 * i), fps=10)
             for i in range(5)] + [video]
    serial = FrameSampler(n_frames=4, size=16).fit_transform(files)
    threaded = FrameSampler(n_frames=4, size=16, n_jobs=2).fit_transform(files)
    for a, b in zip(serial, threaded):
        np.testing.assert_array_equal(a, b)
    # each output holds its own trailer's frames, in input order
    lengths = [10, 13, 16, 19, 22, 20]
    assert [decoded_index(f).tolist() for f in threaded] == [
        sample_indices(n, n_frames=4).tolist() for n in lengths]


def test_threads_raise_the_first_broken_trailer_in_input_order(broken_videos, video):
    import gc

    files = [video, broken_videos["junk.mp4"], video, broken_videos["empty.mp4"]]
    with warnings.catch_warnings(record=True) as stray:
        warnings.simplefilter("always")
        with pytest.raises(TrailerReadError, match=r"junk\.mp4") as info:
            FrameSampler(n_frames=4, size=8, n_jobs=2).fit_transform(files + [video] * 12)
        del info  # its traceback holds the reads' generator
        gc.collect()
    # the reads still running were stopped quietly (no joblib "tasks not used" warnings)
    assert [str(w.message) for w in stray] == []
    with pytest.warns(TrailerReadWarning) as record:
        frames = FrameSampler(n_frames=4, size=8, n_jobs=2,
                              on_error="missing").fit_transform(files)
    assert ["junk.mp4" in str(w.message) for w in record] == [True, False]
    assert [f is None for f in frames] == [False, True, False, True]


# ----------------------------------------------------------------- sparse decoding


def _encode(path, frames, fps=10, options=None, pts=None, container_options=None):
    with av.open(str(path), "w", options=container_options or {}) as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.height, stream.width = frames.shape[1:3]
        stream.pix_fmt = "yuv420p"
        stream.options = options or {}
        for i, frame in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(frame, format="rgb24")
            if pts is not None:
                frame.pts = pts[i]
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return str(path)


def _decode_sparse(path, n_frames=None, every=None, size=None):
    from skgenre.video._decode import _decode_sparse

    with av.open(path) as container:
        return _decode_sparse(container, container.streams.video[0], n_frames, every, size)


@pytest.fixture(scope="module")
def b_frame_video(tmp_path_factory):
    """21 frames in H.264 with B-frames (x264's medium preset, like most trailers)."""
    frames = index_frames(21).astype(np.int16)
    texture = np.random.default_rng(0).integers(-6, 7, frames.shape[1:], dtype=np.int16)
    frames = np.clip(frames + texture, 0, 255).astype(np.uint8)
    path = _encode(tmp_path_factory.mktemp("bframes") / "trailer.mp4", frames,
                   options={"preset": "medium"})
    with av.open(path) as container:  # some frames are not references: skippable
        stream = container.streams.video[0]
        stream.codec_context.skip_frame = "NONREF"
        assert sum(1 for _ in container.decode(stream)) < 21
    return path


@pytest.mark.parametrize("kwargs", [
    {"n_frames": 8}, {"n_frames": 8, "size": (16, 16)}, {"n_frames": 30}, {"every": 3},
])
def test_skipping_unwanted_b_frames_keeps_the_same_frames(b_frame_video, kwargs):
    from skgenre.video._decode import _decode_video

    kwargs = {"n_frames": None, "every": None, "size": None, **kwargs}
    sparse = _decode_sparse(b_frame_video, **kwargs)
    assert sparse is not None  # this file's timestamps name its frames
    full, n_decoded = _decode_video(b_frame_video, **kwargs, sparse=False)
    assert n_decoded is not None and len(sparse) == len(full)
    for a, b in zip(sparse, full):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(read_trailer(b_frame_video, **kwargs), np.stack(full))
    assert _decode_video(b_frame_video, **kwargs)[1] is None  # the sparse read was used


def test_off_grid_timestamps_decode_every_frame(tmp_path):
    # variable frame rate: timestamps with gaps, so they cannot name frame indices
    pts = [0, 1, 2, 4, 5, 7, 8, 9, 12, 13, 14, 16, 17, 18, 20, 21, 23, 24, 26, 27]
    path = _encode(tmp_path / "vfr.mp4", index_frames(20), pts=pts)
    assert _decode_sparse(path, n_frames=5) is None
    assert decoded_index(read_trailer(path, n_frames=5)).tolist() == [2, 6, 10, 14, 18]


def test_truncated_b_frame_video_still_raises(tmp_path):
    frames = np.repeat(index_frames(20), 3, axis=0)  # 60 frames
    texture = np.random.default_rng(1).integers(-6, 7, frames.shape[1:], dtype=np.int16)
    frames = np.clip(frames.astype(np.int16) + texture, 0, 255).astype(np.uint8)
    full = _encode(tmp_path / "full.mp4", frames, options={"preset": "medium"},
                   container_options={"movflags": "faststart"})
    with av.open(full) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.has_b_frames  # read by the sparse path
        packets = [(p.pos, p.size) for p in container.demux(stream) if p.size]
    # the header (60 frames) first, the data cut cleanly after the 28th packet. Packets
    # come in decoding order (a P-frame before the B-frames shown ahead of it); after the
    # 28th they hold exactly frames 0-27, so demuxing ends without an error, the
    # timestamps are consistent, and only the header's frame count shows the truncation
    pos, size = packets[27]
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(open(full, "rb").read()[: pos + size])
    for kwargs in ({"every": 4}, {"n_frames": 8}):
        with pytest.raises(TrailerReadError, match=r"cut\.mp4 is truncated: .* 60 frames"):
            read_trailer(str(cut), **kwargs)


# ----------------------------------------------------------------- conversion and opening


def _textured(n, height, width, seed=0):
    rng = np.random.default_rng(seed)
    frames = index_frames(n, size=1).astype(np.int16)
    frames = np.broadcast_to(frames, (n, height, width, 3))
    texture = rng.integers(-20, 21, (n, height, width, 3), dtype=np.int16)
    return np.clip(frames + texture, 0, 255).astype(np.uint8)


def _plain_pyav(path, size):
    """Every frame converted the plain PyAV way (FFmpeg's defaults, one call a frame)."""
    out = []
    with av.open(path) as container:
        for frame in container.decode(video=0):
            if size is None:
                out.append(frame.to_ndarray(format="rgb24"))
            else:
                out.append(frame.reformat(width=size[1], height=size[0], format="rgb24",
                                          interpolation="AREA").to_ndarray())
    return np.stack(out)


@pytest.mark.parametrize("shape", [(32, 32), (176, 192)])  # one scaler thread; FFmpeg's
@pytest.mark.parametrize("size", [None, (16, 24)])
@pytest.mark.parametrize("pending_bytes", [None, 1])  # converted in one go; each at once
def test_frames_equal_plain_pyav_conversion(tmp_path, monkeypatch, shape, size,
                                            pending_bytes):
    from skgenre.video import _decode as _frames

    if pending_bytes is not None:
        monkeypatch.setattr(_frames, "_PENDING_BYTES", pending_bytes)
    path = write_video(tmp_path / "t.mp4", _textured(9, *shape), fps=10)
    expected = _plain_pyav(path, size)
    frames = read_trailer(path, size=size)
    np.testing.assert_array_equal(frames, expected)
    assert frames.flags.writeable and frames.flags.owndata  # not a view of FFmpeg memory
    np.testing.assert_array_equal(read_trailer(path, n_frames=4, size=size),
                                  expected[[1, 3, 5, 7]])


def test_b_frame_conversion_equals_plain_pyav(b_frame_video, monkeypatch):
    from skgenre.video import _decode as _frames

    expected = _plain_pyav(b_frame_video, (16, 16))
    for pending_bytes in (1, 4 << 20):
        monkeypatch.setattr(_frames, "_PENDING_BYTES", pending_bytes)
        frames = read_trailer(b_frame_video, every=3, size=16)  # the sparse path
        np.testing.assert_array_equal(frames, expected[::3])


@pytest.mark.parametrize("written, named", [("t.mkv", "t.mp4"), ("t.mp4", "t.avi"),
                                             ("t.mp4", "t.webm")])
def test_container_misnamed_by_its_extension(tmp_path, written, named):
    frames = index_frames(12)
    path = write_video(tmp_path / written, frames, fps=10)
    os.replace(path, tmp_path / named)
    out = read_trailer(tmp_path / named, n_frames=4)
    assert decoded_index(out).tolist() == [1, 4, 7, 10]


def test_scaler_without_threads_keyword(video, monkeypatch):
    """PyAV < 17's reformat has no ``threads``: the frames come out all the same."""
    from av.video.reformatter import VideoReformatter

    from skgenre.video import _decode as _frames

    calls = []

    class OldReformatter:
        def __init__(self):
            self._real = VideoReformatter()

        def reformat(self, frame, **kwargs):
            calls.append(sorted(kwargs))
            if "threads" in kwargs:
                raise TypeError("reformat() got an unexpected keyword argument 'threads'")
            return self._real.reformat(frame, **kwargs)

    expected = read_trailer(video, n_frames=5, size=8)
    monkeypatch.setattr(_frames._SCALERS, "reformatter", OldReformatter(), raising=False)
    monkeypatch.setattr(_frames, "_SCALER_THREADS", [True])
    np.testing.assert_array_equal(read_trailer(video, n_frames=5, size=8), expected)
    assert _frames._SCALER_THREADS == [False]
    assert calls[0] == ["format", "height", "interpolation", "threads", "width"]
    assert all("threads" not in c for c in calls[1:]) and len(calls) == 6
