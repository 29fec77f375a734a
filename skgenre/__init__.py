"""skgenre: multi-label movie genre classification, the scikit-learn way.

Importing ``skgenre`` is cheap: subpackages (and torch) load on first use.
"""

import importlib

__version__ = "0.3.0.dev0"

_LAZY = {
    "MovieGenreStacker": "skgenre.ensemble",
    "GenreMLP": "skgenre.nn",
    "load_movies": "skgenre.datasets",
    "make_movies": "skgenre.datasets",
    "load_model": "skgenre.io",
    "save_model": "skgenre.io",
    "UntrustedModelError": "skgenre.io",
}
_SUBPACKAGES = [
    "datasets", "ensemble", "metadata", "metrics", "model_selection", "multioutput", "nn",
    "report", "text", "utils", "video", "vision",
]

__all__ = sorted(_LAZY) + _SUBPACKAGES + ["__version__"]


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name in _SUBPACKAGES:
        return importlib.import_module(f"skgenre.{name}")
    raise AttributeError(f"module 'skgenre' has no attribute {name!r}")


def __dir__():
    return __all__
