import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skgenre import MovieGenreStacker
from skgenre.datasets import Modality
from skgenre.ensemble import (
    ConstantGenreWarning,
    LogitFusionClassifier,
    PerGenreClassifier,
    SubsetFusionClassifier,
    make_final_estimator,
)
from skgenre.metrics import average_precision, confident_genres, get_scorer, modality_report
from skgenre.model_selection import MultilabelStratifiedKFold, multilabel_train_test_split

GENRE_WORDS = [["ghost", "blood", "scream"], ["laugh", "joke", "party"],
               ["gun", "chase", "explosion"], ["love", "kiss", "wedding"]]
FILLER = "the a man woman city night day story life house family".split()


def make_table(n=240, seed=0):
    """Plot words and cast names each lean to the genres, with independent noise."""
    rng = np.random.RandomState(seed)
    Y = (rng.rand(n, 4) < 0.3).astype(int)
    Y[Y.sum(1) == 0, rng.randint(4)] = 1
    plots, casts = [], []
    for y in Y:
        words = list(rng.choice(FILLER, 8))
        for g in np.flatnonzero(y):
            if rng.rand() < 0.6:
                words.append(rng.choice(GENRE_WORDS[g]))
        words.append(rng.choice(sum(GENRE_WORDS, [])))  # noise word
        plots.append(" ".join(words))
        people = [f"extra{rng.randint(30)}"]
        for g in np.flatnonzero(y):
            if rng.rand() < 0.6:
                people.append(f"star{g}_{rng.randint(3)}")
        casts.append("|".join(people))
    X = pd.DataFrame({"title": [f"movie {i}" for i in range(n)], "plot": plots, "cast": casts,
                      "year": rng.randint(1950, 2020, n)})
    return X, pd.DataFrame(Y, columns=["Horror", "Comedy", "Action", "Romance"])


def text_model():
    return make_pipeline(TfidfVectorizer(), PerGenreClassifier())


def split_bar(text):
    return text.split("|")


def cast_model():
    return make_pipeline(CountVectorizer(tokenizer=split_bar, lowercase=False,
                                         token_pattern=None), PerGenreClassifier())


def base_estimators():
    return [("text", text_model(), "plot"), ("cast", cast_model(), "cast")]


@pytest.fixture(scope="module")
def table():
    return make_table()


@pytest.fixture(scope="module")
def split(table):
    X, Y = table
    return multilabel_train_test_split(X, Y.to_numpy(), stratify=Y.to_numpy(), test_size=0.3,
                                       random_state=0)


@pytest.fixture(scope="module")
def fitted(split):
    X_train, _, Y_train, _ = split
    return MovieGenreStacker(base_estimators(), cv=3, random_state=0).fit(X_train, Y_train)


def test_predict_proba_is_presence_and_fusion_beats_each_modality(fitted, split):
    _, X_test, _, Y_test = split
    proba = fitted.predict_proba(X_test)
    assert proba.shape == Y_test.shape
    assert proba[Y_test == 1].mean() > proba[Y_test == 0].mean() + 0.2
    report = modality_report(fitted, X_test, Y_test)
    assert list(report.index) == ["text", "cast", "fusion"]
    for average in ("macro", "samples"):
        assert report.loc["fusion", average] > report.loc[["text", "cast"], average].max()
    np.testing.assert_array_equal(fitted.predict(X_test), (proba >= 0.5).astype(int))


def test_fitted_attributes(fitted, split):
    X_train, _, Y_train, _ = split
    assert fitted.modalities_ == ["text", "cast"]
    assert set(fitted.named_estimators_) == {"text", "cast"}
    assert fitted.n_genres_ == 4 and len(fitted.classes_) == 4
    assert fitted.oof_proba_["text"].shape == Y_train.shape
    # Out-of-fold probabilities are less confident than in-sample ones: no leak.
    in_sample = fitted.named_estimators_["text"].predict_proba(X_train["plot"].to_numpy())
    oof = fitted.oof_proba_["text"]
    assert average_precision(Y_train, oof) < average_precision(Y_train, in_sample)


