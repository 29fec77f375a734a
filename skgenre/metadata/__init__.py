"""Metadata modality: credits, language and rating as sparse one-hot features, and classifiers."""

from ..multioutput import MultilabelProbaClassifier  # noqa: F401 (its former home)
from ._encoder import MetadataEncoder
from ._forest import GenreForestClassifier
from ._models import METADATA_MODEL_KINDS, make_metadata_model

__all__ = [
    "METADATA_MODEL_KINDS",
    "GenreForestClassifier",
    "MetadataEncoder",
    "make_metadata_model",
]

# MultilabelProbaClassifier moved to skgenre.multioutput; importable here as before.
