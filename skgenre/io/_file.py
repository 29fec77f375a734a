"""save_model / load_model: a zip of one JSON tree and ``.npy`` arrays, nothing executable."""

import json
import os
import secrets
import sys
import warnings
import zipfile
from pathlib import Path

import numpy as np

from ._trusted import TRUSTED
from ._tree import TreeReader, TreeWriter, resolve

__all__ = ["FORMAT_VERSION", "UntrustedModelError", "load_model", "save_model"]

FORMAT = "skgenre-model"
#: 4: skgenre.io. 2 and 3 were skops files (skgenre 0.2 and earlier), refused with
#: a message; 1 was a joblib pickle (``allow_pickle=True``).
FORMAT_VERSION = 4


class UntrustedModelError(ValueError):
    """A model file naming a type skgenre does not trust, or a pickle; the message lists
    what was refused and how to trust it explicitly.

    ``problem`` is the message without its Python advice, and ``parameter`` the
    parameter of :func:`load_model` that decides (``"allow_pickle"``, ``"trusted"``), so
    that a command line can give its own.
    """

    def __init__(self, message, *, problem=None, parameter=None):
        super().__init__(message)
        self.problem, self.parameter = problem or message, parameter


def _versions():
    found = {"skgenre": "skgenre", "scikit-learn": "sklearn", "numpy": "numpy",
             "torch": "torch", "skorch": "skorch"}
    return {k: getattr(sys.modules[m], "__version__", "?") for k, m in found.items()
            if m in sys.modules}


