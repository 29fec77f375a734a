"""Trailers: frame sampling from video, frame-averaged CNN features and the sliced 3D CNN.

Importing this subpackage imports torch (for the 3D CNN and the frozen backbones); PyAV
is imported only when a video file is decoded.
"""

from ._cnn3d import Conv3DModule, Trailer3DCNN, slice_trailer, slice_trailers
from ._embedder import TrailerEmbedder
from ._frames import (
    FrameSampler,
    TrailerReadError,
    TrailerReadWarning,
    read_trailer,
    sample_indices,
    write_video,
)
from ._models import TRAILER_KINDS, make_trailer_model

__all__ = [
    "TRAILER_KINDS",
    "Conv3DModule",
    "FrameSampler",
    "Trailer3DCNN",
    "TrailerEmbedder",
    "TrailerReadError",
    "TrailerReadWarning",
    "make_trailer_model",
    "read_trailer",
    "sample_indices",
    "slice_trailer",
    "slice_trailers",
    "write_video",
]
