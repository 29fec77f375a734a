"""What PosterEmbedder and TrailerEmbedder share through BaseFrozenEmbedder: one
on_error vocabulary, one default seed, one fingerprint, one feature cache."""

import inspect
import warnings

import numpy as np
import pytest
import torch
from sklearn.utils._param_validation import InvalidParameterError

from skgenre.utils import ON_ERROR
from skgenre.video import TrailerEmbedder, TrailerReadWarning
from skgenre.vision import BaseFrozenEmbedder, ImageLoadError, PosterEmbedder, PosterLoadWarning

EMBEDDERS = [PosterEmbedder, TrailerEmbedder]


@pytest.fixture
def bad_file(tmp_path):
    path = tmp_path / "broken.bin"
    path.write_bytes(b"not an image, not a video")
    return str(path)


def _good(cls):
    image = np.full((16, 16, 3), 200, dtype=np.uint8)
    return image if cls is PosterEmbedder else np.stack([image] * 3)


@pytest.mark.parametrize("cls", EMBEDDERS)
def test_shared_defaults_and_base(cls):
    assert issubclass(cls, BaseFrozenEmbedder)
    params = inspect.signature(cls).parameters
    assert params["random_state"].default == 0
    assert params["on_error"].default == "raise"
    assert set(BaseFrozenEmbedder._parameter_constraints) <= set(cls._parameter_constraints)


@pytest.mark.parametrize("cls, error, warning", [
    (PosterEmbedder, ImageLoadError, PosterLoadWarning),
    (TrailerEmbedder, ValueError, TrailerReadWarning),
])
def test_one_on_error_vocabulary(cls, error, warning, bad_file):
    X = [_good(cls), bad_file]
    with pytest.raises(error, match="broken.bin"):
        cls("color", input_size=16, on_error="raise").fit().transform(X)
    with pytest.warns(warning, match="broken.bin"):
        out = cls("color", input_size=16, on_error="missing").fit().transform(X)
    assert out[0].any() and not out[1].any()
    with pytest.warns(FutureWarning, match=r"on_error='zero' is now spelled on_error='missing'") \
            as record:
        embedder = cls("color", input_size=16, on_error="zero").fit()
    assert record[0].filename == __file__  # the warning points at the user's fit
    with pytest.warns(warning, match="broken.bin"):
        np.testing.assert_array_equal(embedder.transform(X), out)
    with pytest.raises(InvalidParameterError, match="on_error"):
        cls(on_error="skip").fit()
    assert ON_ERROR == ("raise", "missing")


@pytest.mark.parametrize("cls", EMBEDDERS)
def test_one_fingerprint(cls):
    a = cls("small", input_size=16).fit()
    b = cls("small", input_size=16).fit()  # the default seed: the same weights
    c = cls("small", input_size=16, random_state=1).fit()
    d = cls("small", input_size=24).fit()
    assert a.fingerprint_ == b.fingerprint_
    assert len({a.fingerprint_, c.fingerprint_, d.fingerprint_}) == 3
    assert not any(p.requires_grad for p in a.backbone_.parameters())  # frozen
    user = torch.nn.Conv2d(3, 2, 3)
    cls(user, input_size=16).fit()
    assert user.training  # the user's module was copied, not put in eval mode


@pytest.mark.parametrize("cls", EMBEDDERS)
def test_damaged_cache_entries_are_recomputed(cls, tmp_path):
    path = tmp_path / "item.npy"
    if cls is PosterEmbedder:
        from PIL import Image

        path = tmp_path / "item.png"
        Image.fromarray(_good(cls)).save(path)
    else:
        np.save(path, np.random.default_rng(0).normal(size=(5, 416)).astype(np.float32))
    embedder = cls("color", input_size=16, memory=tmp_path / "cache").fit()
    expected = embedder.transform([str(path)])
    entries = list((tmp_path / "cache").rglob("*.npy"))
    assert len(entries) == 1
    for damage in (lambda b: b[:-7], lambda b: b"junk", lambda b: _npy(np.zeros(3))):
        entries[0].write_bytes(damage(entries[0].read_bytes()))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            np.testing.assert_array_equal(embedder.transform([str(path)]), expected)
    np.testing.assert_array_equal(np.load(entries[0]), expected[0])  # rewritten


def _npy(array):
    import io

    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()