def test_genre_names_from_dataframe_target(table):
    X, Y = table
    stacker = MovieGenreStacker(base_estimators(), cv=2, random_state=0).fit(X, Y)
    assert stacker.genre_names_ == ["Horror", "Comedy", "Action", "Romance"]
    assert "text__Horror" in stacker.get_feature_names_out()
    assert confident_genres(stacker.predict_proba(X[:3]), stacker.genre_names_, 0.0)[0]


class Spy(BaseEstimator, ClassifierMixin):
    """Records every input it gets; fails if it sees a missing value."""

    def __init__(self, estimator=None, log=None):
        self.estimator = estimator
        self.log = log

    def fit(self, X, Y):
        self._check(X)
        self.estimator_ = clone(self.estimator).fit(X, Y)
        self.classes_ = self.estimator_.classes_
        return self

    def predict_proba(self, X):
        self._check(X)
        return self.estimator_.predict_proba(X)

    def _check(self, X):
        values = list(X)
        assert all(isinstance(v, str) and v.strip() for v in values), values
        if self.log is not None:  # a file: clone() would copy a list
            with open(self.log, "a") as f:
                f.write(f"{len(values)}\n")


def test_missing_modalities_are_never_fed_to_their_model(table, tmp_path):
    X, Y = table
    X = X.copy()
    X.loc[::5, "plot"] = ""
    X.loc[1::7, "plot"] = None
    X.loc[2::6, "cast"] = np.nan
    log = tmp_path / "spy.txt"
    estimators = [("text", Spy(text_model(), str(log)), "plot"), ("cast", Spy(cast_model()), "cast")]
    stacker = MovieGenreStacker(estimators, cv=3, random_state=0).fit(X, Y)
    assert log.read_text()  # the spy was called, and never saw an empty plot
    Z = stacker.transform(X)
    names = list(stacker.get_feature_names_out())
    missing = Z[:, names.index("text__missing")]
    np.testing.assert_array_equal(missing, X["plot"].isna() | (X["plot"] == ""))
    assert np.isnan(stacker.oof_proba_["text"][::5]).all()
    # A movie without plot is still predicted, from its cast.
    proba = stacker.predict_proba(X.iloc[::5])
    assert np.isfinite(proba).all()
    assert average_precision(Y.iloc[::5], proba) > 0.5


def test_column_absent_at_predict_means_modality_missing(fitted, split):
    _, X_test, _, Y_test = split
    without_plot = X_test.drop(columns="plot")
    proba = fitted.predict_proba(without_plot)
    assert np.isfinite(proba).all()
    assert np.isnan(fitted.predict_modalities(without_plot)["text"]).all()
    # Losing a modality costs accuracy but the cast alone still carries signal.
    assert average_precision(Y_test, proba) < average_precision(Y_test, fitted.predict_proba(X_test))
    assert average_precision(Y_test, proba) > 0.45


def test_default_estimators_skip_absent_modalities(table, monkeypatch):
    X, Y = table
    made = []

    def fake_make_model(modality, kind="default", **kwargs):
        made.append(modality.factory)
        if modality.name == "text":
            return text_model()
        first_column = FunctionTransformer(lambda frame: frame.iloc[:, 0])
        return make_pipeline(first_column, cast_model())

    monkeypatch.setattr(Modality, "make_model", fake_make_model)
    stacker = MovieGenreStacker(cv=2, random_state=0).fit(X[["plot", "cast"]], Y)
    assert stacker.modalities_ == ["text", "metadata"]
    assert stacker.columns_ == ["plot", ["cast"]]
    assert not any("vision" in m or "video" in m for m in made)
    X_no_plot = X[["cast"]].copy()
    assert MovieGenreStacker(cv=2).fit(X_no_plot, Y).modalities_ == ["metadata"]


