"""Unreadable posters and trailers through ``skgenre predict``: one row per class of the
audit's 29 media cases. Each is one line on stderr naming the file, what is wrong and
``--on-error missing``, exit 2; with ``--on-error missing`` the movies are predicted
without that poster or trailer, one warning line each."""

import io
import re
import struct
import zlib

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from skgenre.cli import main
from skgenre.datasets import make_movies

pytestmark = pytest.mark.xdist_group("cli")


def _jpeg():
    buffer = io.BytesIO()
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)).save(buffer, "JPEG")
    return buffer.getvalue()


def _bomb():
    """A PNG declaring 10000 x 10000 pixels in a few bytes (over Pillow's limit)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", 10000, 10000, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


FOLDER = object()  # a folder in place of the file

# (column, file name, content, what the message says after the file's name)
MEDIA = [
    ("poster", "random.jpg", np.random.default_rng(0).bytes(600),
     "is not in an image format Pillow can read"),
    ("poster", "empty.jpg", b"", r"is empty \(0 bytes\)"),
    ("poster", "page.jpg", b"<!DOCTYPE html><html>404</html>", "holds HTML or XML text"),
    ("poster", "cut.jpg", _jpeg()[:400], "is truncated: Pillow cannot decode it"),
    ("poster", "folder.jpg", FOLDER, "is a folder, not an image file"),
    ("poster", "bomb.png", _bomb(), r"is refused: it has 10000x10000 = 100,000,000 pixels"),
    ("trailer", "random.mp4", np.random.default_rng(1).bytes(900),
     "is not a video FFmpeg can read"),
    ("trailer", "empty.mp4", b"", r"is empty \(0 bytes\)"),
    ("trailer", "page.mp4", b"<html>not found</html>", "holds HTML or XML text"),
    ("trailer", "cut.mp4", "truncated", "is truncated or damaged"),
    ("trailer", "nan.npy", np.full((4, 16), np.nan, dtype=np.float32),
     "holds 64 NaN or infinite per-frame feature value"),
    ("trailer", "empty.npy", np.zeros((0, 16), dtype=np.float32),
     r"is empty \(shape \(0, 16\)\)"),
    ("trailer", "flat.npy", np.ones(16, dtype=np.float32), r"is 1-D \(shape \(16,\)\)"),
    ("trailer", "cube.npy", np.ones((2, 3, 4), dtype=np.float32), r"is 3-D \(shape \(2, 3, 4\)\)"),
    ("trailer", "objects.npy", np.array([{"a": 1}], dtype=object),
     r"holds Python objects \(dtype object\), not numbers"),
    ("trailer", "frames", FOLDER, "holds no image files"),
]


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    """A model reading posters and trailers, one good movie, and every bad file."""
    folder = tmp_path_factory.mktemp("media")
    movies = make_movies(40, n_genres=3, modalities=("poster", "trailer", "metadata"),
                         random_state=0, path=folder / "catalogue")
    model = folder / "model.skops"
    assert main(["fit", "--data", str(movies.manifest), "--out", str(model), "-q",
                 "--set", "cv=2"]) == 0
    frame = pd.read_csv(movies.manifest).drop(columns=["genres"])
    good = frame.dropna(subset=["poster", "trailer"]).iloc[:1].copy()
    for column in ("poster", "trailer"):
        good[column] = str(folder / "catalogue" / good[column].iloc[0])
    whole = open(good["trailer"].iloc[0], "rb").read()
    bad = folder / "bad"
    bad.mkdir()
    paths = {}
    for column, name, content, _ in MEDIA:
        path = bad / name
        if content is FOLDER:
            path.mkdir()
        elif isinstance(content, np.ndarray):
            np.save(path, content, allow_pickle=True)
        else:
            path.write_bytes(whole[: len(whole) // 3] if content == "truncated" else content)
        paths[name] = str(path)
    return {"model": str(model), "good": good, "paths": paths, "folder": folder}


def _table(media, rows):
    """A manifest of the good movie with, per row, one file replaced by a bad one."""
    frames = []
    for i, (column, name) in enumerate(rows):
        movie = media["good"].copy()
        movie[column] = media["paths"][name]
        movie["title"], movie["movieId"] = name, 1000 + i
        frames.append(movie)
    path = media["folder"] / f"movies-{len(rows)}-{rows[0][1]}.csv"
    pd.concat(frames).to_csv(path, index=False)
    return str(path)


@pytest.mark.parametrize("column, name, match", [(c, n, m) for c, n, _, m in MEDIA],
                         ids=[row[1] for row in MEDIA])
def test_unreadable_media_is_one_line_naming_the_file_and_the_flag(media, capsys, column,
                                                                    name, match):
    status = main(["predict", "--model", media["model"], "--data",
                   _table(media, [(column, name)]), "-q"])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert len(err) == 1, err
    assert err[0].startswith("skgenre predict: error: ")
    assert f"{media['paths'][name]}" in err[0]
    assert re.search(match, err[0]), err[0]
    assert err[0].endswith(f"(use --on-error missing to treat unreadable {column}s as "
                           "missing).")


def test_on_error_missing_predicts_every_movie_and_names_each_file(media, capsys):
    rows = [(column, name) for column, name, _, _ in MEDIA]
    status = main(["predict", "--model", media["model"], "--data", _table(media, rows),
                   "--on-error", "missing", "--format", "csv", "-q"])
    captured = capsys.readouterr()
    assert status == 0
    predictions = pd.read_csv(io.StringIO(captured.out))
    assert list(predictions["title"]) == [name for _, name in rows]
    warned = captured.err.strip().splitlines()
    assert all(line.startswith("skgenre predict: warning: ") for line in warned)
    posters = [line for line in warned if "PosterLoadWarning" in line]
    assert len(posters) == 1 and "6 poster(s) could not be read" in posters[0]
    trailers = [line for line in warned if "TrailerReadWarning" in line]
    assert sorted(name for _, name in rows if media["paths"][name] in " ".join(trailers)) == \
        sorted(name for column, name in rows if column == "trailer")  # each named once
    assert len(trailers) == 10
    assert "decompression bomb DOS" not in captured.err  # Pillow's own note is not repeated


def test_fit_takes_on_error_too(media, tmp_path, capsys):
    """A web page saved as a poster among the training movies: the one-line error, then
    --on-error missing, which fit's default poster model takes."""
    manifest = media["folder"] / "catalogue" / "movies.csv"
    frame = pd.read_csv(manifest)
    first = frame["poster"].first_valid_index()
    frame.loc[first, "poster"] = media["paths"]["page.jpg"]
    frame.to_csv(media["folder"] / "catalogue" / "with_page.csv", index=False)
    argv = ["fit", "--data", str(media["folder"] / "catalogue" / "with_page.csv"), "--out",
            str(tmp_path / "m.skops"), "--modalities", "poster,metadata", "--set", "cv=2",
            "-q"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "page.jpg' holds HTML or XML text" in err[0]
    assert err[0].endswith("(use --on-error missing to treat unreadable posters as missing).")
    assert main(argv + ["--on-error", "missing"]) == 0
    assert "page.jpg" in capsys.readouterr().err  # the warning names it
    assert (tmp_path / "m.skops").is_file()
