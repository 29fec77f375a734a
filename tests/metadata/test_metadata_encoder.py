"""MetadataEncoder: shared people vocabulary, missing cells, min_frequency, sparsity."""

import pickle

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError

from skgenre.metadata import MetadataEncoder


@pytest.fixture
def movies():
    return pd.DataFrame(
        {
            "director_name": ["Nora Ephron", "Ron Howard", None, "Tom Hanks"],
            "actor_1_name": ["Tom Hanks", "Tom Hanks", "Meg Ryan", np.nan],
            "actor_2_name": ["Meg Ryan", "Bill Paxton", "", "Tom Hanks"],
            "cast": ["Meg Ryan|Rosie O'Donnell", " Kevin Bacon | Tom Hanks ", "  ", None],
            "language": ["English", "English", "French", None],
            "plot": ["a", "b", "c", "d"],  # not a metadata column: ignored
        }
    )


def dense(X):
    assert sparse.issparse(X) and X.format == "csr"
    return X.toarray()


def column(enc, X, name):
    names = list(enc.get_feature_names_out())
    return dense(X)[:, names.index(name)]


def test_columns_found_and_feature_names(movies):
    enc = MetadataEncoder().fit(movies)
    assert enc.columns_ == ["director_name", "actor_1_name", "actor_2_name", "cast", "language"]
    assert [g for g, _ in enc.groups_] == ["director_name", "actor", "language"]
    assert list(enc.get_feature_names_out()) == [
        "director_name=Nora Ephron",
        "director_name=Ron Howard",
        "director_name=Tom Hanks",
        "actor=Bill Paxton",
        "actor=Kevin Bacon",
        "actor=Meg Ryan",
        "actor=Rosie O'Donnell",
        "actor=Tom Hanks",
        "language=English",
        "language=French",
    ]
    assert not any(name.startswith("plot") for name in enc.get_feature_names_out())


def test_people_share_one_vocabulary_across_actor_columns(movies):
    enc = MetadataEncoder()
    X = enc.fit_transform(movies)
    # Tom Hanks is actor_1 of movie 0 and 1, in the cast of movie 1, actor_2 of movie 3:
    # one feature, binary even when named twice in one movie.
    np.testing.assert_array_equal(column(enc, X, "actor=Tom Hanks"), [1, 1, 0, 1])
    np.testing.assert_array_equal(column(enc, X, "actor=Meg Ryan"), [1, 0, 1, 0])
    assert set(np.unique(X.data)) == {1.0}
    # The director is a role of its own: Tom Hanks directing movie 3 is another feature.
    np.testing.assert_array_equal(column(enc, X, "director_name=Tom Hanks"), [0, 0, 0, 1])


def test_share_people_false_keeps_roles_apart(movies):
    enc = MetadataEncoder(share_people=False)
    X = enc.fit_transform(movies)
    names = list(enc.get_feature_names_out())
    assert "actor=Tom Hanks" not in names
    np.testing.assert_array_equal(column(enc, X, "actor_1_name=Tom Hanks"), [1, 1, 0, 0])
    np.testing.assert_array_equal(column(enc, X, "actor_2_name=Tom Hanks"), [0, 0, 0, 1])
    np.testing.assert_array_equal(column(enc, X, "cast=Tom Hanks"), [0, 1, 0, 0])
    assert X.shape[1] > MetadataEncoder().fit_transform(movies).shape[1]


def test_unseen_people_are_ignored(movies):
    enc = MetadataEncoder().fit(movies)
    new = pd.DataFrame(
        {
            "director_name": ["Someone New", "Ron Howard"],
            "actor_1_name": ["Unknown Actor", "Meg Ryan"],
            "actor_2_name": ["Another|Unknown", None],
            "cast": ["Nobody|Tom Hanks", ""],
            "language": ["Klingon", "French"],
        }
    )
    X = enc.transform(new)
    assert X.shape == (2, len(enc.get_feature_names_out()))
    names = np.asarray(enc.get_feature_names_out())
    assert set(names[dense(X)[0] > 0]) == {"actor=Tom Hanks"}
    assert set(names[dense(X)[1] > 0]) == {
        "director_name=Ron Howard", "actor=Meg Ryan", "language=French",
    }


