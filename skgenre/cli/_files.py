"""The files the ``skgenre`` commands write and read: output checks made before any
work, outputs written whole or not at all, and model files loaded and saved with the
checks the command needs (a file that is no model, a genre list that was edited).
"""

import datetime
import json
import os
import stat
import tempfile
import uuid
from pathlib import Path

from ._errors import CLIError, one_line

MODEL_FORMAT = "skgenre-model"
MODEL_FORMAT_VERSION = 2

# --------------------------------------------------------------------------- outputs


def _probe(folder):
    """Create and remove a file in ``folder``: what writing there will meet (a read-only
    mount, a full disk, permissions), which ``os.access`` does not always tell."""
    probe = Path(folder) / f".skgenre-probe-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    try:
        probe.write_bytes(b"")
    finally:
        probe.unlink(missing_ok=True)


def check_output(path, flag, *, folder=False):
    """Fail fast, before any work, on an output path that cannot be written."""
    path = Path(path)
    if not folder and path.exists() and not path.is_file() and not path.is_dir():
        return  # /dev/stdout, a named pipe: written as it is
    if not folder and path.is_dir():
        raise CLIError(f"{flag} {path} is a folder; give a file name, e.g. {path / 'model.skgenre'}")
    if folder and path.exists() and not path.is_dir():
        raise CLIError(f"{flag} {path} exists and is not a folder")
    parent = path if folder and path.is_dir() else path.parent
    if not parent.is_dir():
        raise CLIError(f"{flag} {path}: the folder {parent} does not exist")
    try:
        _probe(parent)
    except OSError as exc:
        raise CLIError(f"{flag} {path}: cannot write in the folder {parent} "
                       f"({exc.strerror or one_line(exc)})") from exc


def check_cache_dir(path, flag="--cache-dir"):
    """A cache folder that exists (or can be made) and can be written, or a CLIError."""
    if path is None:
        return
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise CLIError(f"{flag} {path} is a file, not a folder; give a folder for the cache")
    try:
        path.mkdir(parents=True, exist_ok=True)
        _probe(path)
    except OSError as exc:
        raise CLIError(f"{flag} {path} cannot be written ({exc.strerror or one_line(exc)}); "
                       f"give a writable folder, or leave out {flag}") from exc


def _manifest_file(data):
    """The file ``--data`` names (a folder's movies.csv or .parquet), or None."""
    from ..datasets._load import _find_manifest

    try:
        return _find_manifest(data)
    except OSError:
        return None


def _same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except OSError:  # one does not exist yet: the same path is still the same file
        return os.path.realpath(a) == os.path.realpath(b)


def check_not_inputs(outputs, inputs):
    """Refuse an output that is (or, for a folder, holds) one of the input files.

    Parameters
    ----------
    outputs : list of (flag, path, files)
        ``files``: the names written inside a folder output, or None for a file output.
    inputs : list of (flag, path)
        ``--data`` (a folder stands for its manifest) and ``--model``.
    """
    files = []
    for flag, path in inputs:
        if path is None:
            continue
        found = _manifest_file(path) if flag == "--data" else path
        if found is not None and os.path.exists(found):
            files.append((flag, found))
    for out_flag, out, names, target in _written(outputs):
        for in_flag, source in files:
            if _same_file(target, source):
                raise CLIError(_overwritten(out_flag, out, names, target,
                                            f"the input file {source} ({in_flag})"))


def check_not_media(outputs, movies, flag="--data"):
    """Refuse an output that is one of the media files (posters, trailers: the
    registry's media columns) the movie table names, or that lies in a frame folder
    it names: :func:`check_not_inputs` for the files behind the table's cells.

    Compared by identity (device and inode, as :func:`os.path.samefile`: a symbolic or
    hard link, ``./`` or another spelling is the same file), one ``stat`` per cell.
    """
    from ..datasets import media_columns

    files, folders = {}, {}
    for written in _written(outputs):
        for into, path in ((files, written[3]), (folders, written[3].parent)):
            try:
                st = os.stat(path)
            except OSError:  # not there yet: it cannot be a file the table names
                continue
            into[st.st_dev, st.st_ino] = written
    if not files and not folders:
        return
    for column in [c for c in media_columns() if c in movies]:
        for value in movies[column]:
            if not isinstance(value, (str, os.PathLike)) or not str(value).strip():
                continue
            try:
                st = os.stat(value)
            except OSError:
                continue
            key, is_dir = (st.st_dev, st.st_ino), stat.S_ISDIR(st.st_mode)
            if key in (folders if is_dir else files):
                out_flag, out, names, target = (folders if is_dir else files)[key]
                what = (f"the {column} {'frame folder' if is_dir else 'file'} {value} of a "
                        f"movie in {flag}")
                raise CLIError(_overwritten(out_flag, out, names, target, what,
                                            into=is_dir))


def _written(outputs):
    """(flag, path, names, file) for each file the outputs write."""
    for out_flag, out, names in outputs:
        if out is None:
            continue
        for target in [Path(out)] if names is None else [Path(out) / n for n in names]:
            yield out_flag, out, names, target


