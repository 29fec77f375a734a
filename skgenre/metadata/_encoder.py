"""MetadataEncoder: credits, language, rating, keywords and numbers to one sparse one-hot matrix."""

import logging
import math
import numbers
import re

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..datasets._format import (
    KEYWORD_COLUMNS,
    METADATA_ALIASES,
    METADATA_INPUT_COLUMNS,
    NUMERIC_COLUMNS,
    SEPARATOR,
)
from ..utils._sklearn_compat import Interval, fit_context, validate_data

__all__ = [
    "KEYWORD_GROUP",
    "KEYWORD_WORD_GROUP",
    "MetadataEncoder",
    "PEOPLE_COLUMNS",
    "SHARED_PEOPLE_GROUP",
]

logger = logging.getLogger(__name__)

#: Columns naming actors; with ``share_people=True`` they share one vocabulary.
PEOPLE_COLUMNS = ("actor_1_name", "actor_2_name", "actor_3_name", "cast")
#: Prefix of the shared actor features in ``get_feature_names_out``.
SHARED_PEOPLE_GROUP = "actor"
#: Prefix of the tag features of the keyword columns (``keywords``, ``plot_keywords``, ``tags``).
KEYWORD_GROUP = "keyword"
#: Prefix of the features of the words of those tags.
KEYWORD_WORD_GROUP = "keyword_word"
_WORD_PATTERN = r"[^\W_]+"
# Joined between cells before one split of the whole column; a control character that is
# (practically) never in a name, and its absence is checked.
_MARK = "\x01"


