"""load_movies: the real manifest, path resolution, formats, options and errors."""

import os
import warnings

import numpy as np
import pandas as pd
import pytest

from skgenre.datasets import (
    ManifestError,
    ManifestWarning,
    MissingMediaError,
    MissingMediaWarning,
    load_movies,
    parse_genres,
)


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
    error = info.value  # the facts, for a command line to name its own flag
    assert isinstance(error, MissingMediaError)
    assert (error.path, error.column, error.n_missing) == (str(path), "poster", 4)
    assert error.parameter == "on_missing_file"
    assert error.fix == {"on_missing_file": "mark_missing"}
    assert "on_missing_file" not in error.problem and len(error.examples) == 3


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


# ------------------------------------------------------------- manifests made wrong
@pytest.mark.parametrize(
    "cells, separator, names, first",
    [
        (["Comedy, Drama", "Drama", "Horror, Comedy"], ",", ["Comedy", "Drama", "Horror"], [1, 1, 0]),
        (["Comedy;Drama", "Drama", "War;Drama"], ";", ["Comedy", "Drama", "War"], [1, 1, 0]),
        (["Comedy/Drama", "Drama", "Horror/Comedy"], "/", ["Comedy", "Drama", "Horror"], [1, 1, 0]),
        # Most cells single, but the joined parts stand alone elsewhere.
        (["Comedy, Drama"] + ["Comedy", "Drama"] * 5, ",", ["Comedy", "Drama"], [1, 1]),
        # One movie, two genres.
        (["Sci-Fi, Film-Noir"], ",", ["Film-Noir", "Sci-Fi"], [1, 1]),
    ],
)
def test_other_genre_separator_is_detected_and_split(tmp_path, cells, separator, names, first):
    path = _write(tmp_path, {"plot": ["p"] * len(cells), "genres": cells})
    with pytest.warns(ManifestWarning, match=f"joins genres with '{separator}'.*genre_separator"):
        movies = load_movies(path)
    assert movies.target_names == names
    assert movies.target[0].tolist() == first


@pytest.mark.parametrize(
    "cells",
    [
        ["Sci-Fi|Film-Noir", "Drama", "Sci-Fi"],  # hyphens are part of genre names
        ["Action/Adventure|Drama", "Drama", "Comedy"],  # '|' somewhere: '/' is a name
        ["Action/Adventure"] + ["Drama", "Comedy", "War", "Crime", "Western"] * 2,  # rare '/'
    ],
)
def test_pipe_and_rare_slash_are_not_split(tmp_path, cells):
    path = _write(tmp_path, {"plot": ["p"] * len(cells), "genres": cells})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        movies = load_movies(path)
    assert "Sci-Fi" in movies.target_names or "Action/Adventure" in movies.target_names


