"""Trailers: frame sampling from video, frame-averaged CNN features, the sliced 3D CNN
and precomputed feature arrays of any width.

Reading trailers (:func:`read_trailer`, :class:`FrameSampler`, :func:`write_video`)
needs neither torch nor, until a video file is decoded, PyAV; the torch-based
estimators (:class:`TrailerEmbedder`, :class:`Trailer3DCNN`, ...) are imported on
first use.
"""

import importlib

from ._decode import write_video
from ._features import TrailerFeatures, check_trailer_column
from ._frames import read_trailer
from ._models import TRAILER_KINDS, make_trailer_model
from ._sampler import FrameSampler
from ._sampling import TrailerReadError, TrailerReadWarning, sample_indices

# Public names whose modules import torch: loaded on first access.
_LAZY = {
    "Conv3DModule": "._cnn3d",
    "Trailer3DCNN": "._cnn3d",
    "slice_trailer": "._cnn3d",
    "slice_trailers": "._cnn3d",
    "TrailerEmbedder": "._embedder",
}

__all__ = [
    "TRAILER_KINDS",
    "Conv3DModule",
    "FrameSampler",
    "Trailer3DCNN",
    "TrailerEmbedder",
    "TrailerFeatures",
    "TrailerReadError",
    "TrailerReadWarning",
    "check_trailer_column",
    "make_trailer_model",
    "read_trailer",
    "sample_indices",
    "slice_trailer",
    "slice_trailers",
    "write_video",
]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
