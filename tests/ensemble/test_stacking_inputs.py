"""User mistakes with the movie table and the target: a clear error, a warning, or the right answer.

Each row of the tables below is one mistake a user can make; none may give a silently
wrong result.
"""

import os
import warnings

import numpy as np
import pandas as pd
import pytest

from skgenre import MovieGenreStacker
from skgenre.ensemble import UnusedColumnsWarning
from skgenre.metrics import AveragePrecisionDisplay, modality_report
from test_stacking import base_estimators, make_table


@pytest.fixture(scope="module")
def table():
    return make_table(n=160, seed=1)


@pytest.fixture(scope="module")
def fitted(table):
    X, Y = table
    return MovieGenreStacker(base_estimators(), cv=2, random_state=0).fit(X, Y)


def _default_factories(monkeypatch):
    """Default base models made cheap: the registry's factories with small settings."""
    from skgenre.datasets import Modality
    from test_stacking import cast_model, text_model

    def make_model(modality, kind="default", **kwargs):
        if modality.name == "text":
            return text_model()
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import FunctionTransformer

        first = FunctionTransformer(lambda frame: frame.iloc[:, 0].fillna(""))
        return make_pipeline(first, cast_model())

    monkeypatch.setattr(Modality, "make_model", make_model)


@pytest.mark.parametrize("rename, named, hint", [
    ({"plot": "Plot"}, ["Plot"], "'Plot' -> 'plot'"),
    ({"cast": "Cast"}, ["Cast"], "'Cast' -> 'cast'"),
    ({"cast": "castt"}, ["castt"], "'castt' -> 'cast'"),
])
def test_fit_warns_once_naming_columns_no_modality_reads(table, monkeypatch, rename, named, hint):
    _default_factories(monkeypatch)
    X, Y = table
    X = X.drop(columns=["year"]).rename(columns=rename)
    with pytest.warns(UnusedColumnsWarning) as record:
        MovieGenreStacker(cv=2, random_state=0).fit(X, Y)
    messages = [str(w.message) for w in record if w.category is UnusedColumnsWarning]
    assert len(messages) == 1
    assert str(named) in messages[0] and hint in messages[0]


def test_fit_without_any_modality_column_raises_with_hints(table):
    X, Y = table
    X = X.drop(columns=["year"]).rename(columns={"plot": "Plot", "cast": "Cast"})
    with pytest.raises(ValueError, match="none of the modality columns.*'Plot' -> 'plot'"):
        MovieGenreStacker(cv=2).fit(X, Y)


def test_fit_does_not_warn_about_ids_titles_split_or_genres(table, monkeypatch):
    _default_factories(monkeypatch)
    X, Y = table
    X = X.drop(columns=["year"]).assign(movieId=range(len(X)), split="train",
                                        genres="Horror", imdbId=1, youtubeId="x")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnusedColumnsWarning)
        MovieGenreStacker(cv=2, random_state=0).fit(X, Y)


@pytest.mark.parametrize("make_X, error, match", [
    (lambda X: X.rename(columns=str.upper), ValueError,
     r"none of the columns the model was fitted on.*'PLOT' -> 'plot'"),
    (lambda X: X[["title"]], ValueError, "none of the columns the model was fitted on"),
    (lambda X: X.to_numpy(), TypeError, "must be a pandas DataFrame"),
])
def test_predict_without_fitted_columns_raises(fitted, table, make_X, error, match):
    X, _ = table
    with pytest.raises(error, match=match):
        fitted.predict_proba(make_X(X))


def test_predict_zero_movies_returns_empty_rows(fitted, table):
    X, Y = table
    assert fitted.predict_proba(X.iloc[:0]).shape == (0, Y.shape[1])
    assert fitted.predict(X.iloc[:0]).shape == (0, Y.shape[1])


def test_absent_metadata_column_at_predict_means_missing_values(table):
    """A metadata column absent at predict is a column of missing values, not a KeyError."""
    from skgenre.metadata import make_metadata_model

    X, Y = table
    X = X.assign(language=np.where(np.arange(len(X)) % 2, "en", "fr"))
    meta = make_metadata_model(random_state=0)
    stacker = MovieGenreStacker([("meta", meta, ["cast", "language"])], cv=2,
                                random_state=0).fit(X, Y)
    without = stacker.predict_proba(X.drop(columns=["language"]))
    with_nan = stacker.predict_proba(X.assign(language=np.nan))
    np.testing.assert_allclose(without, with_nan)
    assert not np.allclose(without, stacker.predict_proba(X))


