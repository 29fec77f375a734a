"""PosterEmbedder(backend="onnx"): the torch features to float precision, its own cache
entries, a graph exported once per network and kept as a file."""

import pickle

import numpy as np
import pytest

from skgenre.vision import PosterEmbedder

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")


@pytest.fixture(scope="module")
def images():
    rng = np.random.default_rng(0)
    return [rng.integers(0, 255, (40, 28, 3), dtype=np.uint8) for _ in range(7)]


def make(backend, tmp_path, **params):
    return PosterEmbedder("efficientnet_lite0", input_size=32, random_state=0, memory=False,
                          backend=backend, **params)


def test_onnx_gives_the_torch_features_under_another_fingerprint(images, tmp_path,
                                                                 monkeypatch):
    monkeypatch.setenv("SKGENRE_DATA", str(tmp_path / "home"))
    torch_emb = make("torch", tmp_path).fit()
    onnx_emb = make("onnx", tmp_path).fit()
    expected = torch_emb.transform(images)
    got = onnx_emb.transform(images)
    np.testing.assert_allclose(got, expected, atol=1e-4, rtol=1e-4)
    # the same weights (fingerprint_), but cached apart
    assert onnx_emb.fingerprint_ == torch_emb.fingerprint_
    cache = tmp_path / "cache"
    for emb in (torch_emb, onnx_emb):
        emb.set_params(memory=cache).transform(images[:1])
    assert len(list(cache.rglob("*.npy"))) == 2
    graphs = list((tmp_path / "home" / "onnx").glob("backbone-*.onnx"))
    assert len(graphs) == 1
    # A graph on disk is reused: another fit of the same network exports nothing.
    from skgenre.utils import _onnx

    monkeypatch.setattr(_onnx, "_SESSIONS", {})
    monkeypatch.setattr(_onnx, "_export", pytest.fail)
    np.testing.assert_array_equal(make("onnx", tmp_path).fit().transform(images), got)
    # Each image alone gives what it gives in a batch.
    np.testing.assert_array_equal(onnx_emb.transform(images[2:3])[0], got[2])


def test_onnx_embedder_pickles_without_its_session(images, tmp_path, monkeypatch):
    monkeypatch.setenv("SKGENRE_DATA", str(tmp_path / "home"))
    emb = make("onnx", tmp_path).fit()
    expected = emb.transform(images[:2])
    assert emb._onnx_session is not None
    again = pickle.loads(pickle.dumps(emb))
    assert "_onnx_session" not in vars(again)
    np.testing.assert_array_equal(again.transform(images[:2]), expected)


@pytest.mark.parametrize(
    "params, match",
    [({"backend": "onnx", "device": "cuda"}, "backend='onnx' runs on the CPU"),
     ({"backend": "tvm"}, "backend")],
)
def test_backend_errors(params, match, tmp_path):
    with pytest.raises(ValueError, match=match):
        PosterEmbedder("small", input_size=16, **params).fit()
