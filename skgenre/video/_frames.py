"""Frame sampling from trailers: video files (PyAV), frame folders and ``.npy`` arrays.

A trailer is given as one of

* a video file path (anything PyAV/FFmpeg can open: mp4, webm, mkv, avi, ...);
* a folder of frame images, read in natural name order (``frame_2.png`` before
  ``frame_10.png``);
* a ``.npy`` file: a 4-D (n_frames, height, width, 3) array of frames here, or a 2-D
  (n_frames, n_features) array of per-frame features for :class:`TrailerEmbedder`;
* an in-memory (n_frames, height, width, 3) array of frames.

Decoding is the expensive part. A video is decoded once, sequentially, stopping after
the last wanted frame. Packets of unwanted frames that no other frame references
(B-frames, about half of a typical H.264 trailer) are not decoded at all; frames are then
named by their timestamps, and a video whose timestamps cannot name them (variable frame
rate, no frame count) is decoded frame by frame instead. Only the wanted frames are
converted to RGB and resized by FFmpeg's scaler (area averaging), in batches, through
one scaler context per thread reused across videos. Small videos (up to 160x160) are
decoded and converted by one FFmpeg thread, larger ones with FFmpeg's default slice
threads; FFmpeg's frame threading was slower at every size measured (64x64 to
1280x720) on two cores, and many trailers are decoded in parallel threads (``n_jobs``)
instead. Results can be cached on disk per trailer (:func:`cached_call`), keyed on the
file's path, size and modification time plus the sampling parameters, so
cross-validation folds and grid search never decode a trailer twice.
"""

import logging
import numbers
import os
import re
import threading
import warnings
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_memory

from ..utils._sklearn import fit_context

__all__ = [
    "FrameSampler",
    "TrailerReadError",
    "TrailerReadWarning",
    "cached_call",
    "check_trailers",
    "read_trailer",
    "sample_indices",
    "write_video",
]

logger = logging.getLogger(__name__)

# A video decoding to less than this share of the frames its header declares is
# truncated (an error); a smaller shortfall is an inexact header and is re-sampled.
TRUNCATED_FRACTION = 0.9

# One FFmpeg scaler per thread, reused across videos: building a scaler context costs
# about 1.4 ms (swscale 9), as much as decoding twenty 64x64 frames, and the scaler
# re-initialises itself only when the frame format or size changes.
_SCALERS = threading.local()

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"})


class TrailerReadError(ValueError):
    """A trailer (video file, frame folder or ``.npy``) that cannot be read.

    The message names the file. Subclass of :class:`ValueError`.
    """


class TrailerReadWarning(UserWarning):
    """A trailer was unreadable and, as asked with ``on_error="missing"``, skipped."""


# --------------------------------------------------------------------------- sampling


def sample_indices(n_total, n_frames=None, every=None):
    """Indices of the frames kept from a trailer of ``n_total`` frames.

    Parameters
    ----------
    n_total : int
        Number of frames in the trailer (at least 1).
    n_frames : int, default=None
        Keep this many frames spread evenly over the trailer: frame
        ``floor((i + 0.5) * n_total / n_frames)`` for ``i`` in ``range(n_frames)``, the
        centre of each of ``n_frames`` equal spans (MovieScope samples 200). A trailer
        shorter than ``n_frames`` is padded, not dropped: each of its frames is repeated
        evenly (nearest-frame resampling), so the result always has ``n_frames`` indices.
    every : int, default=None
        Keep one frame in ``every``: frames 0, every, 2 * every, ... (the 3D-CNN study
        keeps one in 100). The number kept varies with the trailer's length, at least 1.
        Give at most one of ``n_frames`` and ``every``; with neither, all frames are
        kept.

    Returns
    -------
    indices : ndarray of shape (n_kept,), dtype int64
        Non-decreasing frame indices (repeats only when padding).

    Examples
    --------
    >>> from skgenre.video import sample_indices
    >>> sample_indices(10, n_frames=4).tolist()
    [1, 3, 6, 8]
    >>> sample_indices(3, n_frames=6).tolist()
    [0, 0, 1, 1, 2, 2]
    >>> sample_indices(250, every=100).tolist()
    [0, 100, 200]
    """
    n_total = int(n_total)
    if n_total < 1:
        raise ValueError(f"A trailer needs at least one frame; got n_total={n_total}.")
    if n_frames is not None and every is not None:
        raise ValueError("Give n_frames or every, not both.")
    if n_frames is not None:
        if n_frames < 1:
            raise ValueError(f"n_frames must be >= 1; got {n_frames}.")
        return ((np.arange(n_frames) + 0.5) * n_total / n_frames).astype(np.int64)
    if every is not None:
        if every < 1:
            raise ValueError(f"every must be >= 1; got {every}.")
        return np.arange(0, n_total, every, dtype=np.int64)
    return np.arange(n_total, dtype=np.int64)


