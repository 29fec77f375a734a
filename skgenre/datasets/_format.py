"""The movie table format: one row per movie, one column per modality field.

An empty cell (or NaN, or the column absent) means the movie lacks that modality.
"""

#: Plot text column.
PLOT_COLUMN = "plot"
#: Poster image file path column.
POSTER_COLUMN = "poster"
#: Trailer column: a video file, a folder of frame images, or a ``.npy`` array of
#: per-frame features of shape (n_frames, d).
TRAILER_COLUMN = "trailer"
#: Metadata columns; ``cast`` holds names joined by ``|``.
METADATA_COLUMNS = (
    "director_name",
    "actor_1_name",
    "actor_2_name",
    "actor_3_name",
    "cast",
    "language",
    "content_rating",
)
#: Genres of a movie joined by ``|`` (the target).
GENRES_COLUMN = "genres"
#: Separator inside ``cast`` and ``genres`` cells.
SEPARATOR = "|"
#: Columns whose values are file paths, resolved against the manifest's folder.
MEDIA_COLUMNS = (POSTER_COLUMN, TRAILER_COLUMN)
