"""Checks of a manifest's content: the mistakes a user makes when writing one.

Each check names the file and what is wrong: a warning (:class:`ManifestWarning`) when
the table loads but looks wrong, a :class:`ValueError` naming the line when it cannot be
read as meant.
"""

import ast
import bz2
import codecs
import gzip
import json
import lzma
import re
import warnings

import numpy as np
import pandas as pd

from ..utils import InputError, is_missing
from ._format import PLOT_COLUMN, SEPARATOR

__all__ = ["ManifestError", "ManifestWarning", "MissingMediaError"]

_N_SHOWN = 3
#: Separators that genre cells are sometimes joined with instead of ``|``.
_OTHER_SEPARATORS = (";", ",", "/")
#: Columns that identify a movie; a repeated value in one of them is warned about.
_ID_COLUMNS = ("movieId", "imdbId", "tmdbId", "movie_id", "imdb_id", "tmdb_id", "id")
#: Delimiters recognised in a header that was read as one column.
_DELIMITERS = {";": "';'", "\t": "a tab", "|": "'|'", ",": "','"}


class ManifestWarning(UserWarning):
    """A manifest's content looks wrong: repeated movie ids or header columns, numbers
    where text is expected, genres joined by another separator than ``|`` or spelled in
    several cases, or no genre at all."""


class ManifestError(InputError, ValueError):
    """A manifest that cannot be read as meant: undecodable, unparsable, without its
    genres column, without the split values asked for, or without any genre.

    The message names the file and what to pass (``encoding=...``); the attributes hold
    the same facts for programs: ``path`` (the manifest), ``problem`` (the message
    without advice), ``parameter`` (the :func:`load_movies` parameter concerned, e.g.
    ``"encoding"``, ``"target_column"``, ``"split"``, or ``None``) and ``fix`` (the
    settings that would read it, e.g. ``{"encoding": "utf-16"}``; empty when none can be
    suggested). Subclass of :class:`ValueError`.
    """


class MissingMediaError(InputError, FileNotFoundError):
    """Media files named by a manifest do not exist (``on_missing_file="raise"``).

    Attributes: ``path`` (the manifest), ``column`` (``"poster"`` or ``"trailer"``),
    ``n_missing``, ``examples`` (the first missing paths), ``parameter``
    (``"on_missing_file"``) and ``fix`` (``{"on_missing_file": "mark_missing"}``), as
    :class:`~skgenre.utils.InputError` describes. Subclass of :class:`FileNotFoundError`.
    """

    def __init__(self, problem, *, path, column, n_missing, examples):
        self.column = column
        self.n_missing = n_missing
        self.examples = list(examples)
        super().__init__(
            problem, path=path, parameter="on_missing_file",
            fix={"on_missing_file": "mark_missing"},
            advice=(f"Pass on_missing_file='mark_missing' to keep those movies without a "
                    f"{column}, or 'drop' to leave them out."),
        )


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
            raise ManifestError(
                f"The manifest {manifest} looks delimited by {label}, not {sep!r}: line 1 "
                f"(the header {header[:80]!r}) was read as a single column. Save it with "
                "the right delimiter (commas in a .csv, tabs in a .tsv).", path=manifest)


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
    """Cells holding lists as ``|``-joined names; other columns unchanged.

    A list is a Parquet list cell (read as an array), or a string written as one
    (``['Comedy', 'Drama']``, JSON, or IMDb/TMDB-style ``[{'id': 35, 'name': 'Comedy'}]``).
    """
    missing = is_missing(values)
    listed = [isinstance(v, (list, tuple, set, frozenset, np.ndarray)) for v in values]
    if any(listed):  # a list-typed column: str() of an array would glue its names together
        out = values.astype(object).copy()
        for i, (value, is_list, miss) in enumerate(zip(values, listed, missing)):
            if is_list:
                out.iloc[i] = SEPARATOR.join(_names(list(value), value, manifest, column, i))
            elif not miss:
                raise ManifestError(
                    f"The {column!r} column of the manifest {manifest} holds lists, but row "
                    f"{i} holds {value!r}.", path=manifest)
        return out
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
        out.iloc[i] = SEPARATOR.join(_names(items, text, manifest, column, i))
    return out


def _names(items, cell, manifest, column, row):
    """The genre names of a list cell: strings, or ``{"name": ...}`` records."""
    names = None
    if isinstance(items, (list, tuple)):
        names = [item.get("name") if isinstance(item, dict) else item for item in items]
    if names is None or not all(isinstance(n, str) for n in names):
        text = cell if isinstance(cell, str) else repr(list(cell))
        raise ManifestError(
            f"The {column!r} column of the manifest {manifest} holds lists, but row {row} "
            f"({text[:60]!r}) is not a list of genre names (or of {{'name': ...}} "
            "records).", path=manifest)
    return [n.strip() for n in names]


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