@pytest.mark.parametrize(
    "params, X_fn, Y_fn, error, match",
    [
        ({}, lambda X: X.to_numpy(), lambda Y: Y, TypeError, "DataFrame"),
        ({"estimators": [("text", text_model())]}, lambda X: X, lambda Y: Y, ValueError,
         "tuples"),
        ({"estimators": [("a", text_model(), "plot"), ("a", cast_model(), "cast")]},
         lambda X: X, lambda Y: Y, ValueError, "unique"),
        ({"estimators": [("poster", text_model(), "poster")]}, lambda X: X, lambda Y: Y,
         ValueError, "poster"),
        ({}, lambda X: X, lambda Y: Y.iloc[:-1], ValueError, "movies"),
        ({}, lambda X: X, lambda Y: Y.to_numpy().argmax(axis=1), ValueError, "multiclass y"),
        ({}, lambda X: X, lambda Y: Y.to_numpy()[:, 0] * 0, ValueError, "one class only"),
        ({"estimators": None}, lambda X: X[["title"]], lambda Y: Y, ValueError,
         "none of the modality"),
        ({"cv": "prefit"}, lambda X: X, lambda Y: Y, Exception, "not fitted"),
        ({"threshold": 2}, lambda X: X, lambda Y: Y, ValueError, "threshold"),
        ({"n_jobs": 0}, lambda X: X, lambda Y: Y, ValueError,
         r"'n_jobs' parameter of MovieGenreStacker must be an int in the range \(-inf, -1\], "
         r"an int in the range \[1, inf\) or None\. Got 0 instead"),
        ({"kinds": {"text": "tfidf_logreg"}}, lambda X: X, lambda Y: Y, ValueError,
         "estimators is given; pass one or the other"),
        ({"estimators": None, "kinds": {"text": "no_such_kind"}}, lambda X: X, lambda Y: Y,
         ValueError, "no_such_kind"),
        ({"estimators": None, "kinds": {"sound": "x"}}, lambda X: X, lambda Y: Y,
         ValueError, "Unknown modality 'sound'"),
        ({"kinds": "tfidf_logreg"}, lambda X: X, lambda Y: Y, ValueError, "'kinds' parameter"),
    ],
)
def test_fit_errors(table, params, X_fn, Y_fn, error, match):
    X, Y = table
    params = {"estimators": base_estimators(), "cv": 2, **params}
    with pytest.raises(error, match=match):
        MovieGenreStacker(**params).fit(X_fn(X), Y_fn(Y))


def test_kinds_choose_the_default_base_models_and_are_searchable(table):
    X, Y = table
    X = X[["plot"]]
    stacker = MovieGenreStacker(kinds={"plot": "tfidf_logreg"}, cv=2, random_state=0)
    text = stacker.fit(X, Y).named_estimators_["text"]
    assert "PlotTfidfVectorizer" in repr(text) and "GloVe" not in repr(text)
    grid = GridSearchCV(
        MovieGenreStacker(cv=2, random_state=0),
        {"kinds": [{"text": "tfidf_logreg"}, {"text": "glove_mlp"}]},
        cv=MultilabelStratifiedKFold(2), scoring="average_precision",
    ).fit(X, Y)
    scores = grid.cv_results_["mean_test_score"]
    assert np.isfinite(scores).all() and scores[0] != scores[1]
    best_is_glove = grid.best_params_["kinds"] == {"text": "glove_mlp"}
    assert ("GloVe" in repr(grid.best_estimator_.named_estimators_["text"])) is best_is_glove


def test_state_without_kinds_loads(fitted, split):
    """A model saved before the ``kinds`` parameter existed still loads and predicts."""
    _, X_test, _, _ = split
    state = fitted.__getstate__()
    del state["kinds"]
    old = MovieGenreStacker.__new__(MovieGenreStacker)
    old.__setstate__(state)
    assert old.get_params()["kinds"] is None
    np.testing.assert_array_equal(old.predict_proba(X_test), fitted.predict_proba(X_test))


