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
#: Categorical metadata columns beyond :data:`METADATA_COLUMNS` that movie tables carry.
EXTRA_CATEGORY_COLUMNS = ("country", "writer", "production_company")
#: Keyword or tag columns: tags joined by ``|`` (``"serial killer|police|revenge"``).
#: All of them share one vocabulary of tags (and one of the tags' words).
KEYWORD_COLUMNS = ("keywords", "plot_keywords", "tags")
#: Numeric metadata columns (binned by the metadata encoder).
NUMERIC_COLUMNS = ("year", "runtime")
#: Other names of the metadata columns in public movie tables -> the column they stand
#: for. A table may hold both (``director`` and ``director_name``): their values share
#: one vocabulary.
METADATA_ALIASES = {
    "director": "director_name",
    "directors": "director_name",
    "actors": "cast",
    "stars": "cast",
    "original_language": "language",
    "languages": "language",
    "countries": "country",
    "production_countries": "country",
    "writers": "writer",
    "production_companies": "production_company",
    "companies": "production_company",
    "certificate": "content_rating",
    "certification": "content_rating",
    "mpaa_rating": "content_rating",
    "duration": "runtime",
    "runtime_minutes": "runtime",
    "release_year": "year",
    "startYear": "year",
}
#: Every column the default metadata model reads: the categorical, keyword and numeric
#: columns and their aliases, in this order.
METADATA_INPUT_COLUMNS = (
    METADATA_COLUMNS
    + EXTRA_CATEGORY_COLUMNS
    + KEYWORD_COLUMNS
    + NUMERIC_COLUMNS
    + tuple(METADATA_ALIASES)
)
#: Genres of a movie joined by ``|`` (the target).
GENRES_COLUMN = "genres"
#: Separator inside ``cast`` and ``genres`` cells.
SEPARATOR = "|"
#: The built-in modalities' columns whose values are file paths, resolved against the
#: manifest's folder (with those of any registered modality: see ``media_columns()``).
MEDIA_COLUMNS = (POSTER_COLUMN, TRAILER_COLUMN)
