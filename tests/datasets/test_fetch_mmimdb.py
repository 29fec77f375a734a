"""fetch_mmimdb and the download helpers, on tiny archives served from 127.0.0.1."""

import functools
import hashlib
import http.server
import io
import json
import os
import tarfile
import threading

import numpy as np
import pytest

from skgenre.datasets import (
    ManifestWarning,
    ChecksumMismatchError,
    UnsafeArchiveError,
    UnverifiedDownloadWarning,
    clear_data_home,
    fetch_mmimdb,
    get_data_home,
    read_mmimdb,
)
from skgenre.datasets._base import _safe_extract_tar

RECORDS = {
    "0000001": {
        "title": "Ghost House",
        "year": 1999,
        "genres": ["Horror", "Thriller"],
        "plot": ["Short one.::someone", "A family moves into a house where a ghost waits.::author"],
        "director": [{"name": "Ann Director", "canonical name": "Director, Ann"}],
        "cast": [{"name": f"Actor {i}"} for i in range(12)],
        "languages": ["English", "French"],
        "certificates": ["Canada:14A", "USA:R::(certificate #123)"],
    },
    "0000002": {
        "title": "Laugh Lines",
        "year": 2004,
        "genres": ["Comedy", "Reality-TV"],
        "plot outline": "Two friends open a bakery.",
        "director": ["Bo Director"],
        "cast": [{"name": "Cy Star"}],
    },
    "0000003": {"title": "No Poster", "genres": ["Drama"], "plot": ["Rain falls."]},
}
SPLIT = {"train": ["0000001"], "dev": ["0000002"], "test": ["0000003"]}


