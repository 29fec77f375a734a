"""Save and load fitted models without pickle: skops files, torch state as plain arrays.

A model file is a `skops <https://skops.readthedocs.io>`_ file. skops stores an
object as a tree of types and values and refuses, at load time, every type that is
not on a trusted list, so that opening a file never runs code its author chose.

skops cannot store torch objects, and skorch nets pickle their modules in
``__getstate__``. Before dumping, :func:`save_model` therefore walks the object graph
and replaces, wherever they occur, every torch tensor, module and optimizer, every
skorch net and every object that holds one of them, by a small placeholder of this
module: a tensor becomes a numpy array, an object its class path and attributes, an
optimizer its class path, parameters and ``state_dict``. :func:`load_model` audits the
file with skops, then the class paths of the placeholders, and rebuilds the objects
(``cls.__new__`` and the attributes, as pickle would, but only for trusted classes).
The walk hooks on types (``torch.Tensor``, ``torch.nn.Module``,
``torch.optim.Optimizer``, ``skorch.NeuralNet``), never on skgenre class names.
"""

import copy
import importlib
import json
import sys
import warnings
import zipfile
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, ModuleType

import numpy as np

from .utils._files import atomic_write

__all__ = ["save_model", "load_model", "UntrustedModelError"]

FORMAT = "skgenre-model"
#: 3: optimizers keep their ``defaults`` and large string containers are packed
#: (:class:`_StringTable`); files of format 2 still load.
FORMAT_VERSION = 3

#: Containers of strings with at least this many items are stored packed: skops stores
#: each item of a dict or list as a node of its own, which made a TF-IDF vocabulary of
#: 38,000 terms 200 MB of schema and 10 s of loading.
PACK_MIN_ITEMS = 64

#: Packages whose classes a model file may name. A class is trusted only when it is
#: importable under that exact name; functions are trusted only by exact name.
TRUSTED_PACKAGES = ("skgenre", "sklearn", "skorch", "torch", "iterstrat")

#: Functions and callables a fitted skgenre model holds as attributes.
TRUSTED_CALLABLES = (
    "builtins.print",  # skorch's PrintLog(sink=print)
    "functools.partial",
    "skorch.setter.optimizer_setter",  # skorch's virtual parameters (optimizer__lr)
)


class UntrustedModelError(ValueError):
    """A model file that could run code its author chose: a pickle, or unknown types.

    The message names what was refused and how to trust it explicitly.
    """


# --------------------------------------------------------------------------- placeholders


class _TorchTensor:
    """A torch tensor or ``Parameter``, stored as a numpy array.

    Attributes are ``array`` (ndarray), ``dtype`` (torch dtype name, e.g. ``"float32"``),
    ``view`` (True when ``array`` holds the bytes of a dtype numpy lacks, e.g.
    ``bfloat16``), ``device`` (str), ``parameter`` and ``requires_grad`` (bool).
    """


class _TorchObject:
    """A torch module, a skorch net or any object holding torch state.

    Attributes are ``cls`` (the class path, ``"module.QualName"``) and ``state`` (its
    attributes, with torch objects replaced by placeholders).
    """


class _TorchOptimizer:
    """A torch optimizer: ``cls`` (class path), ``params`` (one list of ``_TorchTensor``
    per parameter group, shared with the module's), ``state_dict`` and ``defaults``
    (format 3 on)."""


class _TorchValue:
    """A ``torch.device`` or ``torch.dtype``: ``kind`` and ``name``."""


class _StringTable:
    """A large list, tuple, set or frozenset of str, or dict of str to int, packed.

    ``kind`` (the container's type name), ``data`` (the UTF-8 bytes of all strings,
    as a uint8 array), ``ends`` (int64 end offset of each string in ``data``) and, for a
    dict, ``values`` (an integer array) and ``numpy_values`` (True when the values were
    numpy integers rather than Python ints).
    """


class _JsonData:
    """A large tree of plain data (e.g. a skorch ``History``), stored as one JSON text.

    ``cls`` (``"list"``, ``"dict"`` or the class path of a list or dict subclass without
    attributes of its own) and ``text``; numpy scalars are written as
    ``{"__numpy__": [dtype, value]}``.
    """