def test_prefit(table, split):
    X_train, X_test, Y_train, Y_test = split
    half = len(X_train) // 2
    text = text_model().fit(X_train["plot"].to_numpy()[:half], Y_train[:half])
    cast = cast_model().fit(X_train["cast"].to_numpy()[:half], Y_train[:half])
    stacker = MovieGenreStacker([("text", text, "plot"), ("cast", cast, "cast")], cv="prefit")
    stacker.fit(X_train[half:], Y_train[half:])
    assert stacker.estimators_[0] is text  # used as given, not refit
    assert average_precision(Y_test, stacker.predict_proba(X_test)) > 0.6


def test_nested_params_and_grid_search(table):
    X, Y = table
    stacker = MovieGenreStacker(base_estimators(), make_final_estimator(), cv=2, random_state=0)
    params = stacker.get_params()
    assert "text__tfidfvectorizer__ngram_range" in params
    assert "final_estimator__C" in params
    stacker.set_params(text__tfidfvectorizer__min_df=2)
    assert stacker.estimators[0][1].named_steps["tfidfvectorizer"].min_df == 2
    assert stacker.estimators[0][2] == "plot"
    grid = GridSearchCV(
        stacker,
        {"final_estimator__C": [0.1, 1.0], "text__tfidfvectorizer__sublinear_tf": [True]},
        cv=MultilabelStratifiedKFold(2), scoring=get_scorer("average_precision_samples"),
    ).fit(X, Y)
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()
    assert grid.best_params_["final_estimator__C"] in (0.1, 1.0)


def test_cross_val_score_with_sklearn_average_precision(table):
    X, Y = table
    scores = cross_val_score(MovieGenreStacker(base_estimators(), cv=2, random_state=0), X, Y,
                             scoring="average_precision", cv=MultilabelStratifiedKFold(3))
    assert np.isfinite(scores).all() and scores.min() > 0.6


class CountingText(BaseEstimator, ClassifierMixin):
    """A text model that appends a line to a file at every fit."""

    def __init__(self, counter=None):
        self.counter = counter

    def fit(self, X, Y):
        with open(self.counter, "a") as f:
            f.write("fit\n")
        self.model_ = text_model().fit(X, Y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)


@pytest.mark.parametrize("as_path", [False, True])
def test_memory_caches_base_models_across_final_estimator_grid(table, tmp_path, as_path,
                                                               monkeypatch):
    """A grid over the final estimator refits no base model: the folds' predictions come
    from the cache, and the refit models too (read by load_model)."""
    X, Y = table
    fits = []
    fit = PerGenreClassifier.fit
    monkeypatch.setattr(PerGenreClassifier, "fit",
                        lambda self, X, Y: fits.append(1) or fit(self, X, Y))
    cache = tmp_path / "cache"
    stacker = MovieGenreStacker([("text", text_model(), "plot")], make_final_estimator(),
                                cv=3, memory=cache if as_path else str(cache), random_state=0)
    proba = stacker.fit(X, Y).predict_proba(X)
    assert len(fits) == 4  # 3 folds + refit
    default_C = stacker.get_params()["final_estimator__C"]
    for C in (0.1, 100.0):
        stacker.set_params(final_estimator__C=C).fit(X, Y)
    assert len(fits) == 4  # no base model fitted again
    np.testing.assert_allclose(stacker.set_params(final_estimator__C=default_C).fit(X, Y)
                               .predict_proba(X), proba)  # the cached models are the same
    MovieGenreStacker([("text", text_model(), "plot")], cv=3, random_state=0).fit(X, Y)
    assert len(fits) == 8  # no memory: fits again


def test_memory_refits_a_model_of_ones_own_types_but_caches_its_folds(table, tmp_path):
    """A model holding a class load_model does not trust is refit at each fit (its
    cache entry is never read, nor written again); its folds' predictions are cached."""
    X, Y = table
    counter = tmp_path / "fits.txt"
    stacker = MovieGenreStacker([("text", CountingText(str(counter)), "plot")], cv=3,
                                memory=tmp_path / "cache", random_state=0)
    stacker.fit(X, Y)
    assert counter.read_text().count("fit") == 4  # 3 folds + refit
    entry = next((tmp_path / "cache").rglob("*.skgenre"))
    written = entry.stat().st_mtime_ns
    for C in (0.1, 10.0):
        stacker.set_params(final_estimator=make_final_estimator(), final_estimator__C=C)
        stacker.fit(X, Y)
    assert counter.read_text().count("fit") == 6  # the refit only
    assert entry.stat().st_mtime_ns == written


