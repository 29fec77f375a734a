"""PosterEmbedder: batching, per-image disk cache (counted forward passes), errors."""

import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from PIL import Image
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import InvalidParameterError
from torch import nn

from skgenre.nn import GenreMLP
from skgenre.vision import (
    ImageLoadError,
    PosterEmbedder,
    PosterLoadWarning,
    load_backbone,
    preprocess_images,
)


class CountingNet(nn.Module):
    """A tiny backbone that counts its forward passes and images in class attributes
    (shared by the deep copies that ``clone`` makes)."""

    calls = 0
    images = 0
    input_size = 16
    n_features = 6

    def __init__(self, seed=0):
        super().__init__()
        torch.manual_seed(seed)
        self.conv = nn.Conv2d(3, 6, 3)

    def forward(self, x):
        type(self).calls += 1
        type(self).images += x.shape[0]
        return torch.relu(self.conv(x)).mean(dim=(2, 3))

    @classmethod
    def reset(cls):
        cls.calls = cls.images = 0


@pytest.fixture
def posters(tmp_path):
    """20 small PNG posters; genre 0 = reddish, genre 1 = bright."""
    rng = np.random.default_rng(0)
    paths, Y = [], []
    for i in range(20):
        red, bright = i % 2, (i // 2) % 2
        array = rng.integers(0, 100, size=(20, 14, 3)).astype(np.uint8)
        array[..., 0] += 150 * red
        array += np.uint8(100 * bright)
        path = tmp_path / f"poster{i}.png"
        Image.fromarray(array).save(path)
        paths.append(str(path))
        Y.append([red, bright])
    return np.array(paths, dtype=object), np.array(Y)


@pytest.fixture(autouse=True)
def _reset_counter():
    CountingNet.reset()


def test_features_equal_bare_backbone_and_batching(posters):
    paths, _ = posters
    emb = PosterEmbedder(CountingNet(), batch_size=8).fit()
    features = emb.transform(paths)
    assert features.shape == (20, 6) and features.dtype == np.float32
    assert CountingNet.calls == 3 and CountingNet.images == 20  # 8 + 8 + 4
    with torch.no_grad():
        bare = emb.backbone_(preprocess_images(list(paths), 16)).numpy()
    np.testing.assert_allclose(features, bare, rtol=1e-6, atol=1e-7)
    assert emb.get_feature_names_out().tolist()[:2] == ["posterembedder0", "posterembedder1"]


def test_cache_never_recomputes_an_image_across_cv_and_grid_search(posters, tmp_path):
    paths, Y = posters
    memory = tmp_path / "cache"
    model = make_pipeline(
        PosterEmbedder(CountingNet(), memory=memory, batch_size=4),
        GenreMLP((4,), max_epochs=2, validation_fraction=0, random_state=0),
    )
    cross_val_score(model, paths, Y, cv=3)
    assert CountingNet.images == 20  # each poster embedded once over the 3 folds
    search = GridSearchCV(model, {"genremlp__lr": [1e-3, 1e-2]}, cv=2).fit(paths, Y)
    search.predict_proba(paths)
    assert CountingNet.images == 20  # 4 more fits and predictions: all from the cache

    PosterEmbedder(CountingNet(), memory=joblib.Memory(memory, verbose=0)).fit().transform(paths)
    assert CountingNet.images == 20  # a joblib.Memory on the same folder shares the cache

    Image.new("RGB", (10, 10), (1, 2, 3)).save(paths[0])  # a changed file is recomputed
    PosterEmbedder(CountingNet(), memory=memory).fit().transform(paths)
    assert CountingNet.images == 21

    PosterEmbedder(CountingNet(seed=1), memory=memory).fit().transform(paths)
    assert CountingNet.images == 41  # other weights, other cache entries

    PosterEmbedder(CountingNet(), input_size=12, memory=memory).fit().transform(paths)
    assert CountingNet.images == 61  # other input size too


def test_cached_features_are_identical(posters, tmp_path):
    paths, _ = posters
    emb = PosterEmbedder(CountingNet(), memory=str(tmp_path / "c")).fit()
    first = emb.transform(paths)
    second = clone(emb).fit().transform(paths[::-1])
    np.testing.assert_array_equal(second, first[::-1])
    plain = PosterEmbedder(CountingNet(), memory=False).fit()
    plain.transform(paths[:3])
    plain.transform(paths[:3])
    assert CountingNet.images == 20 + 6  # with memory=False every call computes


def test_random_backbones_are_seeded_for_caching(posters, tmp_path):
    paths, _ = posters
    a = PosterEmbedder("small", input_size=16, random_state=0).fit()
    b = PosterEmbedder("small", input_size=16, random_state=0).fit()
    c = PosterEmbedder("small", input_size=16, random_state=1).fit()
    assert a.backbone_id_ == b.backbone_id_ != c.backbone_id_
    np.testing.assert_array_equal(a.transform(paths[:4]), b.transform(paths[:4]))


@pytest.mark.parametrize(
    "make",
    [
        lambda p: list(p),
        lambda p: pd.Series(p),
        lambda p: pd.DataFrame({"poster": p}),
        lambda p: np.asarray(p).reshape(-1, 1),
        lambda p: np.stack([np.asarray(Image.open(x).convert("RGB")) for x in p]),
        lambda p: [Image.open(x) for x in p],
    ],
    ids=["list", "series", "frame", "column", "4d-array", "pil"],
)
def test_input_forms(posters, make):
    paths, _ = posters
    emb = PosterEmbedder(CountingNet()).fit()
    expected = emb.transform(paths[:5])
    np.testing.assert_allclose(emb.transform(make(paths[:5])), expected, rtol=1e-5, atol=1e-6)


def test_missing_and_corrupt_files(posters, tmp_path):
    paths, _ = posters
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8 truncated")
    items = [paths[0], str(tmp_path / "gone.jpg"), paths[1], str(bad)]
    emb = PosterEmbedder(CountingNet(), memory=tmp_path / "c").fit()
    with pytest.raises(ImageLoadError, match="gone.jpg"):
        emb.transform(items)
    with pytest.raises(ImageLoadError, match="broken.jpg"):
        emb.transform(items[2:])
    emb.set_params(on_error="missing").fit()
    with pytest.warns(PosterLoadWarning, match=r"2 poster\(s\).*gone.jpg.*broken.jpg"):
        features = emb.transform(items)
    assert (features[[1, 3]] == 0).all() and features[[0, 2]].any()
    Image.new("RGB", (8, 8), (255, 0, 0)).save(tmp_path / "gone.jpg")  # now it exists
    fixed = emb.transform(items[:2])
    assert fixed[1].any()  # the failure had not been cached


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"backbone": "resnet"}, InvalidParameterError, "backbone"),
        ({"batch_size": 0}, InvalidParameterError, "batch_size"),
        ({"on_error": "skip"}, InvalidParameterError, "on_error"),
        ({"memory": 3}, InvalidParameterError, "memory"),
        ({"backbone": nn.Conv2d(3, 2, 3)}, ValueError, "input_size"),
    ],
)
def test_parameter_errors(params, error, match):
    with pytest.raises(error, match=match):
        PosterEmbedder(**params).fit()


def test_input_errors(posters):
    emb = PosterEmbedder(CountingNet()).fit()
    with pytest.raises(TypeError, match="single path"):
        emb.transform(posters[0][0])
    with pytest.raises(ValueError, match="one column"):
        emb.transform(pd.DataFrame({"a": posters[0][:2], "b": posters[0][:2]}))


def test_verbose_progress_bar_pickle_and_clone(posters, capsys):
    paths, _ = posters
    emb = PosterEmbedder(CountingNet(), verbose=1).fit()
    features = emb.transform(paths[:4])
    assert "posters" in capsys.readouterr().err
    PosterEmbedder(CountingNet()).fit().transform(paths[:4])
    assert capsys.readouterr().err == ""
    restored = pickle.loads(pickle.dumps(emb))
    np.testing.assert_array_equal(restored.transform(paths[:4]), features)
    assert clone(emb).get_params()["batch_size"] == 32
    assert load_backbone(CountingNet()).n_features == 6