def test_missing_and_empty_cells_give_no_feature():
    frame = pd.DataFrame(
        {
            "cast": ["A|B", None, np.nan, "", "   ", "A||  |B|", pd.NA],
            "language": [None, "", "English", np.nan, " ", "English", None],
        }
    )
    enc = MetadataEncoder()
    X = enc.fit_transform(frame)
    assert list(enc.get_feature_names_out()) == ["actor=A", "actor=B", "language=English"]
    np.testing.assert_array_equal(
        dense(X),
        [[1, 1, 0], [0, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0], [1, 1, 1], [0, 0, 0]],
    )


@pytest.mark.parametrize(
    "min_frequency, expected",
    [
        (1, ["actor=A", "actor=B", "actor=C", "actor=D"]),
        # B is named twice in movie 1 but is in one movie only: counts once.
        (2, ["actor=A", "actor=C"]),
        (3, ["actor=A"]),
        (0.5, ["actor=A", "actor=C"]),  # at least 2 of the 4 movies
        (0.6, ["actor=A"]),  # at least ceil(2.4) = 3 movies
    ],
)
def test_min_frequency_counts_movies(min_frequency, expected):
    frame = pd.DataFrame(
        {
            "actor_1_name": ["A", "B", "A", "C"],
            "cast": ["A|C", "B|B", "A|D", "A"],
        }
    )
    enc = MetadataEncoder(min_frequency=min_frequency).fit(frame)
    assert list(enc.get_feature_names_out()) == expected
    X = enc.transform(frame)
    assert X.shape == (4, len(expected))
    # Dropped names are ignored like unseen ones.
    if "actor=B" not in expected:
        assert dense(X)[1].sum() == 0


def test_named_columns_separator_and_arrays():
    frame = pd.DataFrame({"crew": ["A|B", "B"], "language": ["English", "French"]})
    enc = MetadataEncoder(columns="crew").fit(frame)
    assert list(enc.get_feature_names_out()) == ["crew=A", "crew=B"]
    enc = MetadataEncoder(columns=["crew"], separator=None).fit(frame)
    assert list(enc.get_feature_names_out()) == ["crew=A|B", "crew=B"]
    # A 2-D array without names: every column, labelled by position.
    array = np.array([["A|B", "x"], ["C", None]], dtype=object)
    enc = MetadataEncoder().fit(array)
    assert list(enc.get_feature_names_out()) == ["0=A", "0=B", "0=C", "1=x"]
    assert enc.n_features_in_ == 2
    with pytest.raises(ValueError, match="X has 1 features, but MetadataEncoder is expecting 2"):
        enc.transform(array[:, :1])
    # A named Series (what a single-column selection gives).
    enc = MetadataEncoder().fit(pd.Series(["A|B", "C"], name="cast"))
    assert list(enc.get_feature_names_out()) == ["actor=A", "actor=B", "actor=C"]


def test_transform_needs_the_fitted_columns_only(movies):
    enc = MetadataEncoder().fit(movies)
    reordered = movies[["language", "cast", "actor_2_name", "actor_1_name", "director_name"]]
    np.testing.assert_array_equal(dense(enc.transform(reordered)), dense(enc.transform(movies)))
    with pytest.raises(ValueError, match=r"\['language'\] not found"):
        enc.transform(movies.drop(columns="language"))