def _overwritten(out_flag, out, names, target, what, *, into=False):
    if into:
        return (f"{out_flag} {out} would write {target} into {what}: it would be read as "
                f"a frame; give {out_flag} another path")
    verb = "is" if names is None else f"would write {target}, which is"
    return f"{out_flag} {out} {verb} {what}: it would be overwritten; give {out_flag} another path"


def write_output(path, text, flag):
    """Write ``text`` to ``path`` whole or not at all (no empty file on a full disk)."""
    from ..utils._files import atomic_write

    path = Path(path)
    try:
        if path.exists() and not path.is_file():  # /dev/stdout, a named pipe
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            atomic_write(path, lambda handle: handle.write(text), mode="w")
    except OSError as exc:
        raise CLIError(f"cannot write {flag} {path} ({exc.strerror or one_line(exc)}); "
                       "nothing was written there") from exc


# --------------------------------------------------------------------------- model files


def save_model_file(path, stacker, genre_names, manifest, params, say):
    """Save the fitted stacker with the command's metadata; never lose it.

    When ``path`` cannot be written after the fit (a disk that filled up, a folder
    removed meanwhile), the model goes to a file in the system's temporary folder and
    the error says where, so that hours of fitting are not lost.
    """
    from .. import __version__
    from ..io import save_model

    metadata = {
        "format": MODEL_FORMAT,
        "format_version": MODEL_FORMAT_VERSION,
        "skgenre_version": __version__,
        "created": datetime.datetime.now().isoformat(timespec="seconds"),
        "genre_names": list(genre_names),
        "trained_on": str(manifest),
        # --set values are Python literals: a tuple is stored as a list, others by repr
        "params": json.loads(json.dumps(params, default=repr)),
    }
    path = Path(path)
    try:
        return save_model(stacker, path, metadata=metadata)
    except OSError as exc:
        reason = exc.strerror or one_line(exc)
        rescue = Path(tempfile.gettempdir()) / (
            f"skgenre-model-{datetime.datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}{path.suffix}")
        try:
            save_model(stacker, rescue, metadata=metadata)
        except OSError as again:
            raise CLIError(
                f"cannot write --out {path} ({reason}), nor a copy in {rescue.parent} "
                f"({again.strerror or one_line(again)}): the fitted model is lost; free "
                "some space and fit again") from exc
        say(f"the model could not be written to {path}; it was saved to {rescue}")
        raise CLIError(
            f"cannot write --out {path} ({reason}); the fitted model was saved to {rescue} "
            f"instead: move it there once there is room (mv {rescue} {path})") from exc


def _pickle_refused(problem, path):
    """The refusal of a pickled model file, with the command-line ways past it: the flag,
    or converting the file once (no command re-saves a model: a Python one-liner)."""
    safe = path.with_suffix(".skgenre")
    safe = safe if safe != path else path.with_name(f"{path.stem}-safe.skgenre")
    convert = (f"import skgenre; m, meta = skgenre.load_model({str(path)!r}, allow_pickle=True, "
               f"return_metadata=True); skgenre.save_model(m, {str(safe)!r}, metadata=meta)")
    return (f"{one_line(problem)} If you wrote this file yourself, pass --allow-pickle, or "
            f'convert it once to a skgenre model file: python -c "{convert}", then use '
            f"--model {safe}")


def load_model_file(path, *, trusted=None, allow_pickle=False):
    """The model file's metadata, with the fitted stacker under ``"stacker"``.

    ``skgenre.load_model`` audits the file; a pickle (the format of skgenre 0.1) is
    refused unless ``allow_pickle`` (``--allow-pickle``). The genre list stored beside
    the model must be the fitted model's own: an edited list would label its columns
    wrongly.
    """
    from ..io import UntrustedModelError, load_model

    path = Path(path)
    if not path.is_file():
        what = "is a folder, not a model file" if path.is_dir() else "not found"
        raise CLIError(f"model file {what}: {path} (train one with `skgenre fit`)")
    try:
        stacker, metadata = load_model(
            path, trusted=trusted, allow_pickle=allow_pickle, return_metadata=True
        )
    except UntrustedModelError as exc:
        if exc.parameter == "allow_pickle":
            raise CLIError(_pickle_refused(exc.problem, path)) from exc
        raise CLIError(one_line(exc)) from exc
    except ValueError as exc:  # they name the file and the problem
        raise CLIError(one_line(exc)) from exc
    except Exception as exc:  # a damaged or foreign file can raise nearly anything
        raise CLIError(f"{path} is not a readable skgenre model file: {one_line(exc)}") from exc
    if metadata.get("format") != MODEL_FORMAT or "genre_names" not in metadata:
        raise CLIError(f"{path} is not a skgenre model file (write one with `skgenre fit`)")
    stored, fitted = list(metadata["genre_names"]), list(getattr(stacker, "genre_names_", []))
    if stored != fitted:
        raise CLIError(
            f"{path} is inconsistent: its genre list {stored} is not the fitted model's "
            f"{fitted} (was the file edited?); its predictions would be labelled wrongly: "
            "fit the model again")
    return {**metadata, "stacker": stacker}

