"""The one per-item feature cache: one ``.npy`` file per (extractor, item).

An item is a file (a poster image, a trailer video, a frame folder, a ``.npy``) or an
in-memory object; its key is the file's identity (absolute path, size and modification
time in nanoseconds; for a folder, each file's) or a digest of its content, and the
extractor's fingerprint (weights, input size, sampling parameters...) names the cache's
namespace. Writes are atomic (a temporary file renamed into place), so concurrent
processes sharing a cache never see a torn entry; a read checks the entry's shape and
dtype, and a damaged or mismatched entry (a truncated ``.npy``, another extractor's
layout) counts as absent and is recomputed. Imports neither torch nor the rest of
skgenre.
"""

import contextlib
import contextvars
import hashlib
import logging
import os
import tempfile
from pathlib import Path

import numpy as np

__all__ = ["FeatureCache", "cache_location", "feature_memo", "file_key", "text_key"]

logger = logging.getLogger(__name__)

# Bumped when the layout of the entries changes: older entries are then never read.
_LAYOUT = "skgenre-features-1"


def cache_location(memory):
    """The folder that ``memory`` (None, a path or a ``joblib.Memory``) points to, or None.

    Raises
    ------
    TypeError
        If ``memory`` is of another type.
    """
    if memory is None:
        return None
    if isinstance(memory, (str, os.PathLike)):
        return Path(memory)
    location = getattr(memory, "location", "missing")
    if location != "missing" and hasattr(memory, "cache"):  # a joblib.Memory
        return None if location is None else Path(location)
    raise TypeError(
        f"memory must be None, a folder path or a joblib.Memory; got {type(memory).__name__}."
    )


def file_key(path):
    """What identifies a file's content: its absolute path, size and mtime (ns).

    For a folder: its path and each visible file's name, size and mtime.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    key : str

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    """
    path = os.path.abspath(os.fspath(path))
    if os.path.isdir(path):
        entries = sorted(
            (e for e in os.scandir(path) if e.is_file() and not e.name.startswith(".")),
            key=lambda e: e.name,
        )
        listing = ";".join(
            f"{e.name}:{e.stat().st_size}:{e.stat().st_mtime_ns}" for e in entries
        )
        return f"folder:{path}:{listing}"
    stat = os.stat(path)
    return f"file:{path}:{stat.st_size}:{stat.st_mtime_ns}"


class _Memo:
    """Entries kept in memory, up to ``max_bytes`` (later ones are not kept)."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.nbytes = 0
        self.entries = {}

    def get(self, key):
        array = self.entries.get(key)
        return None if array is None else array.copy()  # callers may write into it

    def put(self, key, array):
        if key in self.entries:
            return
        array = np.array(array)
        if self.nbytes + array.nbytes <= self.max_bytes:
            self.entries[key] = array
            self.nbytes += array.nbytes


_MEMO = contextvars.ContextVar("skgenre_feature_memo", default=None)


@contextlib.contextmanager
def feature_memo(max_bytes=512 * 2**20):
    """Within the block, a :class:`FeatureCache` without a folder keeps entries in memory.

    :class:`~skgenre.MovieGenreStacker` fits each base model ``cv + 1`` times on
    overlapping movies; without a cache folder (``memory=None``) the frozen features of
    a poster, a plot or a trailer (colour statistics, a pretrained network's embedding,
    decoded frames) would be computed that many times. In this block they are computed
    once; nothing outlives it, and nothing is written to disk. A block inside another
    uses the outer one. Threads and processes that joblib starts do not see it (they
    compute as without it).

    Parameters
    ----------
    max_bytes : int, default=512 MiB
        Entries beyond this total are computed again rather than kept.

    Examples
    --------
    >>> import numpy as np
    >>> from skgenre.utils import FeatureCache
    >>> from skgenre.utils._cache import feature_memo
    >>> with feature_memo():
    ...     FeatureCache(None, "my-extractor-v1").put("item", np.ones(2))
    ...     FeatureCache(None, "my-extractor-v1").get("item")
    array([1., 1.])
    >>> FeatureCache(None, "my-extractor-v1").get("item") is None  # gone after the block
    True
    """
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set(_Memo(max_bytes))
    try:
        yield
    finally:
        _MEMO.reset(token)


def _digest(text):
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def text_key(text):
    """What identifies a text's content: a digest of it (for per-text features)."""
    return f"text:{_digest(text)}"


def _matches(array, shape, dtype):
    if dtype is not None and array.dtype != np.dtype(dtype):
        return False
    if shape is None:
        return True
    return array.ndim == len(shape) and all(
        want is None or have == want for have, want in zip(array.shape, shape))


