"""``fetch_mmimdb``: the MM-IMDb benchmark (Arevalo et al., 2017) as a movie table."""

import json
import logging
import os
import shutil
import tempfile
import warnings

import pandas as pd

from ._base import (
    RemoteFileMetadata,
    UnsafeArchiveError,
    UnverifiedDownloadWarning,
    _fetch_remote,
    _safe_extract_tar,
    get_data_home,
)
from ._format import METADATA_COLUMNS, SEPARATOR
from ._load import ManifestWarning, load_movies

__all__ = ["MMIMDB_GENRES", "fetch_mmimdb", "read_mmimdb"]

logger = logging.getLogger(__name__)

#: The published archive (8.1 GB): ``mmimdb/dataset/<imdb id>.json`` and ``.jpeg``
#: files, and ``mmimdb/split.json``. The authors publish no checksum; ``sha256`` is
#: therefore None here (see ``fetch_mmimdb``'s ``sha256`` parameter).
ARCHIVE = RemoteFileMetadata(
    url="https://archive.org/download/mmimdb/mmimdb.tar.gz",
    filename="mmimdb.tar.gz",
    sha256=None,
)
#: The original host, a mirror of the same archive.
ORIGINAL_URL = "http://lisi1.unal.edu.co/mmimdb/mmimdb.tar.gz"

#: The 23 genres of the MM-IMDb benchmark, most frequent first.
MMIMDB_GENRES = (
    "Drama", "Comedy", "Romance", "Thriller", "Crime", "Action", "Adventure", "Horror",
    "Documentary", "Mystery", "Sci-Fi", "Fantasy", "Family", "Biography", "War",
    "History", "Music", "Animation", "Musical", "Western", "Sport", "Short", "Film-Noir",
)
_FOLDER = "mmimdb"
_MANIFEST = "movies.csv"
_MAX_CAST = 10
_SPLIT_NAMES = {"train": "train", "dev": "val", "val": "val", "test": "test"}
_N_SHOWN = 3

DESCR = """MM-IMDb (Multimodal IMDb)
------------------------

25,959 movies with plot, poster and IMDb metadata, 23 genres, multi-label, and an
official train/dev/test split (``split``: train/val/test). Arevalo, Solorio,
Montes-y-Gomez and Gonzalez, "Gated Multimodal Units for Information Fusion", ICLR
workshop 2017. https://github.com/johnarevalo/gmu-mmimdb

The raw archive's ``<id>.json`` files (IMDbPY records) are converted to skgenre's movie
table: ``imdbId``, ``title``, ``year``, ``plot`` (the longest plot summary), ``poster``
(``<id>.jpeg``), ``director_name``, ``actor_1_name`` .. ``actor_3_name``, ``cast`` (up
to 10 names joined by ``|``), ``language`` (the first listed), ``content_rating``
(the USA certificate), ``genres`` and ``split``. MM-IMDb has no trailers.
"""


def fetch_mmimdb(
    data_home=None,
    download_if_missing=True,
    *,
    genres=MMIMDB_GENRES,
    url=None,
    sha256=None,
    keep_archive=False,
    n_retries=3,
    return_X_y=False,
    as_frame=False,
    verbose=0,
):
    """Load the MM-IMDb benchmark, downloading and converting it the first time.

    The archive is downloaded to ``<data_home>/mmimdb`` through a temporary file that
    is moved into place once its SHA-256 has been checked, extracted with a check that
    refuses any member landing outside that folder, and converted once to a manifest
    ``<data_home>/mmimdb/movies.csv`` that later calls load directly (offline).

    Parameters
    ----------
    data_home : str or path-like, default=None
        See :func:`get_data_home` (``SKGENRE_DATA``, default ``~/skgenre_data``).
    download_if_missing : bool, default=True
        If False, raise an :class:`OSError` when the data is not there yet instead of
        downloading it.
    genres : list of str or None, default=MMIMDB_GENRES
        Target genres (the benchmark's 23); ``None`` uses every genre in the data.
    url : str, default=None
        Where to download the archive from; by default the archive.org copy.
        ``file://`` URLs work too.
    sha256 : str, default=None
        Expected SHA-256 (hex) of the archive. A mismatch raises
        :class:`ChecksumMismatchError` and keeps nothing. The authors publish no
        checksum, so without this parameter the download cannot be verified against a
        published value: it is kept with an :class:`UnverifiedDownloadWarning` that
        gives its digest, which is also written to ``mmimdb/mmimdb.tar.gz.sha256`` so
        that it can be pinned for later downloads.
    keep_archive : bool, default=False
        Keep the downloaded ``.tar.gz`` after extraction.
    n_retries : int, default=3
        Extra download attempts after a network error.
    return_X_y, as_frame : bool, default=False
        See :func:`load_movies`.
    verbose : int, default=0
        ``> 0`` shows a download progress bar.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        As :func:`load_movies` returns, with MM-IMDb's description in ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    OSError
        If the data is absent and ``download_if_missing`` is False, or the download
        fails.
    ChecksumMismatchError
        If the downloaded archive's SHA-256 differs from ``sha256``.
    tarfile.ReadError
        If the archive is corrupt.
    UnsafeArchiveError
        If an archive member would be written outside the target folder, or the
        archive holds symbolic links (MM-IMDb's has none; links are never followed).

    See Also
    --------
    read_mmimdb : Convert an already extracted MM-IMDb folder.
    """
    folder = os.path.join(get_data_home(data_home), _FOLDER)
    manifest = os.path.join(folder, _MANIFEST)
    if not os.path.isfile(manifest):
        if not download_if_missing:
            raise OSError(
                f"MM-IMDb was not found in {folder}; call fetch_mmimdb with "
                "download_if_missing=True to download it (8.1 GB)."
            )
        _download_and_convert(folder, url, sha256, keep_archive, n_retries, verbose)
    bunch = load_movies(
        manifest,
        genres=genres,
        on_missing_file="mark_missing",
        dtype={"imdbId": str},
        as_frame=as_frame,
    )
    if return_X_y:
        return bunch.data, bunch.target
    bunch.DESCR = DESCR + "\n" + bunch.DESCR
    return bunch


