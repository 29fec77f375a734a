"""User mistakes with the movie table and the target: a clear error, a warning, or the right answer.

Each row of the tables below is one mistake a user can make; none may give a silently
wrong result.
"""

import os
import re
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


# ------------------------------------------------------------ targets checked by name

def _with_na(Y, dtype):
    Y = Y.astype(dtype)
    Y.iloc[3, 1] = pd.NA
    return Y


@pytest.mark.parametrize("make_Y, error, match", [
    (lambda Y: Y.set_axis(["Horror", "Comedy", "Horror", "Romance"], axis=1), ValueError,
     r"Y repeats the genre column\(s\) \['Horror'\]"),
    (lambda Y: _with_na(Y, "Int8"), ValueError,
     r"Y has 1 missing value\(s\) \(NaN, None or pd.NA\) in genre\(s\) \['Comedy'\], at "
     r"index label\(s\) \[3\]"),
    (lambda Y: _with_na(Y, "boolean"), ValueError, r"pd.NA\) in genre\(s\) \['Comedy'\]"),
    (lambda Y: Y.set_axis(Y.index + 1000), ValueError,
     r"Y's index differs from X's \(labels \[1000, .*\] are not in X's index"),
    (lambda Y: Y.iloc[np.r_[0, 0, 2:len(Y)]], ValueError, "Y's index differs from X's"),
])
def test_fit_with_a_wrong_target_raises_naming_it(table, make_Y, error, match):
    X, Y = table
    with pytest.raises(error, match=match):
        MovieGenreStacker(base_estimators(), cv=2).fit(X, make_Y(Y))


def test_target_in_another_row_order_is_matched_by_label_with_a_warning(table, fitted):
    from skgenre.utils import RowAlignmentWarning

    X, Y = table
    shuffled = Y.sample(frac=1, random_state=0)
    with pytest.warns(RowAlignmentWarning, match=r"matched to X's movies by label"):
        stacker = MovieGenreStacker(base_estimators(), cv=2, random_state=0).fit(X, shuffled)
    np.testing.assert_allclose(stacker.predict_proba(X), fitted.predict_proba(X))


def test_constant_genres_are_named_once(table):
    from skgenre.ensemble import ConstantGenreWarning

    X, Y = table
    # Western: no movie; Drama: every movie; Rare: one movie, absent from some folds.
    Y = Y.assign(Western=0, Drama=1, Rare=np.r_[1, np.zeros(len(Y) - 1, int)])
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        MovieGenreStacker(base_estimators(), cv=3, random_state=0).fit(X, Y)
    messages = [str(w.message) for w in record if w.category is ConstantGenreWarning]
    assert len(messages) == 1, messages  # not once per fold, base model and fusion
    assert ("Genres 'Western' (no movie has it), 'Drama' (every movie has it) are constant "
            "in Y") in messages[0]
    assert "Genres ['Rare'] are constant among the training movies of some fits of the " \
           "base models ['cast', 'text']" in messages[0]


def test_movies_without_any_modality_get_the_genre_prior_and_a_warning_naming_how_many(
        fitted, table):
    from skgenre.ensemble import NoModalityWarning

    X, _ = table
    X = X.copy()
    X.loc[X.index[:3], "plot"] = ""
    X.loc[X.index[:4], "cast"] = np.nan  # movies 0-2 have nothing, movie 3 a plot
    with pytest.warns(NoModalityWarning, match=r"^3 of 160 movie\(s\) have no modality at all"
                                               r": .*\['plot', 'cast'\].*\[0, 1, 2\]"):
        proba = fitted.predict_proba(X)
    np.testing.assert_allclose(proba[1], proba[0])  # all alike: nothing tells them apart
    # what docs/stacking.rst promises them: the genre prior, each genre's training share
    Y = table[1]
    np.testing.assert_allclose(proba[:3], np.tile(np.asarray(Y).mean(0), (3, 1)), atol=1e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NoModalityWarning)
        fitted.predict_proba(X.iloc[3:])  # every movie has a modality: no warning


@pytest.mark.parametrize("make_X, match", [
    (lambda X: X.rename(columns={"plot": "Plot"}),
     r"^The table has no 'plot' column, which the text modality reads: every movie is "
     r"predicted without it\. Did you mean: 'Plot' -> 'plot'\?$"),
    (lambda X: X.drop(columns=["plot"]), r"^The table has no 'plot' column.*without it\.$"),
    # cast is this model's strongest modality (out-of-fold macro AP 0.81, text 0.56)
    (lambda X: X.assign(cast=""),
     r"^The cast modality, the model's strongest \(out-of-fold macro average precision "
     r"0\.81; text 0\.56\), is empty for all 160 movie\(s\): their genres rest on the "
     r"weaker modalities\.$"),
], ids=["misnamed", "absent", "strongest empty"])
def test_predict_warns_when_a_modality_is_missing_for_every_movie(fitted, table, make_X, match):
    from skgenre.ensemble import MissingModalityWarning

    X, _ = table
    assert fitted.modality_scores_ == pytest.approx({"text": 0.558, "cast": 0.813}, abs=1e-3)
    with pytest.warns(MissingModalityWarning, match=match) as record:
        fitted.predict_proba(make_X(X))
    warned = [w for w in record if w.category is MissingModalityWarning]
    assert len(warned) == 1 and warned[0].filename == __file__  # the user's call


def test_predict_does_not_warn_when_a_weaker_or_some_modality_is_missing(fitted, table):
    from skgenre.ensemble import MissingModalityWarning

    X, _ = table
    with warnings.catch_warnings():
        warnings.simplefilter("error", MissingModalityWarning)
        fitted.predict_proba(X.assign(plot=""))  # the weaker modality, for every movie
        fitted.predict_proba(X.assign(cast=[""] * 80 + list(X["cast"][80:])))  # some movies


