"""Read a movie manifest (CSV or Parquet) into a scikit-learn style Bunch."""

import ast
import bz2
import codecs
import difflib
import gzip
import lzma
import json
import os
import re
import warnings

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ..utils import is_missing
from ._format import (
    GENRES_COLUMN,
    MEDIA_COLUMNS,
    METADATA_COLUMNS,
    PLOT_COLUMN,
    SEPARATOR,
)

__all__ = ["ManifestWarning", "MissingMediaWarning", "load_movies", "parse_genres"]

#: Manifest file names looked for when ``load_movies`` is given a folder.
MANIFEST_NAMES = ("movies.csv", "movies.parquet")
_NO_GENRE = {"(no genres listed)"}
_STRING_COLUMNS = (
    (PLOT_COLUMN, GENRES_COLUMN, "title", "youtubeId", "split") + MEDIA_COLUMNS + METADATA_COLUMNS
)
_ON_MISSING_FILE = ("raise", "mark_missing", "drop", "ignore")
_N_SHOWN = 3
#: Separators that genre cells are sometimes joined with instead of ``|``.
_OTHER_SEPARATORS = (";", ",", "/")
#: Columns that identify a movie; a repeated value in one of them is warned about.
_ID_COLUMNS = ("movieId", "imdbId", "tmdbId", "movie_id", "imdb_id", "tmdb_id", "id")
#: Delimiters recognised in a header that was read as one column.
_DELIMITERS = {";": "';'", "\t": "a tab", "|": "'|'", ",": "','"}


class MissingMediaWarning(UserWarning):
    """Media files named by a manifest do not exist and were marked missing or dropped."""


class ManifestWarning(UserWarning):
    """A manifest's content looks wrong: repeated movie ids, numbers where text is
    expected, or genres joined by another separator than ``|``."""


