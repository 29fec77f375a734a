"""load_movies: the real manifest, path resolution, formats, options and errors."""

import os
import warnings

import numpy as np
import pandas as pd
import pytest

from skgenre.datasets import MissingMediaWarning, load_movies, parse_genres


def _write(folder, rows, name="movies.csv"):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    frame = pd.DataFrame(rows)
    if name.endswith(".parquet"):
        frame.to_parquet(path)
    else:
        frame.to_csv(path, index=False)
    return path


@pytest.fixture
def manifest(tmp_path):
    (tmp_path / "posters").mkdir()
    for name in ("a.jpg", "b.jpg"):
        (tmp_path / "posters" / name).write_bytes(b"\xff\xd8")
    (tmp_path / "frames_c").mkdir()  # a trailer given as a folder of frames
    rows = {
        "movieId": [1, 2, 3],
        "title": ["A", "B", "NA"],
        "plot": ["A ghost story.", "", "NA"],
        "poster": ["posters/a.jpg", str(tmp_path / "posters" / "b.jpg"), ""],
        "trailer": ["", "", "frames_c"],
        "cast": ["Ann Lee|Bo Kim", "", "Cy Dee"],
        "split": ["train", "test", "val"],
        "genres": ["Horror", "Comedy|Romance", "(no genres listed)"],
    }
    return _write(tmp_path, rows)


def test_real_movielens_manifest(movielens_csv):
    movies = load_movies(movielens_csv)
    assert movies.data.shape[0] == 4811
    assert movies.target.shape == (4811, 17)
    assert len(movies.target_names) == 17
    assert movies.target.sum(axis=1).min() >= 1
    posters = movies.data["poster"]
    assert posters.notna().all()
    assert all(os.path.isabs(p) and os.path.isfile(p) for p in posters)
    assert {"movieId", "imdbId", "title", "year", "plot", "cast", "youtubeId", "split"} <= set(movies.data)
    assert movies.data["split"].value_counts().to_dict() == {"train": 3373, "test": 958, "val": 480}


def test_paths_resolved_and_columns_kept(manifest, tmp_path):
    movies = load_movies(manifest)
    X = movies.data
    assert X["poster"][0] == str(tmp_path / "posters" / "a.jpg")
    assert X["poster"][1] == str(tmp_path / "posters" / "b.jpg")  # absolute stays
    assert pd.isna(X["poster"][2]) and pd.isna(X["trailer"][0])
    assert X["trailer"][2] == str(tmp_path / "frames_c")
    assert pd.isna(X["plot"][1])
    assert X["plot"][2] == "NA" and X["title"][2] == "NA"  # "NA" is text, not missing
    assert list(X.columns) == ["movieId", "title", "plot", "poster", "trailer", "cast", "split"]
    assert movies.target_names == ["Comedy", "Horror", "Romance"]
    np.testing.assert_array_equal(movies.target, [[0, 1, 0], [1, 0, 1], [0, 0, 0]])
    assert "genres" in movies.frame and movies.manifest == str(manifest)
    assert "poster:   2" in movies.DESCR and "metadata: 2 (cast)" in movies.DESCR


def test_folder_parquet_and_csv_agree(manifest, tmp_path):
    from_csv = load_movies(tmp_path)  # a folder: finds movies.csv
    frame = pd.read_csv(manifest, keep_default_na=False)
    parquet = _write(tmp_path / "pq", frame.to_dict("list"), name="movies.parquet")
    (tmp_path / "pq" / "posters").mkdir()
    for name in ("a.jpg",):
        (tmp_path / "pq" / "posters" / name).write_bytes(b"\xff\xd8")
    (tmp_path / "pq" / "frames_c").mkdir()
    from_parquet = load_movies(parquet)
    assert from_parquet.target_names == from_csv.target_names
    np.testing.assert_array_equal(from_parquet.target, from_csv.target)
    assert from_parquet.data["poster"][0] == str(tmp_path / "pq" / "posters" / "a.jpg")