def test_fit_warns_of_a_modality_whose_columns_are_all_empty(table, monkeypatch):
    """An all-empty plot column was left out of the fit silently."""
    from skgenre.ensemble import MissingModalityWarning

    _default_factories(monkeypatch)
    X, Y = table
    with pytest.warns(MissingModalityWarning,
                      match=r"^Every cell is empty in the text modality's column\(s\) \['plot'\], "
                            r"for all 160 movies: it is left out of the fit") as record:
        stacker = MovieGenreStacker(cv=2, random_state=0).fit(X.drop(columns=["year"])
                                                              .assign(plot=""), Y)
    assert stacker.modalities_ == ["metadata"]
    assert not [w for w in record if w.category is UnusedColumnsWarning]  # said once


def test_no_modality_warning_points_at_the_users_call(fitted, table):
    from skgenre.ensemble import NoModalityWarning

    X, _ = table
    with pytest.warns(NoModalityWarning) as record:
        fitted.predict_proba(X.assign(plot="", cast=np.nan).iloc[:2])
    assert [(w.category, w.filename) for w in record] == [(NoModalityWarning, __file__)]


# ------------------------------------------ unreadable media under on_error="missing"

def _unreadable_media_case(kind, folder):
    """(X, Y, the base model, its column, an unreadable file) for one media kind."""
    from skgenre.datasets import make_movies
    from skgenre.video import make_trailer_model
    from skgenre.vision import make_poster_model

    if kind == "features":
        from test_stacking_trailer_features import feature_table

        X, Y = feature_table(folder, n=40)
        X["plot"] = make_table(n=40, seed=2)[0]["plot"].to_numpy()
        bad = folder / "nan.npy"
        np.save(bad, np.full((2, 13), np.nan, dtype=np.float32))
        model = make_trailer_model("features_logreg", on_error="missing")
        return X, Y, model, "trailer", str(bad)
    column = "poster" if kind == "poster" else "trailer"
    X, Y = make_movies(40, n_genres=3, modalities=("plot", column), missing_rate=0.0,
                       poster_size=16, trailer_size=16, trailer_frames=(4, 6),
                       path=folder / "movies", return_X_y=True, as_frame=True,
                       random_state=0)
    if kind == "poster":
        bad = folder / "page.jpg"
        bad.write_text("<!DOCTYPE html><html>Not found</html>")
        model = make_poster_model("color_linear", random_state=0, max_epochs=3,
                                  input_size=16, on_error="missing")
    else:
        bad = folder / "cut.mp4"
        bad.write_bytes(open(X[column].iloc[0], "rb").read()[:300])  # truncated video
        model = make_trailer_model("frame_mean_mlp", random_state=0, max_epochs=3,
                                   on_error="missing")
    return X, Y, model, column, str(bad)


@pytest.mark.parametrize("kind", ["poster", "video", "features"])
def test_unreadable_media_under_on_error_missing_is_an_empty_cell(kind, tmp_path):
    """A poster or trailer that cannot be read, under on_error="missing", makes its movie
    one without that modality: in fit (out of fold and refit), predict and explain, the
    same numbers as an empty cell, with the reader's warning naming the file."""
    from sklearn.base import clone

    from skgenre.report import explanation_lines, modality_presence
    from test_stacking import text_model

    X, Y, model, column, bad = _unreadable_media_case(kind, tmp_path)
    rows = X.index[[3, 11, 20]]
    unreadable, empty = X.copy(), X.copy()
    unreadable.loc[rows, column], empty.loc[rows, column] = bad, None

    def fit(table):
        estimators = [("text", text_model(), "plot"), (column, clone(model), column)]
        return MovieGenreStacker(estimators, cv=2, random_state=0).fit(table, Y)

    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        stacker = fit(unreadable)
        proba = stacker.predict_proba(unreadable)
    assert any(os.path.basename(bad) in str(w.message) for w in record)
    expected = fit(empty)
    np.testing.assert_allclose(stacker.oof_proba_[column], expected.oof_proba_[column])
    np.testing.assert_allclose(proba, expected.predict_proba(empty))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        explained = stacker.explain(unreadable.loc[rows])
        present = modality_presence(stacker, unreadable.loc[rows])
        lines = explanation_lines(explained, present=present)
    np.testing.assert_allclose(explained.to_numpy(), expected.explain(empty.loc[rows]).to_numpy())
    assert not present[column].any() and present["text"].all()
    terms = [line for movie in lines for line in movie]
    assert terms and not any(re.search(rf"\b{column} [+-]", line) for line in terms), terms


def test_missing_columns_of_a_several_column_modality_are_named_in_words():
    """The warning printed "no \"['cast', 'year']\" columns" (a list's repr in quotes)."""
    from types import SimpleNamespace

    from skgenre.ensemble import MissingModalityWarning
    from skgenre.ensemble._base_models import warn_missing_modalities

    stacker = SimpleNamespace(modalities_=["text", "metadata"],
                              columns_=["plot", ["cast", "year"]], modality_scores_={})
    X = pd.DataFrame({"plot": ["A ship lost in space.", "Two lovers in Paris."]})
    probas = {"text": np.full((2, 3), 0.5), "metadata": np.full((2, 3), np.nan)}
    with pytest.warns(MissingModalityWarning,
                      match=r"^The table has no 'cast' or 'year' column, which the metadata "
                            r"modality reads: every movie is predicted without it\.$"):
        warn_missing_modalities(stacker, probas, X, stacklevel=1)