def load_movies(
    path,
    *,
    genres=None,
    target_column=GENRES_COLUMN,
    on_missing_file="raise",
    dtype=None,
    encoding="utf-8",
    genre_separator=None,
    return_X_y=False,
    as_frame=False,
):
    """Load a movie catalogue from a manifest table (CSV or Parquet).

    The manifest holds one row per movie. Recognised columns (all optional except the
    genres) are ``plot`` (text), ``poster`` (image file path), ``trailer`` (video file,
    folder of frame images, or ``.npy`` array of per-frame features), the metadata
    columns ``director_name``, ``actor_1_name``, ``actor_2_name``, ``actor_3_name``,
    ``cast`` (names joined by ``|``), ``language``, ``content_rating``, and ``genres``
    (joined by ``|``; cells written as lists, ``['Comedy', 'Drama']``, JSON or
    ``[{'id': 35, 'name': 'Comedy'}]`` records, are read as such). An empty cell, or a
    column absent from the file, means that the movie lacks that modality. Any other column (``movieId``, ``title``, ``year``,
    ``split``, ...) is kept in ``data`` as it is.

    Relative media paths are resolved against the manifest's folder and returned as
    absolute paths.

    Parameters
    ----------
    path : str or path-like
        The manifest: a ``.csv`` (optionally compressed, e.g. ``.csv.gz``) or
        ``.parquet`` file, or a folder holding ``movies.csv`` or ``movies.parquet``.
    genres : list of str, default=None
        The genres to use as target columns, in this order. Genres of the file outside
        this list are ignored; a listed genre absent from the file gives an all-zero
        column. By default every genre found in the file, sorted by name.
    target_column : str or None, default="genres"
        Column holding the ``|``-joined genres. ``None`` loads a manifest without
        genres (for prediction); ``target`` is then ``None`` (or an empty frame) unless
        ``genres`` names the columns, in which case it is all zeros.
    on_missing_file : {"raise", "mark_missing", "drop", "ignore"}, default="raise"
        What to do when a ``poster`` or ``trailer`` path does not exist: raise a
        :class:`FileNotFoundError` that says how many are missing and shows the first
        few; keep the movie with that modality marked missing (the cell emptied) and
        warn; drop the movie and warn; or not check at all.
    dtype : dict, default=None
        Types of other columns of a CSV manifest, passed to :func:`pandas.read_csv`
        (e.g. ``{"imdbId": str}`` to keep leading zeros). The modality and genre
        columns are always read as text.
    encoding : str, default="utf-8"
        Text encoding of a CSV manifest (e.g. ``"latin-1"``, ``"utf-8-sig"``). A file
        that does not decode raises a :class:`ValueError` naming the file and the
        first line that fails.
    genre_separator : str, default=None
        What joins the genres of a movie. By default ``|``; when no cell of the genres
        column holds a ``|`` but many hold ``;``, ``,`` or ``/`` (``"Comedy, Drama"``),
        that separator is used instead, with a :class:`ManifestWarning` naming it.
        Pass a string to use it without detection (``genre_separator="|"`` keeps
        ``"Action/Adventure"`` as one genre).
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return ``target`` as a DataFrame with one column per genre instead of an array.
        ``data`` is always a DataFrame.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        data : DataFrame of shape (n_movies, n_columns)
            Every column of the manifest except the genres, media paths absolute,
            missing cells as NaN.
        target : ndarray of shape (n_movies, n_genres), dtype int8, or DataFrame
            The 0/1 genre indicator matrix.
        target_names : list of str
            The genre of each target column.
        frame : DataFrame of shape (n_movies, n_columns + 1)
            The manifest as loaded (``data`` plus the genres column).
        DESCR : str
            A description of the catalogue and its modalities.
        manifest : str
            Absolute path of the manifest file.

    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    FileNotFoundError
        If the manifest does not exist, or (``on_missing_file="raise"``) a media path
        does not exist.
    ValueError
        If the genres column is absent, the file format is not recognised, or a CSV
        manifest does not decode with ``encoding`` or does not parse (a row with more
        fields than the header, a header read as one column because the file is
        delimited by ``;`` or tabs); the message names the file and the line.

    Warns
    -----
    ManifestWarning
        When a movie-id column (``movieId``, ``imdbId``, ...) repeats a value, the
        header repeats a column, the ``plot`` or genres column holds only numbers,
        genres are joined by another separator than ``|`` (see ``genre_separator``),
        genre names differ only in case, or no movie has any (requested) genre.
    MissingMediaWarning
        When media files are marked missing or dropped (see ``on_missing_file``).

    See Also
    --------
    make_movies : A synthetic catalogue in this format.
    parse_genres : Turn ``|``-joined genre strings into a 0/1 matrix.

    Examples
    --------
    >>> import pandas as pd, tempfile, os
    >>> from skgenre.datasets import load_movies
    >>> folder = tempfile.mkdtemp()
    >>> pd.DataFrame({"title": ["A", "B"], "plot": ["a ghost", "a kiss"],
    ...               "genres": ["Horror", "Romance|Comedy"]}).to_csv(
    ...     os.path.join(folder, "movies.csv"), index=False)
    >>> movies = load_movies(folder)
    >>> movies.target_names
    ['Comedy', 'Horror', 'Romance']
    >>> movies.target
    array([[0, 1, 0],
           [1, 0, 1]], dtype=int8)
    """
    if on_missing_file not in _ON_MISSING_FILE:
        raise ValueError(
            f"on_missing_file must be one of {_ON_MISSING_FILE}; got {on_missing_file!r}."
        )
    if genre_separator is not None and (
        not isinstance(genre_separator, str) or not genre_separator
    ):
        raise ValueError(
            f"genre_separator must be a non-empty string or None; got {genre_separator!r}."
        )
    manifest = _find_manifest(path)
    frame = _read_table(manifest, dtype, encoding)
    if target_column is not None and target_column not in frame.columns:
        close = [c for c in frame.columns if c.strip().lower() == target_column.lower()]
        close = close or difflib.get_close_matches(target_column, list(frame.columns), n=1)
        hint = f" Did you mean target_column={close[0]!r}?" if close else ""
        raise ValueError(
            f"The manifest {manifest} has no {target_column!r} column holding the "
            f"'{SEPARATOR}'-joined genres; its columns are {list(frame.columns)}.{hint} Pass "
            "target_column=None to load movies without genres."
        )
    _check_content(frame, manifest, target_column)
    if target_column is not None:
        frame[target_column] = _lists_to_joined(frame[target_column], manifest, target_column)
        if genre_separator is None:
            genre_separator = _detect_separator(frame[target_column], manifest, target_column)
    folder = os.path.dirname(manifest)
    notes = []
    for column in MEDIA_COLUMNS:
        if column in frame.columns:
            frame[column] = _resolve_paths(frame[column], folder)
    if on_missing_file != "ignore":
        frame, notes = _check_media(frame, manifest, on_missing_file)
    frame = frame.reset_index(drop=True)

    if target_column is not None:
        target, target_names = parse_genres(
            frame[target_column], genres=genres, separator=genre_separator or SEPARATOR
        )
        _check_genres(target, target_names, manifest, target_column, genres)
        data = frame.drop(columns=[target_column])
    else:
        data = frame
        target_names = list(genres) if genres is not None else []
        target = np.zeros((len(frame), len(target_names)), dtype=np.int8) if genres else None
    if as_frame and target is not None:
        target = pd.DataFrame(target, columns=target_names, index=data.index)
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        target_names=target_names,
        frame=frame,
        DESCR=_describe(manifest, frame, target, target_names, notes),
        manifest=manifest,
    )