def _placeholder(placeholder_class, /, **attrs):
    obj = placeholder_class.__new__(placeholder_class)
    obj.__dict__.update(attrs)
    return obj


PLACEHOLDERS = (_TorchTensor, _TorchObject, _TorchOptimizer, _TorchValue, _StringTable,
                _JsonData)
_PLACEHOLDER_NAMES = tuple(f"{__name__}.{cls.__name__}" for cls in PLACEHOLDERS)

_ATOMS = (bool, int, float, complex, str, bytes, bytearray, range, slice, np.ndarray, np.generic,
          np.dtype, type, FunctionType, BuiltinFunctionType, ModuleType)


def _class_path(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_net(obj_or_cls):
    skorch = sys.modules.get("skorch")
    if skorch is None:
        return False
    cls = obj_or_cls if isinstance(obj_or_cls, type) else type(obj_or_cls)
    return issubclass(cls, skorch.NeuralNet)


# --------------------------------------------------------------------------- saving


class _Stripper:
    """Copies the object graph with every torch object replaced by a placeholder.

    Objects that hold no torch state are returned as they are (skops stores them),
    so the model itself is never modified. Shared objects stay shared.
    """

    def __init__(self):
        self.torch = sys.modules.get("torch")  # no torch object exists before torch loads
        self.memo = {}
        self.active = set()
        self.revisited = set()

    def __call__(self, obj, path):
        if obj is None or isinstance(obj, _ATOMS):
            return obj
        key = id(obj)
        if key in self.memo:
            return self.memo[key][0]
        if key in self.active:  # a cycle: fine unless this object is replaced
            self.revisited.add(key)
            return obj
        self.active.add(key)
        try:
            new = self._strip(obj, path)
        finally:
            self.active.discard(key)
        self.memo[key] = (new, obj)  # keeps obj alive, so that its id is not reused
        if new is not obj and key in self.revisited:
            raise TypeError(f"cannot save {path}: a reference cycle passes through this object, "
                            "which holds torch state")
        return new

    def _strip(self, obj, path):
        torch = self.torch
        if torch is not None:
            if isinstance(obj, torch.Tensor):
                return self._tensor(obj, path)
            if isinstance(obj, torch.optim.Optimizer):
                return self._optimizer(obj, path)
            if isinstance(obj, torch.device):
                return _placeholder(_TorchValue, kind="device", name=str(obj))
            if isinstance(obj, torch.dtype):
                return _placeholder(_TorchValue, kind="dtype", name=str(obj).split(".")[-1])
            if isinstance(obj, torch.Size):
                return tuple(obj)
        packed = _pack_strings(obj)
        if packed is None:
            packed = self._pack_json(obj)
        if packed is not None:
            return packed
        if isinstance(obj, dict):
            items = [(k, self(v, f"{path}[{k!r}]")) for k, v in obj.items()]
            if all(new is obj[k] for k, new in items):
                return obj
            if type(obj) is dict:
                return dict(items)
            new = copy.copy(obj)
            new.clear()
            new.update(items)
            return new
        if isinstance(obj, (list, tuple, set, frozenset)):
            items = [self(v, f"{path}[{i}]") for i, v in enumerate(obj)]
            if all(new is old for new, old in zip(items, obj)):
                return obj
            if isinstance(obj, (set, frozenset)):
                raise TypeError(f"cannot save {path}: a set holding torch objects")
            if type(obj) in (list, tuple):
                return type(obj)(items)
            if isinstance(obj, list):
                new = copy.copy(obj)
                new[:] = items
                return new
            if hasattr(obj, "_fields"):  # a namedtuple
                return type(obj)(*items)
            return type(obj)(items)
        is_torch = _is_net(obj) or torch is not None and (
            isinstance(obj, torch.nn.Module) or type(obj).__module__.split(".")[0] == "torch"
        )
        if not hasattr(obj, "__dict__"):
            if is_torch:
                raise TypeError(f"cannot save {path}: {_class_path(type(obj))} is not supported")
            return obj
        # skorch nets pickle their modules in __getstate__: their attributes are read
        # directly. Other objects keep their own __getstate__ (which may drop caches).
        state = obj.__getstate__() if not is_torch and hasattr(obj, "__getstate__") else None
        if not isinstance(state, dict):
            state = vars(obj)
        new_state = {k: self(v, f"{path}.{k}") for k, v in state.items()}
        if not is_torch and all(new_state[k] is v for k, v in state.items()):
            return obj
        return _placeholder(_TorchObject, cls=_class_path(type(obj)), state=new_state)

    def _tensor(self, tensor, path):
        torch = self.torch
        if tensor.layout != torch.strided or tensor.is_quantized:
            raise TypeError(f"cannot save {path}: sparse or quantized tensors are not supported")
        data = tensor.detach().cpu().resolve_conj().resolve_neg().contiguous()
        view = False
        try:
            array = data.numpy().copy()
        except TypeError:  # a dtype numpy lacks (bfloat16, float8): keep the bytes
            width = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64}
            array = data.view(width[data.element_size()]).numpy().copy()
            view = True
        return _placeholder(
            _TorchTensor, array=array, dtype=str(tensor.dtype).split(".")[-1], view=view,
            device=str(tensor.device), parameter=isinstance(tensor, torch.nn.Parameter),
            requires_grad=bool(tensor.requires_grad),
        )

    def _optimizer(self, optimizer, path):
        params = [
            [self(p, f"{path}.param_groups[{i}]") for p in group["params"]]
            for i, group in enumerate(optimizer.param_groups)
        ]
        state_dict = self(optimizer.state_dict(), f"{path}.state_dict()")
        defaults = self(dict(optimizer.defaults), f"{path}.defaults")
        return _placeholder(_TorchOptimizer, cls=_class_path(type(optimizer)), params=params,
                            state_dict=state_dict, defaults=defaults)

    def _pack_json(self, obj):
        """A :class:`_JsonData` for a large list or dict of plain data, else None."""
        if not isinstance(obj, (list, dict)) or (
            type(obj) not in (list, dict) and (not hasattr(obj, "__dict__") or vars(obj))
        ):
            return None
        if (_json_tree(obj, set(), self.memo) or 0) < PACK_MIN_ITEMS:
            return None
        data = list(obj) if isinstance(obj, list) else dict(obj)
        cls = type(obj).__name__ if type(obj) in (list, dict) else _class_path(type(obj))
        return _placeholder(_JsonData, cls=cls, text=json.dumps(_json_encode(data)))


