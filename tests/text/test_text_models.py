"""make_text_model and the multilabel wrappers it builds."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import KFold, cross_val_score
from sklearn.naive_bayes import GaussianNB
from sklearn.preprocessing import MultiLabelBinarizer

from skgenre.ensemble import ConstantGenreWarning, PerGenreClassifier
from skgenre.nn import GenreMLP
from skgenre.text import (
    TEXT_MODEL_KINDS,
    GenreProbabilityAverage,
    GloVeVectorizer,
    LowCoverageWarning,
    _glove,
    make_text_model,
)
from skgenre.text._models import DEFAULT_TEXT_MODEL
from skgenre.utils import multilabel_classes

TOPICS = {
    "scifi": ["space", "ship", "alien", "planet", "robot"],
    "romance": ["love", "kiss", "wedding", "heart", "couple"],
    "horror": ["ghost", "fear", "blood", "haunted", "scream"],
}
FILLER = ["the", "a", "of", "in", "city", "man", "woman", "story", "zzunknown"]


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SKGENRE_DATA", str(tmp_path / "data_home"))
    monkeypatch.setattr(_glove, "_MEMORY_CACHE", type(_glove._MEMORY_CACHE)())


@pytest.fixture
def glove_file(tmp_path):
    """A small GloVe file: each topic's words share a direction, plus noise."""
    rng = np.random.default_rng(0)
    words = [w for ws in TOPICS.values() for w in ws] + FILLER[:-1]
    lines = []
    for w in words:
        v = rng.normal(scale=0.3, size=8)
        for j, topic in enumerate(TOPICS):
            v[j] += 2.0 * (w in TOPICS[topic])
        lines.append(w + " " + " ".join(f"{x:.4f}" for x in v))
    path = tmp_path / "small.glove.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def plots():
    """90 plots, 1-2 of 3 genres each; words of a movie's genres plus filler."""
    rng = np.random.default_rng(1)
    texts, Y = [], []
    for _ in range(90):
        y = np.zeros(3, dtype=int)
        y[rng.choice(3, size=rng.integers(1, 3), replace=False)] = 1
        words = [w for j, t in enumerate(TOPICS) if y[j] for w in rng.choice(TOPICS[t], 3)]
        words += list(rng.choice(FILLER, 6))
        rng.shuffle(words)
        texts.append(" ".join(words).capitalize() + ".")
        Y.append(y)
    return np.array(texts, dtype=object), np.array(Y)


def small(kind, glove_file, **kw):
    """The factory's model, with a smaller MLP so that tests stay fast."""
    if kind != "tfidf_logreg":
        kw["embeddings"] = glove_file
    model = make_text_model(kind, random_state=0, **kw)
    params = model.get_params(deep=True)
    for key in params:
        if isinstance(params[key], GenreMLP):
            model.set_params(**{f"{key}__hidden_layer_sizes": (16,), f"{key}__max_epochs": 30,
                                f"{key}__lr": 0.01, f"{key}__batch_size": 16,
                                f"{key}__validation_fraction": 0})
    if "tfidf" in kind or kind in ("combined", "default"):
        tfidf = [key for key, step in params.items() if isinstance(step, TfidfVectorizer)]
        model.set_params(**{f"{key}__min_df": 1 for key in tfidf})
    return model


@pytest.mark.parametrize("kind", ["glove_mlp", "tfidf_logreg", "combined"])
def test_each_kind_learns_and_speaks_multilabel(kind, glove_file, plots):
    texts, Y = plots
    model = small(kind, glove_file).fit(texts[:60], Y[:60])
    proba = model.predict_proba(texts[60:])
    assert proba.shape == (30, 3)
    assert ((proba >= 0) & (proba <= 1)).all()
    assert [c.tolist() for c in model.classes_] == [c.tolist() for c in multilabel_classes(3)]
    np.testing.assert_array_equal(model.predict(texts[60:]), (proba >= 0.5).astype(int))
    # Each genre's scores rank its movies first: well above chance.
    from skgenre.metrics import average_precision

    assert average_precision(Y[60:], proba, average="macro") > 0.8