def test_ctrl_c_during_a_net_propagates_and_caches_nothing_cut_short(table, tmp_path,
                                                                     monkeypatch):
    """Ctrl-C while a base net trains ends the stacker's fit (skorch alone would end that
    net's training quietly and keep the cut-short net); the memory cache keeps nothing of
    the interrupted fit, so the next fit with it gives what a fit without it gives."""
    from skgenre.nn import GenreMLP
    from skgenre.nn._net import MultilabelNet

    X, Y = table

    def stacker(memory):
        net = make_pipeline(TfidfVectorizer(), GenreMLP(hidden_layer_sizes=(8,), max_epochs=4,
                                                       random_state=0))
        return MovieGenreStacker([("text", net, "plot")], cv=2, memory=memory,
                                 random_state=0)

    epochs = []
    run_single_epoch = MultilabelNet.run_single_epoch

    def interrupted(self, *args, **kwargs):
        epochs.append(1)
        if len(epochs) == 6:  # in the second fold's net, after the first fold finished
            raise KeyboardInterrupt
        return run_single_epoch(self, *args, **kwargs)

    cache = str(tmp_path / "cache")
    with monkeypatch.context() as patch:
        patch.setattr(MultilabelNet, "run_single_epoch", interrupted)
        with pytest.raises(KeyboardInterrupt):
            stacker(cache).fit(X, Y)
    assert len(epochs) == 6  # it stopped there: no later net was trained
    again = stacker(cache).fit(X, Y).oof_proba_["text"]
    fresh = stacker(None).fit(X, Y).oof_proba_["text"]
    np.testing.assert_allclose(again, fresh)


def test_parallel_fit_matches_sequential(table):
    X, Y = table
    seq = MovieGenreStacker(base_estimators(), cv=3, random_state=0).fit(X, Y)
    par = MovieGenreStacker(base_estimators(), cv=3, random_state=0, n_jobs=2).fit(X, Y)
    np.testing.assert_allclose(seq.predict_proba(X), par.predict_proba(X))


def test_joblib_round_trip(fitted, split, tmp_path):
    _, X_test, _, _ = split
    joblib.dump(fitted, tmp_path / "stacker.joblib")
    loaded = joblib.load(tmp_path / "stacker.joblib")
    np.testing.assert_array_equal(loaded.predict_proba(X_test), fitted.predict_proba(X_test))


def test_tune_thresholds_maximise_f1(split):
    from sklearn.metrics import f1_score

    X_train, X_test, Y_train, Y_test = split
    tuned = MovieGenreStacker(base_estimators(), cv=3, tune_thresholds=True,
                              random_state=0).fit(X_train, Y_train)
    assert tuned.thresholds_.shape == (4,) and not np.allclose(tuned.thresholds_, 0.5)
    assert "fusion" in tuned.oof_proba_
    np.testing.assert_array_equal(tuned.predict(X_test),
                                  (tuned.predict_proba(X_test) >= tuned.thresholds_).astype(int))
    oof_f1 = f1_score(Y_train, tuned.oof_proba_["fusion"] >= tuned.thresholds_, average=None)
    plain_f1 = f1_score(Y_train, tuned.oof_proba_["fusion"] >= 0.5, average=None)
    assert (oof_f1 >= plain_f1 - 1e-12).all()


def test_passthrough_numeric_columns(table):
    X, Y = table
    stacker = MovieGenreStacker(base_estimators(), cv=2, passthrough=["year"]).fit(X, Y)
    assert stacker.transform(X).shape[1] == 2 * 5 + 1
    assert stacker.get_feature_names_out()[-1] == "passthrough__year"


