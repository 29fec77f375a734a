"""The default base model of each modality, as measured best in its own issue."""

import logging
import warnings

from ..datasets._format import METADATA_INPUT_COLUMNS, PLOT_COLUMN, POSTER_COLUMN, TRAILER_COLUMN
from ..utils import is_missing

logger = logging.getLogger(__name__)

__all__ = ["default_estimators", "MODALITIES"]

#: Modality name -> (column spec, "module:factory") of the default base models.
MODALITIES = {
    "text": (PLOT_COLUMN, "skgenre.text:make_text_model"),
    "poster": (POSTER_COLUMN, "skgenre.vision:make_poster_model"),
    "trailer": (TRAILER_COLUMN, "skgenre.video:make_trailer_model"),
    "metadata": (list(METADATA_INPUT_COLUMNS), "skgenre.metadata:make_metadata_model"),
}


def _factory(path):
    import importlib

    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)


def default_estimators(X, *, random_state=None, memory=None):
    """``(name, estimator, columns)`` for each modality present in ``X``.

    A modality is present when its column(s) exist and at least one movie has a value.
    ``memory`` is handed to the modalities whose features are heavy (posters, trailers).
    """
    out = []
    for name, (columns, factory) in MODALITIES.items():
        if isinstance(columns, list):
            columns = [c for c in columns if c in X.columns]
            if not columns or all(is_missing(X[c]).all() for c in columns):
                continue
        elif columns not in X.columns or is_missing(X[columns]).all():
            continue
        kwargs = {"random_state": random_state}
        if name in ("poster", "trailer"):
            kwargs["memory"] = memory
        try:
            estimator = _factory(factory)(**kwargs)
        except ImportError as exc:  # an optional extra (e.g. PyAV for trailers) is missing
            warnings.warn(f"Skipping the {name} modality: {exc}", UserWarning, stacklevel=3)
            continue
        out.append((name, estimator, columns))
    return out