def parse_genres(values, *, genres=None, separator=SEPARATOR):
    """Turn ``|``-joined genre strings into a 0/1 indicator matrix.

    Parameters
    ----------
    values : array-like of str of shape (n_movies,)
        E.g. ``"Comedy|Romance"``; empty cells and ``"(no genres listed)"`` give a row
        of zeros.
    genres : list of str, default=None
        Target columns, in order; by default the sorted genres found in ``values``.
    separator : str, default="|"
        What joins the genres in a cell.

    Returns
    -------
    Y : ndarray of shape (n_movies, n_genres), dtype int8
    genres : list of str

    Examples
    --------
    >>> from skgenre.datasets import parse_genres
    >>> Y, names = parse_genres(["Drama|War", "", "Drama"])
    >>> names, Y.tolist()
    (['Drama', 'War'], [[1, 1], [0, 0], [1, 0]])
    """
    missing = is_missing(values)
    lists = [
        []
        if miss
        else [g.strip() for g in str(v).split(separator) if g.strip() and g.strip() not in _NO_GENRE]
        for v, miss in zip(values, missing)
    ]
    if genres is None:
        genres = sorted({g for row in lists for g in row})
    else:
        genres = [str(g) for g in genres]
        if len(set(genres)) != len(genres):
            raise ValueError(f"genres must not repeat a name; got {genres}.")
    index = {g: j for j, g in enumerate(genres)}
    Y = np.zeros((len(lists), len(genres)), dtype=np.int8)
    for i, row in enumerate(lists):
        for g in row:
            j = index.get(g)
            if j is not None:
                Y[i, j] = 1
    return Y, list(genres)


def _find_manifest(path):
    path = os.path.abspath(os.path.expanduser(os.fspath(path)))
    if os.path.isdir(path):
        for name in MANIFEST_NAMES:
            candidate = os.path.join(path, name)
            if os.path.isfile(candidate):
                return candidate
        raise FileNotFoundError(
            f"The folder {path} holds no manifest; expected one of {list(MANIFEST_NAMES)}."
        )
    if not os.path.isfile(path):
        raise FileNotFoundError(f"Manifest not found: {path}")
    return path


