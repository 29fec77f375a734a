"""Read a movie manifest (CSV or Parquet) into a scikit-learn style Bunch."""

import codecs
import difflib
import os
import warnings
import zlib

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ..utils import is_missing
from ._format import GENRES_COLUMN, METADATA_COLUMNS, PLOT_COLUMN, SEPARATOR
from ._manifest_checks import (
    ManifestError,
    ManifestWarning,
    MissingMediaError,
    _check_content,
    _check_delimiter,
    _check_genres,
    _detect_separator,
    _first_undecodable_line,
    _lists_to_joined,
    _open_bytes,
)
from ._modalities import MODALITY_REGISTRY
from ._modalities import media_columns as registered_media_columns

__all__ = ["ManifestError", "ManifestWarning", "MissingMediaError", "MissingMediaWarning",
           "load_movies", "parse_genres"]

#: Manifest file names looked for when ``load_movies`` is given a folder.
MANIFEST_NAMES = ("movies.csv", "movies.parquet")
_NO_GENRE = {"(no genres listed)"}
#: Cells (or parts of a joined cell) that stand for "no genre", compared case-folded.
_PLACEHOLDERS = {"none", "n/a", "na", "nan", "null", "nil", "-", "--", "?"}
# Read as text whatever they hold (with the registered modalities' media columns).
_STRING_COLUMNS = (PLOT_COLUMN, GENRES_COLUMN, "title", "youtubeId", "split") + METADATA_COLUMNS
_ON_MISSING_FILE = ("raise", "mark_missing", "drop", "ignore")
_N_SHOWN = 3


class MissingMediaWarning(UserWarning):
    """Media files named by a manifest do not exist and were marked missing or dropped."""


