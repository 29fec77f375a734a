"""Discover skgenre's estimators by walking the package, as scikit-learn's
``sklearn.utils.discovery`` does: a new public estimator is found (and checked by the
common tests) without anyone listing it."""

import importlib
import inspect
import pkgutil
import warnings
from operator import itemgetter
from pathlib import Path

__all__ = ["all_estimators"]

# Modules that define no estimator of skgenre's: the command line, the checks themselves.
_MODULES_TO_IGNORE = {"cli", "estimator_checks", "discovery", "tests"}


def _public_modules():
    root = str(Path(__file__).parent.parent)  # the skgenre package
    yield importlib.import_module("skgenre")
    for _, name, _ in pkgutil.walk_packages(path=[root], prefix="skgenre."):
        parts = name.split(".")
        if "._" in name or any(part in _MODULES_TO_IGNORE for part in parts):
            continue
        yield importlib.import_module(name)


def all_estimators(type_filter=None):
    """Every public estimator class of skgenre, as ``(name, class)`` sorted by name.

    Walks skgenre's public modules (``skgenre.text``, ``skgenre.vision``, ...; private
    ``_``-modules, the command line and the checks are left out) and takes, from each,
    the names of its ``__all__`` (which also names the classes a subpackage imports
    only on first use, those that need torch) that are concrete
    :class:`~sklearn.base.BaseEstimator` subclasses: neither abstract nor base classes
    (a name starting with ``Base``). A class exported by two modules is listed once.

    Parameters
    ----------
    type_filter : {"classifier", "transformer"} or list of such str, default=None
        Keep only the estimators of these types; all of them when None.

    Returns
    -------
    estimators : list of (str, type)

    Raises
    ------
    ValueError
        For an unknown ``type_filter``.

    Examples
    --------
    >>> from skgenre.utils.discovery import all_estimators
    >>> names = [name for name, _ in all_estimators(type_filter="classifier")]
    >>> "MovieGenreStacker" in names and "GenreMLP" in names
    True
    """
    from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin

    filters = {"classifier": ClassifierMixin, "transformer": TransformerMixin}
    wanted = [type_filter] if isinstance(type_filter, str) else list(type_filter or [])
    unknown = [t for t in wanted if t not in filters]
    if unknown:
        raise ValueError(f"type_filter must be 'classifier', 'transformer' or None; got "
                         f"{unknown!r}.")
    found = set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # deprecated names of old homes
        for module in _public_modules():
            for name in getattr(module, "__all__", ()):
                obj = getattr(module, name, None)
                if (inspect.isclass(obj) and issubclass(obj, BaseEstimator)
                        and not inspect.isabstract(obj) and not obj.__name__.startswith("Base")
                        and obj.__module__.startswith("skgenre.")):
                    found.add((obj.__name__, obj))
    if wanted:
        found = {(n, c) for n, c in found if any(issubclass(c, filters[t]) for t in wanted)}
    return sorted(found, key=itemgetter(0))
