"""Reading trailers of each form, one by one or many at once with the per-trailer cache.

A trailer is given as one of

* a video file path (anything PyAV/FFmpeg can open: mp4, webm, mkv, avi, ...), decoded
  by :mod:`skgenre.video._decode`;
* a folder of frame images, read in natural name order (``frame_2.png`` before
  ``frame_10.png``);
* a ``.npy`` file: a 4-D (n_frames, height, width, 3) array of frames here, or a 2-D
  (n_frames, n_features) array of per-frame features for :class:`TrailerEmbedder`;
* an in-memory (n_frames, height, width, 3) array of frames.

:func:`map_trailers` reads many trailers in threads, caching each result on disk
(:class:`~skgenre.utils.FeatureCache`, keyed on the file's path, size and modification
time plus the reading function and its parameters), so cross-validation folds and grid
search never decode a trailer twice. Imports neither PyAV (until a video is decoded)
nor torch.
"""

import os
import re
import warnings
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs

from ..utils._cache import FeatureCache, file_key
from ..utils._on_error import describe_content, report_unreadable
from ..utils._progress import progress
from ._decode import read_video, write_video
from ._sampling import (
    TrailerReadError,
    TrailerReadWarning,
    _check_frames_array,
    _check_size,
    check_frames_array,
    check_size,
    sample_indices,
    sampling,
)

__all__ = [
    "TrailerReadError",
    "TrailerReadWarning",
    "check_trailers",
    "load_npy",
    "map_trailers",
    "read_trailer",
    "sample_indices",
    "sample_trailers",
    "write_video",
]

# Re-exported for the modules that import them from here.
_REEXPORTED = (_check_frames_array, _check_size, check_frames_array, sampling)

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"})


def _natural_key(name):
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


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
    subject = f"Trailer frame folder {path}"
    if not files:
        raise TrailerReadError(
            path, f"holds no image files ({', '.join(sorted(IMAGE_SUFFIXES))})", subject=subject)
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
            what = describe_content(file, "image") or "cannot be decoded"
            raise TrailerReadError(
                path, f"has a frame image that cannot be read: {files[i]} {what} ({exc})",
                subject=subject) from exc
    shapes = {frame.shape for frame in loaded.values()}
    if len(shapes) > 1:
        raise TrailerReadError(
            path, f"holds frame images of different sizes ({sorted(shapes)[:3]}); pass size= "
            "to resize them", subject=subject)
    return np.stack([loaded[int(i)] for i in indices])


def _read_array(frames, n_frames, every, size, source, path=None):
    frames = check_frames_array(frames, source, path)
    frames = frames[sample_indices(len(frames), n_frames=n_frames, every=every)]
    return _resize_array(frames, size)


def load_npy(path):
    """The array in a ``.npy`` trailer file (memory-mapped), or :class:`TrailerReadError`."""
    try:
        return np.load(path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError) as exc:
        if "object" in str(exc).lower():  # numpy's words for an array of Python objects
            reason = ("holds Python objects (dtype object), not numbers: such files are not "
                      "read, as loading them could run code")
        else:
            reason = f"is not a readable .npy file ({exc})"
        raise TrailerReadError(path, reason, subject=f"Trailer array {path}") from exc


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
    size = check_size(size)
    if isinstance(trailer, np.ndarray):
        return _read_array(trailer, n_frames, every, size, "The trailer array")
    path = os.fspath(trailer)
    if os.path.isdir(path):
        return _read_folder(path, n_frames, every, size)
    if not os.path.exists(path):
        raise FileNotFoundError(f"Trailer file not found: {path}")
    if path.lower().endswith(".npy"):
        return _read_array(load_npy(path), n_frames, every, size, f"Trailer array {path}",
                           path)
    return read_video(path, n_frames, every, size)


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


def _frames_for(trailer, n_frames, every, size):
    return read_trailer(trailer, n_frames=n_frames, every=every, size=size)


