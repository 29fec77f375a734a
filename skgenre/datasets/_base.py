"""Data home, checksum-verified downloads and safe archive extraction."""

import hashlib
import http.client
import logging
import os
import shutil
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from collections import namedtuple
from pathlib import Path

from ..utils._home import data_home_path
from ..utils._progress import progress

__all__ = [
    "ChecksumMismatchError",
    "RemoteFileMetadata",
    "UnsafeArchiveError",
    "UnverifiedDownloadWarning",
    "clear_data_home",
    "get_data_home",
]

logger = logging.getLogger(__name__)

#: Where a remote file lives: ``url``, the local ``filename`` and its ``sha256``
#: (hex digest; ``None`` when no published checksum is known).
RemoteFileMetadata = namedtuple("RemoteFileMetadata", ["url", "filename", "sha256"])


class ChecksumMismatchError(OSError):
    """A downloaded file's SHA-256 differs from the expected one."""


class UnsafeArchiveError(OSError):
    """An archive member would be written outside the extraction folder."""


class UnverifiedDownloadWarning(UserWarning):
    """A download was kept without a published checksum to verify it against."""


def get_data_home(data_home=None):
    """Return the folder where skgenre keeps downloaded and generated data.

    The folder is, in order of precedence: ``data_home`` when given, the
    ``SKGENRE_DATA`` environment variable when set, or ``~/skgenre_data``. It is
    created if it does not exist.

    Parameters
    ----------
    data_home : str or path-like, default=None

    Returns
    -------
    data_home : str
        Absolute path of the folder.

    Examples
    --------
    >>> import os, tempfile
    >>> from skgenre.datasets import get_data_home
    >>> folder = get_data_home(tempfile.mkdtemp())
    >>> os.path.isdir(folder)
    True
    """
    data_home = data_home_path(data_home)
    os.makedirs(data_home, exist_ok=True)
    return data_home


def clear_data_home(data_home=None):
    """Delete every file in the data home folder (see :func:`get_data_home`).

    Parameters
    ----------
    data_home : str or path-like, default=None
    """
    shutil.rmtree(get_data_home(data_home))


def _sha256(path, chunk_size=1 << 20):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fetch_remote(remote, dirname, *, n_retries=0, timeout=60, verbose=0):
    """Download ``remote.url`` into ``dirname/remote.filename`` and verify its SHA-256.

    The bytes go to a temporary file in ``dirname`` that is moved into place only after
    the checksum matched, so an interrupted or corrupted download never leaves a file
    that looks complete.

    Returns
    -------
    path : str
    sha256 : str
        The digest of the downloaded file.
    """
    os.makedirs(dirname, exist_ok=True)
    target = os.path.join(dirname, remote.filename)
    fd, tmp = tempfile.mkstemp(prefix=f".{remote.filename}.", suffix=".part", dir=dirname)
    os.close(fd)
    try:
        last_error = None
        for attempt in range(n_retries + 1):
            try:
                _download(remote.url, tmp, timeout, verbose, remote.filename)
                last_error = None
                break
            except (OSError, http.client.HTTPException) as exc:  # URLError, HTTPError, IncompleteRead
                last_error = exc
                logger.warning("Download of %s failed (attempt %d): %s", remote.url, attempt + 1, exc)
                if isinstance(exc, urllib.error.HTTPError) and exc.code < 500:
                    break  # 4xx: retrying will not help
                if attempt < n_retries:
                    time.sleep(min(2.0**attempt, 10.0))
        if last_error is not None:
            raise OSError(f"Could not download {remote.url}: {last_error}") from last_error
        digest = _sha256(tmp)
        if remote.sha256 is not None and digest != remote.sha256.lower():
            raise ChecksumMismatchError(
                f"The file downloaded from {remote.url} has SHA-256 {digest}, expected "
                f"{remote.sha256}: the download is corrupt or the remote file changed. "
                "Nothing was kept."
            )
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return target, digest


def _download(url, dest, timeout, verbose, desc):
    logger.info("Downloading %s", url)
    with urllib.request.urlopen(url, timeout=timeout) as response, open(dest, "wb") as out:
        total = response.headers.get("Content-Length")
        bar = progress(total=int(total) if total else None, verbose=verbose, desc=desc,
                       unit="B", unit_scale=True)
        try:
            for chunk in iter(lambda: response.read(1 << 20), b""):
                out.write(chunk)
                if bar is not None:
                    bar.update(len(chunk))
        finally:
            if bar is not None:
                bar.close()


def _safe_extract_tar(archive, target):
    """Extract a tar archive into ``target``, refusing members that would land outside it.

    Absolute names, ``..`` components, and symbolic or hard links that point outside
    ``target`` raise :class:`UnsafeArchiveError` before anything is written; device
    files and other special members are refused as well.
    """
    target = os.path.realpath(target)
    os.makedirs(target, exist_ok=True)
    try:
        tar = tarfile.open(archive)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise tarfile.ReadError(f"{archive} is not a readable tar archive: {exc}") from exc
    with tar:
        try:
            members = tar.getmembers()
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise tarfile.ReadError(f"{archive} is corrupt or truncated: {exc}") from exc
        for member in members:
            dest = os.path.realpath(os.path.join(target, member.name))
            if not _inside(dest, target):
                raise UnsafeArchiveError(
                    f"Refusing to extract {archive}: member {member.name!r} would be "
                    f"written outside {target}."
                )
            if member.issym() or member.islnk():
                link = member.linkname
                base = os.path.dirname(dest) if member.issym() else target
                link_dest = os.path.realpath(os.path.join(base, link))
                if os.path.isabs(link) or not _inside(link_dest, target):
                    raise UnsafeArchiveError(
                        f"Refusing to extract {archive}: link {member.name!r} -> {link!r} "
                        f"points outside {target}."
                    )
            elif not (member.isfile() or member.isdir()):
                raise UnsafeArchiveError(
                    f"Refusing to extract {archive}: member {member.name!r} is not a "
                    "regular file, folder or link."
                )
        try:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(target, members=members, filter="data")
            else:  # pragma: no cover - Python < 3.10.12
                tar.extractall(target, members=members)
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise tarfile.ReadError(f"{archive} is corrupt or truncated: {exc}") from exc
    return target


def _inside(path, folder):
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _as_path(path):
    return Path(os.path.expanduser(os.fspath(path)))