def test_default_is_an_alias(glove_file):
    assert DEFAULT_TEXT_MODEL in TEXT_MODEL_KINDS and DEFAULT_TEXT_MODEL != "default"
    assert repr(make_text_model("default")) == repr(make_text_model(DEFAULT_TEXT_MODEL))


@pytest.mark.parametrize("kind", ["tfidf_logreg", "combined"])
def test_sklearn_scorer_cross_validation(kind, glove_file, plots):
    texts, Y = plots
    scores = cross_val_score(small(kind, glove_file), texts, Y, cv=KFold(3),
                             scoring="average_precision")
    assert np.isfinite(scores).all() and scores.min() > 0.7


def test_genre_constant_in_training(glove_file, plots):
    texts, Y = plots
    Y = Y.copy()
    Y[:, 1] = 0
    for kind in ("tfidf_logreg", "combined"):
        with pytest.warns(ConstantGenreWarning, match=r"Genre columns \[1\] are constant"):
            model = small(kind, glove_file).fit(texts, Y)
        proba = model.predict_proba(texts[:5])
        assert proba.shape == (5, 3)
        if kind == "tfidf_logreg":
            assert not proba[:, 1].any()


def test_pickle_clone_and_reproducibility(glove_file, plots):
    texts, Y = plots
    model = small("combined", glove_file).fit(texts, Y)
    expected = model.predict_proba(texts[:10])
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(restored.predict_proba(texts[:10]), expected, rtol=1e-6)
    again = clone(model).fit(texts, Y)
    np.testing.assert_allclose(again.predict_proba(texts[:10]), expected, rtol=1e-5)


def test_keywords_reach_the_steps(glove_file, tmp_path):
    model = make_text_model("combined", embeddings=glove_file, data_home=tmp_path, verbose=2,
                            glove_mlp__head__dropout=0.1, weights=[0.5, 0.5])
    params = model.get_params()
    assert params["glove_mlp__vectorizer__embeddings"] == glove_file
    assert params["glove_mlp__vectorizer__data_home"] == tmp_path
    assert params["glove_mlp__head__verbose"] == 2
    assert params["glove_mlp__head__dropout"] == 0.1
    assert params["weights"] == [0.5, 0.5]
    assert isinstance(params["glove_mlp"].steps[0][1], GloVeVectorizer)


@pytest.mark.parametrize("kind, kw, error, match", [
    ("bert", {}, ValueError, "Unknown text model kind 'bert'"),
    ("tfidf_logreg", {"embeddings": "x.txt"}, ValueError, "Invalid parameter 'embeddings'"),
    ("glove_mlp", {"no_such": 1}, ValueError, "Invalid parameter"),
    ("combined", {"nope__x": 1}, ValueError, "no estimator named 'nope'"),
])
def test_factory_errors(kind, kw, error, match):
    with pytest.raises(error, match=match):
        make_text_model(kind, **kw)


def test_per_genre_classifier_on_sparse_tfidf(plots):
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts, Y = plots
    X = TfidfVectorizer().fit_transform(texts)
    clf = PerGenreClassifier().fit(X, Y)
    assert clf.predict_proba(X).shape == (90, 3) and len(clf.estimators_) == 3
    single = PerGenreClassifier(GaussianNB()).fit(X.toarray(), Y[:, :1])
    assert single.predict_proba(X.toarray()).shape == (90, 1)
    with pytest.raises(ValueError, match="X has 90 movies but Y has 10"):
        PerGenreClassifier().fit(X, Y[:10])
    with pytest.raises(ValueError, match="0/1"):
        PerGenreClassifier().fit(X, Y * 2)


def test_probability_average(plots):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts, Y = plots
    a = make_pipeline(TfidfVectorizer(), PerGenreClassifier())
    b = make_pipeline(TfidfVectorizer(), PerGenreClassifier(LogisticRegression(C=0.1)))
    avg = GenreProbabilityAverage([("a", a), ("b", b)], weights=[3, 1]).fit(texts, Y)
    pa = clone(a).fit(texts, Y).predict_proba(texts)
    pb = clone(b).fit(texts, Y).predict_proba(texts)
    np.testing.assert_allclose(avg.predict_proba(texts), 0.75 * pa + 0.25 * pb)
    assert avg.get_params()["a__tfidfvectorizer__lowercase"] is True
    avg.set_params(a__tfidfvectorizer__lowercase=False, b=a)
    assert avg.estimators[1][1] is a and a.get_params()["tfidfvectorizer__lowercase"] is False
    with pytest.raises(ValueError, match="weights has 1 values for 2 estimators"):
        GenreProbabilityAverage([("a", a), ("b", b)], weights=[1]).fit(texts, Y)
    with pytest.raises(ValueError, match="estimators is empty"):
        GenreProbabilityAverage([]).fit(texts, Y)