def _read_cached(cache, func, trailer, params, shape, dtype):
    """``func(trailer, **params)``, from ``cache`` when it holds a valid entry."""
    if not cache.enabled or isinstance(trailer, np.ndarray):  # arrays are never cached
        return func(trailer, **params)
    path = os.fspath(trailer)
    if not os.path.exists(path):
        raise FileNotFoundError(f"Trailer file not found: {path}")
    # taken before reading: a file edited meanwhile gets another key, so what was read
    # here is never served for the edited file
    key = file_key(path)
    result = cache.get(key, shape=shape, dtype=dtype)
    if result is None:
        result = func(trailer, **params)
        if dtype is not None:
            result = np.asarray(result, dtype=dtype)
        cache.put(key, result)
    return result


def _call_or_error(cache, func, trailer, params, shape, dtype):
    try:
        return _read_cached(cache, func, trailer, params, shape, dtype)
    except (TrailerReadError, FileNotFoundError) as exc:
        return exc  # raised or warned about in input order by map_trailers


def _fingerprint(func, params, ignore):
    """The cache namespace of ``func`` with ``params`` (those in ``ignore`` left out)."""
    keyed = ", ".join(f"{k}={v!r}" for k, v in sorted(params.items()) if k not in ignore)
    return f"{func.__module__}.{func.__qualname__}({keyed})"


def _stop(results):
    """Cancel the reads still running: closed here, in the thread that started them,
    without joblib's warnings that their results go unused (the point of stopping)."""
    if hasattr(results, "close"):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning, module="joblib")
            results.close()


def map_trailers(func, trailers, *, memory=None, on_error="raise", verbose=0, n_jobs=None,
                 desc="Reading trailers", skipped="Treated as no trailer.", ignore=(),
                 shape=None, dtype=None, **params):
    """``func(trailer, **params)`` for each trailer, in order, cached per trailer.

    Trailers are read in ``n_jobs`` threads (joblib's threading backend): PyAV releases
    the GIL while it decodes and converts frames, so each thread decodes its own video.
    An unreadable trailer raises (``on_error="raise"``, the first failing one in input
    order) or, with ``on_error="missing"``, warns (:class:`TrailerReadWarning`, the
    message ending with ``skipped``) and gives ``None``.

    With ``memory``, each trailer file's result is stored in a
    :class:`~skgenre.utils.FeatureCache` keyed on the file's path, size and mtime and
    on ``func``'s name and the ``params`` not named in ``ignore`` (large objects whose
    identity another parameter encodes, such as a backbone). A cached entry is used only
    if it has ``shape`` (``None`` entries match any length) and ``dtype``; a damaged or
    mismatched one is recomputed. In-memory arrays and failures are never cached.
    """
    cache = FeatureCache(memory, _fingerprint(func, params, ignore))
    n_jobs = effective_n_jobs(n_jobs)
    if n_jobs == 1 or len(trailers) < 2:
        results = (_call_or_error(cache, func, t, params, shape, dtype) for t in trailers)
    else:
        results = Parallel(n_jobs=n_jobs, prefer="threads", return_as="generator")(
            delayed(_call_or_error)(cache, func, t, params, shape, dtype)
            for t in trailers
        )
    out = []
    bar = progress(results, verbose=verbose and len(trailers) > 1, desc=desc,
                   unit="trailer", total=len(trailers))
    for trailer, result in zip(trailers, bar):
        if isinstance(result, Exception):
            if on_error == "raise":
                _stop(results)
                raise result
            report_unreadable([trailer])
            # the problem without its advice: on_error="missing" is what is set
            warnings.warn(f"{getattr(result, 'problem', result)} {skipped}",
                          TrailerReadWarning, stacklevel=3)
            result = None
        out.append(result)
    return out


def sample_trailers(trailers, *, n_frames, every, size, memory, on_error, verbose,
                    n_jobs=None, desc="Sampling frames"):
    """Frames of many trailers; ``None`` for those skipped under ``on_error="missing"``."""
    n_frames, every = sampling(n_frames, every)
    size = check_size(size)
    shape = (n_frames, *(size or (None, None)), 3)
    return map_trailers(_frames_for, trailers, memory=memory, on_error=on_error,
                        verbose=verbose, n_jobs=n_jobs, desc=desc, shape=shape,
                        dtype=np.uint8, n_frames=n_frames, every=every, size=size)

