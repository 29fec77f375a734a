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
from ._load import (
    ManifestError,
    ManifestWarning,
    MissingMediaError,
    MissingMediaWarning,
    load_movies,
    parse_genres,
)
from ._mmimdb import MMIMDB_GENRES, fetch_mmimdb, read_mmimdb
from ._modalities import (
    MODALITIES,
    MODALITY_REGISTRY,
    Modality,
    get_modality,
    resolve_modalities,
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
    "ManifestError",
    "ManifestWarning",
    "Modality",
    "MissingMediaError",
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
    "parse_genres",
    "read_mmimdb",
    "resolve_modalities",
]