_JSON_ATOMS = (str, int, float, bool, type(None))
_NUMPY_TAG = "__numpy__"
#: The numpy scalar types a JSON tree may hold (tagged with their dtype name).
_JSON_NUMPY_TYPES = (np.float64, np.float32, np.int64, np.bool_)
_JSON_NUMPY_DTYPES = tuple(np.dtype(t).name for t in _JSON_NUMPY_TYPES)


def _json_tree(obj, seen, memo):
    """The number of values in ``obj`` when it is plain data (lists and str-keyed dicts
    of numbers, strings, None), else None; also None when one of its containers is
    shared (with itself or with what was saved before it). ``seen``: its containers."""
    if type(obj) in _JSON_ATOMS or type(obj) in _JSON_NUMPY_TYPES:
        return 1
    if not isinstance(obj, (list, dict)) or id(obj) in seen or (
        seen and (type(obj) not in (list, dict) or id(obj) in memo)
    ):
        return None
    seen.add(id(obj))
    if isinstance(obj, dict):
        if _NUMPY_TAG in obj or not all(type(k) is str for k in obj):
            return None
        obj = obj.values()
    total = 1
    for item in obj:
        count = _json_tree(item, seen, memo)
        if count is None:
            return None
        total += count
    return total


def _json_encode(obj):
    if isinstance(obj, np.generic):
        return {_NUMPY_TAG: [obj.dtype.name, obj.item()]}
    if isinstance(obj, dict):
        return {k: _json_encode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_json_encode(v) for v in obj]
    return obj


