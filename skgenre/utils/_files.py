"""Writing a file whole or not at all, with the permissions the user's umask gives.

:func:`atomic_write` writes into a temporary file beside the target and renames it
into place: a reader (another process sharing a cache, a user opening the output)
never sees a half-written file, and a failure (a full disk, Ctrl-C) leaves the target
as it was and no temporary file behind. The temporary file is created with mode
``0o666`` minus the umask, as ``open()`` would create the target (``tempfile.mkstemp``
makes ``0o600`` files, which other users of a shared cache or cluster cannot read).
"""

import contextlib
import os
import uuid
from pathlib import Path

__all__ = ["atomic_write"]


def atomic_write(path, write, *, mode="wb"):
    """Write ``path`` through ``write(handle)``, atomically, honouring the umask.

    Parameters
    ----------
    path : str or path-like
        The file to write; its folder must exist.
    write : callable
        ``write(handle)`` writes the content into the open file ``handle``.
    mode : {"wb", "w"}, default="wb"
        Binary or text (UTF-8) handle.

    Returns
    -------
    path : Path

    Raises
    ------
    OSError
        When the folder cannot be written (read-only, full, missing): the target is
        untouched and no temporary file is left.

    Examples
    --------
    >>> import os, tempfile
    >>> from skgenre.utils._files import atomic_write
    >>> path = os.path.join(tempfile.mkdtemp(), "out.txt")
    >>> atomic_write(path, lambda f: f.write("hello\\n"), mode="w").read_text()
    'hello\\n'
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with (os.fdopen(fd, "wb") if mode == "wb"
              else os.fdopen(fd, "w", encoding="utf-8", newline="")) as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path
