"""make_poster_model: kinds, keyword routing, the default end to end, the real-data floor."""

import pickle

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skgenre.metrics import average_precision
from skgenre.nn import GenreMLP
from skgenre.vision import ColorStats, PosterCNN, PosterEmbedder, make_poster_model
from skgenre.vision._models import DEFAULT_KIND, POSTER_KINDS


def _params(model):
    return {k: v for k, v in model.get_params().items() if not hasattr(v, "get_params")}


def test_default_is_an_alias_of_the_measured_best_kind():
    assert DEFAULT_KIND in POSTER_KINDS and DEFAULT_KIND != "default"
    assert repr(_params(make_poster_model(random_state=0))) == repr(
        _params(make_poster_model(DEFAULT_KIND, random_state=0))
    )


@pytest.mark.parametrize("kind", [k for k in POSTER_KINDS if k != "default"])
def test_kinds_build_unfitted_estimators(kind, tmp_path):
    model = make_poster_model(kind, random_state=3, memory=tmp_path)
    assert clone(model).get_params().keys() == model.get_params().keys()
    if kind == "cnn":
        assert isinstance(model, PosterCNN) and model.random_state == 3
        return
    assert isinstance(model, Pipeline)
    embedder, head = model.named_steps["embedder"], model.named_steps["head"]
    assert isinstance(embedder, PosterEmbedder) and isinstance(head, GenreMLP)
    assert embedder.memory == tmp_path and embedder.random_state == head.random_state == 3
    assert not hasattr(embedder, "backbone_")


def test_vgg16_mlp_is_the_study_model():
    model = make_poster_model("vgg16_mlp")
    assert model.named_steps["embedder"].backbone == "vgg16"
    assert tuple(model.named_steps["head"].hidden_layer_sizes) == (1000,)


def test_keyword_routing():
    model = make_poster_model("vgg16_mlp", weights="vgg16-397923af.pth", input_size=64,
                              max_epochs=3, device="cpu", verbose=1, head__lr=0.1)
    params = model.get_params()
    assert params["embedder__weights"] == "vgg16-397923af.pth"
    assert params["embedder__input_size"] == 64 and params["head__max_epochs"] == 3
    assert params["embedder__verbose"] == params["head__verbose"] == 1
    assert params["head__lr"] == 0.1
    # One rule for every short name: batch_size reaches both steps that take it.
    both = make_poster_model(batch_size=8).get_params()
    assert both["embedder__batch_size"] == both["head__batch_size"] == 8
    cnn = make_poster_model("cnn", input_size=32, max_epochs=2, augment=False)
    assert (cnn.input_size, cnn.max_epochs, cnn.augment) == (32, 2, False)


@pytest.mark.parametrize(
    "kind, kwargs, match",
    [
        ("resnet", {}, "Unknown poster model kind 'resnet'; choose one of"),
        ("color_mlp", {"colour": 3}, r"Invalid parameter 'colour'.*'input_size'"),
        ("cnn", {"hidden_layer_sizes": (3,)}, "hidden_layer_sizes"),
    ],
)
def test_errors(kind, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_poster_model(kind, **kwargs)


@pytest.fixture
def colour_posters(tmp_path):
    """60 small JPEG posters: genre j present <=> colour channel j is strong."""
    rng = np.random.default_rng(0)
    Y = rng.integers(0, 2, size=(60, 3))
    Y[Y.sum(axis=1) == 0, 0] = 1
    paths = []
    for i, row in enumerate(Y):
        array = rng.integers(0, 90, size=(30, 20, 3)).astype(np.uint8)
        array += (150 * row).astype(np.uint8)
        path = tmp_path / f"p{i}.jpg"
        Image.fromarray(array).save(path)
        paths.append(str(path))
    return np.array(paths, dtype=object), Y


def test_default_model_end_to_end_with_cache(colour_posters, tmp_path, monkeypatch):
    paths, Y = colour_posters
    seen = []
    forward = ColorStats.forward
    monkeypatch.setattr(ColorStats, "forward",
                        lambda self, x: seen.append(len(x)) or forward(self, x))
    model = make_poster_model(random_state=0, memory=tmp_path / "cache", max_epochs=30)
    search = GridSearchCV(model, {"head__lr": [1e-3, 1e-2]}, cv=3,
                          scoring="average_precision").fit(paths[:40], Y[:40])
    if DEFAULT_KIND.startswith("color"):
        assert sum(seen) == 40  # 6 fits + 6 scorings + the refit: each poster embedded once
    proba = search.predict_proba(paths[40:])
    assert proba.shape == (20, 3) and len(search.best_estimator_.classes_) == 3
    prior = np.tile(Y[:40].mean(axis=0), (20, 1))
    assert average_precision(Y[40:], proba) > average_precision(Y[40:], prior) + 0.2
    restored = pickle.loads(pickle.dumps(search.best_estimator_))
    np.testing.assert_allclose(restored.predict_proba(paths[40:]), proba)


@pytest.mark.slow
def test_default_beats_the_prior_on_real_posters(movielens_csv, shared_data):
    frame = pd.read_csv(movielens_csv)
    genres = sorted({g for cell in frame["genres"] for g in cell.split("|")})
    Y = np.array([[g in c.split("|") for g in genres] for c in frame["genres"]], dtype=int)
    paths = np.array([str(shared_data / p) for p in frame["poster"]], dtype=object)
    rng = np.random.default_rng(0)
    train = rng.permutation(np.flatnonzero(frame["split"] != "test"))[:1500]
    test = np.flatnonzero(frame["split"] == "test")
    model = make_poster_model(random_state=0, input_size=32, max_epochs=20)
    model.fit(paths[train], Y[train])
    macro = average_precision(Y[test], model.predict_proba(paths[test]), average="macro")
    prior = average_precision(Y[test], np.tile(Y[train].mean(axis=0), (len(test), 1)),
                              average="macro")
    assert macro > prior + 0.03, (macro, prior)