def test_linear_layer_final_estimator(split):
    X_train, X_test, Y_train, Y_test = split
    stacker = MovieGenreStacker(base_estimators(), make_final_estimator("linear_layer",
                                                                       random_state=0),
                                cv=3, random_state=0).fit(X_train, Y_train)
    assert average_precision(Y_test, stacker.predict_proba(X_test)) > 0.6
    with pytest.raises(ValueError, match="Unknown final"):
        make_final_estimator("forest")


def test_per_genre_classifier_constant_genre():
    X = np.arange(8.0).reshape(-1, 1)
    Y = np.column_stack([[0, 0, 0, 0, 1, 1, 1, 1], np.zeros(8, int)])
    with pytest.warns(ConstantGenreWarning, match=r"Genre columns \[1\] are constant"):
        clf = PerGenreClassifier().fit(X, Y)
    proba = clf.predict_proba(X)
    assert (proba[:, 1] == 0).all() and proba[-1, 0] > proba[0, 0]
    with pytest.warns(ConstantGenreWarning, match=r"Genres \['Western'\] are constant"):
        PerGenreClassifier().fit(X, pd.DataFrame(Y, columns=["Drama", "Western"]))


def test_model_fitted_on_gpu_loads_and_predicts_on_cpu(split, tmp_path):
    """A stacker whose skorch nets were on CUDA unpickles onto the CPU here.

    No GPU is available in CI, so the CUDA state is simulated: the fitted nets are
    marked as living on "cuda" before pickling, as they would after a GPU fit; skorch
    maps them to the CPU on load when CUDA is unavailable.
    """
    import torch
    from skorch.exceptions import DeviceWarning

    from skgenre.nn import GenreMLP

    X_train, X_test, Y_train, _ = split
    text = make_pipeline(TfidfVectorizer(), GenreMLP((16,), max_epochs=5, random_state=0))
    stacker = MovieGenreStacker([("text", text, "plot")], cv=2, random_state=0).fit(
        X_train, Y_train)
    expected = stacker.predict_proba(X_test)
    head = stacker.named_estimators_["text"][-1]
    head.net_.device = "cuda"
    head.set_params(device="cuda")
    joblib.dump(stacker, tmp_path / "gpu.joblib")
    if torch.cuda.is_available():  # pragma: no cover - CI has no GPU
        pytest.skip("the CPU-only path needs a machine without CUDA")
    with pytest.warns(DeviceWarning):
        loaded = joblib.load(tmp_path / "gpu.joblib")
    assert str(loaded.named_estimators_["text"][-1].net_.device) == "cpu"
    np.testing.assert_allclose(loaded.predict_proba(X_test), expected, rtol=1e-6)


def test_per_genre_classifier_own_genre_columns(split):
    X_train, X_test, Y_train, Y_test = split
    stacker = MovieGenreStacker(base_estimators(), PerGenreClassifier(features="own_genre"),
                                cv=3, passthrough=["year"], random_state=0).fit(X_train, Y_train)
    final = stacker.final_estimator_
    names = stacker.get_feature_names_out()
    assert list(names[final.columns_[0]]) == [
        "text__genre_0", "text__missing",
        "cast__genre_0", "cast__missing", "passthrough__year"]
    assert average_precision(Y_test, stacker.predict_proba(X_test)) > 0.6
    with pytest.raises(ValueError, match="own_genre"):
        PerGenreClassifier(features="own_genre").fit(np.zeros((4, 2)), np.eye(4, 3, dtype=int))


def test_make_final_estimator_kinds():
    assert isinstance(make_final_estimator(), SubsetFusionClassifier)
    assert repr(make_final_estimator("subsets")) == repr(make_final_estimator())
    assert type(make_final_estimator("logit")) is LogitFusionClassifier
    assert make_final_estimator().pooling == "partial"
    assert make_final_estimator("logit_pergenre").pooling == "none"
    assert make_final_estimator("logit_cogenres").other_genres == "all"
    with pytest.raises(ValueError, match="Unknown final estimator kind"):
        make_final_estimator("boosting")
    default = make_final_estimator("own_genre")
    assert isinstance(default, PerGenreClassifier) and default.features == "own_genre"
    assert default.estimator.C == 3.0
    assert make_final_estimator("logistic").features == "all"
    # own_genre: each genre's model sees its own column of each base model + indicators
    rng = np.random.default_rng(0)
    Y = rng.integers(0, 2, (60, 3))
    Z = np.hstack([Y + rng.normal(0, 0.3, Y.shape), np.zeros((60, 1))] * 2)
    fitted = clone(default).fit(Z, Y)
    assert [c.tolist() for c in fitted.columns_] == [[0, 3, 4, 7], [1, 3, 5, 7], [2, 3, 6, 7]]
    assert average_precision(Y, fitted.predict_proba(Z)) > 0.9


