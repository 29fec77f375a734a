"""Metadata modality: credits, language and rating as sparse one-hot features, and classifiers."""

from ._encoder import MetadataEncoder
from ..multioutput import MultilabelProbaClassifier
from ._forest import GenreForestClassifier
from ._models import METADATA_MODEL_KINDS, make_metadata_model

__all__ = [
    "METADATA_MODEL_KINDS",
    "GenreForestClassifier",
    "MetadataEncoder",
    "MultilabelProbaClassifier",
    "make_metadata_model",
]
