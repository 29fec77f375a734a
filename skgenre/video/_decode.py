"""Decoding video files with PyAV (FFmpeg): the trailer decoding path.

A video is decoded once, sequentially, stopping after the last wanted frame. Packets of
unwanted frames that no other frame references (B-frames, about half of a typical H.264
trailer) are not decoded at all; frames are then named by their timestamps, and a video
whose timestamps cannot name them (variable frame rate, no frame count) is decoded frame
by frame instead. Only the wanted frames are converted to RGB and resized by FFmpeg's
scaler (area averaging), in batches, through one scaler context per thread reused
across videos. Small videos (up to 160x160) are decoded and converted by one FFmpeg
thread, larger ones with FFmpeg's default slice threads; FFmpeg's frame threading was
slower at every size measured (64x64 to 1280x720) on two cores, and many trailers are
decoded in parallel threads (``n_jobs``) instead.

A video that decodes to fewer than ``TRUNCATED_FRACTION`` of the frames its header
declares (its frame count, or its duration times its frame rate where the container
has no count, as in Matroska/WebM) is truncated: :class:`TrailerReadError` names the
file, whichever path read it.

PyAV is imported when a video is opened; this module never imports torch.
"""

import logging
import os
import re
import threading

import numpy as np

from ..utils._on_error import describe_content
from ..utils._video import is_small, write_video
from ._sampling import TrailerReadError, sample_indices

__all__ = ["TRUNCATED_FRACTION", "read_video", "write_video"]  # write_video: utils/_video.py

logger = logging.getLogger(__name__)

# A video decoding to less than this share of the frames its header declares is
# truncated (an error); a smaller shortfall is an inexact header and is re-sampled.
TRUNCATED_FRACTION = 0.9

# One FFmpeg scaler per thread, reused across videos: building a scaler context costs
# about 1.4 ms (swscale 9), as much as decoding twenty 64x64 frames, and the scaler
# re-initialises itself only when the frame format or size changes.
_SCALERS = threading.local()


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
        reason = describe_content(path, "video")
        if reason is None:
            with open(path, "rb") as handle:
                mp4 = handle.read(8)[4:8] == b"ftyp"
            what = ("is truncated or damaged: it starts as an MP4/MOV video but FFmpeg "
                    "cannot open it" if mp4 else
                    "is not a video FFmpeg can read (damaged, or another kind of file)")
            reason = f"{what} ({getattr(exc, 'strerror', None) or exc})"
        raise TrailerReadError(path, reason) from exc


def _reformatter():
    reformatter = getattr(_SCALERS, "reformatter", None)
    if reformatter is None:
        from av.video.reformatter import VideoReformatter

        reformatter = _SCALERS.reformatter = VideoReformatter()
    return reformatter


def _declared_frames(container, stream):
    """The frames a video's header declares, and how it says so (``0, ""`` when it does not).

    Its frame count (MP4, AVI), else its duration times its frame rate: Matroska/WebM
    store no count but a duration, which a truncated file keeps. The container's
    duration is used only when the video is its one stream (an audio track may run
    longer than the video).
    """
    if stream.frames:
        return int(stream.frames), f"{int(stream.frames)} frames"
    rate = stream.average_rate or stream.guessed_rate
    if not rate:
        return 0, ""
    seconds = None
    if stream.duration and stream.time_base:
        seconds = float(stream.duration * stream.time_base)
    else:
        tag = next((v for k, v in stream.metadata.items() if k.upper() == "DURATION"), "")
        match = re.fullmatch(r"(\d+):(\d+):(\d+(?:\.\d*)?)", tag.strip())
        if match:
            hours, minutes, secs = match.groups()
            seconds = 3600 * int(hours) + 60 * int(minutes) + float(secs)
        elif container.duration and len(container.streams) == 1:
            seconds = container.duration / 1_000_000  # AV_TIME_BASE
    if not seconds:
        return 0, ""
    n = int(round(seconds * float(rate)))
    return n, f"a duration of {seconds:g} s at {float(rate):g} fps ({n} frames)"