def stacked_input(n=300, seed=0, n_base=2, k=3, shift=0.5):
    """Stacked input as the stacker lays it out, with some movies lacking a modality."""
    rng = np.random.default_rng(seed)
    Y = rng.integers(0, 2, (n, k))
    blocks = []
    for m in range(n_base):
        proba = np.clip(Y * shift + rng.random((n, k)) * (1 - shift), 0, 1)
        missing = rng.random(n) < 0.2
        proba[missing] = 0.0
        blocks += [proba, missing[:, None].astype(float)]
    return np.hstack(blocks), Y


@pytest.mark.parametrize(
    "pooling, other_genres", [("partial", "none"), ("full", "none"), ("none", "none"),
                              ("none", "all")]
)
def test_logit_fusion_layout_and_exact_contributions(pooling, other_genres):
    Z, Y = stacked_input()
    Z = np.hstack([Z, np.random.default_rng(1).normal(size=(len(Z), 1))])  # a passthrough
    fusion = LogitFusionClassifier(pooling=pooling, other_genres=other_genres).fit(Z, Y)
    assert fusion.n_base_ == 2 and fusion.n_genres_ == 3
    own = [0, 4, 3, 7, 8]
    if other_genres == "none":
        assert fusion.columns_[0].tolist() == own
    else:
        assert fusion.columns_[0].tolist() == [0, 4, 3, 7, 1, 2, 5, 6, 8]
    logits = fusion.decision_function(Z)
    np.testing.assert_allclose(fusion.predict_proba(Z), 1 / (1 + np.exp(-logits)))
    assert average_precision(Y, fusion.predict_proba(Z)) > 0.9
    groups = np.array([0] * 4 + [1] * 4 + [2])
    terms, base = fusion.contributions(Z, groups)
    assert terms.shape == (len(Z), 3, 3)
    np.testing.assert_allclose(base + terms.sum(axis=2), logits, atol=1e-10)
    # Contributions are relative to the training mean: they average to zero.
    np.testing.assert_allclose(terms.mean(axis=0), 0, atol=1e-10)
    # A missing modality's probabilities are not read, only its indicator.
    missing = Z[:, 3] == 1
    changed = Z.copy()
    changed[np.ix_(missing, [0, 1, 2])] = 0.9
    np.testing.assert_allclose(fusion.decision_function(changed), logits)
    with pytest.raises(ValueError, match="one group per stacked column"):
        fusion.contributions(Z, groups[:-1])


def test_partial_pooling_lies_between_shared_and_separate_weights():
    Z, Y = stacked_input(n=400, k=3, shift=0.2)  # not separable: finite weights
    Z[:, [1, 5]] = np.random.default_rng(2).random((len(Z), 2))  # genre 1: noise only
    full = LogitFusionClassifier(pooling="full").fit(Z, Y)
    none = LogitFusionClassifier(pooling="none", C=10.0).fit(Z, Y)
    assert np.allclose(full.coef_[0], full.coef_[1])  # shared weights
    assert not np.allclose(none.coef_[0], none.coef_[1])
    for genre_C, close_to in ((1e-6, full), (1e4, none)):
        partial = LogitFusionClassifier(genre_C=genre_C).fit(Z, Y)
        for j in range(3):
            np.testing.assert_allclose(partial.coef_[j], close_to.coef_[j], atol=0.05)