def _download_and_convert(folder, url, sha256, keep_archive, n_retries, verbose):
    os.makedirs(folder, exist_ok=True)
    remote = ARCHIVE._replace(url=url or ARCHIVE.url, sha256=sha256 or ARCHIVE.sha256)
    checksum_file = os.path.join(folder, remote.filename + ".sha256")
    if os.path.exists(checksum_file):  # it described an earlier archive
        os.remove(checksum_file)
    archive, digest = _fetch_remote(remote, folder, n_retries=n_retries, verbose=verbose)
    if remote.sha256 is None:
        warnings.warn(
            f"MM-IMDb's authors publish no checksum, so the archive downloaded from "
            f"{remote.url} could not be verified; its SHA-256 is {digest}. Pass "
            "sha256=... to verify later downloads.",
            UnverifiedDownloadWarning,
            stacklevel=3,
        )
    staging = tempfile.mkdtemp(prefix=".extract-", dir=folder)
    try:
        try:
            _safe_extract_tar(archive, staging)
            links = _find(staging)[2]
            if links:
                raise UnsafeArchiveError(
                    f"Refusing the archive {archive}: it holds {len(links)} symbolic links "
                    f"(e.g. {_show(links, staging)}); MM-IMDb's archive has none."
                )
        except Exception:
            os.remove(archive)  # a corrupt or unsafe archive is not kept
            raise
        raw = os.path.join(folder, "raw")
        shutil.rmtree(raw, ignore_errors=True)
        os.replace(staging, raw)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    table = read_mmimdb(raw)
    table["poster"] = [
        os.path.relpath(p, folder) if isinstance(p, str) and p else "" for p in table["poster"]
    ]
    tmp = os.path.join(folder, _MANIFEST + ".part")
    table.to_csv(tmp, index=False)
    os.replace(tmp, os.path.join(folder, _MANIFEST))
    # Written last: a failed download, extraction or conversion leaves no checksum.
    with open(checksum_file + ".part", "w") as f:
        f.write(f"{digest}  {remote.filename}\n")
    os.replace(checksum_file + ".part", checksum_file)
    if not keep_archive:
        os.remove(archive)
    logger.info("MM-IMDb converted: %d movies in %s", len(table), folder)


def _find(root):
    """Walk ``root`` without following links: dataset folders, split files, links met."""
    datasets, split_files, links = [], [], []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            if os.path.islink(path):
                links.append(path)
            elif name == "dataset" and name in dirnames:
                datasets.append(path)
            elif name == "split.json" and name in filenames:
                split_files.append(path)
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
    return sorted(datasets), sorted(split_files), sorted(links)


def _show(paths, root):
    return ", ".join(repr(os.path.relpath(p, root)) for p in paths[:_N_SHOWN])


