"""Movie catalogues: the table format, a synthetic generator and loaders."""

from ._format import (
    GENRES_COLUMN,
    MEDIA_COLUMNS,
    METADATA_COLUMNS,
    PLOT_COLUMN,
    POSTER_COLUMN,
    SEPARATOR,
    TRAILER_COLUMN,
)

__all__ = [
    "GENRES_COLUMN",
    "MEDIA_COLUMNS",
    "METADATA_COLUMNS",
    "PLOT_COLUMN",
    "POSTER_COLUMN",
    "SEPARATOR",
    "TRAILER_COLUMN",
]
