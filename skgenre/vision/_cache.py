"""A per-item disk cache of feature vectors (one ``.npy`` file per image and extractor)."""

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np

__all__ = ["FeatureCache", "cache_location"]


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


def _digest(text):
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


class FeatureCache:
    """Stores one float32 vector per (extractor, item key) under ``<location>/<namespace>/``.

    Parameters
    ----------
    memory : None, str, path-like or joblib.Memory
        ``None`` (or a Memory without location) disables caching.
    namespace : str
        Identifies the extractor (backbone fingerprint, input size...): vectors of
        different extractors never mix.
    """

    def __init__(self, memory, namespace):
        location = cache_location(memory)
        self.folder = (
            None if location is None
            else location / "skgenre_features" / _digest(namespace)
        )

    @property
    def enabled(self):
        return self.folder is not None

    def _path(self, key):
        digest = _digest(key)
        return self.folder / digest[:2] / f"{digest}.npy"

    def get(self, key):
        """The cached vector of ``key``, or None."""
        if self.folder is None:
            return None
        path = self._path(key)
        try:
            return np.load(path, allow_pickle=False)
        except (OSError, ValueError, EOFError):  # absent, or a torn write: recompute
            return None

    def put(self, key, vector):
        """Store ``vector`` atomically (temporary file, then rename)."""
        if self.folder is None:
            return
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                np.save(handle, np.asarray(vector, dtype=np.float32), allow_pickle=False)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
