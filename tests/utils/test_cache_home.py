"""The feature cache on by default: its folder, and what it does when the world is not kind.

The trust rules: two processes sharing a folder, a folder that cannot be written (read
only, a full disk, a file in the way) and media files replaced in place give the right
features or a clear warning, never a stale feature.
"""

import errno
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

from skgenre.utils import (
    CacheWriteWarning,
    FeatureCache,
    cache_usage,
    clear_cache_home,
    get_cache_home,
)
from skgenre.utils import _cache
from skgenre.utils._cache import default_memory, feature_memo


@pytest.fixture(autouse=True)
def _fresh_unwritable(monkeypatch):
    """Each test starts with no folder remembered as unwritable."""
    monkeypatch.setattr(_cache, "_UNWRITABLE", set())


@pytest.fixture
def posters(tmp_path):
    from PIL import Image

    rng = np.random.default_rng(0)
    paths = []
    for i in range(6):
        path = tmp_path / "posters" / f"{i}.bmp"
        path.parent.mkdir(exist_ok=True)
        Image.fromarray(rng.integers(0, 255, (24, 16, 3), dtype=np.uint8)).save(path)
        paths.append(str(path))
    return paths


def embedder(memory):
    from skgenre.vision import PosterEmbedder

    return PosterEmbedder("color", input_size=16, memory=memory).fit()


def test_cache_home_precedence(monkeypatch, tmp_path):
    monkeypatch.delenv("SKGENRE_CACHE", raising=False)
    monkeypatch.setenv("SKGENRE_DATA", str(tmp_path / "data"))
    assert get_cache_home() == tmp_path / "data" / "cache"
    monkeypatch.setenv("SKGENRE_CACHE", str(tmp_path / "elsewhere"))
    assert get_cache_home() == tmp_path / "elsewhere"
    assert get_cache_home(tmp_path / "given") == tmp_path / "given"
    assert not (tmp_path / "elsewhere").exists()  # created by the first entry only
    assert default_memory(None) == tmp_path / "elsewhere"
    assert default_memory(False) is False and default_memory("x") == "x"


def test_embedders_cache_in_the_user_folder_by_default_and_not_with_false(
        monkeypatch, tmp_path, posters):
    monkeypatch.setenv("SKGENRE_CACHE", str(tmp_path / "home"))
    default = embedder(None).transform(posters)
    entries = list((tmp_path / "home").rglob("*.npy"))
    assert len(entries) == len(posters)
    off = embedder(False).transform(posters)
    np.testing.assert_array_equal(default, off)
    assert len(list((tmp_path / "home").rglob("*.npy"))) == len(posters)  # nothing new
    with feature_memo():  # even inside a fit's memo block, False writes no file
        embedder(False).transform(posters)
    assert len(list((tmp_path / "home").rglob("*.npy"))) == len(posters)