def _truncated(path, declared, n_found):
    what = declared[1]
    return TrailerReadError(
        path, f"is truncated: its header declares {what} but only {n_found} decode")


def _count_packets(path):
    """Frames of a video whose header has no count: one demuxed packet per frame.

    Raises :class:`TrailerReadError` when they fall short of the header's duration.
    """
    import av

    with _open_video(path) as container:
        stream = container.streams.video[0]
        try:
            n = sum(1 for packet in container.demux(stream) if packet.size)
        except av.FFmpegError as exc:
            raise TrailerReadError(path, f"is corrupt: {exc}") from exc
        declared = _declared_frames(container, stream)
    if n and n < TRUNCATED_FRACTION * declared[0]:
        raise _truncated(path, declared, n)
    return n


# Small frames (``SMALL_FRAME_PIXELS``) are decoded and converted by one thread.

# Whether this PyAV's VideoReformatter.reformat takes ``threads`` (added with its
# sws_scale_frame scaler; older versions scale in one thread anyway).
_SCALER_THREADS = [True]

# Decoded frames wait, as FFmpeg frames, until this many bytes of them are held, then
# are converted in one go: converting each right after decoding it ran ~2x slower at
# 64x64 (the decoder evicts the scaler's tables from the CPU caches between two
# frames). A 64x64 trailer converts once at the end; a 1080p one each frame at once.
_PENDING_BYTES = 4 << 20


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
        self.one_thread = is_small(context.height, context.width) and (
            size is None or is_small(*size))
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
    if len(seen) < TRUNCATED_FRACTION * _declared_frames(container, stream)[0]:
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
            raise TrailerReadError(path, "has no video stream")
        stream = container.streams.video[0]
        context = stream.codec_context
        if is_small(context.height, context.width):
            context.thread_count = 1  # see SMALL_FRAME_PIXELS
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
            path, f"is corrupt or truncated: decoding failed after {n_decoded} frames: {exc}"
        ) from exc
    if n_decoded == 0:
        raise TrailerReadError(path, "has no decodable video frames")
    stopped_early = last is not None and n_decoded == last + 1
    if not stopped_early:
        declared = _declared_frames(container, stream)
        if n_decoded < TRUNCATED_FRACTION * declared[0]:
            raise _truncated(path, declared, n_decoded)
    if indices is None:
        return kept.frames(sorted(kept.indices())), n_decoded
    if last >= n_decoded:
        return None, n_decoded  # fewer frames than the header said: re-sample
    return kept.frames(indices), n_decoded


def read_video(path, n_frames=None, every=None, size=None):
    """Sampled frames of a video file (see :func:`~skgenre.video.read_trailer`).

    Parameters
    ----------
    path : str or path-like
    n_frames, every : int, default=None
        See :func:`~skgenre.video.sample_indices`.
    size : (height, width) or None, default=None

    Returns
    -------
    frames : ndarray of shape (n_kept, height, width, 3), dtype uint8

    Raises
    ------
    TrailerReadError
        If the file is empty, not a video, corrupt or truncated (the message names it).
    """
    path = os.fspath(path)
    frames, n_total = _decode_video(path, n_frames, every, size)
    if frames is None:
        if n_total is None:
            n_total = _count_packets(path)
            if n_total == 0:
                raise TrailerReadError(path, "has no video frames")
        else:
            logger.info("%s: fewer decodable frames (%d) than the header says; re-sampling.",
                        path, n_total)
        frames, n_decoded = _decode_video(path, n_frames, every, size, n_total=n_total)
        if frames is None:  # still short (a packet without a frame): use what decodes
            frames, _ = _decode_video(path, n_frames, every, size, n_total=n_decoded)
    return np.stack(frames)
