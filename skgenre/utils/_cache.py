"""The one per-item feature cache: one ``.npy`` file per (extractor, item).

An item is a file (a poster image, a trailer video, a frame folder, a ``.npy``) or an
in-memory object; its key is the file's identity (absolute path, size and modification
time in nanoseconds; for a folder, each file's) or a digest of its content, and the
extractor's fingerprint (weights, input size, sampling parameters...) names the cache's
namespace. Writes are atomic (a temporary file renamed into place), so concurrent
processes sharing a cache never see a torn entry; a read checks the entry's shape and
dtype, and a damaged or mismatched entry (a truncated ``.npy``, another extractor's
layout) counts as absent and is recomputed. A folder that cannot be written (read-only,
a full disk) gives one :class:`CacheWriteWarning` and the features are computed without
it. Entries are plain ``.npy`` arrays, read with ``allow_pickle=False``, and files are
created with the user's umask. Imports neither torch nor the rest of skgenre.

The frozen embedders cache by default (``memory=None``) in the user cache folder,
:func:`~skgenre.utils.get_cache_home`; ``memory=False`` turns caching off.
"""

import contextlib
import contextvars
import hashlib
import logging
import os
import shutil
import threading
import warnings
from pathlib import Path

import numpy as np

from ._files import atomic_write
from ._home import get_cache_home

__all__ = ["CacheWriteWarning", "FeatureCache", "cache_location", "cache_usage",
           "clear_cache_home", "default_memory", "feature_memo", "file_key",
           "memory_constraint", "text_key"]

logger = logging.getLogger(__name__)

# Bumped when the layout of the entries changes: older entries are then never read.
_LAYOUT = "skgenre-features-1"
#: The folder of the per-item entries inside a cache folder.
FEATURES_FOLDER = "skgenre_features"
#: The text file naming a namespace's extractor (for ``skgenre cache``); never executed.
_DESCRIPTION = "extractor.txt"


#: The folder of the stacker's fold predictions and refit models inside a cache folder
#: (:mod:`skgenre.ensemble._fit_cache`).
FITS_FOLDER = "skgenre_fits"


class CacheWriteWarning(UserWarning):
    """A cache folder cannot be written (read-only, full, a file in the way): features
    are computed, and base models fitted, without caching there; said once per folder
    and process. The feature cache and the stacker's fit cache both give it.

    Like :class:`~skgenre.utils.InputError`, it holds its facts as attributes:
    ``problem`` (the message without advice) and ``parameter`` (``"memory"``, the one
    that names the folder), so that a command line names its own flag.
    """

    def __init__(self, problem, advice="Give memory= a writable folder."):
        self.problem, self.parameter, self.fix = problem, "memory", {}
        super().__init__(f"{problem} {advice}")


_UNWRITABLE = set()  # folders whose writes failed in this process: not tried again
_UNWRITABLE_LOCK = threading.Lock()


def is_unwritable(folder):
    """Whether a write into ``folder`` failed earlier in this process."""
    return str(folder) in _UNWRITABLE


def warn_unwritable(folder, problem, *, advice="Give memory= a writable folder.", stacklevel):
    """Record ``folder`` as unwritable and warn ``problem`` and ``advice`` (a
    :class:`CacheWriteWarning`), once per folder and process."""
    with _UNWRITABLE_LOCK:
        if str(folder) in _UNWRITABLE:
            return
        _UNWRITABLE.add(str(folder))
    warnings.warn(CacheWriteWarning(problem, advice), stacklevel=stacklevel + 1)


def memory_constraint():
    """The ``_parameter_constraints`` entry of a ``memory`` parameter: ``None`` (the
    user cache folder, or no cache for cheap features), ``False`` (no cache), a folder
    path or a ``joblib.Memory``."""
    from ._sklearn_compat import HasMethods, Options

    return [None, Options(bool, {False}), str, os.PathLike, HasMethods(["cache"])]


