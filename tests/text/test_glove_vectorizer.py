"""GloVeVectorizer: pooling, unknown words, pickling, scikit-learn integration."""

import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import InvalidParameterError

from skgenre.text import GloVeVectorizer, LowCoverageWarning, WordVectors, _glove

WORDS = ["space", "ship", "alien", "love", "story", "kiss", "ghost", "fear", "the", "a"]
# Sci-fi words point along axis 0, romance along 1, horror along 2, function words on 3.
VECTORS = np.array(
    [[1, 0, 0, 0], [1, 0.2, 0, 0], [0.8, 0, 0.2, 0], [0, 1, 0, 0], [0, 0.6, 0, 0.2],
     [0, 1, 0, 0], [0, 0, 1, 0], [0.1, 0, 0.9, 0], [0, 0, 0, 1], [0, 0, 0, 1]],
    dtype=np.float32,
)
DIM = VECTORS.shape[1]


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SKGENRE_DATA", str(tmp_path / "data_home"))
    monkeypatch.setattr(_glove, "_MEMORY_CACHE", type(_glove._MEMORY_CACHE)())


@pytest.fixture
def glove_file(tmp_path):
    """A 10-word GloVe text file."""
    path = tmp_path / "tiny.glove.txt"
    path.write_text("".join(
        w + " " + " ".join(f"{x:g}" for x in row) + "\n" for w, row in zip(WORDS, VECTORS)
    ))
    return path


def vec_of(*words):
    return VECTORS[[WORDS.index(w) for w in words]]


def test_mean_pooling_known_words_only(glove_file):
    vec = GloVeVectorizer(glove_file).fit(["The space ship!", "Love story"])
    X = vec.transform(["The SPACE ship and an unknown alien.", "kiss, kiss; love"])
    assert X.dtype == np.float32 and X.shape == (2, DIM)
    np.testing.assert_allclose(X[0], vec_of("the", "space", "ship", "alien").mean(0), rtol=1e-6)
    np.testing.assert_allclose(X[1], vec_of("kiss", "kiss", "love").mean(0), rtol=1e-6)
    assert vec.coverage_ == 1.0
    assert vec.n_words_ == len(WORDS)


def test_empty_unknown_and_missing_texts_give_zeros(glove_file):
    vec = GloVeVectorizer(glove_file).fit(["space ship", "zzz"])
    X = vec.transform(["", "   ", "qwerty asdf", None, np.nan, "ghost"])
    assert not X[:5].any()
    np.testing.assert_allclose(X[5], vec_of("ghost")[0])
    assert vec.coverage_ == pytest.approx(2 / 3)


def test_coverage_counts_tokens(glove_file):
    vec = GloVeVectorizer(glove_file).fit(["space xx yy ship", "love zz"])
    assert vec.coverage_ == pytest.approx(3 / 6)


def test_all_unknown_training_texts_warn(glove_file):
    with pytest.warns(LowCoverageWarning, match="None of the 3 tokens"):
        vec = GloVeVectorizer(glove_file).fit(["Space Ship", "xx"], None)
        GloVeVectorizer(glove_file, lowercase=False).fit(["Space Ship", "xx"])
    assert vec.coverage_ == pytest.approx(2 / 3)


def test_max_tokens_truncates_before_lookup(glove_file):
    vec = GloVeVectorizer(glove_file, max_tokens=2).fit(["fear"])
    X = vec.transform(["unknown space ghost ghost ghost"])
    np.testing.assert_allclose(X[0], vec_of("space")[0])
    assert not GloVeVectorizer(glove_file, max_tokens=1).fit(["fear"]).transform(["zz love"]).any()


def test_stop_words_lowercase_tokenizer(glove_file):
    texts = ["The ghost", "A Love story"]
    X = GloVeVectorizer(glove_file, stop_words="english").fit(texts).transform(texts)
    np.testing.assert_allclose(X, np.vstack([vec_of("ghost"), vec_of("love", "story").mean(0)]))
    X = GloVeVectorizer(glove_file, stop_words=["ghost"]).fit(texts).transform(texts)
    np.testing.assert_allclose(X[0], vec_of("the")[0])
    X = GloVeVectorizer(glove_file, lowercase=False).fit(texts).transform(texts)
    np.testing.assert_allclose(X[1], vec_of("story")[0])  # "A" and "Love" are not lowercase
    X = GloVeVectorizer(glove_file, tokenizer=str.split).fit(texts).transform(["ghost, love"])
    np.testing.assert_allclose(X[0], vec_of("love")[0])  # "ghost," is one unknown token


