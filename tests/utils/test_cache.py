"""The one per-item feature cache: keys, atomic writes, checked reads, no torch."""

import os

import joblib
import numpy as np
import pytest

from skgenre.utils import FeatureCache, cache_location, file_key


@pytest.fixture
def cache(tmp_path):
    return FeatureCache(tmp_path / "cache", "extractor-a")


def test_round_trip_and_namespaces(tmp_path, cache):
    vector = np.arange(4, dtype=np.float32)
    assert cache.get("k") is None
    cache.put("k", vector)
    np.testing.assert_array_equal(cache.get("k", shape=(4,), dtype=np.float32), vector)
    assert FeatureCache(tmp_path / "cache", "extractor-b").get("k") is None  # other extractor
    # a joblib.Memory on the same folder is the same cache
    same = FeatureCache(joblib.Memory(tmp_path / "cache", verbose=0), "extractor-a")
    np.testing.assert_array_equal(same.get("k"), vector)
    assert not list(cache.folder.rglob("*.tmp"))  # the temporary file was renamed


def test_disabled_cache_stores_nothing(tmp_path):
    for memory in (None, joblib.Memory(None, verbose=0)):
        cache = FeatureCache(memory, "x")
        assert not cache.enabled
        cache.put("k", np.ones(2))
        assert cache.get("k") is None


@pytest.mark.parametrize("damage, shape, dtype", [
    ("truncate", (8,), np.float32),       # a torn write or a full disk
    ("garbage", (8,), np.float32),        # not an .npy at all
    ("empty", (8,), np.float32),
    (None, (9,), np.float32),             # another width
    (None, (8, 1), np.float32),           # another number of dimensions
    (None, (8,), np.uint8),               # another dtype
])
def test_damaged_or_mismatched_entry_is_a_miss(cache, damage, shape, dtype):
    cache.put("k", np.arange(8, dtype=np.float32))
    path = cache.path("k")
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) - 5])
    elif damage == "garbage":
        path.write_bytes(b"\x00garbage" * 20)
    elif damage == "empty":
        path.write_bytes(b"")
    assert cache.get("k", shape=shape, dtype=dtype) is None
    cache.put("k", np.arange(8, dtype=np.float32))  # recomputed and stored again
    assert cache.get("k", shape=(8,), dtype=np.float32) is not None


def test_wildcard_shapes(cache):
    cache.put("k", np.zeros((5, 4, 4, 3), dtype=np.uint8))
    assert cache.get("k", shape=(None, 4, 4, 3), dtype=np.uint8) is not None
    assert cache.get("k", shape=(6, None, None, 3), dtype=np.uint8) is None


def test_file_key_tracks_identity(tmp_path):
    path = tmp_path / "a.bin"
    path.write_bytes(b"one")
    key = file_key(path)
    assert file_key(str(path)) == key
    assert str(path.resolve()) in key or os.path.abspath(path) in key
    os.utime(path, ns=(1, 1))
    assert file_key(path) != key  # another mtime
    stamped = file_key(path)
    path.write_bytes(b"three")
    os.utime(path, ns=(1, 1))
    assert file_key(path) != stamped  # same mtime, another size
    folder = tmp_path / "frames"
    folder.mkdir()
    (folder / "0.png").write_bytes(b"x")
    before = file_key(folder)
    (folder / "1.png").write_bytes(b"y")
    assert file_key(folder) != before  # a frame folder: each file counts
    with pytest.raises(FileNotFoundError):
        file_key(tmp_path / "missing.mp4")


@pytest.mark.parametrize("memory, error", [(3, TypeError), (object(), TypeError)])
def test_cache_location_errors(memory, error):
    with pytest.raises(error, match="memory must be"):
        cache_location(memory)


def test_lookup_and_put_rows(cache):
    """The per-item loop every embedder runs: cached rows filled in, the rest stored."""
    items = ["a", "b", "c"]
    key = lambda item: f"item:{item}"  # noqa: E731
    cache.put("item:b", np.full(2, 7, dtype=np.float32))
    cache.put("item:c", np.full(3, 9, dtype=np.float32))  # another width: a miss
    out, keys, todo = cache.lookup(items, key, 2)
    assert keys == ["item:a", "item:b", "item:c"] and todo == [0, 2]
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[0, 0], [7, 7], [0, 0]])
    out[todo] = 1.0
    cache.put_rows(keys, out, todo)
    again, _, todo = cache.lookup(items, key, 2)
    assert todo == []
    np.testing.assert_array_equal(again, [[1, 1], [7, 7], [1, 1]])


def test_lookup_without_cache_computes_every_row():
    cache = FeatureCache(None, "extractor-a")
    out, keys, todo = cache.lookup(["a", "b"], pytest.fail, 3)  # no key is computed
    assert keys is None and todo == [0, 1]
    assert out.shape == (2, 3) and not out.any()
    cache.put_rows(keys, out, todo)  # stores nothing, raises nothing


def test_feature_memo_keeps_entries_without_a_folder_until_the_block_ends(tmp_path):
    from skgenre.utils._cache import feature_memo

    cache, other = FeatureCache(None, "extractor-a"), FeatureCache(None, "extractor-b")
    assert not cache.enabled
    with feature_memo():
        assert cache.enabled
        cache.put("k", np.arange(3.0))
        got = cache.get("k", shape=(3,), dtype=np.float64)
        got[0] = 99.0  # the caller's copy: the entry is unchanged
        np.testing.assert_array_equal(cache.get("k"), [0.0, 1.0, 2.0])
        assert other.get("k") is None  # another extractor's namespace
        assert cache.get("k", shape=(4,)) is None and cache.get("k", dtype=np.float32) is None
        with feature_memo():  # an inner block uses the outer one
            assert cache.get("k") is not None
        assert cache.get("k") is not None
        # the same extractor with a folder is served from the memo, writing nothing
        disk = FeatureCache(tmp_path, "extractor-a")
        np.testing.assert_array_equal(disk.get("k"), [0.0, 1.0, 2.0])
    assert not cache.enabled and cache.get("k") is None
    assert not list(tmp_path.iterdir())


def test_feature_memo_reads_each_folder_entry_from_disk_once(tmp_path):
    from skgenre.utils._cache import feature_memo

    cache = FeatureCache(tmp_path, "extractor")
    cache.put("written", np.arange(2.0))
    with feature_memo():
        cache.put("put-in-block", np.arange(3.0))
        np.testing.assert_array_equal(cache.get("written"), [0.0, 1.0])
        for path in tmp_path.rglob("*.npy"):  # nothing is read from disk again
            path.unlink()
        np.testing.assert_array_equal(cache.get("written"), [0.0, 1.0])
        np.testing.assert_array_equal(cache.get("put-in-block"), [0.0, 1.0, 2.0])
    assert cache.get("written") is None and cache.get("put-in-block") is None


def test_feature_memo_keeps_entries_up_to_its_budget():
    from skgenre.utils._cache import feature_memo

    cache = FeatureCache(None, "extractor")
    with feature_memo(max_bytes=3 * 8):
        cache.put("a", np.zeros(2))
        cache.put("b", np.zeros(2))  # 32 bytes in all: over the budget, not kept
        cache.put("c", np.zeros(1))
        assert cache.get("a") is not None and cache.get("b") is None
        assert cache.get("c") is not None
