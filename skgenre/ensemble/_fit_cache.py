"""The stacker's cache of its base models' work: data, never code.

With ``memory=`` (a folder, or a ``joblib.Memory`` for its location), each base model's
out-of-fold probabilities on each fold are kept as a ``.npy`` file under
``<folder>/skgenre_fits/``, read back with ``allow_pickle=False`` and checked (shape,
dtype, values in [0, 1]); a damaged or mismatched entry counts as absent. A refit
model (a base model fitted on all its movies) is kept as a skgenre model file, read
back by :func:`skgenre.load_model`, which builds only the types on its explicit list.
Nothing there is unpickled, so a file placed in a shared cache folder can at worst
change the numbers of the fits that read it, never run code.

Keys are :func:`joblib.hash` digests (hashing never unpickles) of the estimator's
parameters, the fit's data and targets, the media files' identity (size and mtime) and
this layout's version. Files are written atomically with the umask's permissions; a
folder that cannot be written gives one :class:`CacheWriteWarning` per process and the
fit goes on without it. An entry is written only once its fit has finished, so an
interrupted fit (Ctrl-C) caches nothing half-trained.
"""

import logging
import warnings
from pathlib import Path

import joblib
import numpy as np

from ..utils._cache import (
    FITS_FOLDER,
    CacheWriteWarning,
    cache_location,
    is_unwritable,
    warn_unwritable,
)
from ..utils._files import atomic_write

__all__ = ["CacheWriteWarning", "FITS_FOLDER", "FitCache"]

logger = logging.getLogger(__name__)
# Bumped when the entries' layout or meaning changes: older entries are never read.
_LAYOUT = "skgenre-fits-1"

#: What :meth:`FitCache.get_model` returns for an entry that ``load_model`` refuses (a
#: model holding types not on its list, e.g. a class of one's own): it is neither used
#: nor written again; such a model is refit at every fit.
UNUSABLE = object()

class FitCache:
    """Fold predictions as ``.npy`` files and refit models as skgenre model files.

    Parameters
    ----------
    memory : None, False, str, path-like or joblib.Memory
        The cache folder; ``None``, ``False`` (or a Memory without location) caches
        nothing (the user cache folder that ``None`` means to the embedders holds
        features only). A
        ``joblib.Memory`` is used for its ``location`` only: its ``cache()``, which
        pickles, is never called.
    """

    def __init__(self, memory):
        location = cache_location(memory)
        self.folder = None if location is None else Path(location) / FITS_FOLDER

    @property
    def enabled(self):
        return self.folder is not None

    def key(self, *parts):
        """A digest of ``parts`` (estimators, arrays, frames, file identities)."""
        from .. import __version__

        return joblib.hash((_LAYOUT, __version__, parts))

    def _path(self, key, suffix):
        return self.folder / key[:2] / f"{key}{suffix}"

    # -- fold predictions ---------------------------------------------------------------
    def get_proba(self, key, shape):
        """The probabilities stored under ``key``, or None (absent, damaged, mismatched)."""
        if not self.enabled:
            return None
        path = self._path(key, ".npy")
        try:
            proba = np.load(path, allow_pickle=False)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, EOFError) as exc:  # truncated, garbage, a pickle
            logger.warning("Unreadable cache entry %s (%s); fitting again.", path, exc)
            return None
        if (proba.shape != tuple(shape) or proba.dtype != np.float64
                or not np.all((proba >= 0) & (proba <= 1))):
            logger.warning("Cache entry %s holds %s %s, not probabilities of shape %s; "
                           "fitting again.", path, proba.dtype, proba.shape, tuple(shape))
            return None
        return proba

    def put_proba(self, key, proba):
        if self.enabled:
            self._write(self._path(key, ".npy"),
                        lambda f: np.save(f, np.asarray(proba, dtype=np.float64),
                                          allow_pickle=False))

    # -- refit models -------------------------------------------------------------------
    def get_model(self, key):
        """The refit model stored under ``key``: the model, None (absent) or
        :data:`UNUSABLE` (an entry that does not load: damaged, or naming types that
        :func:`skgenre.load_model`, which builds only the types on its list, refuses).
        """
        if not self.enabled:
            return None
        from .. import UntrustedModelError, load_model

        path = self._path(key, ".skgenre")
        if not path.is_file():
            return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # version notes: the key holds the version
                return load_model(path)
        except UntrustedModelError as exc:  # a model of one's own types: refit each time
            logger.info("Refit model %s not read from the cache (%s).", path, exc)
            return UNUSABLE
        except Exception as exc:  # damaged or foreign: fit again, and write it again
            logger.warning("Unusable cache entry %s (%s); fitting again.", path, exc)
            return None

    def put_model(self, key, model):
        if not self.enabled or is_unwritable(self.folder):
            return
        from .. import save_model

        path = self._path(key, ".skgenre")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            save_model(model, path)  # atomic, with the umask's permissions
        except OSError as exc:
            self._unwritable(exc)
        except Exception as exc:  # a model save_model cannot write as data: not cached
            logger.info("Refit model not cached (%s).", exc)

    # -- writing ------------------------------------------------------------------------
    def _write(self, path, write):
        if is_unwritable(self.folder):
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, write)
        except OSError as exc:  # read-only, full disk, a file where a folder should be
            self._unwritable(exc)

    def _unwritable(self, exc):
        warn_unwritable(
            self.folder,
            f"Cannot write to the cache {self.folder.parent} ({exc}); the fit goes on "
            "without caching there.",
            stacklevel=2,
        )


def cached_fit_predict(fit_predict, cache, estimator, X_train, Y_train, X_test, n_genres,
                       files):
    """``fit_predict()``'s probabilities, from the cache when an entry matches."""
    if not cache.enabled:
        return fit_predict()
    key = cache.key("fold", estimator, X_train, Y_train, X_test, files)
    proba = cache.get_proba(key, (len(X_test), n_genres))
    if proba is None:
        proba = fit_predict()
        cache.put_proba(key, proba)
    return proba


def cached_fit(fit, cache, estimator, X, Y, files, *, models=True):
    """``fit()``'s model, from the cache when ``models`` and an entry matches."""
    if not (cache.enabled and models):
        return fit()
    key = cache.key("refit", estimator, X, Y, files)
    model = cache.get_model(key)
    if model is None or model is UNUSABLE:
        fitted = fit()
        if model is None:
            cache.put_model(key, fitted)
        model = fitted
    return model