def test_genre_separator_given_keeps_names_whole(tmp_path):
    path = _write(tmp_path, {"plot": ["p", "q"], "genres": ["Action/Adventure", "Drama"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        movies = load_movies(path, genre_separator="|")
    assert movies.target_names == ["Action/Adventure", "Drama"]
    movies = load_movies(path, genre_separator="/")
    assert movies.target_names == ["Action", "Adventure", "Drama"]


@pytest.mark.parametrize(
    "rows, match",
    [
        ({"movieId": [1, 2, 1], "plot": ["a", "b", "c"], "genres": ["Drama"] * 3},
         r"repeats 1 movieId values \(2 rows\), e.g. 1"),
        ({"imdbId": ["tt1", "tt1", "tt2"], "plot": ["a", "b", "c"], "genres": ["Drama"] * 3},
         "repeats 1 imdbId values .*'tt1'"),
        ({"plot": [1, 2, 3], "genres": ["Drama"] * 3}, "column 'plot' .* holds only numbers"),
        ({"plot": ["a", "b", "c"], "genres": [1, 0, 1]}, "column 'genres' .* holds only numbers"),
        ({"plot": ["a", "b", "c"], "genres": [0.5, None, 1.0]}, "column 'genres' .* only numbers"),
    ],
)
@pytest.mark.parametrize("name", ["movies.csv", "movies.parquet"])
def test_suspicious_content_warns(tmp_path, rows, match, name):
    path = _write(tmp_path, rows, name=name)
    with pytest.warns(ManifestWarning, match=match):
        movies = load_movies(path)
    assert len(movies.data) == 3  # kept as they are


def test_good_manifest_gives_no_warning(manifest):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_movies(manifest)


def test_encoding_parameter(tmp_path):
    path = tmp_path / "movies.csv"
    path.write_bytes("plot,genres\nUn été à Paris,Drama\n".encode("latin-1"))
    movies = load_movies(path, encoding="latin-1")
    assert movies.data["plot"][0] == "Un été à Paris"
    sig = tmp_path / "sig" / "movies.csv"
    sig.parent.mkdir()
    sig.write_bytes("plot,genres\nÉté,Drama\n".encode("utf-8-sig"))
    assert list(load_movies(sig, encoding="utf-8-sig").data.columns) == ["plot"]


LATIN1 = "plot,genres\nfine,Drama\nstill fine,War\nUn été,Drama\n".encode("latin-1")
SEMICOLONS = b"plot;genres\na ghost;Horror\na kiss;Romance\n"


@pytest.mark.parametrize(
    "name, content, kwargs, error, match",
    [
        ("movies.csv", LATIN1, {}, ValueError,
         r"movies.csv is not valid utf-8 at line 4.*encoding='latin-1'"),
        ("movies.csv.gz", LATIN1, {}, ValueError, r"movies.csv.gz is not valid utf-8 at line 4"),
        ("movies.csv", LATIN1, {"encoding": "utf-9"}, ValueError,
         "Unknown encoding 'utf-9' .*movies.csv"),
        ("movies.csv", "plot,genres\nun été,Drama\n".encode("utf-16-le"), {}, ValueError,
         r"not valid utf-8 at line \d: .* \(it looks like UTF-16-LE: every other byte is "
         r"zero\)\. Pass the file's encoding, e.g. encoding='utf-16-le'"),
        ("movies.csv", SEMICOLONS, {}, ValueError,
         "movies.csv looks delimited by ';', not ',': line 1"),
        ("movies.csv", SEMICOLONS, {"target_column": None}, ValueError, "delimited by ';'"),
        ("movies.csv", b"plot\tgenres\na ghost\tHorror\n", {}, ValueError,
         "movies.csv looks delimited by a tab"),
        ("movies.tsv", b"plot,genres\na ghost,Horror\n", {}, ValueError,
         "movies.tsv looks delimited by ','"),
        ("movies.csv", b"plot,genres\na ghost,Horror\na kiss,Romance,oops\n", {}, ValueError,
         "movies.csv could not be parsed .*line 3"),
        ("movies.csv", b"", {}, ValueError, "movies.csv is empty"),
        ("movies.csv.gz", b"plot,genres\na,Drama\n" * 50 + b"TRUNCATE", {}, ValueError,
         "movies.csv.gz cannot be read .*truncated"),
        ("movies.parquet", b"PAR1 not really parquet", {}, ValueError,
         "movies.parquet is not a readable Parquet file"),
        ("movies.csv", LATIN1, {"genre_separator": ""}, ValueError, "genre_separator"),
    ],
)
def test_unreadable_csv_names_file_and_line(tmp_path, name, content, kwargs, error, match):
    path = tmp_path / name
    if name.endswith(".gz"):
        import gzip

        truncate = content.endswith(b"TRUNCATE")
        content = gzip.compress(content)
        content = content[: len(content) // 2] if truncate else content
    path.write_bytes(content)
    with pytest.raises(error, match=match):
        load_movies(path, **kwargs)


def test_mixed_separators_warn(tmp_path):
    path = _write(tmp_path, {"plot": ["p", "q", "r"],
                             "genres": ["Comedy|Drama", "Action, Thriller", "Drama"]})
    with pytest.warns(ManifestWarning, match=r"1 cells hold ',' or ';' .*'Action, Thriller'"):
        movies = load_movies(path)
    assert "Action, Thriller" in movies.target_names  # as the warning says


def test_movie_id_columns_matched_regardless_of_case(tmp_path):
    path = _write(tmp_path, {"MovieID": [7, 7], "plot": ["a", "b"], "genres": ["Drama"] * 2})
    with pytest.warns(ManifestWarning, match="repeats 1 MovieID values"):
        load_movies(path)


@pytest.mark.parametrize(
    "cells",
    [
        ["['Comedy', 'Drama']", "['Drama']", "[]"],
        ['["Comedy", "Drama"]', '["Drama"]', "[]"],
        ["[{'id': 35, 'name': 'Comedy'}, {'id': 18, 'name': 'Drama'}]", "[{'id': 18, 'name': 'Drama'}]", "[]"],
    ],
)
def test_genres_written_as_lists(tmp_path, cells):
    path = _write(tmp_path, {"plot": ["a", "b", "c"], "genres": cells})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        movies = load_movies(path)
    assert movies.target_names == ["Comedy", "Drama"]
    assert movies.target.tolist() == [[1, 1], [0, 1], [0, 0]]


@pytest.mark.parametrize(
    "rows, kwargs, match",
    [
        ({"plot": ["a", "b"], "plot.1": ["c", "d"], "genres": ["Drama"] * 2}, {},
         "repeats the column 'plot'; the repeat was renamed 'plot.1'"),
        ({"plot": ["a", "b", "c"], "genres": ["Comedy", "comedy", "Drama"]}, {},
         r"differ only in case, e.g. \['Comedy', 'comedy'\]"),
        ({"plot": ["a", "b"], "genres": ["Drama", "War"]}, {"genres": ["Comedy"]},
         "gives none of the requested genres for any of its 2 movies"),
    ],
)
def test_more_suspicious_manifests_warn(tmp_path, rows, kwargs, match):
    with pytest.warns(ManifestWarning, match=match):
        load_movies(_write(tmp_path, rows), **kwargs)


@pytest.mark.parametrize(
    "rows, kwargs, match",
    [
        ({"plot": ["a"], "Genres": ["Drama"]}, {}, "Did you mean target_column='Genres'"),
        ({"plot": ["a"], "genre": ["Drama"]}, {}, "Did you mean target_column='genre'"),
        ({"plot": ["a", "b"], "genres": ["['Drama']", "[1, 2]"]}, {},
         r"holds lists, but row 1 \('\[1, 2\]'\) is not a list of genre names"),
        ({"plot": ["a", "b"], "genres": ["", "(no genres listed)"]}, {},
         r"gives no genre for any of its 2 movies.*pass target_column=None"),
        ({"plot": ["a", "b"], "genres": [None, None]}, {},
         r"'genres' column .* gives no genre for any of its 2 movies"),
    ],
)
def test_more_bad_manifests(tmp_path, rows, kwargs, match):
    with pytest.raises(ManifestError, match=match):
        load_movies(_write(tmp_path, rows), **kwargs)


# ------------------------------------- errors a command line turns into one line, by flag

@pytest.mark.parametrize("rows, content, kwargs, parameter, fix", [
    ({"plot": ["a"], "Genres": ["Drama"]}, None, {}, "target_column",
     {"target_column": "Genres"}),
    ({"plot": ["a"], "label": ["Drama"]}, None, {}, "target_column", {}),
    ({"plot": ["a", "b"], "genres": ["", None]}, None, {}, "target_column",
     {"target_column": None}),
    (None, "plot,genres\nun été,Drama\n".encode("latin-1"), {}, "encoding",
     {"encoding": "latin-1"}),
    (None, "plot,genres\nun été,Drama\n".encode("utf-16-be"), {}, "encoding",
     {"encoding": "utf-16-be"}),
    ({"plot": ["a"], "genres": ["Drama"], "split": ["train"]}, None, {"split": "val"}, "split",
     {}),
])
def test_manifest_errors_expose_the_parameter_that_fixes_them(tmp_path, rows, content, kwargs,
                                                              parameter, fix):
    """The message gives Python advice (``encoding=...``); the attributes let a command
    line name its own flag instead, without parsing the message."""
    if rows is not None:
        path = _write(tmp_path, rows)
    else:
        path = tmp_path / "movies.csv"
        path.write_bytes(content)
    with pytest.raises(ManifestError) as info:
        load_movies(path, **kwargs)
    error = info.value
    assert isinstance(error, ValueError)
    assert (error.path, error.parameter, error.fix) == (str(path), parameter, fix)
    assert str(path) in error.problem and error.problem in str(error)
    assert f"{parameter}=" not in error.problem  # the Python spelling is in the advice only
    if fix:
        fixed = load_movies(path, **{**kwargs, **fix}) if fix != {"target_column": None} \
            else load_movies(path, target_column=None)
        assert len(fixed.data) >= 1  # the fix it names reads the file


def test_parquet_genres_column_of_lists_is_read_as_lists(tmp_path):
    """(Main read ['Action', 'Drama', 'Horror'] as one genre, 'ActionDramaHorror'.)"""
    path = _write(tmp_path, {"plot": ["a", "b", "c"],
                             "genres": [["Action", "Drama", "Horror"], ["Comedy"], []]},
                  name="movies.parquet")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        movies = load_movies(path)
    assert movies.target_names == ["Action", "Comedy", "Drama", "Horror"]
    assert movies.target.tolist() == [[1, 0, 1, 1], [0, 1, 0, 0], [0, 0, 0, 0]]
    records = _write(tmp_path / "records", {"plot": ["a"], "genres": [[{"id": 18, "name": "Drama"}]]},
                     name="movies.parquet")
    assert load_movies(records).target_names == ["Drama"]


def test_placeholder_genres_are_no_genre_with_a_warning(tmp_path):
    """(Main made genres named 'None', 'N/A', 'NaN' and 'nan'.)"""
    path = _write(tmp_path, {"plot": list("abcdef"),
                             "genres": ["Drama", "None", "N/A", "NaN", "nan", "Comedy|None"]})
    with pytest.warns(ManifestWarning, match=r"placeholders for a missing genre, \{'None': 2, "
                                             r"'N/A': 1, 'NaN': 1, 'nan': 1\}.*read as no genre"):
        movies = load_movies(path)
    assert movies.target_names == ["Comedy", "Drama"]
    assert movies.target.tolist() == [[0, 1], [0, 0], [0, 0], [0, 0], [0, 0], [1, 0]]
    Y, names = parse_genres(["None", "N/A|War"])
    assert names == ["War"] and Y.tolist() == [[0], [1]]


def test_split_values_match_whatever_their_case_and_spaces(tmp_path):
    """(Main selected only the movie spelled exactly 'train'.)"""
    path = _write(tmp_path, {"plot": list("abcd"), "genres": ["Drama", "War"] * 2,
                             "split": ["Train", "train ", "TRAIN", "test"]})
    with pytest.warns(ManifestWarning, match=r"spells the split values asked for \(\['train'\]\)"
                                             r" in other ways: \{'TRAIN': 1, 'Train': 1, "
                                             r"'train ': 1\}"):
        movies = load_movies(path, split="train")
    assert movies.data["plot"].tolist() == ["a", "b", "c"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(load_movies(path, split="test").data) == 1  # spelled as asked: no warning


def test_utf16_export_with_byte_order_mark_and_parquet_named_csv_are_read(tmp_path):
    """(Main advised encoding='latin-1' for both.)"""
    frame = pd.DataFrame({"plot": ["un été à Paris", "b"], "genres": ["Drama", "War"]})
    utf16 = tmp_path / "utf16" / "movies.csv"
    utf16.parent.mkdir()
    frame.to_csv(utf16, index=False, encoding="utf-16")  # starts with a byte-order mark
    parquet = tmp_path / "parquet" / "movies.csv"
    parquet.parent.mkdir()
    frame.to_parquet(parquet)
    for path in (utf16, parquet):
        movies = load_movies(path)
        assert movies.data["plot"].tolist() == ["un été à Paris", "b"]
        assert movies.target_names == ["Drama", "War"]