def save_model(model, path, *, metadata=None):
    """Save a fitted model (a stacker, a pipeline, any estimator) as plain data.

    The file is a zip of ``model.json``, a tree of plain values in which every object
    names its class, and the model's arrays as ``.npy`` files: no pickle and no code.
    Estimators holding torch networks store them as arrays (their ``__getstate__``).
    The file is written atomically.

    Parameters
    ----------
    model : object
        The model: scikit-learn's and skgenre's estimators, and plain Python and numpy
        values.
    path : str or path-like
        The file to write (``.skgenre`` by convention). Its folder must exist.
    metadata : dict, default=None
        JSON-serialisable facts stored beside the model, returned by
        ``load_model(path, return_metadata=True)``.

    Returns
    -------
    path : Path
        The file written.

    Raises
    ------
    TypeError
        For metadata that is not JSON, and for what is not plain data (a torch module
        outside the estimator that owns it, a lambda, an open file): the message says
        where it sits in the model.

    See Also
    --------
    load_model : Load the model back, building only trusted types.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skgenre import load_model, save_model
    >>> model = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    >>> path = save_model(model, os.path.join(tempfile.mkdtemp(), "model.skgenre"),
    ...                   metadata={"genres": ["Drama"]})
    >>> loaded, meta = load_model(path, return_metadata=True)
    >>> meta["genres"], loaded.predict([[1.0]])
    (['Drama'], array([1]))
    """
    try:
        metadata = json.loads(json.dumps({} if metadata is None else dict(metadata)))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"metadata must be a JSON-serialisable dict: {exc}") from exc
    writer = TreeWriter()
    try:
        tree = writer(model)
    except RecursionError as exc:
        raise TypeError("cannot save the model: it nests too deeply, or holds a reference "
                        "cycle through lists or dicts") from exc
    header = {"format": FORMAT, "format_version": FORMAT_VERSION, "versions": _versions(),
              "metadata": metadata, "model": tree}
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")  # mode from the umask
    try:  # members stored, not compressed: none can expand beyond the file (no zip bomb)
        with open(tmp, "xb") as file, zipfile.ZipFile(file, "w") as archive:
            archive.writestr("model.json", json.dumps(header))
            for key, array in writer.arrays.items():
                with archive.open(f"arrays/{key}.npy", "w", force_zip64=True) as member:
                    np.save(member, array, allow_pickle=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_model(path, *, trusted=None, allow_pickle=False, return_metadata=False):
    """Load a model saved by :func:`save_model`, building only trusted types.

    Every class and function the file names is compared, as a string, with
    :data:`skgenre.io.TRUSTED` (the types skgenre's models hold) and ``trusted`` before
    anything is imported or built; a file naming anything else is refused. Only the
    modules of trusted names are imported, and no pickle is read.

    Parameters
    ----------
    path : str or path-like
        The model file.
    trusted : list of str, default=None
        More names to trust (``"module.name"``, as the :class:`UntrustedModelError`
        message lists them). Review them first: a trusted class is built from the file's
        values, and a trusted function may be called when the model predicts.
    allow_pickle : bool, default=False
        Load a pickle or joblib file (skgenre 0.1's format). Unpickling runs whatever
        code the file's author put in it: only for a file you wrote yourself.
    return_metadata : bool, default=False
        Also return the ``metadata`` given to :func:`save_model`.

    Returns
    -------
    model : object
        Torch parts go to their saved device where this machine has it, else to the
        CPU with a warning.
    metadata : dict
        Only when ``return_metadata=True``.

    Raises
    ------
    UntrustedModelError
        For a file naming untrusted types (listed), or a pickle without ``allow_pickle``.
    ValueError
        For a file that is empty, truncated, damaged, not a skgenre model, or of another
        format version (the message says what to do).

    See Also
    --------
    save_model : Save a model in this format.
    """
    path = Path(path)
    with open(path, "rb") as file:
        magic = file.read(8)
    if magic[:4] != b"PK\x03\x04":
        _refuse_foreign(path, magic)
        if not allow_pickle:
            problem = (
                f"{path} is not a skgenre model file (a zip archive): it looks like a pickle "
                "or joblib file (skgenre 0.1's format), and loading a pickle runs any code its "
                "author put in it, so it is refused.")
            raise UntrustedModelError(
                f"{problem} If you wrote this file yourself, load it once with "
                "allow_pickle=True and save it again with skgenre.save_model.",
                problem=problem, parameter="allow_pickle")
        import joblib

        model, metadata = joblib.load(path), {}
        if isinstance(model, dict) and model.get("format") == FORMAT and "stacker" in model:
            model, metadata = model.pop("stacker"), model
        return (model, metadata) if return_metadata else model
    damaged = (zipfile.BadZipFile, KeyError, TypeError, IndexError, AttributeError,
               RecursionError)
    try:
        archive = zipfile.ZipFile(path)
        with archive:
            header = _header(archive, path)
            reader = TreeReader()
            try:  # names only: nothing imported, called or read, so any error is damage
                reader(header["model"])
            except ValueError as exc:
                raise TypeError(str(exc)) from exc
            refused = sorted(reader.names - TRUSTED - set(
                [trusted] if isinstance(trusted, str) else trusted or []))
            if refused:
                raise UntrustedModelError(
                    f"{path} names types that skgenre does not trust: {refused}. Loading them "
                    "could run code chosen by the file's author. If you trust the file's "
                    f"source, pass trusted={refused} to load_model (CLI: --trust NAME for "
                    "each).")
            classes = {name: resolve(name) for name in reader.names}
            model = TreeReader(classes, lambda key: _read_array(archive, key))(header["model"])
    except (*damaged, json.JSONDecodeError) as exc:
        raise ValueError(f"{path} is not a skgenre model file: it is empty, truncated or "
                         f"damaged ({type(exc).__name__}: {exc})") from exc
    now = _versions()
    differ = [f"{k} {v} (now {now[k]})" for k, v in (header.get("versions") or {}).items()
              if k in now and k != "numpy" and now[k] != v]
    if differ:
        warnings.warn(f"{path} was saved with {', '.join(differ)}; its predictions may differ "
                      "or it may fail to load.", UserWarning, stacklevel=2)
    return (model, header.get("metadata") or {}) if return_metadata else model


# First bytes of a pickle (protocol 2+) and of joblib's compressed files: skgenre 0.1's
# model files, which allow_pickle=True loads.
_PICKLE_MAGIC = (b"\x80", b"x\x01", b"x\x5e", b"x\x9c", b"x\xda", b"\x1f\x8b", b"BZh",
                 b"\xfd7zXZ", b"]\x00\x00", b"\x04\x22\x4d\x18")


def _refuse_foreign(path, head):
    """A ``ValueError`` saying what ``path`` holds when it is neither a zip archive (a
    model file) nor a pickle: empty, text, an image... (not the pickle advice)."""
    from ..utils._on_error import describe_content

    if not head:
        raise ValueError(f"{path} is empty (0 bytes), not a model file; write one with "
                         "skgenre.save_model or `skgenre fit`")
    if head.startswith(_PICKLE_MAGIC):
        return
    what = "is in an unknown format"
    for kind, expected in (("image", ", not an image"), ("video", ", not a video")):
        found = describe_content(path, kind)  # None for a file of that kind: try the other
        if found:
            what = found.replace(expected, "")
            break
    raise ValueError(f"{path} is not a skgenre model file: it {what} (a model file is a zip "
                     "archive written by skgenre.save_model or `skgenre fit`)")


def _header(archive, path):
    names = archive.namelist()
    if "schema.json" in names:  # skops, before skgenre.io: only its version is read
        version = json.loads(archive.read("schema.json"))["content"]["format_version"]
        raise ValueError(
            f"{path} is a skgenre model file of format {json.loads(version['content'])} (a "
            f"skops file, written by skgenre 0.2 and earlier); this skgenre reads format "
            f"{FORMAT_VERSION}. Fit the model again (`skgenre fit`), or use it with the "
            "skgenre that wrote it.")
    packed = [i.filename for i in archive.infolist() if i.compress_type != zipfile.ZIP_STORED]
    if packed or "model.json" not in names:
        raise ValueError(f"{path} is not a skgenre model file: a zip archive " + (
            f"whose {packed[0]} is compressed, which skgenre never writes (it could expand "
            "without bound)" if packed else "without model.json"))
    header = json.loads(archive.read("model.json"))
    if not isinstance(header, dict) or header.get("format") != FORMAT or "model" not in header:
        raise ValueError(f"{path} is not a skgenre model file: its model.json is another's")
    if header["format_version"] != FORMAT_VERSION:
        raise ValueError(f"{path} is a skgenre model file of format "
                         f"{header['format_version']!r}; this skgenre reads format "
                         f"{FORMAT_VERSION}: upgrade skgenre, or fit the model again")
    return header


def _read_array(archive, key):
    """The array ``arrays/<key>.npy``; its header is checked against its size first."""
    info = archive.getinfo(f"arrays/{key}.npy")
    try:
        with archive.open(info) as member:
            version = np.lib.format.read_magic(member)
            shape, fortran, dtype = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): (
                np.lib.format.read_array_header_2_0)}[version](member)
            count = int(np.prod(shape, dtype=object))
            if dtype.hasobject or info.file_size - member.tell() != count * dtype.itemsize:
                raise ValueError("its size does not match its header")
            flat = np.empty(count, dtype=dtype)
            if member.readinto(memoryview(flat).cast("B")) != flat.nbytes or member.read(1):
                raise ValueError("it is truncated")
    except ValueError as exc:
        raise zipfile.BadZipFile(f"{info.filename}: {exc}") from exc
    return flat.reshape(shape, order="F" if fortran else "C")