def _read_only(monkeypatch, folder):
    real = os.open

    def fake(path, flags, *args, **kwargs):
        if str(path).startswith(str(folder)) and flags & os.O_CREAT:
            raise PermissionError(errno.EROFS, "Read-only file system", str(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake)


def _full_disk(monkeypatch, folder):
    def fake(file, *args, **kwargs):  # only the cache saves arrays in these tests
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(np, "save", fake)


@pytest.mark.parametrize("fault", ["read_only", "full_disk", "file_in_the_way"])
def test_unwritable_folder_warns_once_and_gives_the_right_features(
        monkeypatch, tmp_path, posters, fault):
    folder = tmp_path / "cache"
    if fault == "file_in_the_way":
        folder.write_text("not a folder")
    else:
        folder.mkdir()
        {"read_only": _read_only, "full_disk": _full_disk}[fault](monkeypatch, folder)
    expected = embedder(False).transform(posters)
    with pytest.warns(CacheWriteWarning, match="Cannot write to the feature cache"):
        got = embedder(folder).transform(posters)
    np.testing.assert_array_equal(got, expected)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said once per folder and process
        np.testing.assert_array_equal(embedder(folder).transform(posters), expected)
    if folder.is_dir():
        assert not list(folder.rglob("*.npy")) and not list(folder.rglob("*.tmp"))


def test_unwritable_folder_still_computes_each_item_once_per_fit(monkeypatch, tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    _full_disk(monkeypatch, folder)
    cache = FeatureCache(folder, "extractor")
    with feature_memo():
        with pytest.warns(CacheWriteWarning):
            cache.put("k", np.arange(3.0))
        np.testing.assert_array_equal(cache.get("k"), [0.0, 1.0, 2.0])  # from memory
    assert cache.get("k") is None


_WRITER = """
import sys
import numpy as np
from skgenre.utils import FeatureCache
cache = FeatureCache(sys.argv[1], "shared-extractor")
for round_ in range(30):
    for i in range(20):
        cache.put(f"item-{i}", np.full(64, i, dtype=np.float32))
"""


def test_two_processes_sharing_a_folder_never_leave_a_torn_entry(tmp_path):
    folder = tmp_path / "shared"
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, str(folder)])
               for _ in range(2)]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    cache = FeatureCache(folder, "shared-extractor")
    for i in range(20):
        np.testing.assert_array_equal(cache.get(f"item-{i}", shape=(64,), dtype=np.float32),
                                      np.full(64, i, dtype=np.float32))
    assert not list(folder.rglob("*.tmp"))


def test_a_poster_replaced_in_place_is_recomputed_not_served_stale(tmp_path, posters):
    """A copy that keeps the size and modification time (``cp -p``) is still new."""
    import shutil

    folder = tmp_path / "cache"
    first = embedder(folder).transform(posters[:1])
    stat = os.stat(posters[0])
    shutil.copyfile(posters[1], posters[0])  # same size: BMPs of the same dimensions
    os.utime(posters[0], ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert os.stat(posters[0]).st_size == stat.st_size
    assert os.stat(posters[0]).st_mtime_ns == stat.st_mtime_ns
    again = embedder(folder).transform(posters[:1])
    assert not np.array_equal(again, first)
    np.testing.assert_array_equal(again, embedder(False).transform(posters[1:2]))


@pytest.mark.parametrize("umask", [0o002, 0o077])
def test_entries_honour_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        cache = FeatureCache(tmp_path / "cache", "extractor")
        cache.put("k", np.ones(2))
    finally:
        os.umask(old)
    assert cache.path("k").stat().st_mode & 0o777 == 0o666 & ~umask


def test_usage_lists_each_extractor_and_clear_removes_only_the_entries(tmp_path):
    folder = tmp_path / "cache"
    FeatureCache(folder, "poster:abc").put("k1", np.ones(10, dtype=np.float32))
    FeatureCache(folder, "poster:abc").put("k2", np.ones(10, dtype=np.float32))
    FeatureCache(folder, "sentence:xyz").put("k", np.ones(1000, dtype=np.float32))
    (folder / "mine.txt").write_text("a user's file")
    usage = cache_usage(folder)
    assert [(u["extractor"], u["entries"]) for u in usage] == [("sentence:xyz", 1),
                                                               ("poster:abc", 2)]
    assert usage[0]["bytes"] > 4000
    assert cache_usage(tmp_path / "nowhere") == []
    freed = clear_cache_home(folder)
    assert freed >= sum(u["bytes"] for u in usage)
    assert cache_usage(folder) == [] and (folder / "mine.txt").exists()


def test_cli_cache_shows_and_clears(tmp_path, capsys):
    from skgenre.cli import main

    folder = tmp_path / "cache"
    FeatureCache(folder, "poster:abc").put("k1", np.ones(10, dtype=np.float32))
    assert main(["cache", "--cache-dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert str(folder) in out and "1 entries" in out and "poster:abc" in out
    assert main(["cache", "--cache-dir", str(folder), "--clear"]) == 0
    assert "cleared" in capsys.readouterr().out
    assert cache_usage(folder) == []
    (tmp_path / "file").write_text("x")
    assert main(["cache", "--cache-dir", str(tmp_path / "file")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "is a file" in err
