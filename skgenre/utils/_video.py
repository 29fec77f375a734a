"""Writing video files with PyAV, and what the video writer and reader share.

It sits in the bottom layer because two layers write videos: the synthetic catalogue
(:func:`skgenre.datasets.make_movies`) and the trailer modality
(:func:`skgenre.video.write_video`, its test trailers). PyAV is imported when a video
is written; this module never imports torch.
"""

import os

import numpy as np

from ._on_error import MediaReadError

__all__ = ["check_frames", "is_small", "write_video"]

# Frames of at most this many pixels are "small": FFmpeg's threads cost more than they
# save on them, so a small video is decoded, and a small frame converted to a small
# one, by one thread (``benchmarks/trailer.py``; trailers are parallel over files with
# ``n_jobs`` instead). Measured here, 30-frame H.264 files, per file: decoding with
# FFmpeg's default slice threads vs one thread 1,343 vs 1,192 us at 64x64 and 2,370 vs
# 2,079 at 160x120, but 3,155 vs 3,713 at 320x180 and 8,125 vs 11,463 at 640x360;
# converting a 64x64 frame to RGB 23 vs 4 us (PyAV >= 17's scaler starts its threads
# on every call), but a 640x360 one to 224x224 234 vs 319 us.
SMALL_FRAME_PIXELS = 160 * 160


def is_small(height, width):
    """Whether a frame of ``height`` x ``width`` is small (see ``SMALL_FRAME_PIXELS``)."""
    return (height or 0) * (width or 0) <= SMALL_FRAME_PIXELS


def check_frames(frames, error):
    """``frames`` as a uint8 array of shape (n_frames, height, width, 3).

    Float frames in [0, 1] are scaled to [0, 255]; other values are clipped.

    Parameters
    ----------
    frames : array-like
    error : callable
        Called with what is wrong (the end of a sentence whose subject is the array, e.g.
        ``"holds NaN or infinite pixel values"``), it returns the exception to raise (the
        trailer readers make their :class:`~skgenre.video.TrailerReadError`).
    """
    frames = np.asarray(frames)
    if frames.ndim == 2:
        raise error(f"holds per-frame features of shape {frames.shape}, not frames; "
                    "feature arrays are read by TrailerEmbedder")
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.shape[0] == 0:
        raise error(f"must hold frames of shape (n_frames, height, width, 3); got "
                    f"{frames.shape}")
    if frames.dtype != np.uint8:
        if not np.issubdtype(frames.dtype, np.number) and frames.dtype != bool:
            raise error(f"holds {frames.dtype} values, not pixel values")
        if np.issubdtype(frames.dtype, np.floating) and not np.isfinite(frames).all():
            raise error("holds NaN or infinite pixel values")
        if np.issubdtype(frames.dtype, np.floating) and frames.max(initial=0) <= 1.0:
            frames = frames * 255.0
        frames = np.clip(frames, 0, 255).astype(np.uint8)
    return frames


def _video_codec():
    """libx264 when this FFmpeg build has it, else MPEG-4 Part 2."""
    import av

    for name in ("libx264", "mpeg4"):
        try:
            av.codec.Codec(name, "w")
            return name
        except Exception:  # noqa: BLE001 - codec missing from this FFmpeg build
            continue
    raise RuntimeError("PyAV has neither the libx264 nor the mpeg4 encoder.")  # pragma: no cover


def write_video(path, frames, *, fps=24, codec=None, preset=None, crf=None):
    """Encode RGB frames into a video file with PyAV (e.g. to make test trailers).

    Parameters
    ----------
    path : str or path-like
        Output file; the container follows its extension (``.mp4``, ``.mkv``, ...).
    frames : ndarray of shape (n_frames, height, width, 3), dtype uint8
        Height and width must be even for the default codec (yuv420p).
    fps : int, default=24
    codec : str, default=None
        FFmpeg encoder; ``None`` picks ``"libx264"`` (H.264) when this FFmpeg build has
        it, ``"mpeg4"`` otherwise.
    preset : str, default=None
        x264's speed preset (``"ultrafast"`` ... ``"veryslow"``; x264's default
        ``"medium"`` makes B-frames, as most trailers have). Ignored by other encoders.
    crf : int, default=None
        x264's constant quality (0 lossless, 18 visually lossless, x264's default 23).
        Ignored by other encoders.

    Returns
    -------
    path : str

    Examples
    --------
    >>> import numpy as np, os, tempfile
    >>> from skgenre.video import read_trailer, write_video
    >>> path = write_video(os.path.join(tempfile.mkdtemp(), "t.mp4"),
    ...                    np.zeros((10, 16, 16, 3), dtype=np.uint8), fps=10)
    >>> read_trailer(path, n_frames=4).shape
    (4, 16, 16, 3)
    """
    import av

    # No reader's on_error covers frames handed over in memory: the error gives no advice.
    frames = check_frames(frames, lambda reason: MediaReadError(
        None, reason, subject="frames", on_error_applies=False))
    codec = codec or _video_codec()
    options = {k: str(v) for k, v in (("preset", preset), ("crf", crf))
               if v is not None and codec == "libx264"}
    path = os.fspath(path)
    with av.open(path, "w") as container:
        stream = container.add_stream(codec, rate=int(fps))
        stream.height, stream.width = frames.shape[1:3]
        stream.pix_fmt = "yuv420p"
        if options:
            stream.options = options
        if is_small(*frames.shape[1:3]):
            stream.codec_context.thread_count = 1  # see SMALL_FRAME_PIXELS
        for frame in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path
