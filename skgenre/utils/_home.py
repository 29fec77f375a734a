"""Where skgenre keeps files of its own: the data home and the feature cache home.

The one definition of both defaults (``SKGENRE_DATA``, ``SKGENRE_CACHE``); the public
functions are :func:`skgenre.datasets.get_data_home` and :func:`get_cache_home`.
Imports nothing else of skgenre.
"""

import os
from pathlib import Path

__all__ = ["data_home_path", "get_cache_home"]


def data_home_path(data_home=None):
    """The data home's absolute path: ``data_home``, ``$SKGENRE_DATA`` or ``~/skgenre_data``.

    Nothing is created (see :func:`skgenre.datasets.get_data_home`, which creates it).
    """
    if data_home is None:
        data_home = os.environ.get("SKGENRE_DATA") or os.path.join("~", "skgenre_data")
    return os.path.abspath(os.path.expanduser(os.fspath(data_home)))


def get_cache_home(cache_home=None):
    """The folder of the default per-item feature cache.

    In order of precedence: ``cache_home`` when given, the ``SKGENRE_CACHE``
    environment variable when set, else the ``cache`` folder of the data home
    (``$SKGENRE_DATA/cache``, by default ``~/skgenre_data/cache``). It is not created
    here: the first entry written creates it.

    Every estimator that caches frozen per-item features (posters, trailers, sentence
    embeddings) uses it when its ``memory`` is ``None``; ``memory=False`` turns caching
    off, a folder path uses that folder. Entries are ``.npy`` arrays, read with
    ``allow_pickle=False``; ``skgenre cache`` shows the folder's size and clears it.

    Parameters
    ----------
    cache_home : str or path-like, default=None

    Returns
    -------
    cache_home : pathlib.Path
        Absolute path of the folder.

    See Also
    --------
    clear_cache_home : delete its feature entries.
    skgenre.datasets.get_data_home : the data home it lives in by default.

    Examples
    --------
    >>> import os
    >>> from skgenre.utils import get_cache_home
    >>> get_cache_home("/tmp/my_cache").as_posix()
    '/tmp/my_cache'
    """
    if cache_home is None:
        cache_home = os.environ.get("SKGENRE_CACHE") or os.path.join(data_home_path(), "cache")
    return Path(os.path.abspath(os.path.expanduser(os.fspath(cache_home))))