def _natural_key(name):
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def _check_size(size):
    """``None``, or ``(height, width)`` from an int or a pair of positive ints."""
    if size is None:
        return None
    if isinstance(size, numbers.Integral) and size >= 1:
        return int(size), int(size)
    try:
        height, width = (int(v) for v in size)
    except (TypeError, ValueError):
        height = width = 0
    if height < 1 or width < 1:
        raise ValueError(f"size must be an int or (height, width); got {size!r}.")
    return height, width


# --------------------------------------------------------------------------- readers


# Demuxers named by file extension: naming one skips FFmpeg's probe of every demuxer
# (~90 us a file, 30 % of opening a short 64x64 trailer). A file that is not what its
# name says is opened again, probed.
_DEMUXERS = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".mkv": "matroska",
             ".webm": "webm", ".avi": "avi"}


def _open_video(path):
    import av

    path = str(path)
    demuxer = _DEMUXERS.get(os.path.splitext(path)[1].lower())
    if demuxer is not None:
        try:
            return av.open(path, format=demuxer)
        except (av.FFmpegError, OSError, ValueError):
            pass  # not that format, or unreadable: probe, which gives the error
    try:
        return av.open(path)
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"Trailer file not found: {path}") from exc
    except (av.FFmpegError, OSError) as exc:
        size = os.path.getsize(path) if os.path.isfile(path) else None
        what = "is empty (0 bytes)" if size == 0 else "is not a readable video"
        raise TrailerReadError(f"Trailer file {path} {what}: {exc}") from exc


def _reformatter():
    reformatter = getattr(_SCALERS, "reformatter", None)
    if reformatter is None:
        from av.video.reformatter import VideoReformatter

        reformatter = _SCALERS.reformatter = VideoReformatter()
    return reformatter


def _count_packets(path):
    """Frames of a video whose header has no count: one demuxed packet per frame."""
    import av

    with _open_video(path) as container:
        stream = container.streams.video[0]
        try:
            return sum(1 for packet in container.demux(stream) if packet.size)
        except av.FFmpegError as exc:
            raise TrailerReadError(f"Trailer file {path} is corrupt: {exc}") from exc


# Frames of at most this many pixels are "small": FFmpeg's threads cost more than they
# save on them, so a small video is decoded, and a small frame converted to a small
# one, by one thread (``benchmarks/trailer.py``; trailers are parallel over files with
# ``n_jobs`` instead). Measured here, 30-frame H.264 files, per file: decoding with
# FFmpeg's default slice threads vs one thread 1,343 vs 1,192 us at 64x64 and 2,370 vs
# 2,079 at 160x120, but 3,155 vs 3,713 at 320x180 and 8,125 vs 11,463 at 640x360;
# converting a 64x64 frame to RGB 23 vs 4 us (PyAV >= 17's scaler starts its threads
# on every call), but a 640x360 one to 224x224 234 vs 319 us.
_SMALL_FRAME_PIXELS = 160 * 160

# Whether this PyAV's VideoReformatter.reformat takes ``threads`` (added with its
# sws_scale_frame scaler; older versions scale in one thread anyway).
_SCALER_THREADS = [True]

# Decoded frames wait, as FFmpeg frames, until this many bytes of them are held, then
# are converted in one go: converting each right after decoding it ran ~2x slower at
# 64x64 (the decoder evicts the scaler's tables from the CPU caches between two
# frames). A 64x64 trailer converts once at the end; a 1080p one each frame at once.
_PENDING_BYTES = 4 << 20