class FeatureCache:
    """One array per (extractor, item key) under ``<location>/skgenre_features/``.

    Parameters
    ----------
    memory : None, str, path-like or joblib.Memory
        The cache folder (a ``joblib.Memory``'s location); ``None``, or a Memory without
        location, disables caching: ``get`` finds nothing and ``put`` stores nothing,
        except inside a :func:`feature_memo` block (entries then live in memory until
        the block ends).
    fingerprint : str
        Identifies the extractor (class, weights digest, input size, sampling
        parameters...): entries of different extractors never mix.

    Examples
    --------
    >>> import numpy as np, tempfile
    >>> from skgenre.utils import FeatureCache
    >>> cache = FeatureCache(tempfile.mkdtemp(), "my-extractor-v1")
    >>> cache.put("file:/posters/a.jpg:1234:5678", np.ones(3, dtype=np.float32))
    >>> cache.get("file:/posters/a.jpg:1234:5678", shape=(3,), dtype=np.float32)
    array([1., 1., 1.], dtype=float32)
    >>> cache.get("file:/posters/a.jpg:1234:5678", shape=(4,)) is None  # another layout
    True
    """

    def __init__(self, memory, fingerprint):
        location = cache_location(memory)
        self.fingerprint = fingerprint
        self.folder = (
            None if location is None
            else location / "skgenre_features" / _digest(f"{_LAYOUT}:{fingerprint}")
        )

    @property
    def enabled(self):
        """Whether entries are read and written at all."""
        return self.folder is not None or _MEMO.get() is not None

    def path(self, key):
        """The file of ``key``'s entry."""
        digest = _digest(key)
        return self.folder / digest[:2] / f"{digest}.npy"

    def get(self, key, *, shape=None, dtype=None):
        """The cached array of ``key``, or None when absent, damaged or of another layout.

        Parameters
        ----------
        key : str
        shape : tuple of int or None, default=None
            The expected shape; ``None`` entries match any length on that axis.
        dtype : dtype, default=None
            The expected dtype.

        Returns
        -------
        array : ndarray or None
        """
        if self.folder is None:
            memo = _MEMO.get()
            array = None if memo is None else memo.get((self.fingerprint, key))
            return array if array is not None and _matches(array, shape, dtype) else None
        path = self.path(key)
        try:
            array = np.load(path, allow_pickle=False)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, EOFError) as exc:  # truncated or garbage: recompute
            logger.warning("Damaged feature cache entry %s (%s); recomputing it.", path, exc)
            return None
        if not _matches(array, shape, dtype):
            logger.warning(
                "Feature cache entry %s holds %s %s, not the expected %s %s; recomputing it.",
                path, array.dtype, array.shape, dtype, shape,
            )
            return None
        return array

    def put(self, key, array):
        """Store ``array`` under ``key`` atomically (a temporary file, then a rename)."""
        if self.folder is None:
            memo = _MEMO.get()
            if memo is not None:
                memo.put((self.fingerprint, key), array)
            return
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                np.save(handle, np.asarray(array), allow_pickle=False)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def lookup(self, items, key, width, dtype=np.float32):
        """The rows of ``items`` found in the cache, and those still to compute.

        Parameters
        ----------
        items : sequence
        key : callable
            ``key(item)`` -> the item's key (e.g. :func:`file_key` of its path); not
            called when caching is off.
        width : int
            Features per item.
        dtype : dtype, default=np.float32

        Returns
        -------
        out : ndarray of shape (len(items), width)
            Zeros, with the cached rows filled in.
        keys : list of str or None
            The items' keys (None when caching is off), for :meth:`put_rows`.
        todo : list of int
            The rows found in no entry (of that width and dtype), in order.
        """
        out = np.zeros((len(items), width), dtype=dtype)
        if not self.enabled:
            return out, None, list(range(len(items)))
        keys = [key(item) for item in items]
        todo = []
        for i, item_key in enumerate(keys):
            row = self.get(item_key, shape=out.shape[1:], dtype=out.dtype)
            if row is None:
                todo.append(i)
            else:
                out[i] = row
        return out, keys, todo

    def put_rows(self, keys, out, rows):
        """Store ``out[i]`` under ``keys[i]`` for each ``i`` in ``rows`` (when enabled).

        ``keys`` and ``out`` are what :meth:`lookup` returned, ``out`` since filled in.
        """
        if self.enabled:
            for i in rows:
                self.put(keys[i], out[i])
