"""SentenceEmbedder's backends: torch as sentence-transformers computes it, ONNX Runtime
(float32 and int8) close to it, one text per pass, and a warm cache that loads nothing."""

import pickle
import subprocess
import sys

import numpy as np
import pytest

from skgenre.text import SentenceEmbedder

pytest.importorskip("sentence_transformers")
pytest.importorskip("all_minilm_l6_v2")
pytest.importorskip("onnxruntime")

PLOTS = ["A ship lost in space.", "  Two lovers in Paris. ", "",
         "A lonely soldier fights aliens on a frozen moon to save his crew. " * 6]


@pytest.fixture(scope="module")
def data_home(tmp_path_factory):
    return tmp_path_factory.mktemp("skgenre_data")


def embed(data_home, texts=PLOTS, **params):
    return SentenceEmbedder(data_home=data_home, memory=False, **params).fit().transform(texts)


@pytest.fixture(scope="module")
def reference(data_home):
    return embed(data_home, backend="torch", precision="float32")


def cosine(a, b):
    return (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


def test_torch_backend_is_what_sentence_transformers_computes(data_home, reference):
    from sentence_transformers import SentenceTransformer

    from skgenre.text import sentence_model_path

    model = SentenceTransformer(str(sentence_model_path(data_home=data_home)), device="cpu",
                                local_files_only=True)
    np.testing.assert_allclose(reference, model.encode(PLOTS), atol=2e-6)


def test_onnx_float32_matches_torch_and_int8_stays_close(data_home, reference):
    np.testing.assert_allclose(embed(data_home, precision="float32"), reference, atol=2e-5)
    int8 = embed(data_home)  # the default: backend="onnx", precision="int8"
    assert cosine(int8, reference).min() > 0.97
    assert not np.allclose(int8, reference, atol=1e-4)  # it is another computation


def test_each_text_is_encoded_alone_whatever_shares_its_batch(data_home):
    together = embed(data_home, batch_size=4)
    for i, text in enumerate(PLOTS):
        np.testing.assert_array_equal(embed(data_home, texts=[text])[0], together[i])


def test_max_length_truncates_and_keys_the_cache(data_home, tmp_path):
    long = PLOTS[3]
    short = SentenceEmbedder(data_home=data_home, max_length=16, long_text="truncate",
                             memory=tmp_path).fit()
    assert short.max_length_ == 16 and "max_length=16" in short.model_id_
    same_start = short.transform([long, long + " And then the moon explodes."])
    np.testing.assert_array_equal(same_start[0], same_start[1])  # past token 16: unread
    full = SentenceEmbedder(data_home=data_home, memory=tmp_path).fit()
    assert full.max_length_ == 256
    assert not np.allclose(full.transform([long]), same_start[:1])
    ids = {SentenceEmbedder(data_home=data_home, **p).fit().model_id_ for p in (
        {}, {"precision": "float32"}, {"backend": "torch", "precision": "float32"},
        {"max_length": 16})}
    assert len(ids) == 4  # whatever changes the numbers changes the cache key


@pytest.mark.parametrize("backend, precision", [("onnx", "int8"), ("torch", "float32")])
def test_long_texts_are_the_token_weighted_mean_of_their_windows(data_home, tmp_path,
                                                                 backend, precision):
    long = PLOTS[3] + " then the moon explodes and nobody is left to tell the tale"
    params = dict(data_home=data_home, max_length=16, backend=backend, precision=precision)
    windows = SentenceEmbedder(memory=tmp_path, **params).fit()
    assert windows.long_text == "windows"
    encoding = windows._tokenize([long])[0]
    parts = [encoding, *encoding.overflowing]
    assert len(parts) > 3
    # each window, decoded to its words and embedded alone (it fits in 16 tokens)
    texts = [windows._tokenizer.backend.decode(part.ids) for part in parts]
    truncate = SentenceEmbedder(memory=False, long_text="truncate", **params).fit()
    alone = truncate.transform(texts)
    n_tokens = np.array([len(part.ids) for part in parts], dtype=float)
    expected = (alone * n_tokens[:, None]).sum(0) / n_tokens.sum()
    got = windows.transform([long, PLOTS[0]])
    np.testing.assert_allclose(got[0], expected, atol=1e-5)
    # a text within one window is embedded as without windows (torch pads its batch)
    np.testing.assert_allclose(got[1], truncate.transform([PLOTS[0]])[0], atol=1e-6)
    # the tail changes the embedding, and the setting keys the cache
    assert not np.allclose(got[0], truncate.transform([long])[0], atol=1e-3)
    np.testing.assert_array_equal(
        SentenceEmbedder(memory=tmp_path, long_text="truncate", **params).fit()
        .transform([long])[0], truncate.transform([long])[0])


def test_an_embedder_saved_before_long_text_keeps_truncating(data_home):
    """Model files written before ``long_text`` existed failed to predict (no attribute)."""
    fitted = SentenceEmbedder(data_home=data_home, max_length=16, long_text="truncate",
                              memory=False).fit()
    expected = fitted.transform(PLOTS)
    old = fitted.__getstate__()
    del old["long_text"]
    restored = SentenceEmbedder.__new__(SentenceEmbedder)
    restored.__setstate__(old)
    assert restored.get_params()["long_text"] == "truncate"  # what it was fitted with
    np.testing.assert_array_equal(restored.transform(PLOTS), expected)
    unfitted = SentenceEmbedder().__getstate__()
    del unfitted["long_text"]
    restored = SentenceEmbedder.__new__(SentenceEmbedder)
    restored.__setstate__(unfitted)
    assert restored.get_params()["long_text"] == "windows"  # today's default


@pytest.mark.parametrize(
    "params, match",
    [
        ({"backend": "torch"}, "precision='int8' needs backend='onnx'"),
        ({"device": "cuda"}, "backend='onnx' runs on the CPU"),
        ({"backend": "tensorrt"}, "backend"),
        ({"max_length": 1}, "max_length"),
    ],
)
def test_backend_errors(data_home, params, match):
    with pytest.raises(ValueError, match=match):
        SentenceEmbedder(data_home=data_home, **params).fit()


def test_pickle_drops_the_session_and_rebuilds_it(data_home):
    fitted = SentenceEmbedder(data_home=data_home, memory=False).fit()
    expected = fitted.transform(PLOTS[:2])
    blob = pickle.dumps(fitted)
    assert len(blob) < 10_000
    np.testing.assert_array_equal(pickle.loads(blob).transform(PLOTS[:2]), expected)


_WARM = """
import sys
import numpy as np
from skgenre.text import SentenceEmbedder
emb = SentenceEmbedder(data_home=sys.argv[1], memory=sys.argv[2]).fit()
out = emb.transform(["A ship lost in space.", "Two lovers in Paris."])
assert out.shape == (2, 384) and np.isfinite(out).all()
print("sentence_transformers" in sys.modules, "transformers" in sys.modules)
"""


def test_a_warm_fit_loads_neither_the_network_nor_transformers(data_home, tmp_path):
    """Once the ONNX graph exists and the texts are cached, fit and transform read files."""
    cold = subprocess.run([sys.executable, "-c", _WARM, str(data_home), str(tmp_path)],
                          capture_output=True, text=True, check=True)
    warm = subprocess.run([sys.executable, "-c", _WARM, str(data_home), str(tmp_path)],
                          capture_output=True, text=True, check=True)
    assert warm.stdout.split() == ["False", "False"], warm.stdout + warm.stderr
    assert cold.returncode == 0