def _is_small(height, width):
    return (height or 0) * (width or 0) <= _SMALL_FRAME_PIXELS


def _to_rgb(frame, reformatter, size, one_thread=False):
    """A decoded frame as an RGB array, resized to ``size`` by FFmpeg's scaler (area).

    The array may be a view of the converted FFmpeg frame's memory (no copy); the
    caller stacks the frames, which copies them.
    """
    if size is None or (frame.height, frame.width) == tuple(size):
        # colour conversion only: about half the cost of a rescale
        options = {"format": "rgb24"}
    else:
        height, width = size
        options = {"width": width, "height": height, "format": "rgb24",
                   "interpolation": "AREA"}
    if one_thread and _SCALER_THREADS[0]:
        try:
            rgb = reformatter.reformat(frame, threads=1, **options)
        except TypeError:  # PyAV < 17: no ``threads``, one thread anyway
            _SCALER_THREADS[0] = False
            rgb = reformatter.reformat(frame, **options)
    else:
        rgb = reformatter.reformat(frame, **options)
    plane = rgb.planes[0]
    if plane.line_size != 3 * rgb.width:  # padded rows
        return rgb.to_ndarray()
    return np.frombuffer(plane, np.uint8, count=3 * rgb.width * rgb.height).reshape(
        rgb.height, rgb.width, 3)