def test_logit_fusion_constant_genre_and_errors():
    Z, Y = stacked_input(k=2)
    Y[:, 1] = 0
    with pytest.warns(ConstantGenreWarning, match=r"\[1\]"):
        fusion = LogitFusionClassifier().fit(Z, Y)
    assert fusion.predict_proba(Z)[:, 1].max() < 1e-3
    with pytest.raises(ValueError, match="n_genres \\+ 1"):
        LogitFusionClassifier().fit(Z[:, :2], Y)
    with pytest.raises(ValueError, match="C"):
        LogitFusionClassifier(C=0).fit(Z, Y)
    with pytest.raises(ValueError, match="needs pooling='none'"):
        LogitFusionClassifier(other_genres="all").fit(Z, Y)


def test_explain_contributions_sum_to_the_fused_logit(fitted, split):
    _, X_test, _, _ = split
    X_test = X_test.iloc[:5].copy()
    X_test.iloc[0, X_test.columns.get_loc("plot")] = None  # a movie without a plot
    table = fitted.explain(X_test)
    assert list(table.columns) == ["base", "text", "cast", "logit", "proba"]
    assert table.index.names == ["movie", "genre"]
    assert list(table.index) == [(i, g) for i in X_test.index for g in fitted.genre_names_]
    np.testing.assert_allclose(table[["base", "text", "cast"]].sum(axis=1), table["logit"])
    proba = fitted.predict_proba(X_test)
    np.testing.assert_allclose(table["proba"].to_numpy().reshape(proba.shape), proba)
    np.testing.assert_allclose(1 / (1 + np.exp(-table["logit"])), table["proba"])
    # Every training movie has a plot: the movie without one is served by the fusion of
    # its cast alone, so its text term is zero and its base that fusion's, the same for
    # every movie without a plot; the movies with both share the other base.
    first = table.loc[X_test.index[0]]
    np.testing.assert_array_equal(first["text"], 0.0)
    rest = table.drop(index=X_test.index[0], level="movie")
    assert (rest.groupby(level="genre")["base"].nunique() == 1).all()
    assert not np.allclose(first["base"], rest.loc[X_test.index[1], "base"])
    again = X_test.copy()
    again["plot"] = None
    np.testing.assert_allclose(fitted.explain(again).loc[X_test.index[0]], first)


def test_explain_with_passthrough_and_other_final_estimators(table):
    X, Y = table
    stacker = MovieGenreStacker(base_estimators(), cv=2, passthrough=["year"],
                                random_state=0).fit(X, Y)
    explanation = stacker.explain(X.iloc[:3])
    assert list(explanation.columns) == ["base", "text", "cast", "passthrough", "logit", "proba"]
    np.testing.assert_allclose(explanation.iloc[:, :4].sum(axis=1), explanation["logit"])
    other = MovieGenreStacker(base_estimators(), make_final_estimator("own_genre"), cv=2,
                              random_state=0).fit(X, Y)
    with pytest.raises(TypeError, match="contributions"):
        other.explain(X.iloc[:3])


def test_default_stacker_reads_a_public_movie_table_without_renaming():
    rng = np.random.default_rng(0)
    n = 120
    Y = rng.integers(0, 2, (n, 2))
    keywords = ["|".join(["city"] + ["haunted house"] * a + ["first love"] * b) for a, b in Y]
    X = pd.DataFrame({
        "director": rng.choice(["Wes Craven", "Nora Ephron", "Sam Raimi"], n),
        "original_language": rng.choice(["en", "fr"], n),
        "country": rng.choice(["USA", "France"], n),
        "plot_keywords": keywords,
        "year": rng.integers(1950, 2020, n),
        "runtime": rng.integers(80, 150, n),
    })
    stacker = MovieGenreStacker(cv=2, random_state=0).fit(X, Y)
    assert stacker.modalities_ == ["metadata"]
    assert sorted(stacker.columns_[0]) == sorted(X.columns)
    encoder = stacker.named_estimators_["metadata"]["encoder"]
    assert {g for g, _ in encoder.groups_} == {
        "director_name", "language", "country", "keyword", "keyword_word", "year", "runtime"}
    assert average_precision(Y, stacker.predict_proba(X)) > 0.9