def test_score_matches_genre_columns_by_name(fitted, table):
    X, Y = table
    reordered = Y[Y.columns[::-1]]
    assert fitted.score(X, reordered) == pytest.approx(fitted.score(X, Y))
    assert fitted.score(X, Y) > 0.6
    pd.testing.assert_frame_equal(modality_report(fitted, X, reordered),
                                  modality_report(fitted, X, Y))
    a = AveragePrecisionDisplay.from_estimator(fitted, X, reordered)
    b = AveragePrecisionDisplay.from_estimator(fitted, X, Y)
    pd.testing.assert_frame_equal(a.average_precision.sort_index(),
                                  b.average_precision.sort_index())


@pytest.mark.parametrize("make_Y, match", [
    (lambda Y: Y.rename(columns={"Horror": "Horor"}), r"unknown \['Horor'\], absent \['Horror'\]"),
    (lambda Y: Y.drop(columns=["Horror"]), r"absent \['Horror'\]"),
    (lambda Y: Y.assign(Western=0), r"unknown \['Western'\]"),
])
def test_score_with_other_genre_names_raises(fitted, table, make_Y, match):
    X, Y = table
    with pytest.raises(ValueError, match=match):
        fitted.score(X, make_Y(Y))
    with pytest.raises(ValueError, match=match):
        modality_report(fitted, X, make_Y(Y))


@pytest.mark.parametrize("make_Y, match", [
    (lambda Y: [list(Y.columns[row.astype(bool)]) for row in Y.to_numpy()],
     "lists of genre names.*MultiLabelBinarizer"),
    (lambda Y: ["|".join(Y.columns[row.astype(bool)]) for row in Y.to_numpy()],
     "genre strings.*MultiLabelBinarizer"),
])
def test_fit_with_genre_lists_raises_clearly(table, make_Y, match):
    X, Y = table
    with pytest.raises(ValueError, match=match):
        MovieGenreStacker(base_estimators(), cv=2).fit(X, make_Y(Y))


def test_memory_never_serves_models_fitted_on_replaced_files(tmp_path):
    """Poster files replaced at the same paths: the cached base models are not reused."""
    from skgenre.datasets import make_movies
    from skgenre.vision import make_poster_model

    X, Y = make_movies(48, n_genres=3, modalities=("poster",), missing_rate=0.0,
                       poster_size=16, path=tmp_path / "movies", return_X_y=True,
                       as_frame=True, random_state=0)

    def stacker(memory):
        poster = make_poster_model("color_linear", random_state=0, max_epochs=3,
                                   input_size=16)
        return MovieGenreStacker([("poster", poster, "poster")], cv=2, memory=memory,
                                 random_state=0)

    cache = tmp_path / "cache"
    first = stacker(str(cache)).fit(X, Y).oof_proba_["poster"]
    # Replace every poster by another movie's, at the same path.
    paths = list(X["poster"])
    contents = [open(p, "rb").read() for p in paths]
    for i, path in enumerate(paths):
        with open(path, "wb") as f:
            f.write(contents[(i + 7) % len(paths)])
        st = os.stat(path)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    again = stacker(str(cache)).fit(X, Y).oof_proba_["poster"]
    fresh = stacker(None).fit(X, Y).oof_proba_["poster"]
    np.testing.assert_allclose(again, fresh)
    assert not np.allclose(again, first)


def test_fit_computes_each_posters_features_once(tmp_path, monkeypatch):
    """cv + 1 fits of the poster model, one feature pass per poster; with memory=False
    none kept after fit, with the default cache none computed again."""
    from skgenre.datasets import make_movies
    from skgenre.vision import PosterEmbedder, make_poster_model

    X, Y = make_movies(30, n_genres=3, modalities=("poster",), missing_rate=0.0,
                       poster_size=16, path=tmp_path / "movies", return_X_y=True,
                       as_frame=True, random_state=0)
    computed = []
    compute = PosterEmbedder._compute

    def counting(self, items, *args, **kwargs):
        computed.extend(items)
        return compute(self, items, *args, **kwargs)

    monkeypatch.setattr(PosterEmbedder, "_compute", counting)
    poster = make_poster_model("color_linear", random_state=0, max_epochs=2, input_size=16,
                               memory=False)
    stacker = MovieGenreStacker([("poster", poster, "poster")], cv=3, random_state=0,
                                memory=False)
    stacker.fit(X, Y)
    assert sorted(computed) == sorted(X["poster"])  # not 4 times each
    computed.clear()
    stacker.predict_proba(X)  # after fit, without memory, nothing is kept
    assert sorted(computed) == sorted(X["poster"])
    # By default (memory=None) the features go to the user cache folder: computed once,
    # then read by the next fit and by predict.
    monkeypatch.setenv("SKGENRE_CACHE", str(tmp_path / "cache"))
    computed.clear()
    poster.set_params(embedder__memory=None)
    stacker.set_params(memory=None).fit(X, Y)
    assert sorted(computed) == sorted(X["poster"])
    computed.clear()
    stacker.fit(X, Y).predict_proba(X)
    assert computed == []