class _KeptFrames:
    """The wanted frames of one video by index, converted to RGB in batches.

    Frames are held as decoded until ``_PENDING_BYTES`` of them wait, then converted
    together (see ``_PENDING_BYTES``).
    """

    def __init__(self, stream, size):
        self.size, self.reformatter = size, _reformatter()
        context = stream.codec_context
        frame_bytes = max(1, (context.width or 0) * (context.height or 0) * 3 // 2)
        self.batch = max(1, _PENDING_BYTES // frame_bytes)
        self.one_thread = _is_small(context.height, context.width) and (
            size is None or _is_small(*size))
        self.pending, self.done = {}, {}

    def add(self, i, frame):
        self.pending[i] = frame
        if len(self.pending) >= self.batch:
            self._flush()

    def _flush(self):
        for i, frame in self.pending.items():
            self.done[i] = _to_rgb(frame, self.reformatter, self.size, self.one_thread)
        self.pending.clear()

    def __contains__(self, i):
        return i in self.done or i in self.pending

    def __len__(self):
        return len(self.done) + len(self.pending)

    def indices(self):
        return set(self.done) | set(self.pending)

    def frames(self, order):
        """The RGB frames at the indices in ``order`` (repeats allowed)."""
        self._flush()
        return [self.done[int(i)] for i in order]


def _frame_indexer(stream):
    """A function from a timestamp (pts) to the frame's index in presentation order.

    ``None`` when the stream has no frame rate or time base to compute it; the
    function returns ``None`` for a timestamp that is missing, negative or not on the
    frame grid (a variable frame rate).
    """
    rate, time_base = stream.average_rate, stream.time_base
    if not rate or not time_base:
        return None
    step = float(1 / (rate * time_base))  # timestamp units per frame
    start = stream.start_time or 0

    def index(pts):
        if pts is None:
            return None
        position = (pts - start) / step
        i = round(position)
        return i if i >= 0 and abs(position - i) < 0.05 else None

    return index


def _decode_sparse(container, stream, n_frames, every, size):
    """The wanted frames of an open video, decoding only the packets they depend on.

    A packet holding an unwanted frame that no other frame references (a B-frame in
    most H.264/HEVC trailers, about half of all frames) is not decoded at all
    (``skip_frame="NONREF"`` while it is fed to the decoder), so sampling a trailer can
    cost less than decoding it. Frames are named by their timestamps. Returns ``None``
    whenever that is not certain (no frame count in the header for ``n_frames``, no
    frame rate, a timestamp off the frame grid or repeated, a wanted frame not found,
    a decoding error): the video is then decoded frame by frame, which also gives the
    precise error.
    """
    import av

    index = _frame_indexer(stream)
    header = int(stream.frames or 0)
    if index is None or (n_frames is not None and header <= 0):
        return None
    if n_frames is not None:
        indices = sample_indices(header, n_frames=n_frames)
        remaining = set(indices.tolist())
        is_wanted = remaining.__contains__
    else:
        indices = remaining = None
        is_wanted = (lambda i: i % every == 0)  # noqa: E731
    context = stream.codec_context
    kept, seen, skipping = _KeptFrames(stream, size), set(), False
    try:
        for packet in container.demux(stream):
            if packet.size:
                i = index(packet.pts)
                if i is None or i in seen:
                    return None
                seen.add(i)
                if skipping == is_wanted(i):  # switch only when it changes
                    skipping = not skipping
                    context.skip_frame = "NONREF" if skipping else "DEFAULT"
            for frame in context.decode(packet):
                i = index(frame.pts)
                if i is None:
                    return None
                if is_wanted(i) and i not in kept:
                    kept.add(i, frame)
                    if remaining is not None:
                        remaining.discard(i)
                        if not remaining:
                            return kept.frames(indices)
    except av.FFmpegError:
        return None
    if remaining is not None or not kept:
        return None  # a wanted frame never came out
    if seen != set(range(len(seen))) or kept.indices() != {i for i in seen if i % every == 0}:
        return None
    if len(seen) < TRUNCATED_FRACTION * header:
        return None  # truncated: the frame-by-frame decode raises, naming the file
    return kept.frames(sorted(kept.indices()))


def _decode_video(path, n_frames, every, size, n_total=None, sparse=True):
    """Decode ``path`` once, sequentially, keeping the wanted frames.

    With ``n_frames``, keeps the frames :func:`sample_indices` picks among ``n_total``
    (default: the header's frame count) and stops decoding after the last of them; else
    keeps one frame in ``every`` (all frames when ``every`` is None). With ``sparse``, a
    video with B-frames is read by :func:`_decode_sparse` when not every frame is
    wanted, and decoded again frame by frame only if that fails.

    Returns
    -------
    frames : list of ndarray or None
        The kept frames in order; None when they cannot be picked yet: the header has
        no frame count (then ``n_decoded`` is None too) or the stream held fewer frames
        than counted.
    n_decoded : int or None
        Frames decoded (None after a sparse read).
    """
    with _open_video(path) as container:
        if not container.streams.video:
            raise TrailerReadError(f"Trailer file {path} has no video stream.")
        stream = container.streams.video[0]
        context = stream.codec_context
        if _is_small(context.height, context.width):
            context.thread_count = 1  # see _SMALL_FRAME_PIXELS
        if not (sparse and n_total is None and context.has_b_frames
                and (n_frames is not None or (every or 1) > 1)):
            return _decode_frames(container, stream, path, n_frames, every, size, n_total)
        frames = _decode_sparse(container, stream, n_frames, every, size)
    if frames is not None:
        return frames, None
    return _decode_video(path, n_frames, every, size, sparse=False)


def _decode_frames(container, stream, path, n_frames, every, size, n_total):
    """:func:`_decode_video` frame by frame: frames are named by their decoding order."""
    import av

    indices = wanted = last = None
    header = int(stream.frames or 0)
    if n_frames is not None:
        n_total = n_total or header
        if n_total <= 0:
            return None, None  # no count in the header: count packets, then retry
        indices = sample_indices(n_total, n_frames=n_frames)
        wanted, last = set(indices.tolist()), int(indices[-1])
    kept, n_decoded = _KeptFrames(stream, size), 0
    try:
        for i, frame in enumerate(container.decode(stream)):
            n_decoded = i + 1
            if (i in wanted) if wanted is not None else (every is None or i % every == 0):
                kept.add(i, frame)
                if i == last:
                    break
    except av.FFmpegError as exc:
        raise TrailerReadError(
            f"Trailer file {path} is corrupt or truncated: decoding failed after "
            f"{n_decoded} frames: {exc}"
        ) from exc
    if n_decoded == 0:
        raise TrailerReadError(f"Trailer file {path} has no decodable video frames.")
    stopped_early = last is not None and n_decoded == last + 1
    if header and not stopped_early and n_decoded < TRUNCATED_FRACTION * header:
        raise TrailerReadError(
            f"Trailer file {path} is truncated: its header declares {header} frames but "
            f"only {n_decoded} decode."
        )
    if indices is None:
        return kept.frames(sorted(kept.indices())), n_decoded
    if last >= n_decoded:
        return None, n_decoded  # fewer frames than the header said: re-sample
    return kept.frames(indices), n_decoded


def _read_video(path, n_frames, every, size):
    frames, n_total = _decode_video(path, n_frames, every, size)
    if frames is None:
        if n_total is None:
            n_total = _count_packets(path)
            if n_total == 0:
                raise TrailerReadError(f"Trailer file {path} has no video frames.")
        else:
            logger.info("%s: fewer decodable frames (%d) than the header says; re-sampling.",
                        path, n_total)
        frames, n_decoded = _decode_video(path, n_frames, every, size, n_total=n_total)
        if frames is None:  # still short (a packet without a frame): use what decodes
            frames, _ = _decode_video(path, n_frames, every, size, n_total=n_decoded)
    return np.stack(frames)


def _resize_array(frames, size):
    if size is None or frames.shape[1:3] == tuple(size):
        return frames
    from PIL import Image

    height, width = size
    return np.stack([
        np.asarray(Image.fromarray(frame).resize((width, height), Image.BILINEAR))
        for frame in frames
    ])


def _read_folder(path, n_frames, every, size):
    from PIL import Image, UnidentifiedImageError

    files = sorted(
        (f for f in os.listdir(path)
         if not f.startswith(".") and Path(f).suffix.lower() in IMAGE_SUFFIXES),
        key=_natural_key,
    )
    if not files:
        raise TrailerReadError(f"Trailer frame folder {path} holds no image files.")
    indices = sample_indices(len(files), n_frames=n_frames, every=every)
    loaded = {}
    for i in np.unique(indices):
        file = os.path.join(path, files[i])
        try:
            with Image.open(file) as image:
                image = image.convert("RGB")
                if size is not None:
                    image = image.resize((size[1], size[0]), Image.BILINEAR)
                loaded[int(i)] = np.asarray(image)
        except (OSError, UnidentifiedImageError) as exc:
            raise TrailerReadError(f"Cannot read frame image {file}: {exc}") from exc
    shapes = {frame.shape for frame in loaded.values()}
    if len(shapes) > 1:
        raise TrailerReadError(
            f"Frame images in {path} differ in size ({sorted(shapes)[:3]}); pass size=."
        )
    return np.stack([loaded[int(i)] for i in indices])


def _check_frames_array(frames, source):
    frames = np.asarray(frames)
    if frames.ndim == 2:
        raise TrailerReadError(
            f"{source} holds per-frame features of shape {frames.shape}, not frames; "
            "feature arrays are read by TrailerEmbedder."
        )
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.shape[0] == 0:
        raise TrailerReadError(
            f"{source} must hold frames of shape (n_frames, height, width, 3); got "
            f"{frames.shape}."
        )
    if frames.dtype != np.uint8:
        if np.issubdtype(frames.dtype, np.floating) and frames.max(initial=0) <= 1.0:
            frames = frames * 255.0
        frames = np.clip(frames, 0, 255).astype(np.uint8)
    return frames


def _read_array(frames, n_frames, every, size, source):
    frames = _check_frames_array(frames, source)
    frames = frames[sample_indices(len(frames), n_frames=n_frames, every=every)]
    return _resize_array(frames, size)


def _load_npy(path):
    try:
        return np.load(path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise TrailerReadError(f"Cannot read trailer array {path}: {exc}") from exc


def read_trailer(trailer, *, n_frames=None, every=None, size=None):
    """Sampled frames of one trailer, uncached.

    Parameters
    ----------
    trailer : str, path-like or ndarray
        A video file, a folder of frame images, a ``.npy`` file of frames, or an
        (n_frames, height, width, 3) array.
    n_frames, every : int, default=None
        See :func:`sample_indices`.
    size : int or (height, width), default=None
        Resize frames to this size; ``None`` keeps the native size.

    Returns
    -------
    frames : ndarray of shape (n_kept, height, width, 3), dtype uint8

    Raises
    ------
    FileNotFoundError
        If the path does not exist.
    TrailerReadError
        If the file is empty, not a video, corrupt or truncated (the message names it).
    """
    size = _check_size(size)
    if isinstance(trailer, np.ndarray):
        return _read_array(trailer, n_frames, every, size, "The trailer array")
    path = os.fspath(trailer)
    if os.path.isdir(path):
        return _read_folder(path, n_frames, every, size)
    if not os.path.exists(path):
        raise FileNotFoundError(f"Trailer file not found: {path}")
    if path.lower().endswith(".npy"):
        return _read_array(_load_npy(path), n_frames, every, size, f"Trailer array {path}")
    return _read_video(path, n_frames, every, size)


def write_video(path, frames, *, fps=24, codec="libx264"):
    """Encode RGB frames into a video file with PyAV (e.g. to make test trailers).

    Parameters
    ----------
    path : str or path-like
        Output file; the container follows its extension (``.mp4``, ``.mkv``, ...).
    frames : ndarray of shape (n_frames, height, width, 3), dtype uint8
        Height and width must be even for the default codec (yuv420p).
    fps : int, default=24
    codec : str, default="libx264"

    Returns
    -------
    path : str
    """
    import av

    frames = _check_frames_array(frames, "frames")
    path = os.fspath(path)
    with av.open(path, "w") as container:
        stream = container.add_stream(codec, rate=int(fps))
        stream.height, stream.width = frames.shape[1:3]
        stream.pix_fmt = "yuv420p"
        for frame in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


# --------------------------------------------------------------------------- caching


def _file_key(path):
    """What identifies a trailer's content for the cache: path, size and mtime."""
    path = os.path.abspath(path)
    if os.path.isdir(path):
        entries = sorted(os.scandir(path), key=lambda e: e.name)
        return path, tuple(
            (e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries if e.is_file()
        )
    stat = os.stat(path)
    return path, stat.st_size, stat.st_mtime_ns


def _call_keyed(func, key, trailer, params, extra):
    # ``key`` and ``params`` make joblib's hash; ``trailer`` and ``extra`` are ignored.
    return func(trailer, **params, **extra)


def cached_call(memory, func, trailer, ignore=(), **params):
    """``func(trailer, **params)``, cached on disk per trailer when ``memory`` is set.

    The cache key is the trailer's absolute path, size and modification time (for a
    folder: each file's name, size and mtime) plus ``func``'s name and the ``params``
    not named in ``ignore``, so an edited file is recomputed and any estimator sharing
    the same ``memory`` reuses the result. In-memory arrays are never cached.

    Parameters
    ----------
    memory : None, str, path-like or joblib.Memory
    func : callable
        A module-level function (joblib keys its cache on its name and code).
    trailer : str, path-like or ndarray
    ignore : tuple of str, default=()
        Parameters left out of the key (large objects such as a backbone, whose
        identity another parameter already encodes, or ones that do not change the
        result).
    **params
        Keyword arguments of ``func``.
    """
    memory = check_memory(os.fspath(memory) if isinstance(memory, os.PathLike) else memory)
    if isinstance(trailer, np.ndarray) or getattr(memory, "location", None) is None:
        return func(trailer, **params)
    path = os.fspath(trailer)
    if not os.path.exists(path):
        raise FileNotFoundError(f"Trailer file not found: {path}")
    keyed = {k: v for k, v in params.items() if k not in ignore}
    extra = {k: v for k, v in params.items() if k in ignore}
    cached = memory.cache(_call_keyed, ignore=["trailer", "extra"])
    return cached(func, _file_key(path), path, keyed, extra)


# --------------------------------------------------------------------------- input checks


def check_trailers(X, name="X"):
    """Validate a 1-D collection of trailers and return it as a list.

    Accepts a list, tuple, 1-D array, pandas Series or single-column DataFrame of paths
    (str or path-like) or frame arrays, or a 5-D (n, n_frames, height, width, 3) array.
    """
    if hasattr(X, "iloc") and getattr(X, "ndim", 1) == 2:
        if X.shape[1] != 1:
            raise ValueError(
                f"{name} must be 1-D (one trailer per movie); got a DataFrame with "
                f"{X.shape[1]} columns. Select the trailer column."
            )
        X = X.iloc[:, 0]
    if hasattr(X, "to_numpy"):
        X = X.to_numpy()
    if isinstance(X, np.ndarray) and X.dtype != object and X.ndim == 5:
        return list(X)
    if isinstance(X, (str, os.PathLike)):
        raise ValueError(
            f"{name} must be a 1-D collection of trailers, not a single path; wrap it in a "
            "list."
        )
    if isinstance(X, np.ndarray) and X.dtype != object:
        if X.ndim != 1:
            raise ValueError(
                f"{name} must be 1-D (one trailer per movie) or a 5-D array of frames; got "
                f"shape {X.shape}."
            )
        return X.tolist()
    items = list(X)
    for i, item in enumerate(items):
        if not isinstance(item, (str, os.PathLike, np.ndarray)):
            raise TypeError(
                f"{name}[{i}] is a {type(item).__name__}; each trailer must be a path "
                "(video file, frame folder, .npy) or an array of frames. Missing trailers "
                "must be left out (MovieGenreStacker does that)."
            )
    return items


def sampling(n_frames, every):
    """The effective ``(n_frames, every)``: ``every``, when set, overrides ``n_frames``."""
    return (None, every) if every is not None else (n_frames, None)


def _progress(items, verbose, desc, total=None):
    if verbose and (total if total is not None else len(items)) > 1:
        from tqdm.auto import tqdm

        return tqdm(items, desc=desc, unit="trailer", total=total)
    return items


def _frames_for(trailer, n_frames, every, size):
    return read_trailer(trailer, n_frames=n_frames, every=every, size=size)


def _call_or_error(memory, func, trailer, ignore, params):
    try:
        return cached_call(memory, func, trailer, ignore=ignore, **params)
    except (TrailerReadError, FileNotFoundError) as exc:
        return exc  # raised or warned about in input order by map_trailers


def _stop(results):
    """Cancel the reads still running: closed here, in the thread that started them,
    without joblib's warnings that their results go unused (the point of stopping)."""
    if hasattr(results, "close"):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning, module="joblib")
            results.close()


def map_trailers(func, trailers, *, memory=None, on_error="raise", verbose=0, n_jobs=None,
                 desc="Reading trailers", skipped="Treated as no trailer.", ignore=(),
                 **params):
    """``func(trailer, **params)`` for each trailer, in order, cached per trailer.

    Trailers are read in ``n_jobs`` threads (joblib's threading backend): PyAV releases
    the GIL while it decodes and converts frames, so each thread decodes its own video.
    An unreadable trailer raises (``on_error="raise"``, the first failing one in input
    order) or, with ``on_error="missing"``, warns (:class:`TrailerReadWarning`, the
    message ending with ``skipped``) and gives ``None``.
    """
    n_jobs = effective_n_jobs(n_jobs)
    if n_jobs == 1 or len(trailers) < 2:
        results = (_call_or_error(memory, func, t, ignore, params) for t in trailers)
    else:
        results = Parallel(n_jobs=n_jobs, prefer="threads", return_as="generator")(
            delayed(_call_or_error)(memory, func, t, ignore, params)
            for t in trailers
        )
    out = []
    for result in _progress(results, verbose, desc, total=len(trailers)):
        if isinstance(result, Exception):
            if on_error == "raise":
                _stop(results)
                raise result
            warnings.warn(f"{result} {skipped}", TrailerReadWarning, stacklevel=3)
            result = None
        out.append(result)
    return out


def sample_trailers(trailers, *, n_frames, every, size, memory, on_error, verbose,
                    n_jobs=None, desc="Sampling frames"):
    """Frames of many trailers; ``None`` for those skipped under ``on_error="missing"``."""
    n_frames, every = sampling(n_frames, every)
    return map_trailers(_frames_for, trailers, memory=memory, on_error=on_error,
                        verbose=verbose, n_jobs=n_jobs, desc=desc, n_frames=n_frames,
                        every=every, size=_check_size(size))


# --------------------------------------------------------------------------- transformer


class FrameSampler(TransformerMixin, BaseEstimator):
    """Sample and resize frames from trailers, with a per-trailer disk cache.

    Parameters
    ----------
    n_frames : int or None, default=200
        Frames kept, spread evenly over each trailer (MovieScope's 200). A shorter
        trailer is padded by repeating its frames evenly (nearest-frame resampling), so
        every trailer yields exactly ``n_frames`` frames; it is never dropped.
    every : int or None, default=None
        Instead of ``n_frames``, keep one frame in ``every`` (the 3D-CNN study's 100); the
        number of frames then varies with the trailer's length (at least one). When
        set, it overrides ``n_frames``; with both ``None`` every frame is kept.
    size : int, (height, width) or None, default=(64, 64)
        Output frame size; ``None`` keeps the native size.
    memory : None, str or joblib.Memory, default=None
        Disk cache of each trailer's frames, keyed on its path, size and modification
        time and on ``n_frames``, ``every`` and ``size``: cross-validation folds and grid
        search never decode a trailer twice.
    on_error : {"raise", "missing"}, default="raise"
        An unreadable, empty, corrupt or truncated trailer raises
        :class:`TrailerReadError` (``FileNotFoundError`` for a missing file) naming the
        file; with ``"missing"`` it warns (:class:`TrailerReadWarning`) and its entry in
        the output is ``None``: the movie has no trailer.
    verbose : int, default=0
        ``> 0`` shows a progress bar over the trailers.
    n_jobs : int or None, default=None
        Trailers decoded at once, in threads (PyAV decodes without holding the GIL).
        ``None`` means 1 unless in a :func:`joblib.parallel_config` context; ``-1`` uses
        every core. FFmpeg's own frame threading is not used (``benchmarks/trailer.py``:
        slower on every size measured on two cores).

    Notes
    -----
    Inputs: video files (anything FFmpeg decodes), folders of frame images (natural name
    order), ``.npy`` files of (n_frames, height, width, 3) frames, or such arrays.
    Videos are decoded once, sequentially, up to the last wanted frame, skipping the
    unwanted frames nothing else references (B-frames); only the wanted frames are
    converted and resized (by FFmpeg's scaler, area interpolation).

    Examples
    --------
    >>> import numpy as np
    >>> from skgenre.video import FrameSampler
    >>> trailer = np.zeros((30, 32, 32, 3), dtype=np.uint8)
    >>> frames = FrameSampler(n_frames=8, size=16).fit_transform([trailer])
    >>> frames[0].shape
    (8, 16, 16, 3)
    """

    _parameter_constraints = {
        "n_frames": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "every": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "size": [Interval(numbers.Integral, 1, None, closed="left"), tuple, list, None],
        "memory": [None, str, os.PathLike, HasMethods(["cache"])],
        "on_error": [StrOptions({"raise", "missing"})],
        "verbose": ["verbose"],
        "n_jobs": [None, numbers.Integral],
    }

    def __init__(self, n_frames=200, *, every=None, size=(64, 64), memory=None,
                 on_error="raise", verbose=0, n_jobs=None):
        self.n_frames = n_frames
        self.every = every
        self.size = size
        self.memory = memory
        self.on_error = on_error
        self.verbose = verbose
        self.n_jobs = n_jobs

    def _check_params(self):
        _check_size(self.size)

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters; sampling is stateless.

        Parameters
        ----------
        X : array-like of shape (n_trailers,)
            Trailer paths or frame arrays (not read here).
        y : None
            Ignored.

        Returns
        -------
        self : FrameSampler
        """
        self._check_params()
        self.n_features_in_ = 1
        return self

    def transform(self, X):
        """Sampled frames of each trailer.

        Parameters
        ----------
        X : array-like of shape (n_trailers,)
            Video files, frame folders, ``.npy`` files of frames, or frame arrays.

        Returns
        -------
        frames : ndarray of shape (n_trailers,), dtype object
            Each entry an (n_kept, height, width, 3) uint8 array, or ``None`` for a
            trailer skipped under ``on_error="missing"``. With ``n_frames`` set and no
            skipped trailer, ``np.stack(list(frames))`` gives one 5-D array.
        """
        self._check_params()
        trailers = check_trailers(X)
        frames = sample_trailers(
            trailers, n_frames=self.n_frames, every=self.every, size=self.size,
            memory=self.memory, on_error=self.on_error, verbose=self.verbose,
            n_jobs=self.n_jobs,
        )
        out = np.empty(len(frames), dtype=object)
        for i, f in enumerate(frames):
            out[i] = f
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.one_d_array = True
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = False
        return tags
