"""What every trailer reader shares: the errors, which frames to keep, sizes and arrays.

Imports neither PyAV nor torch.
"""

import numbers

import numpy as np

from ..utils._on_error import MediaReadError
from ..utils._video import check_frames

__all__ = [
    "TrailerReadError",
    "TrailerReadWarning",
    "check_frames_array",
    "check_size",
    "sample_indices",
    "sampling",
]


class TrailerReadError(MediaReadError):
    """A trailer (video file, frame folder or ``.npy``) that cannot be read.

    The message names the file, says what is wrong and that ``on_error="missing"``
    treats such trailers as missing; the attributes ``path``, ``reason``, ``modality``
    (``"trailer"``), ``parameter`` (``"on_error"``) and ``fix`` (``{"on_error":
    "missing"}``) hold the same facts (see :class:`~skgenre.utils.MediaReadError`).
    Subclass of :class:`ValueError`.
    """

    modality = "trailer"


class TrailerReadWarning(UserWarning):
    """A trailer was unreadable and, as asked with ``on_error="missing"``, skipped."""


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



def check_size(size):
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



def check_frames_array(frames, source, path=None, *, on_error_applies=True):
    """``frames`` as a (n_frames, height, width, 3) uint8 array, or :class:`TrailerReadError`
    naming ``source`` (the sentence's subject, e.g. ``"Trailer array <path>"``);
    ``on_error_applies=False`` where no ``on_error`` covers the error (its advice)."""
    return check_frames(frames, lambda reason: TrailerReadError(
        path, reason, subject=source, on_error_applies=on_error_applies))


def sampling(n_frames, every):
    """The effective ``(n_frames, every)``: ``every``, when set, overrides ``n_frames``."""
    return (None, every) if every is not None else (n_frames, None)


# The names the other video modules (and _cnn3d) have imported them by.
_check_size = check_size
_check_frames_array = check_frames_array