@pytest.mark.parametrize(
    "params, X, error, match",
    [
        ({"min_frequency": 0}, None, InvalidParameterError, "min_frequency"),
        ({"min_frequency": 1.5}, None, InvalidParameterError, "min_frequency"),
        ({"share_people": "yes"}, None, InvalidParameterError, "share_people"),
        ({"separator": 3}, None, InvalidParameterError, "separator"),
        ({"n_bins": 0}, None, InvalidParameterError, "n_bins"),
        ({"keyword_words": "yes"}, None, InvalidParameterError, "keyword_words"),
        ({"separator": ""}, None, ValueError, "separator must be a non-empty"),
        ({"columns": ["nope"]}, None, ValueError, r"\['nope'\] not found"),
        ({"columns": []}, None, ValueError, "columns is empty"),
        ({"columns": ["cast", "cast"]}, None, ValueError, "duplicates"),
        ({"min_frequency": 100}, None, ValueError, "vocabulary is empty"),
        ({}, pd.DataFrame({"plot": ["a"]}), ValueError, "name the columns"),
        ({}, pd.DataFrame({"cast": []}, dtype=object), ValueError, "0 sample"),
        ({}, pd.DataFrame(index=range(3)), ValueError, "0 feature"),
        ({}, np.array(["A|B", "C"], dtype=object), ValueError, "Reshape your data"),
        ({}, np.ones((2, 2), dtype=complex), ValueError, "Complex data"),
        ({}, sparse.csr_matrix(np.eye(2)), TypeError, "not a sparse matrix"),
    ],
)
def test_errors(movies, params, X, error, match):
    with pytest.raises(error, match=match):
        MetadataEncoder(**params).fit(movies if X is None else X)


def test_not_fitted_clone_and_pickle(movies):
    from sklearn.exceptions import NotFittedError

    enc = MetadataEncoder(min_frequency=2, dtype=np.float64)
    with pytest.raises(NotFittedError):
        enc.transform(movies)
    assert clone(enc).get_params() == enc.get_params()
    X = enc.fit_transform(movies)
    assert X.dtype == np.float64
    restored = pickle.loads(pickle.dumps(enc))
    np.testing.assert_array_equal(dense(restored.transform(movies)), dense(X))
    np.testing.assert_array_equal(dense(enc.fit(movies).transform(movies)), dense(X))


def test_large_table_stays_sparse():
    rng = np.random.default_rng(0)
    n = 20_000
    names = np.array([f"person {i}" for i in range(5_000)], dtype=object)
    frame = pd.DataFrame(
        {
            "actor_1_name": names[rng.integers(0, len(names), n)],
            "cast": ["|".join(row) for row in names[rng.integers(0, len(names), (n, 5))]],
            "language": rng.choice(["English", "French", "Hindi"], n),
        }
    )
    X = MetadataEncoder(dtype=np.float32).fit_transform(frame)
    assert X.format == "csr" and X.dtype == np.float32
    assert X.shape[0] == n and X.shape[1] > 4_000
    row_counts = np.diff(X.indptr)
    assert row_counts.max() <= 7 and row_counts.min() >= 2  # at most 6 actors + 1 language


@pytest.mark.parametrize("marker_cell", [False, True], ids=["fast-split", "cell-by-cell"])
def test_odd_cells_are_split_like_the_others(marker_cell):
    # Numbers, and a control character in a name: the fast split joins cells with
    # "\x01"; a cell that is exactly that character makes it split cell by cell.
    cast = ["A\x01B|C", "C| A\x01B", 7, "\x01" if marker_cell else None]
    language = pd.Series([1, 2.5, None, None], dtype=object)
    enc = MetadataEncoder()
    X = enc.fit_transform(pd.DataFrame({"cast": cast, "language": language}))
    expected = ["actor=7", "actor=A\x01B", "actor=C", "language=1", "language=2.5"]
    if marker_cell:
        expected.insert(0, "actor=\x01")
    assert list(enc.get_feature_names_out()) == expected
    rows = [[0, 1, 1, 1, 0], [0, 1, 1, 0, 1], [1, 0, 0, 0, 0], [0, 0, 0, 0, 0]]
    if marker_cell:
        rows = [[0] + r for r in rows]
        rows[3][0] = 1
    np.testing.assert_array_equal(dense(X), rows)


