"""Movie catalogues: the table format, a synthetic generator and loaders."""

from ._base import (
    ChecksumMismatchError,
    RemoteFileMetadata,
    UnsafeArchiveError,
    UnverifiedDownloadWarning,
    clear_data_home,
    get_data_home,
)
from ._format import (
    EXTRA_CATEGORY_COLUMNS,
    GENRES_COLUMN,
    KEYWORD_COLUMNS,
    MEDIA_COLUMNS,
    METADATA_ALIASES,
    METADATA_COLUMNS,
    METADATA_INPUT_COLUMNS,
    NUMERIC_COLUMNS,
    PLOT_COLUMN,
    POSTER_COLUMN,
    SEPARATOR,
    TRAILER_COLUMN,
)
from ._load import ManifestWarning, MissingMediaWarning, load_movies, parse_genres
from ._mmimdb import MMIMDB_GENRES, fetch_mmimdb, read_mmimdb
from ._modalities import (
    MODALITIES,
    MODALITY_REGISTRY,
    Modality,
    get_modality,
    media_columns,
    register_modality,
    resolve_modalities,
    unregister_modality,
)
from ._synthetic import make_movies

__all__ = [
    "ChecksumMismatchError",
    "EXTRA_CATEGORY_COLUMNS",
    "GENRES_COLUMN",
    "KEYWORD_COLUMNS",
    "MEDIA_COLUMNS",
    "METADATA_ALIASES",
    "METADATA_COLUMNS",
    "METADATA_INPUT_COLUMNS",
    "MMIMDB_GENRES",
    "MODALITIES",
    "MODALITY_REGISTRY",
    "ManifestWarning",
    "Modality",
    "MissingMediaWarning",
    "NUMERIC_COLUMNS",
    "PLOT_COLUMN",
    "POSTER_COLUMN",
    "RemoteFileMetadata",
    "SEPARATOR",
    "TRAILER_COLUMN",
    "UnsafeArchiveError",
    "UnverifiedDownloadWarning",
    "clear_data_home",
    "fetch_mmimdb",
    "get_data_home",
    "get_modality",
    "load_movies",
    "make_movies",
    "media_columns",
    "parse_genres",
    "read_mmimdb",
    "register_modality",
    "resolve_modalities",
    "unregister_modality",
]