def default_memory(memory):
    """``memory`` with ``None`` meaning the user cache folder, ``False`` no cache.

    What the frozen embedders (posters, trailers, sentence embeddings) do with their
    ``memory`` parameter: their per-item features are cached by default.

    Parameters
    ----------
    memory : None, False, str, path-like or joblib.Memory

    Returns
    -------
    memory : False, str, path-like or joblib.Memory
        :func:`get_cache_home` for ``None``; anything else unchanged.
    """
    return get_cache_home() if memory is None else memory


def cache_location(memory):
    """The folder that ``memory`` (None, False, a path or a ``joblib.Memory``) points to.

    Returns
    -------
    location : pathlib.Path or None
        None for ``None`` and ``False`` (no folder).

    Raises
    ------
    TypeError
        If ``memory`` is of another type.
    """
    if memory is None or memory is False:
        return None
    if isinstance(memory, (str, os.PathLike)):
        return Path(memory)
    location = getattr(memory, "location", "missing")
    if location != "missing" and hasattr(memory, "cache"):  # a joblib.Memory
        return None if location is None else Path(location)
    raise TypeError(
        f"memory must be None, False, a folder path or a joblib.Memory; got "
        f"{type(memory).__name__}."
    )


def file_key(path):
    """What identifies a file's content: its absolute path, size, mtime and ctime (ns).

    The change time is there for files replaced by a copy that keeps the size and
    modification time (``cp -p``, ``rsync -a``, an archive extracted again): no program
    can set it back, so such a file gets a new key rather than a stale entry. For a
    folder: its path and each visible file's name, size, mtime and ctime.

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
        listing = ";".join(f"{e.name}:{_stat_key(e.stat())}" for e in entries)
        return f"folder:{path}:{listing}"
    return f"file:{path}:{_stat_key(os.stat(path))}"


def _stat_key(stat):
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}"


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
    """Within the block, every :class:`FeatureCache` entry is also kept in memory.

    :class:`~skgenre.MovieGenreStacker` fits each base model ``cv + 1`` times on
    overlapping movies. Without a cache folder (``memory=False``) the frozen features
    of a poster, a plot or a trailer (colour statistics, a pretrained network's
    embedding, decoded frames) would be computed that many times; with one, each entry
    would be read from disk that many times (12 reads per movie for the "best"
    preset's plots and posters). In this block each is computed, or read, once; the
    memory copies do not outlive it, and nothing more is written to disk. A block
    inside another uses the outer one. Threads and processes that joblib starts do not
    see it (they compute as without it).

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
    memory : None, False, str, path-like or joblib.Memory
        The cache folder (a ``joblib.Memory``'s location); ``None``, ``False`` or a
        Memory without location disables caching: ``get`` finds nothing and ``put``
        stores nothing, except inside a :func:`feature_memo` block (entries then live
        in memory until the block ends). The estimators that cache by default pass
        :func:`default_memory` of their ``memory``.
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
            else location / FEATURES_FOLDER / _digest(f"{_LAYOUT}:{fingerprint}")
        )

    @property
    def enabled(self):
        """Whether entries are read and written at all."""
        return self.folder is not None or _MEMO.get() is not None

    @property
    def writable(self):
        """Whether entries go to the folder (no earlier write there failed)."""
        return self.folder is not None and not is_unwritable(self.folder.parent)

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
        memo = _MEMO.get()
        if memo is not None:
            array = memo.get((self.fingerprint, key))
            if array is not None:
                return array if _matches(array, shape, dtype) else None
        if self.folder is None:
            return None
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
        if memo is not None:  # read each entry from disk once per block
            memo.put((self.fingerprint, key), array)
        return array

    def put(self, key, array):
        """Store ``array`` under ``key`` atomically (a temporary file, then a rename).

        A folder that cannot be written warns once (:class:`CacheWriteWarning`) and is
        not tried again by this process. Inside a :func:`feature_memo` block the entry
        is kept in memory too, with a folder or without one, so each item is computed
        once per block.
        """
        if self.writable:
            try:
                self._write(self.path(key), array)
            except OSError as exc:  # read-only, full disk, a file where a folder should be
                self._unwritable(exc)
        memo = _MEMO.get()
        if memo is not None:
            memo.put((self.fingerprint, key), array)

    def _write(self, path, array):
        if not path.parent.is_dir():
            new_namespace = not self.folder.is_dir()
            path.parent.mkdir(parents=True, exist_ok=True)
            if new_namespace:
                self._describe()
        # with the umask's permissions, so a shared cache is readable by the group the
        # umask lets in
        atomic_write(path, lambda handle: np.save(handle, np.asarray(array),
                                                  allow_pickle=False))

    def _describe(self):
        """Name the extractor in a text file beside its entries (for ``skgenre cache``)."""
        with contextlib.suppress(OSError):
            (self.folder / _DESCRIPTION).write_text(self.fingerprint + "\n", encoding="utf-8")

    def _unwritable(self, exc):
        warn_unwritable(
            self.folder.parent,
            f"Cannot write to the feature cache {self.folder.parent.parent} ({exc}); "
            "features are computed without it.",
            advice="Give memory= a writable folder, or memory=False to turn the cache off.",
            stacklevel=4,
        )

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


def cache_usage(memory=None):
    """What a feature cache folder holds, per extractor.

    Parameters
    ----------
    memory : None, str, path-like or joblib.Memory, default=None
        The cache folder; ``None`` means the user cache folder
        (:func:`~skgenre.utils.get_cache_home`).

    Returns
    -------
    usage : list of dict
        One dict per extractor (namespace): ``extractor`` (its fingerprint, as written
        beside its entries; ``"?"`` for entries of an older skgenre), ``entries``
        (number of ``.npy`` files) and ``bytes``, largest first. The stacker's cached
        base models (``skgenre_fits``, see :ref:`caching`) are one more dict, their
        ``extractor`` ``"base models (fold predictions and refits)"``.
    """
    location = cache_location(default_memory(memory))
    usage = []
    if location is None:
        return usage
    fits = location / FITS_FOLDER
    if fits.is_dir():
        entries, total = _folder_size(fits, lambda name: name.endswith((".npy", ".skgenre")))
        usage.append({"extractor": "base models (fold predictions and refits)",
                      "entries": entries, "bytes": total})
    root = location / FEATURES_FOLDER
    for namespace in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else ():
        entries, total = _folder_size(namespace, lambda name: name.endswith(".npy"))
        try:
            extractor = (namespace / _DESCRIPTION).read_text(encoding="utf-8").strip()
        except OSError:
            extractor = "?"
        usage.append({"extractor": extractor, "entries": entries, "bytes": total})
    return sorted(usage, key=lambda u: -u["bytes"])


def clear_cache_home(cache_home=None):
    """Delete what skgenre cached in a cache folder (and nothing else there).

    Parameters
    ----------
    cache_home : str or path-like, default=None
        The cache folder; ``None`` means :func:`~skgenre.utils.get_cache_home`. Its
        ``skgenre_features`` folder (per-item features) and ``skgenre_fits`` folder
        (the fold predictions and refit base models that
        :class:`~skgenre.MovieGenreStacker` caches when given a folder) are removed,
        and a ``joblib`` folder left by an earlier skgenre; other files there are left
        alone.

    Returns
    -------
    freed : int
        Bytes removed.
    """
    location = get_cache_home(cache_home)
    freed = 0
    for name in (FEATURES_FOLDER, FITS_FOLDER, "joblib"):
        folder = location / name
        if folder.is_dir():
            freed += _folder_size(folder, lambda name: True)[1]
            shutil.rmtree(folder)
    return freed


def _folder_size(folder, wanted):
    """``(files, bytes)`` of the files under ``folder`` whose name ``wanted`` accepts."""
    count = total = 0
    for dirpath, _, files in os.walk(folder):
        for name in files:
            if wanted(name):
                count += 1
                with contextlib.suppress(OSError):
                    total += os.stat(os.path.join(dirpath, name)).st_size
    return count, total