class MetadataEncoder(TransformerMixin, BaseEstimator):
    """One-hot encode credits, language, rating, keywords and numbers into a sparse CSR matrix.

    Each movie becomes a binary row with a 1 for every person, language, content
    rating, keyword (and word of a keyword) and numeric bin it has. Cells may hold
    several values joined by ``separator`` (the ``cast`` column: ``"Tom Hanks|Meg
    Ryan"``); every column is split the same way. The actor columns
    (``actor_1_name``, ``actor_2_name``, ``actor_3_name`` and ``cast``) share one
    vocabulary: the same actor in ``actor_1_name`` of one movie and in ``cast`` of
    another is one feature, ``"actor=<name>"``. The director keeps a vocabulary of its
    own (directing is a different signal from acting), as do ``language`` and
    ``content_rating``.

    Columns are recognised by the names of :mod:`skgenre.datasets`:

    - an alias of ``skgenre.datasets.METADATA_ALIASES`` (``director``,
      ``original_language``, ``countries``, ``duration``, ...) shares the vocabulary of
      the column it stands for (``"director_name=<name>"``);
    - the keyword columns ``skgenre.datasets.KEYWORD_COLUMNS`` (``keywords``,
      ``plot_keywords``, ``tags``; ``|``-joined) share one vocabulary of lower-cased
      tags, ``"keyword=<tag>"``, and, with ``keyword_words=True``, one of the words of
      those tags, ``"keyword_word=<word>"`` (``"serial killer"`` and ``"killer
      clown"`` share ``killer``);
    - the numeric columns ``skgenre.datasets.NUMERIC_COLUMNS`` (``year``, ``runtime``
      and their aliases) are cut into ``n_bins`` quantile bins learned in ``fit``,
      one feature per bin, ``"year=[1985, 1997)"``; a missing or non-numeric cell
      gives no feature.

    The output is sparse from end to end: no dense (n_movies, n_features) array is
    ever built, so 100,000 movies encode in a few seconds.

    Parameters
    ----------
    columns : str or list of str or int, default=None
        Columns to encode. ``None`` uses those of
        ``skgenre.datasets.METADATA_INPUT_COLUMNS`` (the credits, ``language``,
        ``content_rating``, ``country``, the keyword and numeric columns and their
        aliases) present in the DataFrame given to ``fit``, and every column of a 2-D
        array (labelled 0, 1, ...). A named Series is one column. Named columns are
        read as keywords or numbers by their names, as above.
    share_people : bool, default=True
        Whether the actor columns share one vocabulary (``"actor=<name>"``
        features). ``False`` keeps every column apart (``"actor_1_name=<name>"``,
        ``"cast=<name>"``).
    min_frequency : int or float, default=1
        Values found in fewer movies than this are dropped. A float in (0, 1) is a
        fraction of the movies seen in ``fit``. Frequencies count movies, not
        cells: an actor named twice in one movie counts once. Numeric bins are kept.
    separator : str or None, default="|"
        Splits multi-valued cells; ``None`` keeps each cell whole.
    n_bins : int, default=8
        Number of quantile bins of each numeric column (fewer when values repeat).
    keyword_words : bool, default=True
        Also encode the words of the keyword tags.
    dtype : numpy dtype, default=np.float32
        Dtype of the output matrix.

    Attributes
    ----------
    columns_ : list
        Columns encoded, in input order.
    groups_ : list of (str, list)
        Feature groups in output order: the prefix of their feature names and the
        columns that feed them.
    group_kinds_ : list of str
        Kind of each group: ``"category"``, ``"keyword"``, ``"word"`` or ``"numeric"``.
    categories_ : list of ndarray of str
        Sorted vocabulary of each group (after ``min_frequency``), aligned with
        ``groups_``; for a numeric group, its bins' labels in increasing order.
    bin_edges_ : dict of str to ndarray
        Inner bin edges of each numeric group.
    n_features_in_ : int
        Number of columns of the input seen in ``fit``.
    feature_names_in_ : ndarray of str
        Column names of the DataFrame seen in ``fit``, when they are all strings.

    See Also
    --------
    make_metadata_model : this encoder followed by a genre classifier.

    Notes
    -----
    scikit-learn's ``OneHotEncoder`` encodes each column with its own categories
    and takes one value per cell, so it can neither share a vocabulary across the
    actor columns nor read ``|``-joined cast lists (``MultiLabelBinarizer`` reads
    lists but has no ``min_frequency`` and does not take several columns). The
    vocabulary is therefore built here: each column's cells are split in one pass,
    values are factorised with pandas, and the CSR matrix is assembled from (row,
    column) index arrays with numpy and scipy. Unseen values are ignored in
    ``transform``; missing cells (None, NaN, empty or blank strings) give no
    feature, so a movie without any known value is an all-zero row. Numbers outside
    the range seen in ``fit`` fall in the first or last bin.

    Examples
    --------
    >>> import pandas as pd
    >>> from skgenre.metadata import MetadataEncoder
    >>> movies = pd.DataFrame({
    ...     "actor_1_name": ["Tom Hanks", "Meg Ryan", None],
    ...     "cast": ["Meg Ryan|Bill Pullman", "Tom Hanks", ""],
    ...     "language": ["English", "English", "French"],
    ... })
    >>> enc = MetadataEncoder().fit(movies)
    >>> for name in enc.get_feature_names_out():
    ...     print(name)
    actor=Bill Pullman
    actor=Meg Ryan
    actor=Tom Hanks
    language=English
    language=French
    >>> enc.transform(movies).toarray().astype(int)
    array([[1, 1, 1, 1, 0],
           [0, 1, 1, 1, 0],
           [0, 0, 0, 0, 1]])

    Keywords, aliases and numbers:

    >>> movies = pd.DataFrame({
    ...     "director": ["Wes Craven", "Nora Ephron"],
    ...     "plot_keywords": ["Serial Killer|mask", "new york|romance"],
    ...     "year": [1996, 1993],
    ... })
    >>> enc = MetadataEncoder(n_bins=2).fit(movies)
    >>> for name in enc.get_feature_names_out():
    ...     print(name)
    director_name=Nora Ephron
    director_name=Wes Craven
    keyword=mask
    keyword=new york
    keyword=romance
    keyword=serial killer
    keyword_word=killer
    keyword_word=mask
    keyword_word=new
    keyword_word=romance
    keyword_word=serial
    keyword_word=york
    year=[-inf, 1994.5)
    year=[1994.5, inf)
    """

    _parameter_constraints = {
        "columns": [None, str, numbers.Integral, "array-like"],
        "share_people": ["boolean"],
        "min_frequency": [
            Interval(numbers.Integral, 1, None, closed="left"),
            Interval(numbers.Real, 0, 1, closed="neither"),
        ],
        "separator": [None, str],
        "n_bins": [Interval(numbers.Integral, 1, None, closed="left")],
        "keyword_words": ["boolean"],
        "dtype": "no_validation",
    }

    def __init__(
        self,
        columns=None,
        *,
        share_people=True,
        min_frequency=1,
        separator=SEPARATOR,
        n_bins=8,
        keyword_words=True,
        dtype=np.float32,
    ):
        self.columns = columns
        self.share_people = share_people
        self.min_frequency = min_frequency
        self.separator = separator
        self.n_bins = n_bins
        self.keyword_words = keyword_words
        self.dtype = dtype

    # ------------------------------------------------------------------ input
    @staticmethod
    def _as_frame(X):
        """A DataFrame view of X; arrays get positional (int) column labels."""
        if isinstance(X, pd.DataFrame):
            frame = X
        elif isinstance(X, pd.Series):  # one column, named by the Series
            frame = X.to_frame(name=0 if X.name is None else X.name)
        elif sparse.issparse(X):
            raise TypeError(
                "MetadataEncoder takes a DataFrame (or an array) of names, not a sparse matrix."
            )
        else:
            if np.iscomplexobj(np.asarray(X)):
                raise ValueError("Complex data not supported.")
            values = np.asarray(X, dtype=object)
            if values.ndim == 1:
                raise ValueError(
                    f"Expected a 2-D array or a DataFrame, got a 1-D array of shape "
                    f"{values.shape} instead. Reshape your data with array.reshape(-1, 1) "
                    "if it is a single column, or pass a DataFrame or a named Series."
                )
            if values.ndim != 2:
                raise ValueError(
                    f"Expected a DataFrame or a 2-D array of metadata cells; got shape "
                    f"{values.shape}."
                )
            frame = pd.DataFrame(values)
        if frame.shape[0] == 0:
            raise ValueError(
                f"Found array with 0 sample(s) (shape={frame.shape}) while a minimum of 1 "
                "is required by MetadataEncoder."
            )
        if frame.shape[1] == 0:
            raise ValueError(
                f"Found array with 0 feature(s) (shape={frame.shape}) while a minimum of 1 "
                "is required by MetadataEncoder."
            )
        return frame

    def _select_columns(self, frame):
        if self.columns is None:
            names_are_str = all(isinstance(c, str) for c in frame.columns)
            if not names_are_str:
                return list(frame.columns)
            found = [c for c in frame.columns if c in METADATA_INPUT_COLUMNS]
            if not found:
                raise ValueError(
                    "None of the metadata columns "
                    f"{list(METADATA_INPUT_COLUMNS)} is in the data (columns: "
                    f"{list(frame.columns)[:10]}); name the columns to encode with "
                    "MetadataEncoder(columns=[...])."
                )
            return found
        columns = [self.columns] if isinstance(self.columns, (str, numbers.Integral)) else list(
            self.columns
        )
        if not columns:
            raise ValueError("columns is empty; give at least one column to encode.")
        if len(set(columns)) != len(columns):
            raise ValueError(f"columns has duplicates: {columns}.")
        return columns

    @staticmethod
    def _check_present(frame, columns):
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ValueError(
                f"Column(s) {missing} not found in the data (columns: {list(frame.columns)[:10]})."
            )

    def _group_of(self, column):
        """(group name, kind) of one column, by its name."""
        if not isinstance(column, str):
            return str(column), "category"
        canonical = METADATA_ALIASES.get(column, column)
        if canonical in NUMERIC_COLUMNS:
            return canonical, "numeric"
        if canonical in KEYWORD_COLUMNS:
            return KEYWORD_GROUP, "keyword"
        if canonical in PEOPLE_COLUMNS:
            return (SHARED_PEOPLE_GROUP if self.share_people else column), "category"
        return canonical, "category"

    def _make_groups(self, columns):
        groups, kinds = {}, {}
        for column in columns:
            name, kind = self._group_of(column)
            groups.setdefault(name, []).append(column)
            kinds[name] = kind
            if kind == "keyword" and self.keyword_words:
                groups.setdefault(KEYWORD_WORD_GROUP, []).append(column)
                kinds[KEYWORD_WORD_GROUP] = "word"
        return list(groups.items()), [kinds[name] for name in groups]

    def _tokens(self, values):
        """Row positions and stripped values of one column's non-missing cells.

        The cells are split in C rather than cell by cell: they are joined into one
        string with a marker cell between them, split once, and each value's row is
        the number of markers before it. 100,000 casts split in well under a second.
        """
        values = np.asarray(values, dtype=object)
        rows = np.flatnonzero(~pd.isna(values))
        cells = [c if isinstance(c, str) else str(c) for c in values[rows]]
        sep = self.separator
        if sep is None or not cells:
            tokens, token_rows = cells, rows
        else:
            parts = np.array((sep + _MARK + sep).join(cells).split(sep), dtype=object)
            is_mark = parts == _MARK
            if int(is_mark.sum()) == len(cells) - 1:
                tokens = parts[~is_mark]
                token_rows = rows[np.cumsum(is_mark)[~is_mark]]
            else:  # the marker occurs in the data itself: split cell by cell
                split = [c.split(sep) for c in cells]
                tokens = [t for parts_ in split for t in parts_]
                token_rows = np.repeat(rows, [len(parts_) for parts_ in split])
        tokens = np.array([t.strip() for t in tokens], dtype=object)
        keep = tokens != ""
        return np.asarray(token_rows, dtype=np.intp)[keep], tokens[keep]

    def _group_tokens(self, frame):
        """For each group, the (rows, values) of all its columns' non-missing cells.

        Keyword tags are lower-cased; a ``"word"`` group holds the words of its
        columns' tags; a ``"numeric"`` group holds float values.
        """
        out, tokens = [], {}
        for (_, columns), kind in zip(self.groups_, self.group_kinds_):
            if kind == "numeric":
                parts = []
                for c in columns:
                    values = pd.to_numeric(pd.Series(frame[c].to_numpy()), errors="coerce")
                    values = values.to_numpy(dtype=float)
                    rows = np.flatnonzero(np.isfinite(values))
                    parts.append((rows, values[rows]))
            else:
                for c in columns:  # a keyword column feeds two groups: split it once
                    if c not in tokens:
                        tokens[c] = self._tokens(frame[c].to_numpy())
                parts = [tokens[c] for c in columns]
            rows = np.concatenate([p[0] for p in parts]).astype(np.intp, copy=False)
            values = np.concatenate([p[1] for p in parts])
            if kind in ("keyword", "word") and len(values):
                # One lower-casing and one regex pass over all tags, joined by a marker.
                text = _MARK.join(values).lower()
                if kind == "keyword":
                    values = np.array(text.split(_MARK), dtype=object)
                else:
                    words = np.array(re.findall(_WORD_PATTERN + "|" + _MARK, text), dtype=object)
                    is_mark = words == _MARK
                    rows = rows[np.cumsum(is_mark)[~is_mark]]
                    values = words[~is_mark]
            out.append((rows, values))
        return out

    def _bin(self, name, values):
        return np.searchsorted(self.bin_edges_[name], values, side="right")

    # ------------------------------------------------------------------ fit
    def _fit(self, X):
        if self.separator == "":
            raise ValueError("separator must be a non-empty string or None.")
        frame = self._as_frame(X)
        # Records n_features_in_ (and feature_names_in_ for string column names)
        # without converting the cells.
        validate_data(self, frame, skip_check_array=True, reset=True)
        columns = self._select_columns(frame)
        self._check_present(frame, columns)
        self.columns_ = columns
        self.groups_, self.group_kinds_ = self._make_groups(columns)
        self.bin_edges_ = {}
        n_movies = frame.shape[0]
        if isinstance(self.min_frequency, numbers.Integral):
            min_count = int(self.min_frequency)
        else:
            min_count = max(1, math.ceil(self.min_frequency * n_movies))
        self.categories_, codes = [], []
        for (name, _), kind, (rows, values) in zip(
            self.groups_, self.group_kinds_, self._group_tokens(frame)
        ):
            if kind == "numeric":
                self.categories_.append(self._fit_bins(name, values))
                codes.append((rows, self._bin(name, values)))
                continue
            value_codes, uniques = pd.factorize(values)
            uniques = np.asarray(uniques, dtype=object)
            # Movie frequency: a (movie, value) matrix sums repeated pairs, so each
            # value's number of stored entries is the number of movies naming it.
            per_movie = sparse.csr_matrix(
                (np.ones(len(rows), dtype=np.float32), (rows, value_codes)),
                shape=(n_movies, len(uniques)),
            )
            counts = np.bincount(per_movie.indices, minlength=len(uniques))
            kept = np.flatnonzero(counts >= min_count)
            order = kept[np.argsort(uniques[kept])]
            self.categories_.append(uniques[order])
            # Output column of each value (-1: dropped), to encode X without a look-up.
            position = np.full(len(uniques), -1, dtype=np.intp)
            position[order] = np.arange(len(order))
            codes.append((rows, position[value_codes]))
            logger.debug("group %s: %d values, %d kept", name, len(uniques), len(kept))
        n_features = sum(len(c) for c in self.categories_)
        if n_features == 0:
            raise ValueError(
                f"No value of columns {columns} is found in at least {min_count} movie(s): "
                "the vocabulary is empty. Lower min_frequency or check the columns."
            )
        return frame, codes

    def _fit_bins(self, name, values):
        """Learn a numeric group's quantile bins; return their labels."""
        uniques = np.unique(values)
        if len(uniques) > 1:
            cuts = np.quantile(values, np.linspace(0, 1, self.n_bins + 1)[1:-1])
            # Cut between observed values, so that equal values share a bin.
            upper = uniques[np.minimum(np.searchsorted(uniques, cuts, side="right"),
                                       len(uniques) - 1)]
            lower = uniques[np.maximum(np.searchsorted(uniques, cuts, side="right") - 1, 0)]
            edges = np.unique((lower + upper) / 2)
            edges = edges[(edges > uniques[0]) & (edges < uniques[-1])]
        else:
            edges = np.empty(0)
        self.bin_edges_[name] = edges
        bounds = np.concatenate([[-np.inf], edges, [np.inf]])
        return np.array(
            [f"[{a:g}, {b:g})" for a, b in zip(bounds[:-1], bounds[1:])], dtype=object
        )

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the vocabulary of every column group.

        Parameters
        ----------
        X : DataFrame of shape (n_movies, n_columns) or array-like
            Metadata cells; multi-valued cells joined by ``separator``.
        y : None
            Ignored.

        Returns
        -------
        self : MetadataEncoder
        """
        self._fit(X)
        return self

    @fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Learn the vocabulary and encode ``X``, splitting the cells once.

        Parameters
        ----------
        X : DataFrame of shape (n_movies, n_columns) or array-like
        y : None
            Ignored.

        Returns
        -------
        X_enc : scipy.sparse.csr_matrix of shape (n_movies, n_features)
        """
        frame, codes = self._fit(X)
        return self._encode(codes, frame.shape[0])

    # ------------------------------------------------------------------ transform
    def _codes(self, frame):
        """(rows, column within the group, -1 if unknown) of every value, per group."""
        codes = []
        for (name, _), kind, categories, (rows, values) in zip(
            self.groups_, self.group_kinds_, self.categories_, self._group_tokens(frame)
        ):
            if kind == "numeric":
                codes.append((rows, self._bin(name, values)))
                continue
            index = pd.Index(categories, dtype=object)
            codes.append((rows, index.get_indexer(values) if len(values) else np.empty(0, int)))
        return codes

    def _encode(self, codes, n_movies):
        rows, cols, offset = [], [], 0
        for categories, (group_rows, group_cols) in zip(self.categories_, codes):
            known = group_cols >= 0
            rows.append(group_rows[known])
            cols.append(group_cols[known] + offset)
            offset += len(categories)
        rows = np.concatenate(rows).astype(np.int64, copy=False)
        cols = np.concatenate(cols).astype(np.int64, copy=False)
        matrix = sparse.csr_matrix(
            (np.ones(len(rows), dtype=self.dtype), (rows, cols)), shape=(n_movies, offset)
        )
        matrix.sum_duplicates()
        matrix.data[:] = 1  # binary, also when a value repeats within a cell
        return matrix

    def transform(self, X):
        """Encode movies with the learned vocabulary; unseen values are ignored.

        Parameters
        ----------
        X : DataFrame of shape (n_movies, n_columns) or array-like
            Must hold the columns used in ``fit`` (others are ignored).

        Returns
        -------
        X_enc : scipy.sparse.csr_matrix of shape (n_movies, n_features)
        """
        check_is_fitted(self)
        frame = self._as_frame(X)
        if not isinstance(X, (pd.DataFrame, pd.Series)):
            # Columns of an array are positional: their number must match fit's.
            # DataFrames are matched by name and may hold other columns.
            validate_data(self, frame, skip_check_array=True, reset=False)
        self._check_present(frame, self.columns_)
        return self._encode(self._codes(frame), frame.shape[0])

    def get_feature_names_out(self, input_features=None):
        """Feature names ``"<group>=<value>"``, e.g. ``"actor=Tom Hanks"``.

        Parameters
        ----------
        input_features : None
            Ignored; present for scikit-learn's API.

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        names = [
            f"{group}={value}"
            for (group, _), categories in zip(self.groups_, self.categories_)
            for value in categories
        ]
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = []
        return tags