def test_genres_option_orders_and_filters(manifest):
    movies = load_movies(manifest, genres=["Romance", "Horror", "War"])
    assert movies.target_names == ["Romance", "Horror", "War"]
    np.testing.assert_array_equal(movies.target, [[0, 1, 0], [1, 0, 0], [0, 0, 0]])


def test_return_X_y_and_as_frame(manifest):
    X, Y = load_movies(manifest, return_X_y=True, as_frame=True)
    assert isinstance(Y, pd.DataFrame) and list(Y.columns) == ["Comedy", "Horror", "Romance"]
    assert len(X) == 3


def test_manifest_without_genres_for_prediction(tmp_path):
    path = _write(tmp_path, {"plot": ["a", "b"]})
    movies = load_movies(path, target_column=None)
    assert movies.target is None and len(movies.data) == 2
    _, Y = load_movies(path, target_column=None, genres=["Drama"], return_X_y=True)
    np.testing.assert_array_equal(Y, [[0], [0]])


def _broken(tmp_path):
    (tmp_path / "posters").mkdir()
    (tmp_path / "posters" / "ok.jpg").write_bytes(b"\xff\xd8")
    rows = {
        "poster": ["posters/ok.jpg"]
        + [f"posters/gone{i}.jpg" for i in (1, 2)]
        + [""]
        + [f"posters/gone{i}.jpg" for i in (3, 4)],
        "trailer": ["", "", "", "", "", ""],
        "genres": ["Drama"] * 6,
    }
    return _write(tmp_path, rows)


def test_missing_files_raise_with_count_and_examples(tmp_path):
    path = _broken(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"4 of 5 poster paths .* do not exist") as info:
        load_movies(path)
    message = str(info.value)
    assert "gone1.jpg" in message and "gone3.jpg" in message and "gone4.jpg" not in message
    assert "on_missing_file='mark_missing'" in message


def test_missing_files_marked_missing_dropped_or_ignored(tmp_path):
    path = _broken(tmp_path)
    with pytest.warns(MissingMediaWarning, match="4 of 5 poster"):
        marked = load_movies(path, on_missing_file="mark_missing")
    assert len(marked.data) == 6 and marked.data["poster"].notna().sum() == 1
    assert "marked as missing" in marked.DESCR
    with pytest.warns(MissingMediaWarning, match="dropped"):
        dropped = load_movies(path, on_missing_file="drop")
    assert len(dropped.data) == 2 and dropped.target.shape == (2, 1)
    assert list(dropped.data.index) == [0, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ignored = load_movies(path, on_missing_file="ignore")
    assert ignored.data["poster"].notna().sum() == 5


@pytest.mark.parametrize(
    "rows, kwargs, error, match",
    [
        ({"plot": ["a"]}, {}, ValueError, "no 'genres' column"),
        ({"plot": ["a"], "label": ["Drama"]}, {"target_column": "labels"}, ValueError, "no 'labels' column"),
        ({"plot": ["a"], "genres": ["Drama"]}, {"on_missing_file": "skip"}, ValueError, "on_missing_file"),
        ({"plot": ["a"], "genres": ["Drama"]}, {"genres": ["Drama", "Drama"]}, ValueError, "repeat"),
    ],
)
def test_bad_manifests(tmp_path, rows, kwargs, error, match):
    path = _write(tmp_path, rows)
    with pytest.raises(error, match=match):
        load_movies(path, **kwargs)


def test_bad_paths(tmp_path):
    with pytest.raises(FileNotFoundError, match="Manifest not found"):
        load_movies(tmp_path / "nope.csv")
    with pytest.raises(FileNotFoundError, match="holds no manifest"):
        load_movies(tmp_path)
    (tmp_path / "movies.xlsx").write_text("x")
    with pytest.raises(ValueError, match="Unknown manifest format"):
        load_movies(tmp_path / "movies.xlsx")


def test_parse_genres():
    Y, names = parse_genres(["Drama| War", None, "(no genres listed)", "War"], genres=None)
    assert names == ["Drama", "War"]
    np.testing.assert_array_equal(Y, [[1, 1], [0, 0], [0, 0], [0, 1]])
