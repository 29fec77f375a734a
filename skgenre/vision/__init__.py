"""Poster modality: image loading, CNN backbones, frozen embedder and fine-tuned CNN."""

from ._backbones import (
    BACKBONE_NAMES,
    Backbone,
    ColorStats,
    SmallCNN,
    VGG16,
    WeightsError,
    load_backbone,
    load_weights,
)
from ._base import BaseFrozenEmbedder
from ._efficientnet import EfficientNetLite0, packaged_efficientnet_lite0_weights
from ._cnn import PosterCNN, PosterNetModule, build_poster_module
from ._embedder import PosterEmbedder, PosterLoadWarning
from ._images import ImageLoadError, load_image, preprocess_images
from ._models import POSTER_KINDS, make_poster_model

__all__ = [
    "POSTER_KINDS",
    "BACKBONE_NAMES",
    "Backbone",
    "BaseFrozenEmbedder",
    "ColorStats",
    "EfficientNetLite0",
    "ImageLoadError",
    "SmallCNN",
    "VGG16",
    "WeightsError",
    "PosterCNN",
    "PosterEmbedder",
    "PosterNetModule",
    "PosterLoadWarning",
    "build_poster_module",
    "load_backbone",
    "load_image",
    "load_weights",
    "make_poster_model",
    "packaged_efficientnet_lite0_weights",
    "preprocess_images",
]