def load_movies(
    path,
    *,
    genres=None,
    target_column=GENRES_COLUMN,
    on_missing_file="raise",
    split=None,
    media_columns=None,
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
    ``[{'id': 35, 'name': 'Comedy'}]`` records, and a Parquet column of lists, are read
    as such). An empty cell, or a
    column absent from the file, means that the movie lacks that modality. Any other column (``movieId``, ``title``, ``year``,
    ``split``, ...) is kept in ``data`` as it is.

    Relative media paths are resolved against the manifest's folder and returned as
    absolute paths.

    Parameters
    ----------
    path : str or path-like
        The manifest: a ``.csv`` (optionally compressed, e.g. ``.csv.gz``) or
        ``.parquet`` file (recognised by its content too, whatever its name), or a
        folder holding ``movies.csv`` or ``movies.parquet``.
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
    split : str or list of str, default=None
        Keep only the movies whose ``split`` column holds one of these values (e.g.
        ``["train", "val"]``), selected before the media files are checked. Values are
        matched after stripping spaces and ignoring case (``"Train"`` is ``"train"``,
        with a :class:`ManifestWarning` listing the spellings). A manifest without a
        ``split`` column, or a value no movie has, raises a :class:`ManifestError`.
    media_columns : list of str, default=None
        The media columns whose paths are checked under ``on_missing_file`` (e.g. only
        ``["poster"]`` for a model that reads no trailer); all of them by default.
    dtype : dict, default=None
        Types of other columns of a CSV manifest, passed to :func:`pandas.read_csv`
        (e.g. ``{"imdbId": str}`` to keep leading zeros). The modality and genre
        columns are always read as text.
    encoding : str, default="utf-8"
        Text encoding of a CSV manifest (e.g. ``"latin-1"``, ``"utf-8-sig"``). With a
        UTF-8 encoding, a file that starts with a byte-order mark is read in the
        encoding the mark declares (a spreadsheet's "Unicode text" export is UTF-16). A
        file that does not decode raises a :class:`ManifestError` naming the file, the
        first line that fails and an encoding to try.
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
        If the manifest does not exist; :class:`MissingMediaError` (a subclass) if
        (``on_missing_file="raise"``) a media path does not exist.
    ManifestError
        A :class:`ValueError`: if the genres column is absent or gives no genre for any
        movie (without ``genres``), no movie has a ``split`` value asked for, the file
        format is not recognised, or a CSV manifest does not decode with ``encoding``
        or does not parse (a row with more fields than the header, a header read as one
        column because the file is delimited by ``;`` or tabs); the message names the
        file and the line, and the attributes ``parameter`` and ``fix`` the parameter
        and value that would read it (e.g. ``{"encoding": "utf-16-le"}``).

    Warns
    -----
    ManifestWarning
        When a movie-id column (``movieId``, ``imdbId``, ...) repeats a value, the
        header repeats a column, the ``plot`` or genres column holds only numbers,
        genres are joined by another separator than ``|`` (see ``genre_separator``),
        genre names differ only in case, genre cells hold placeholders (``"None"``,
        ``"N/A"``, ``"NaN"``...: read as no genre), ``split`` values are spelled in
        other cases or with spaces (they match), or no movie has any requested genre.
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
        hint = f"Did you mean target_column={close[0]!r}? " if close else ""
        raise ManifestError(
            f"The manifest {manifest} has no {target_column!r} column holding the "
            f"'{SEPARATOR}'-joined genres; its columns are {list(frame.columns)}.",
            path=manifest, parameter="target_column",
            fix={"target_column": close[0]} if close else None,
            advice=f"{hint}Pass target_column=None to load movies without genres.",
        )
    _check_content(frame, manifest, target_column)
    if target_column is not None:
        frame[target_column] = _lists_to_joined(frame[target_column], manifest, target_column)
        if genre_separator is None:
            genre_separator = _detect_separator(frame[target_column], manifest, target_column)
    if split is not None:
        frame = _select_split(frame, manifest, split)
    folder = os.path.dirname(manifest)
    notes = []
    for column in registered_media_columns():
        if column in frame.columns:
            frame[column] = _resolve_paths(frame[column], folder)
    if on_missing_file != "ignore":
        checked = registered_media_columns() if media_columns is None else tuple(media_columns)
        frame, notes = _check_media(frame, manifest, on_missing_file, checked)
    frame = frame.reset_index(drop=True)

    if target_column is not None:
        separator = genre_separator or SEPARATOR
        _warn_placeholders(frame[target_column], separator, manifest, target_column)
        target, target_names = parse_genres(frame[target_column], genres=genres,
                                            separator=separator)
        if genres is None and len(frame) and not target_names:
            raise ManifestError(
                f"The {target_column!r} column of the manifest {manifest} gives no genre for "
                f"any of its {len(frame)} movies: every cell is empty (or a placeholder "
                "such as 'None'), so there is nothing to learn.",
                path=manifest, parameter="target_column", fix={"target_column": None},
                advice="Fill in the genres, or pass target_column=None to load the movies "
                       "without genres (to predict them).",
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
        E.g. ``"Comedy|Romance"``; empty cells, ``"(no genres listed)"`` and the
        placeholders ``"None"``, ``"N/A"``, ``"NA"``, ``"NaN"``, ``"null"``, ``"nil"``,
        ``"-"``, ``"--"`` and ``"?"`` (in any case, alone or joined with genres) give no
        genre: a row of zeros. :func:`load_movies` warns when it meets them.
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
        else [g.strip() for g in str(v).split(separator) if not _no_genre(g)]
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


def _no_genre(part):
    """Whether a part of a genres cell names no genre: blank, or a placeholder."""
    part = part.strip()
    return not part or part in _NO_GENRE or part.casefold() in _PLACEHOLDERS


def _warn_placeholders(values, separator, manifest, column):
    """A ManifestWarning naming the placeholders (``"None"``, ``"N/A"``...) in the cells."""
    seen = {}
    for value, miss in zip(values, is_missing(values)):
        if miss:
            continue
        for part in str(value).split(separator):
            if part.strip() and part.strip().casefold() in _PLACEHOLDERS:
                seen[part.strip()] = seen.get(part.strip(), 0) + 1
    if seen:
        warnings.warn(
            f"The {column!r} column of the manifest {manifest} holds placeholders for a "
            f"missing genre, {seen} (spelling: count); they are read as no genre, not as "
            "genres of those names.",
            ManifestWarning,
            stacklevel=3,
        )


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
    head = _head(manifest)
    if name.endswith((".parquet", ".pq")) or head.startswith(b"PAR1"):
        # by its magic bytes too: a Parquet file named .csv is read as what it is
        try:
            frame = pd.read_parquet(manifest)
        except ImportError:
            raise
        except Exception as exc:  # pyarrow's ArrowInvalid, OSError, ...
            raise ManifestError(
                f"The manifest {manifest} is not a readable Parquet file: {exc}",
                path=manifest) from exc
    elif ".csv" in os.path.basename(name) or ".tsv" in os.path.basename(name):
        try:
            codecs.lookup(encoding)
        except (LookupError, TypeError) as exc:
            raise ManifestError(
                f"Unknown encoding {encoding!r} for the manifest {manifest}.", path=manifest,
                parameter="encoding") from exc
        encoding = _bom_encoding(head, encoding)
        sep = "\t" if ".tsv" in os.path.basename(name) else ","
        try:
            frame = pd.read_csv(
                manifest,
                sep=sep,
                encoding=encoding,
                keep_default_na=False,
                na_values=[""],
                dtype={**(dtype or {}),
                       **{c: str for c in _STRING_COLUMNS + registered_media_columns()}},
            )
        except UnicodeDecodeError as exc:
            line = _first_undecodable_line(manifest, encoding)
            where = f" at line {line}" if line else ""
            guess = _guess_encoding(head)
            raise ManifestError(
                f"The manifest {manifest} is not valid {encoding}{where}: {exc.reason}"
                f"{guess[1]}.", path=manifest, parameter="encoding",
                fix={"encoding": guess[0]},
                advice=f"Pass the file's encoding, e.g. encoding={guess[0]!r}.",
            ) from exc
        except pd.errors.ParserError as exc:
            raise ManifestError(
                f"The manifest {manifest} could not be parsed as a {sep!r}-delimited table: "
                f"{exc}. Check the delimiter and the quoting of that line.", path=manifest,
            ) from exc
        except pd.errors.EmptyDataError as exc:
            raise ManifestError(f"The manifest {manifest} is empty.", path=manifest) from exc
        except (EOFError, OSError, zlib.error) as exc:  # a damaged .gz/.bz2/.xz/.zip
            raise ManifestError(
                f"The manifest {manifest} cannot be read (a damaged or truncated compressed "
                f"file?): {exc}", path=manifest,
            ) from exc
        _check_delimiter(frame, manifest, sep)
    else:
        raise ManifestError(
            f"Unknown manifest format for {manifest}: expected a .csv, .csv.gz, .tsv or "
            ".parquet file.", path=manifest)
    frame.columns = [str(c) for c in frame.columns]
    return frame


# Byte-order marks -> the encoding they declare (UTF-32's first: it starts like UTF-16's).
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def _head(manifest, size=4096):
    """The first bytes of the manifest (decompressed), or ``b""`` if unreadable."""
    try:
        with _open_bytes(manifest) as handle:
            return handle.read(size)
    except (OSError, EOFError, zlib.error, ValueError):
        return b""  # the reader below gives the error


def _bom_encoding(head, encoding):
    """The encoding a byte-order mark declares, when the one asked for is UTF-8 (the
    default): a "Unicode text" export from a spreadsheet is UTF-16 with a mark."""
    if codecs.lookup(encoding).name != "utf-8":
        return encoding  # the user's choice
    return next((found for bom, found in _BOMS if head.startswith(bom)), encoding)


def _guess_encoding(head):
    """``(encoding to suggest, what the bytes say)`` for a file that did not decode."""
    if head[:200].count(0) > len(head[:200]) // 4:  # every other byte zero: UTF-16
        zeros_first = head[0:1] == b"\0"
        found = "utf-16-be" if zeros_first else "utf-16-le"
        return found, f" (it looks like {found.upper()}: every other byte is zero)"
    return "latin-1", ""


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


def _select_split(frame, manifest, split):
    """The rows of ``frame`` whose ``split`` is one of the values asked for.

    Values are matched after stripping spaces and ignoring case (``"Train"``, ``"train "``
    and ``"TRAIN"`` are all ``"train"``), with a :class:`ManifestWarning` listing the
    spellings seen when they differ from the values asked for.
    """
    wanted = [split] if isinstance(split, str) else list(split)
    if "split" not in frame.columns:
        raise ManifestError(
            f"The manifest {manifest} has no 'split' column to select {wanted} from; its "
            f"columns are {list(frame.columns)[:12]}.", path=manifest, parameter="split",
            fix={"split": None})
    raw = frame["split"].astype("string")
    folded = raw.str.strip().str.casefold()
    keys = {str(w).strip().casefold() for w in wanted}
    have = sorted(raw.str.strip().dropna().unique())
    unknown = [w for w in wanted if str(w).strip().casefold() not in set(folded.dropna())]
    if unknown:
        raise ManifestError(
            f"No movie of the manifest {manifest} has split {unknown}; its split values "
            f"are {have}.", path=manifest, parameter="split")
    keep = folded.isin(keys).fillna(False).to_numpy()
    spellings = raw[keep].value_counts().to_dict()
    odd = {v: n for v, n in spellings.items() if v not in wanted}
    if odd:
        warnings.warn(
            f"The 'split' column of the manifest {manifest} spells the split values asked "
            f"for ({wanted}) in other ways: {dict(sorted(spellings.items()))} (spelling: "
            "movies); they were matched after stripping spaces and ignoring case.",
            ManifestWarning,
            stacklevel=3,
        )
    return frame.loc[keep]


def _check_media(frame, manifest, on_missing_file, columns):
    notes = []
    drop = np.zeros(len(frame), dtype=bool)
    for column in columns:
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
            raise MissingMediaError(f"{message}.", path=manifest, column=column,
                                    n_missing=n_absent,
                                    examples=list(values[absent][:_N_SHOWN]))
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
    read = {GENRES_COLUMN}
    for name, modality in MODALITY_REGISTRY.items():
        present = modality.columns_in(frame)
        read.update(present)
        if not present:
            continue
        count = int(np.logical_or.reduce([~is_missing(frame[c]) for c in present]).sum())
        shown = f" ({', '.join(present)})" if modality.frame_input else ""
        lines.append(f"  {name + ':':9} {count}{shown}")
    other = [c for c in frame.columns if c not in read]
    if other:
        lines.append(f"Other columns: {', '.join(other)}")
    if notes:
        lines.append("")
        lines.extend(notes)
    return "\n".join(lines) + "\n"