def _add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def _jpeg():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 12), (200, 30, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _archive(path, extra=None):
    with tarfile.open(path, "w:gz") as tar:
        for movie_id, record in RECORDS.items():
            _add(tar, f"mmimdb/dataset/{movie_id}.json", json.dumps(record).encode())
            if movie_id != "0000003":
                _add(tar, f"mmimdb/dataset/{movie_id}.jpeg", _jpeg())
        _add(tar, "mmimdb/split.json", json.dumps(SPLIT).encode())
        if extra is not None:
            extra(tar)
    return path


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def server(tmp_path):
    """Serve tmp_path/www on 127.0.0.1; yields the base URL."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_download_verify_extract_convert_then_offline(server, tmp_path):
    root, url = server
    archive = _archive(root / "mmimdb.tar.gz")
    home = tmp_path / "home"
    movies = fetch_mmimdb(home, url=f"{url}/mmimdb.tar.gz", sha256=_sha256(archive))
    X = movies.data
    assert len(X) == 3 and movies.target.shape == (3, 23)
    first = X.set_index("imdbId").loc["0000001"]
    assert first["plot"] == "A family moves into a house where a ghost waits."
    assert first["director_name"] == "Ann Director" and first["actor_3_name"] == "Actor 2"
    assert first["cast"].split("|") == [f"Actor {i}" for i in range(10)]
    assert first["language"] == "English" and first["content_rating"] == "R"
    assert os.path.isfile(first["poster"])
    assert os.path.realpath(first["poster"]).startswith(os.path.realpath(home / "mmimdb"))
    second = X.set_index("imdbId").loc["0000002"]
    assert second["plot"] == "Two friends open a bakery." and second["director_name"] == "Bo Director"
    assert X["poster"].isna().sum() == 1  # the movie without a JPEG lacks a poster
    assert list(X.sort_values("imdbId")["split"]) == ["train", "val", "test"]
    names = movies.target_names
    assert movies.target[:, names.index("Horror")].tolist() == [1, 0, 0]
    assert "Reality-TV" not in names  # outside the benchmark's 23 genres
    assert not (home / "mmimdb" / "mmimdb.tar.gz").exists()  # archive removed
    assert (home / "mmimdb" / "mmimdb.tar.gz.sha256").read_text().startswith(_sha256(archive))
    # offline now: the converted manifest is reused
    (root / "mmimdb.tar.gz").unlink()
    again = fetch_mmimdb(home, download_if_missing=False, genres=None)
    assert "Reality-TV" in again.target_names
    assert "MM-IMDb" in again.DESCR


def test_file_url_and_unverified_warning(tmp_path):
    archive = _archive(tmp_path / "mmimdb.tar.gz")
    with pytest.warns(UnverifiedDownloadWarning, match=_sha256(archive)):
        X, Y = fetch_mmimdb(tmp_path / "home", url=archive.as_uri(), return_X_y=True)
    assert len(X) == 3 and Y.shape == (3, 23)


def test_not_downloaded_and_not_allowed(tmp_path):
    with pytest.raises(OSError, match="download_if_missing=True"):
        fetch_mmimdb(tmp_path, download_if_missing=False)


def test_checksum_mismatch_keeps_nothing(server, tmp_path):
    root, url = server
    _archive(root / "mmimdb.tar.gz")
    home = tmp_path / "home"
    with pytest.raises(ChecksumMismatchError, match="SHA-256"):
        fetch_mmimdb(home, url=f"{url}/mmimdb.tar.gz", sha256="0" * 64)
    assert os.listdir(home / "mmimdb") == []


def test_corrupt_archive(server, tmp_path):
    root, url = server
    junk = root / "mmimdb.tar.gz"
    junk.write_bytes(b"this is not a tar archive" * 100)
    home = tmp_path / "home"
    with pytest.raises(tarfile.ReadError, match="not a readable tar archive|corrupt"):
        fetch_mmimdb(home, url=f"{url}/mmimdb.tar.gz", sha256=_sha256(junk))
    assert not (home / "mmimdb" / "movies.csv").exists()
    assert not (home / "mmimdb" / "mmimdb.tar.gz").exists()
    assert not [n for n in os.listdir(home / "mmimdb") if n.startswith(".extract")]


def test_truncated_archive(server, tmp_path):
    root, url = server
    full = _archive(tmp_path / "full.tar.gz").read_bytes()
    cut = root / "mmimdb.tar.gz"
    cut.write_bytes(full[: len(full) // 2])
    with pytest.raises(tarfile.ReadError):
        fetch_mmimdb(tmp_path / "home", url=f"{url}/mmimdb.tar.gz", sha256=_sha256(cut))


def test_http_error(server, tmp_path):
    _, url = server
    with pytest.raises(OSError, match="Could not download"):
        fetch_mmimdb(tmp_path / "home", url=f"{url}/missing.tar.gz", sha256="0" * 64, n_retries=0)
    assert os.listdir(tmp_path / "home" / "mmimdb") == []


def _dotdot(tar):
    _add(tar, "mmimdb/../../evil.txt", b"pwned")


def _absolute(tar):
    _add(tar, "/tmp/skgenre-evil.txt", b"pwned")


def _symlink(tar):
    info = tarfile.TarInfo("mmimdb/dataset/link")
    info.type = tarfile.SYMTYPE
    info.linkname = "../../../../../etc/passwd"
    tar.addfile(info)


@pytest.mark.parametrize("attack", [_dotdot, _absolute, _symlink])
def test_path_traversal_is_refused(server, tmp_path, attack):
    root, url = server
    archive = _archive(root / "mmimdb.tar.gz", extra=attack)
    home = tmp_path / "home"
    with pytest.raises(UnsafeArchiveError, match="outside"):
        fetch_mmimdb(home, url=f"{url}/mmimdb.tar.gz", sha256=_sha256(archive))
    assert not (tmp_path / "evil.txt").exists() and not (home / "evil.txt").exists()
    assert not (home / "mmimdb" / "raw").exists()
    assert not (home / "mmimdb" / "movies.csv").exists()


def test_safe_extract_refuses_device_files(tmp_path):
    archive = tmp_path / "dev.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo("fifo")
        info.type = tarfile.FIFOTYPE
        tar.addfile(info)
    with pytest.raises(UnsafeArchiveError, match="not a regular file"):
        _safe_extract_tar(archive, tmp_path / "out")


def test_read_mmimdb_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="dataset"):
        read_mmimdb(tmp_path)
    (tmp_path / "dataset").mkdir()
    with pytest.raises(FileNotFoundError, match="dataset holds no <id>.json records"):
        read_mmimdb(tmp_path)
    (tmp_path / "dataset" / "1.json").write_text("{not json")
    with pytest.raises(ValueError, match="1.json"):
        read_mmimdb(tmp_path)


def test_get_data_home(tmp_path, monkeypatch):
    explicit = get_data_home(tmp_path / "explicit")
    assert explicit == str(tmp_path / "explicit") and os.path.isdir(explicit)
    monkeypatch.setenv("SKGENRE_DATA", str(tmp_path / "env"))
    assert get_data_home() == str(tmp_path / "env")
    monkeypatch.delenv("SKGENRE_DATA")
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    assert get_data_home() == str(tmp_path / "user" / "skgenre_data")
    assert np.all([os.path.isdir(p) for p in (tmp_path / "env", tmp_path / "user" / "skgenre_data")])
    (tmp_path / "explicit" / "file.txt").write_text("x")
    clear_data_home(tmp_path / "explicit")
    assert not (tmp_path / "explicit").exists()


# ------------------------------------------------------- symbolic links, stale checksums
@pytest.fixture
def deadline():
    """Fail a test that runs longer than 20 s instead of letting it hang."""
    import signal

    def expire(*_):
        raise TimeoutError("took longer than 20 s: symbolic links were followed?")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _link(tar, name, target):
    info = tarfile.TarInfo(name)
    info.type = tarfile.SYMTYPE
    info.linkname = target
    tar.addfile(info)


def _loops(tar):
    # Two links back to their own folder: a search that follows links never ends.
    _link(tar, "mmimdb/dataset/a", ".")
    _link(tar, "mmimdb/dataset/b", ".")
    _link(tar, "mmimdb/up", ".")


def _record_link(tar):
    _link(tar, "mmimdb/dataset/0000009.json", "0000001.json")


@pytest.mark.parametrize("extra", [_loops, _record_link])
def test_archive_with_symlinks_is_refused_quickly(server, tmp_path, deadline, extra):
    root, url = server
    archive = _archive(root / "mmimdb.tar.gz", extra=extra)
    home = tmp_path / "home"
    with pytest.raises(UnsafeArchiveError, match="symbolic links .*MM-IMDb's archive has none"):
        fetch_mmimdb(home, url=f"{url}/mmimdb.tar.gz", sha256=_sha256(archive))
    assert sorted(os.listdir(home / "mmimdb")) == []  # no archive, checksum, raw or manifest


def _extracted(tmp_path):
    root = tmp_path / "mm"
    for movie_id, record in RECORDS.items():
        (root / "dataset").mkdir(parents=True, exist_ok=True)
        (root / "dataset" / f"{movie_id}.json").write_text(json.dumps(record))
    (root / "dataset" / "0000001.jpeg").write_bytes(_jpeg())
    (root / "split.json").write_text(json.dumps(SPLIT))
    return root


def test_read_mmimdb_never_follows_links(tmp_path, deadline):
    root = _extracted(tmp_path)
    os.symlink(".", root / "dataset" / "loop1")
    os.symlink(".", root / "dataset" / "loop2")
    os.symlink(root, root / "self")
    os.symlink(root / "dataset" / "0000001.json", root / "dataset" / "0000009.json")
    os.symlink(root / "dataset" / "0000001.jpeg", root / "dataset" / "0000002.jpeg")
    with pytest.warns(ManifestWarning, match="5 symbolic links .* not followed"):
        table = read_mmimdb(root)
    assert table["imdbId"].tolist() == ["0000001", "0000002", "0000003"]  # no linked record
    assert table["poster"].tolist()[1:] == ["", ""]  # the linked poster is not used
    assert table["split"].tolist() == ["train", "val", "test"]


def test_read_mmimdb_linked_dataset_folder_is_not_followed(tmp_path, deadline):
    real = _extracted(tmp_path)
    root = tmp_path / "elsewhere"
    root.mkdir()
    os.symlink(real / "dataset", root / "dataset")
    with pytest.raises(FileNotFoundError, match="1 symbolic links were not followed: 'dataset'"):
        read_mmimdb(root)
    assert len(read_mmimdb(real)) == 3  # the real folder reads without a warning


def _http_error(root, url, home):
    return f"{url}/missing.tar.gz", "0" * 64, OSError


def _corrupt(root, url, home):
    junk = root / "mmimdb.tar.gz"
    junk.write_bytes(b"not a tar archive" * 100)
    return f"{url}/mmimdb.tar.gz", _sha256(junk), tarfile.ReadError


def _bad_checksum(root, url, home):
    _archive(root / "mmimdb.tar.gz")
    return f"{url}/mmimdb.tar.gz", "0" * 64, ChecksumMismatchError


def _unsafe(root, url, home):
    archive = _archive(root / "mmimdb.tar.gz", extra=_dotdot)
    return f"{url}/mmimdb.tar.gz", _sha256(archive), UnsafeArchiveError


def _no_dataset(root, url, home):
    path = root / "mmimdb.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        _add(tar, "mmimdb/readme.txt", b"nothing here")
    return f"{url}/mmimdb.tar.gz", _sha256(path), FileNotFoundError


@pytest.mark.parametrize("fault", [_http_error, _corrupt, _bad_checksum, _unsafe, _no_dataset])
def test_failed_download_leaves_no_checksum(server, tmp_path, fault):
    root, url = server
    home = tmp_path / "home"
    stale = home / "mmimdb" / "mmimdb.tar.gz.sha256"
    stale.parent.mkdir(parents=True)
    stale.write_text("f" * 64 + "  mmimdb.tar.gz\n")  # left by an earlier archive
    address, digest, error = fault(root, url, home)
    with pytest.raises(error):
        fetch_mmimdb(home, url=address, sha256=digest, n_retries=0)
    assert not stale.exists()
    assert not [n for n in os.listdir(home / "mmimdb") if n.endswith((".sha256", ".part"))]