def _read_table(manifest, dtype=None, encoding="utf-8"):
    name = manifest.lower()
    if name.endswith((".parquet", ".pq")):
        frame = pd.read_parquet(manifest)
    elif ".csv" in os.path.basename(name) or ".tsv" in os.path.basename(name):
        try:
            codecs.lookup(encoding)
        except (LookupError, TypeError) as exc:
            raise ValueError(f"Unknown encoding {encoding!r} for the manifest {manifest}.") from exc
        sep = "\t" if ".tsv" in os.path.basename(name) else ","
        try:
            frame = pd.read_csv(
                manifest,
                sep=sep,
                encoding=encoding,
                keep_default_na=False,
                na_values=[""],
                dtype={**(dtype or {}), **{c: str for c in _STRING_COLUMNS}},
            )
        except UnicodeDecodeError as exc:
            line = _first_undecodable_line(manifest, encoding)
            where = f" at line {line}" if line else ""
            raise ValueError(
                f"The manifest {manifest} is not valid {encoding}{where}: {exc.reason}. Pass "
                "the file's encoding, e.g. encoding='latin-1'."
            ) from exc
        except pd.errors.ParserError as exc:
            raise ValueError(
                f"The manifest {manifest} could not be parsed as a {sep!r}-delimited table: "
                f"{exc}. Check the delimiter and the quoting of that line."
            ) from exc
        except pd.errors.EmptyDataError as exc:
            raise ValueError(f"The manifest {manifest} is empty.") from exc
        _check_delimiter(frame, manifest, sep)
    else:
        raise ValueError(
            f"Unknown manifest format for {manifest}: expected a .csv, .csv.gz, .tsv or "
            ".parquet file."
        )
    frame.columns = [str(c) for c in frame.columns]
    return frame


def _open_bytes(path):
    name = path.lower()
    for suffix, opener in ((".gz", gzip.open), (".bz2", bz2.open), (".xz", lzma.open)):
        if name.endswith(suffix):
            return opener(path, "rb")
    return open(path, "rb")