def _pack_strings(obj):
    """A :class:`_StringTable` for a large container of strings, else None."""
    kind = type(obj)
    if kind not in (dict, list, tuple, set, frozenset) or len(obj) < PACK_MIN_ITEMS:
        return None
    keys = list(obj)
    if not all(type(k) is str for k in keys):
        return None
    values = numpy_values = None
    if kind is dict:
        values = list(obj.values())
        if all(type(v) is int for v in values):
            numpy_values = False
        elif len({type(v) for v in values}) == 1 and isinstance(values[0], np.integer):
            numpy_values = True
        else:
            return None
        try:
            values = np.asarray(values, dtype=type(values[0]) if numpy_values else np.int64)
        except OverflowError:
            return None
    encoded = [k.encode("utf-8", "surrogatepass") for k in keys]
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8).copy()
    ends = np.cumsum([len(e) for e in encoded], dtype=np.int64)
    return _placeholder(_StringTable, kind=kind.__name__, data=data, ends=ends, values=values,
                        numpy_values=numpy_values)


def _versions():
    out = {}
    for name, module in [("skgenre", "skgenre"), ("scikit-learn", "sklearn"),
                         ("torch", "torch"), ("skorch", "skorch"), ("numpy", "numpy"),
                         ("skops", "skops")]:
        if name in ("skgenre", "scikit-learn", "numpy", "skops") or module in sys.modules:
            out[name] = getattr(importlib.import_module(module), "__version__", "?")
    return out


def save_model(model, path, *, metadata=None):
    """Save a fitted model (a stacker, a pipeline, any estimator) to a skops file.

    The file holds no pickle: torch tensors are stored as numpy arrays and every
    object as its type and attributes, so that :func:`load_model` can refuse any type
    it does not trust before building anything. The file is written atomically.

    Parameters
    ----------
    model : object
        The model to save: scikit-learn estimators, skorch nets and torch modules,
        anywhere in the model, are supported.
    path : str or path-like
        The file to write. Any name is accepted; ``.skops`` is the convention. Its
        folder must exist.
    metadata : dict, default=None
        JSON-serialisable facts stored beside the model (genre names, training data,
        parameters), returned by ``load_model(path, return_metadata=True)``.

    Returns
    -------
    path : Path
        The file written.

    See Also
    --------
    load_model : Load the model back, refusing untrusted types.

    Notes
    -----
    Optimizers are saved with their ``state_dict`` and rebuilt on load, so that a
    loaded net can keep training. The versions of skgenre, scikit-learn, torch and
    skorch are recorded; :func:`load_model` warns when they differ.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skgenre import load_model, save_model
    >>> import tempfile, os
    >>> model = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    >>> path = save_model(model, os.path.join(tempfile.mkdtemp(), "model.skops"),
    ...                   metadata={"genres": ["Drama"]})
    >>> loaded, meta = load_model(path, return_metadata=True)
    >>> meta["genres"], loaded.predict([[1.0]])
    (['Drama'], array([1]))
    """
    import skops.io as sio

    try:
        metadata_text = json.dumps({} if metadata is None else dict(metadata))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"metadata must be a JSON-serialisable dict: {exc}") from exc
    bundle = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "versions": json.dumps(_versions()),
        "metadata": metadata_text,
        "model": _Stripper()(model, "model"),
    }
    # written whole or not at all, with the umask's permissions (mkstemp's were 0600)
    return atomic_write(path, lambda file: sio.dump(bundle, file,
                                                    compression=zipfile.ZIP_DEFLATED))


# --------------------------------------------------------------------------- loading


def _refuse(path, names, what):
    names = sorted(names)
    raise UntrustedModelError(
        f"{path} holds {what} that skgenre does not trust: {names}. Loading them could run "
        "code chosen by the file's author. If you trust the file's source, pass "
        f"trusted={names} to load_model (CLI: --trust NAME for each)."
    )


def _legacy_load(path):
    import joblib

    obj = joblib.load(path)
    if isinstance(obj, dict) and obj.get("format") == FORMAT and "stacker" in obj:
        meta = {k: v for k, v in obj.items() if k != "stacker"}
        return obj["stacker"], meta
    return obj, {}