@pytest.fixture
def public_table():
    """A table named the way public movie tables are: aliases, keywords and numbers."""
    return pd.DataFrame(
        {
            "director": ["Wes Craven", "Nora Ephron", "Wes Craven", None],
            "director_name": [None, None, None, "Nora Ephron"],
            "original_language": ["en", "en", "fr", ""],
            "country": ["USA", "USA|France", "France", None],
            "plot_keywords": ["Serial Killer|mask", "new york|romance", "killer clown", None],
            "tags": ["gore", None, "Serial killer", "romance"],
            "year": [1996, 1993, 2010, np.nan],
            "duration": ["111", "105", "not known", 98.0],
        }
    )


def test_aliases_keywords_and_numbers_are_read_by_name(public_table):
    enc = MetadataEncoder(n_bins=2).fit(public_table)
    assert enc.columns_ == list(public_table.columns)
    groups = dict(enc.groups_)
    assert groups["director_name"] == ["director", "director_name"]
    assert groups["keyword"] == groups["keyword_word"] == ["plot_keywords", "tags"]
    assert dict(zip(groups, enc.group_kinds_)) == {
        "director_name": "category", "language": "category", "country": "category",
        "keyword": "keyword", "keyword_word": "word", "year": "numeric", "runtime": "numeric",
    }
    X = enc.transform(public_table)
    # An alias shares the vocabulary of the column it stands for.
    np.testing.assert_array_equal(column(enc, X, "director_name=Nora Ephron"), [0, 1, 0, 1])
    np.testing.assert_array_equal(column(enc, X, "language=en"), [1, 1, 0, 0])
    np.testing.assert_array_equal(column(enc, X, "country=France"), [0, 1, 1, 0])
    # Tags are lower-cased and shared across the keyword columns; so are their words.
    np.testing.assert_array_equal(column(enc, X, "keyword=serial killer"), [1, 0, 1, 0])
    np.testing.assert_array_equal(column(enc, X, "keyword=romance"), [0, 1, 0, 1])
    np.testing.assert_array_equal(column(enc, X, "keyword_word=killer"), [1, 0, 1, 0])
    assert "keyword_word=new" in enc.get_feature_names_out()
    # Numbers: one bin per movie that has one; unreadable or missing numbers give none.
    year = [n for n in enc.get_feature_names_out() if n.startswith("year=")]
    assert len(year) == 2
    assert dense(X[:, [list(enc.get_feature_names_out()).index(n) for n in year]]).sum(1).tolist() == [1, 1, 1, 0]
    runtime = [n for n in enc.get_feature_names_out() if n.startswith("runtime=")]
    assert dense(X[:, [list(enc.get_feature_names_out()).index(n) for n in runtime]]).sum(1).tolist() == [1, 1, 0, 1]


def test_numeric_bins_follow_quantiles_and_clip_unseen_values():
    years = pd.DataFrame({"year": np.arange(1950, 2030)})
    enc = MetadataEncoder(n_bins=4).fit(years)
    assert len(enc.categories_[0]) == 4
    X = dense(enc.transform(years))
    np.testing.assert_array_equal(X.sum(0), [20, 20, 20, 20])
    # Numbers outside the fitted range go to the first or last bin.
    out = dense(enc.transform(pd.DataFrame({"year": [1800, 2100]})))
    np.testing.assert_array_equal(out.argmax(1), [0, 3])
    # Repeated values share a bin: fewer bins than asked for.
    enc = MetadataEncoder(n_bins=8).fit(pd.DataFrame({"runtime": [90] * 10 + [120] * 2}))
    assert len(enc.categories_[0]) == 2
    one_value = MetadataEncoder().fit(pd.DataFrame({"year": [2000, 2000]}))
    assert list(one_value.get_feature_names_out()) == ["year=[-inf, inf)"]


def test_keyword_words_can_be_left_out(public_table):
    enc = MetadataEncoder(keyword_words=False).fit(public_table[["plot_keywords"]])
    assert [g for g, _ in enc.groups_] == ["keyword"]
    enc = MetadataEncoder(min_frequency=2).fit(public_table[["plot_keywords", "tags"]])
    assert list(enc.get_feature_names_out()) == [
        "keyword=romance", "keyword=serial killer", "keyword_word=killer",
        "keyword_word=romance", "keyword_word=serial",
    ]