def read_mmimdb(root):
    """Convert an extracted MM-IMDb folder to a movie table (one row per movie).

    Parameters
    ----------
    root : str or path-like
        A folder holding MM-IMDb's ``dataset/`` folder (``<id>.json``, ``<id>.jpeg``)
        and ``split.json``, at any depth (e.g. the ``mmimdb/`` folder of the archive).

    Returns
    -------
    table : DataFrame
        Columns ``imdbId``, ``title``, ``year``, ``genres``, ``plot``, ``poster``
        (absolute path, empty where the JPEG is absent), the metadata columns and
        ``split``.

    Warns
    -----
    ManifestWarning
        If symbolic links were met under ``root``: they are never followed (a link
        loop would otherwise make the search endless), so a linked folder, record or
        poster is left out; the warning names them.
    """
    root = os.path.abspath(os.fspath(root))
    datasets, split_files, links = _find(root)
    if not datasets:
        hint = (
            f" {len(links)} symbolic links were not followed: {_show(links, root)}."
            if links
            else ""
        )
        raise FileNotFoundError(
            f"No MM-IMDb 'dataset' folder (with <id>.json files) under {root}.{hint}"
        )
    dataset = datasets[0]
    split_of = {}
    beside = os.path.join(os.path.dirname(dataset), "split.json")
    for split_file in ([beside] if beside in split_files else []) + split_files:
        with open(split_file) as f:
            for name, ids in json.load(f).items():
                for movie_id in ids:
                    split_of[str(movie_id)] = _SPLIT_NAMES.get(name, name)
        break
    with os.scandir(dataset) as entries:
        entries = sorted(entries, key=lambda e: e.name)
    files = {e.name for e in entries if e.is_file(follow_symlinks=False)}
    records = sorted(n for n in files if n.endswith(".json"))
    if not records:
        raise FileNotFoundError(
            f"The MM-IMDb folder {dataset} holds no <id>.json records"
            + (f"; {len(links)} symbolic links were not followed." if links else ".")
        )
    rows = []
    for name in records:
        path = os.path.join(dataset, name)
        movie_id = os.path.splitext(name)[0]
        try:
            with open(path, encoding="utf-8") as f:
                record = json.load(f)
        except (OSError, ValueError) as exc:
            raise ValueError(f"Cannot read MM-IMDb record {path}: {exc}") from exc
        poster = movie_id + ".jpeg"
        rows.append(
            _convert(
                record,
                movie_id,
                os.path.join(dataset, poster) if poster in files else "",
                split_of,
            )
        )
    if links:
        warnings.warn(
            f"{len(links)} symbolic links under {root} were not followed, e.g. "
            f"{_show(links, root)}; what they point to is not in the table.",
            ManifestWarning,
            stacklevel=2,
        )
    columns = ["imdbId", "title", "year", "genres", "plot", "poster", *METADATA_COLUMNS, "split"]
    return pd.DataFrame(rows, columns=columns)


def _convert(record, movie_id, poster, split_of):
    plots = record.get("plot") or []
    if isinstance(plots, str):
        plots = [plots]
    plots = [str(p).split("::")[0].strip() for p in plots if p]
    plot = max(plots, key=len) if plots else str(record.get("plot outline") or "")
    cast = [_name(p) for p in (record.get("cast") or [])]
    cast = [c for c in cast if c][:_MAX_CAST]
    directors = [_name(p) for p in (record.get("director") or record.get("directors") or [])]
    languages = record.get("languages") or record.get("language") or []
    if isinstance(languages, str):
        languages = [languages]
    genres = record.get("genres") or []
    return {
        "imdbId": movie_id,
        "title": record.get("title", ""),
        "year": record.get("year", ""),
        "genres": SEPARATOR.join(str(g) for g in genres),
        "plot": plot,
        "poster": poster,
        "director_name": directors[0] if directors else "",
        "actor_1_name": cast[0] if len(cast) > 0 else "",
        "actor_2_name": cast[1] if len(cast) > 1 else "",
        "actor_3_name": cast[2] if len(cast) > 2 else "",
        "cast": SEPARATOR.join(cast),
        "language": str(languages[0]) if languages else "",
        "content_rating": _usa_certificate(record.get("certificates") or []),
        "split": split_of.get(movie_id, ""),
    }


def _name(person):
    """A person as IMDbPY serialised it: a dict with a ``name`` key, or a string."""
    if isinstance(person, dict):
        return str(person.get("name") or person.get("long imdb name") or "").strip()
    return str(person).strip() if person else ""


def _usa_certificate(certificates):
    """``"USA:PG-13::(certificate #1234)"`` -> ``"PG-13"``; first USA entry wins."""
    for cert in certificates:
        text = str(cert)
        country, _, rest = text.partition(":")
        if country.strip() in ("USA", "United States") and rest:
            return rest.split("::")[0].split(":")[0].strip()
    return ""