def _first_undecodable_line(path, encoding):
    """1-based number of the first line that does not decode, or None if unknown."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with _open_bytes(path) as f:
            for number, line in enumerate(f, start=1):
                try:
                    decoder.decode(line)
                except UnicodeDecodeError:
                    return number
    except OSError:
        return None
    return None


def _check_delimiter(frame, manifest, sep):
    """A header read as one column that holds another delimiter: the wrong delimiter."""
    if frame.shape[1] != 1:
        return
    header = str(frame.columns[0])
    for delimiter, label in _DELIMITERS.items():
        if delimiter != sep and delimiter in header:
            raise ValueError(
                f"The manifest {manifest} looks delimited by {label}, not {sep!r}: line 1 "
                f"(the header {header[:80]!r}) was read as a single column. Save it with "
                "the right delimiter (commas in a .csv, tabs in a .tsv)."
            )


def _check_content(frame, manifest, target_column):
    """Warn about repeated columns, repeated movie ids and numbers where text is expected."""
    for column in frame.columns:
        match = re.fullmatch(r"(.+)\.(\d+)", column)
        if match and match.group(1) in frame.columns:
            warnings.warn(
                f"The header of the manifest {manifest} repeats the column "
                f"{match.group(1)!r}; the repeat was renamed {column!r} and is not read as "
                f"{match.group(1)!r}.",
                ManifestWarning,
                stacklevel=3,
            )
    id_names = {name.lower() for name in _ID_COLUMNS}
    for column in frame.columns:
        if column.lower() not in id_names:
            continue
        values = frame[column]
        repeated = values[values.duplicated(keep=False) & values.notna()]
        if len(repeated):
            shown = ", ".join(repr(v) for v in pd.unique(repeated).tolist()[:_N_SHOWN])
            warnings.warn(
                f"The manifest {manifest} repeats {repeated.nunique()} {column} values "
                f"({len(repeated)} rows), e.g. {shown}; each row is kept as a movie of its "
                "own, which leaks between training and test rows of a split.",
                ManifestWarning,
                stacklevel=3,
            )
        break
    for column in (PLOT_COLUMN, target_column):
        if column is None or column not in frame.columns:
            continue
        values = frame[column]
        present = values[~is_missing(values)]
        if not len(present):
            continue
        numeric = pd.to_numeric(present, errors="coerce").notna()
        if numeric.all():
            what = "plot texts" if column == PLOT_COLUMN else f"'{SEPARATOR}'-joined genre names"
            warnings.warn(
                f"The column {column!r} of the manifest {manifest} holds only numbers "
                f"(e.g. {present.iloc[0]!r}), not {what}: are the columns shifted or "
                "misnamed?",
                ManifestWarning,
                stacklevel=3,
            )


def _lists_to_joined(values, manifest, column):
    """Cells written as lists (``['Comedy', 'Drama']``, JSON, or IMDb/TMDB-style
    ``[{'id': 35, 'name': 'Comedy'}]``) as ``|``-joined names; other columns unchanged."""
    missing = is_missing(values)
    cells = [str(v).strip() for v, miss in zip(values, missing) if not miss]
    if not cells or not all(c.startswith("[") and c.endswith("]") for c in cells):
        return values
    out = values.astype(object).copy()
    for i, (value, miss) in enumerate(zip(values, missing)):
        if miss:
            continue
        text = str(value).strip()
        try:
            items = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            try:
                items = json.loads(text)
            except ValueError:
                items = None
        names = None
        if isinstance(items, (list, tuple)):
            names = [item.get("name") if isinstance(item, dict) else item for item in items]
        if names is None or not all(isinstance(n, str) for n in names):
            raise ValueError(
                f"The {column!r} column of the manifest {manifest} holds lists, but row {i} "
                f"({text[:60]!r}) is not a list of genre names (or of {{'name': ...}} "
                "records)."
            )
        out.iloc[i] = SEPARATOR.join(n.strip() for n in names)
    return out


def _check_genres(target, names, manifest, column, requested):
    """Warn about genres that differ only in case, and a target without any genre."""
    folded = {}
    for name in names:
        folded.setdefault(" ".join(name.casefold().split()), []).append(name)
    clashes = [group for group in folded.values() if len(group) > 1]
    if clashes:
        warnings.warn(
            f"The {column!r} column of the manifest {manifest} spells {len(clashes)} genres "
            f"in several ways that differ only in case, e.g. {clashes[0]}; they are "
            "separate target columns. Fix the spelling in the file, or pass genres=[...].",
            ManifestWarning,
            stacklevel=3,
        )
    if len(target) and (not len(names) or not np.asarray(target).any()):
        which = "none of the requested genres" if requested is not None else "no genre"
        warnings.warn(
            f"The {column!r} column of the manifest {manifest} gives {which} for any of "
            f"its {len(target)} movies: the target is all zeros.",
            ManifestWarning,
            stacklevel=3,
        )


def _detect_separator(values, manifest, column):
    """The separator joining the genres: ``|``, or another one the whole column uses."""
    cells = [str(v) for v, miss in zip(values, is_missing(values)) if not miss]
    if not cells:
        return SEPARATOR
    if any(SEPARATOR in c for c in cells):
        mixed = [c for c in cells if SEPARATOR not in c and any(s in c for s in ",;")]
        if mixed:
            warnings.warn(
                f"The {column!r} column of the manifest {manifest} joins genres with "
                f"{SEPARATOR!r}, but {len(mixed)} cells hold ',' or ';' instead (e.g. "
                f"{mixed[0]!r}); those are read as one genre name each. Fix those cells, "
                "or pass genre_separator to say which separator the file uses.",
                ManifestWarning,
                stacklevel=3,
            )
        return SEPARATOR
    whole = {c.strip() for c in cells}
    for candidate in _OTHER_SEPARATORS:
        joined = [c for c in cells if candidate in c]
        if not joined:
            continue
        parts = [p.strip() for c in joined for p in c.split(candidate) if p.strip()]
        share = len(joined) / len(cells)
        known = np.mean([p in whole for p in parts]) if parts else 0.0
        # Many cells hold it, or its parts are genres that stand alone elsewhere.
        if share >= 0.2 or known >= 0.5:
            warnings.warn(
                f"The {column!r} column of the manifest {manifest} joins genres with "
                f"{candidate!r}, not {SEPARATOR!r} (e.g. {joined[0]!r}); they were split at "
                f"{candidate!r}. Pass genre_separator={SEPARATOR!r} to keep such names "
                "whole.",
                ManifestWarning,
                stacklevel=3,
            )
            return candidate
    return SEPARATOR


def _resolve_paths(column, folder):
    """Absolute paths for the non-missing cells; missing cells become NaN."""
    missing = is_missing(column)
    out = np.empty(len(column), dtype=object)
    out[:] = np.nan
    for i, (value, miss) in enumerate(zip(column, missing)):
        if not miss:
            p = os.path.expanduser(str(value).strip())
            if not os.path.isabs(p):
                p = os.path.join(folder, p)
            out[i] = os.path.normpath(p)
    return pd.Series(out, index=column.index, name=column.name, dtype=object)


def _check_media(frame, manifest, on_missing_file):
    notes = []
    drop = np.zeros(len(frame), dtype=bool)
    for column in MEDIA_COLUMNS:
        if column not in frame.columns:
            continue
        values = frame[column]
        present = ~is_missing(values)
        absent = np.array(
            [bool(p) and not os.path.exists(v) for v, p in zip(values, present)], dtype=bool
        )
        n_absent = int(absent.sum())
        if not n_absent:
            continue
        shown = ", ".join(repr(v) for v in values[absent][:_N_SHOWN])
        message = (
            f"{n_absent} of {int(present.sum())} {column} paths in {manifest} do not exist, "
            f"e.g. {shown}"
        )
        if on_missing_file == "raise":
            raise FileNotFoundError(
                f"{message}. Pass on_missing_file='mark_missing' to keep those movies "
                f"without a {column}, or 'drop' to leave them out."
            )
        if on_missing_file == "mark_missing":
            frame.loc[absent, column] = np.nan
            note = f"{message}; marked as missing."
        else:
            drop |= absent
            note = f"{message}; those movies were dropped."
        warnings.warn(note, MissingMediaWarning, stacklevel=3)
        notes.append(note)
    if drop.any():
        frame = frame.loc[~drop]
    return frame, notes


def _describe(manifest, frame, target, target_names, notes):
    n = len(frame)
    lines = [
        "Movie catalogue",
        "---------------",
        "",
        f"Manifest: {manifest}",
        f"Movies: {n}",
        f"Genres ({len(target_names)}): {', '.join(target_names) if target_names else 'none'}",
    ]
    if target is not None and n and len(target_names):
        Y = np.asarray(target)
        lines.append(f"Genres per movie: {Y.sum(axis=1).mean():.2f} on average")
    lines.append("")
    lines.append("Modalities (movies that have it):")
    if PLOT_COLUMN in frame.columns:
        lines.append(f"  plot:     {int((~is_missing(frame[PLOT_COLUMN])).sum())}")
    for column in MEDIA_COLUMNS:
        if column in frame.columns:
            lines.append(f"  {column + ':':9} {int((~is_missing(frame[column])).sum())}")
    meta = [c for c in METADATA_COLUMNS if c in frame.columns]
    if meta:
        has_meta = np.zeros(n, dtype=bool)
        for c in meta:
            has_meta |= ~is_missing(frame[c])
        lines.append(f"  metadata: {int(has_meta.sum())} ({', '.join(meta)})")
    other = [
        c
        for c in frame.columns
        if c not in (PLOT_COLUMN, GENRES_COLUMN) + MEDIA_COLUMNS + METADATA_COLUMNS
    ]
    if other:
        lines.append(f"Other columns: {', '.join(other)}")
    if notes:
        lines.append("")
        lines.extend(notes)
    return "\n".join(lines) + "\n"