def load_model(path, *, trusted=None, allow_pickle=False, return_metadata=False):
    """Load a model saved by :func:`save_model`, refusing anything that could run code.

    The file is audited before anything in it is built: every type it names must be
    trusted, either by skops (numpy, builtins, scikit-learn estimators), by skgenre
    (the classes of skgenre, scikit-learn, skorch, and torch's modules and
    optimizers, a few named functions) or by you (``trusted``). A pickle or joblib
    file (the format of skgenre 0.1) is refused unless ``allow_pickle=True``.

    Parameters
    ----------
    path : str or path-like
        The model file.
    trusted : list of str, default=None
        More type names to trust, as listed by the :class:`UntrustedModelError`
        message (or ``skops.io.get_untrusted_types``). Review them first: a trusted
        function can be called when the model predicts.
    allow_pickle : bool, default=False
        Load a pickle/joblib file. Unpickling runs whatever code the file's author put
        in it: pass True only for a file you wrote yourself, then re-save it with
        :func:`save_model`.
    return_metadata : bool, default=False
        Also return the ``metadata`` dict given to :func:`save_model`.

    Returns
    -------
    model : object
        The model, with its torch tensors on their saved device where this machine has
        it, else on the CPU (skorch nets warn with ``DeviceWarning``).
    metadata : dict
        Only when ``return_metadata=True``.

    Raises
    ------
    UntrustedModelError
        For a pickle file without ``allow_pickle``, and for untrusted types (the
        message lists them).

    See Also
    --------
    save_model : Save a model in this format.
    """
    import skops.io as sio

    path = Path(path)
    trusted = [trusted] if isinstance(trusted, str) else list(trusted or [])
    data = path.read_bytes()  # read once: the file audited is the file loaded
    if not data.startswith(b"PK\x03\x04"):  # not a zip, so not a skops file
        if not allow_pickle:
            raise UntrustedModelError(
                f"{path} is not a skops model file: it looks like a pickle or joblib file (the "
                "format of skgenre 0.1, or joblib.dump). Loading a pickle runs any code its "
                "author put in it, so it is refused. If you wrote this file yourself, load it "
                "once with allow_pickle=True (CLI: --allow-pickle) and save it again with "
                "skgenre.save_model."
            )
        model, metadata = _legacy_load(path)
        return (model, metadata) if return_metadata else model
    from ._persistence_restore import _Restorer, _safe_class

    try:
        untrusted = sio.get_untrusted_types(data=data)
    except (zipfile.BadZipFile, KeyError, ValueError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path} is not a readable skops model file: {exc}") from exc
    refused = [n for n in untrusted
               if n not in trusted and n not in _PLACEHOLDER_NAMES + TRUSTED_CALLABLES
               and not _safe_class(n, rebuilt=False)]
    if refused:
        _refuse(path, refused, "types")
    bundle = sio.loads(data, trusted=untrusted)
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise ValueError(f"{path} is a skops file but not a skgenre model file (write one with "
                         "skgenre.save_model)")
    if bundle.get("format_version", 0) > FORMAT_VERSION:
        raise ValueError(f"{path} was written by a newer skgenre (model format "
                         f"{bundle.get('format_version')}); upgrade skgenre to load it")
    restorer = _Restorer(trusted)
    classes = _Restorer.classes(bundle["model"])
    refused = [n for n in classes if n not in trusted and not _safe_class(n, rebuilt=True)]
    if refused:
        _refuse(path, refused, "classes")
    _warn_versions(path, json.loads(bundle.get("versions", "{}")))
    model = restorer(bundle["model"])
    metadata = json.loads(bundle.get("metadata", "{}"))
    return (model, metadata) if return_metadata else model


def _warn_versions(path, saved):
    now = _versions()
    differ = [f"{k} {v} (now {now[k]})" for k, v in saved.items()
              if k in now and k not in ("numpy", "skops") and now[k] != v]
    if differ:
        warnings.warn(f"{path} was saved with {', '.join(differ)}; its predictions may differ "
                      "or it may fail to load.", UserWarning, stacklevel=3)