@pytest.mark.slow
def test_default_model_on_real_plots(movielens_csv):
    """Accuracy floor on the real test split (measured ~0.58 macro AP; prior ~0.11)."""
    from threadpoolctl import threadpool_limits

    from skgenre.metrics import average_precision

    frame = pd.read_csv(movielens_csv)
    Y = MultiLabelBinarizer().fit_transform(frame["genres"].str.split("|"))
    train = frame["split"].isin(["train", "val"]).to_numpy()
    test = (frame["split"] == "test").to_numpy()
    plots = frame["plot"].fillna("").to_numpy(dtype=object)
    with threadpool_limits(1):
        model = make_text_model(random_state=0).fit(plots[train], Y[train])
        proba = model.predict_proba(plots[test])
    assert average_precision(Y[test], proba, average="macro") > 0.5
    assert average_precision(Y[test], proba, average="micro") > 0.75


# ------------------------------------------------------------------- missing plots
def _with_gaps(texts, gap):
    texts = pd.Series(texts, dtype=object).copy()
    texts.iloc[::7] = gap
    return texts


@pytest.mark.parametrize("gap", [np.nan, None, pd.NA, np.float32("nan")])
@pytest.mark.parametrize("kind", ["glove_mlp", "tfidf_logreg", "combined"])
def test_missing_plots_read_as_empty_texts(kind, gap, glove_file, plots):
    texts, Y = plots
    model = small(kind, glove_file).fit(_with_gaps(texts[:60], gap), Y[:60])
    holes = _with_gaps(texts[60:], gap)
    proba = model.predict_proba(holes)
    assert proba.shape == (30, 3) and np.isfinite(proba).all()
    filled = model.predict_proba(holes.where(holes.notna(), ""))
    np.testing.assert_allclose(proba, filled)  # exactly what an empty text gives


@pytest.mark.parametrize("kind", ["glove_mlp", "tfidf_logreg", "combined"])
@pytest.mark.parametrize("cell, error, match", [
    (3.5, TypeError, r"Text 0 is a float \(3.5\); expected a string"),
    (["a", "list"], TypeError, "Text 0 is a list"),
])
def test_non_text_plots_raise_naming_the_cell(kind, cell, error, match, glove_file, plots):
    texts, Y = plots
    bad = pd.Series(texts[:60], dtype=object)
    bad.iloc[0] = cell
    with pytest.raises(error, match=match):
        small(kind, glove_file).fit(bad, Y[:60])


def test_plot_tfidf_vectorizer_is_tfidf_on_texts():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from skgenre.text import PlotTfidfVectorizer

    docs = ["a ghost story", "a love story", "ghost ship"]
    ours = PlotTfidfVectorizer(ngram_range=(1, 2)).fit(docs + [None])
    theirs = TfidfVectorizer(ngram_range=(1, 2)).fit(docs + [""])
    np.testing.assert_allclose(ours.transform(docs).toarray(), theirs.transform(docs).toarray())
    assert ours.transform([np.nan]).nnz == 0
    assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out())
    with pytest.raises(ValueError, match="string object received"):
        ours.transform("a ghost story")


@pytest.mark.parametrize("kind", ["tfidf_logreg", "combined"])
def test_all_plots_missing_raise_clearly(kind, glove_file, plots):
    _, Y = plots
    with pytest.raises(ValueError, match="All 60 training texts are empty or missing"):
        small(kind, glove_file).fit(pd.Series([None, np.nan, ""] * 20), Y[:60])


def test_all_plots_missing_warn_for_glove(glove_file):
    with pytest.warns(LowCoverageWarning, match="All 3 training texts are empty or missing"):
        GloVeVectorizer(glove_file).fit([None, np.nan, " "])