def test_tfidf_pooling_weights_rare_words_up(glove_file):
    train = ["the ghost", "the love", "the space", "the fear"]
    vec = GloVeVectorizer(glove_file, pooling="tfidf").fit(train)
    n = len(train)
    idf_the = np.log((1 + n) / (1 + 4)) + 1
    idf_ghost = np.log((1 + n) / (1 + 1)) + 1
    idf_unseen = np.log(1 + n) + 1  # "kiss": in the vocabulary, not in training
    X = vec.transform(["the ghost", "kiss the"])
    the, ghost, kiss = vec_of("the", "ghost", "kiss")
    expected0 = (idf_the * the + idf_ghost * ghost) / (idf_the + idf_ghost)
    expected1 = (idf_unseen * kiss + idf_the * the) / (idf_unseen + idf_the)
    np.testing.assert_allclose(X, np.vstack([expected0, expected1]), rtol=1e-5)
    assert len(vec.idf_) == len(vec.idf_rows_) == 5
    mean = GloVeVectorizer(glove_file).fit(train).transform(["the ghost"])
    assert X[0, 2] > mean[0, 2]  # the rare word counts for more


def test_l2_norm(glove_file):
    X = GloVeVectorizer(glove_file, norm="l2").fit(["fear"]).transform(["space love", "", "fear"])
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), [1, 0, 1], rtol=1e-6)


def test_input_containers(glove_file):
    vec = GloVeVectorizer(glove_file).fit(pd.Series(["space"], index=[7]))
    expected = vec.transform(["love ghost", "ship"])
    for X in (np.array(["love ghost", "ship"], dtype=object), pd.Series(["love ghost", "ship"]),
              pd.DataFrame({"plot": ["love ghost", "ship"]}), (t for t in ["love ghost", "ship"]),
              np.array([["love ghost"], ["ship"]])):
        np.testing.assert_array_equal(vec.transform(X), expected)


def test_feature_names(glove_file):
    vec = GloVeVectorizer(glove_file).fit(["space"])
    assert vec.get_feature_names_out().tolist() == [f"glovevectorizer{i}" for i in range(DIM)]


@pytest.mark.parametrize("params, X, error, match", [
    ({"pooling": "max"}, ["a"], InvalidParameterError, "pooling"),
    ({"max_tokens": 0}, ["a"], InvalidParameterError, "max_tokens"),
    ({"norm": "l1"}, ["a"], InvalidParameterError, "norm"),
    ({"embeddings": 3}, ["a"], InvalidParameterError, "embeddings"),
    ({"embeddings": "no/such/file.txt"}, ["a"], FileNotFoundError, "not found"),
    ({}, "a single text", ValueError, "Iterable over raw text documents expected"),
    ({}, np.array([["a", "b"]]), ValueError, r"1-D array of texts; got shape \(1, 2\)"),
    ({}, [["a", "b"]], TypeError, "Text 0 is a list"),
    ({}, pd.DataFrame({"a": ["x"], "b": ["y"]}), ValueError, "one text column"),
    ({}, ["fine", 3], TypeError, "Text 1 is a int"),
])
def test_errors(glove_file, params, X, error, match):
    params = {"embeddings": glove_file, **params}
    with pytest.raises(error, match=match):
        GloVeVectorizer(**params).fit(X)


def test_not_fitted(glove_file):
    with pytest.raises(NotFittedError):
        GloVeVectorizer(glove_file).transform(["space"])


def test_init_does_not_load(tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("loaded in __init__/clone")

    monkeypatch.setattr("skgenre.text._vectorizer.load_word_vectors", boom)
    vec = GloVeVectorizer(tmp_path / "missing.txt", pooling="tfidf")
    clone(vec)
    assert vec.get_params()["pooling"] == "tfidf"


def test_pickle_keeps_a_reference_not_the_vectors(glove_file, tmp_path):
    texts = ["space ghost", "love story", "unknown"]
    vec = GloVeVectorizer(glove_file, pooling="tfidf").fit(texts)
    expected = vec.transform(texts)
    blob = pickle.dumps(vec)
    assert b"tiny.glove" in blob and VECTORS.tobytes()[:16] not in blob
    assert "_word_vectors" not in pickle.loads(blob).__dict__
    np.testing.assert_array_equal(pickle.loads(blob).transform(texts), expected)

    # A fresh process (no in-memory cache) reloads the vectors from the mmap cache, even
    # once the source file is gone.
    model = tmp_path / "model.pkl"
    model.write_bytes(blob)
    glove_file.unlink()
    script = textwrap.dedent(f"""
        import pickle, sys
        vec = pickle.loads(open({str(model)!r}, "rb").read())
        X = vec.transform({texts!r})
        sys.stdout.write(repr(X.tolist()))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    np.testing.assert_allclose(eval(result.stdout), expected)


def test_unpickled_vectorizer_refuses_changed_vectors(glove_file):
    vec = GloVeVectorizer(glove_file).fit(["space"])
    blob = pickle.dumps(vec)
    glove_file.write_text(glove_file.read_text().replace("space 1", "space 3"))
    import shutil
    shutil.rmtree(vec.cache_dir_)
    _glove._MEMORY_CACHE.clear()
    with pytest.raises(ValueError, match="changed since this GloVeVectorizer was fitted"):
        pickle.loads(blob).transform(["space"])


def test_word_vectors_instance_and_clone_share_memory():
    wv = WordVectors(WORDS, VECTORS)
    vec = GloVeVectorizer(wv).fit(["space"])
    assert clone(vec).embeddings is wv
    np.testing.assert_allclose(vec.transform(["love"]), vec_of("love"))


def test_progress_bar_only_when_verbose(glove_file, capsys):
    texts = ["space ship"] * 5000
    GloVeVectorizer(glove_file).fit(texts[:2]).transform(texts)
    assert "GloVe pooling" not in capsys.readouterr().err
    GloVeVectorizer(glove_file, verbose=1).fit(texts[:2]).transform(texts)
    assert "GloVe pooling" in capsys.readouterr().err


def test_grid_search_over_the_vectorizer(glove_file):
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    topics = [["space", "ship", "alien"], ["love", "story", "kiss"]]
    y = rng.integers(0, 2, size=60)
    texts = [" ".join(rng.choice(topics[label] + ["the", "a", "zz"], size=6)) for label in y]
    pipe = make_pipeline(GloVeVectorizer(glove_file), LogisticRegression())
    search = GridSearchCV(
        pipe,
        {"glovevectorizer__pooling": ["mean", "tfidf"], "glovevectorizer__norm": [None, "l2"]},
        cv=KFold(3), scoring="accuracy",
    ).fit(texts, y)
    assert search.cv_results_["mean_test_score"].min() > 0.9
    assert search.best_estimator_.predict(["alien ship", "kiss story"]).tolist() == [0, 1]


def test_embedded_default_on_words():
    vec = GloVeVectorizer().fit(["A haunted house full of ghosts.", ""])
    assert vec.n_words_ == 400_000 and vec.coverage_ == 1.0
    X = vec.transform(["Horror, ghost... SCREAM!", "qwertyuiop"])
    glove = vec._fitted_word_vectors()
    assert X.shape == (2, 50) and not X[1].any()
    np.testing.assert_allclose(X[0], np.mean([glove[w] for w in ("horror", "ghost", "scream")], 0),
                               rtol=1e-5)
    assert len(pickle.dumps(vec)) < 2000


def _truncate(cache):
    path = cache / "vectors.npy"
    path.write_bytes(path.read_bytes()[:-4])


def _zero_values(cache):
    array = np.load(cache / "vectors.npy", mmap_mode="r+")
    array[0] = 0.0
    array.flush()


@pytest.mark.parametrize("damage", [_truncate, _zero_values,
                                    lambda cache: (cache / "info.json").unlink()])
def test_unpickled_vectorizer_rebuilds_a_damaged_cache(glove_file, damage):
    texts = ["space ghost", "love story"]
    vec = GloVeVectorizer(glove_file).fit(texts)
    expected = vec.transform(texts)
    blob = pickle.dumps(vec)
    damage(vec.cache_dir_)
    _glove._MEMORY_CACHE.clear()
    with pytest.warns(_glove.DamagedCacheWarning, match="is damaged"):
        np.testing.assert_array_equal(pickle.loads(blob).transform(texts), expected)


def test_unpickled_vectorizer_damaged_cache_without_source(glove_file):
    vec = GloVeVectorizer(glove_file).fit(["space"])
    blob = pickle.dumps(vec)
    _zero_values(vec.cache_dir_)
    glove_file.unlink()
    _glove._MEMORY_CACHE.clear()
    with pytest.raises(FileNotFoundError, match="neither is available here.*is damaged"):
        pickle.loads(blob).transform(["space"])
