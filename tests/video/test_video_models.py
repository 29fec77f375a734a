"""make_trailer_model: kinds, the default on video files, grid search with the cache."""

import pickle

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

av = pytest.importorskip("av")

from skgenre.metrics import average_precision, get_scorer  # noqa: E402
from skgenre.model_selection import MultilabelStratifiedKFold  # noqa: E402
from skgenre.nn import GenreMLP  # noqa: E402
from skgenre.video import (  # noqa: E402
    TRAILER_KINDS,
    Trailer3DCNN,
    TrailerEmbedder,
    make_trailer_model,
    write_video,
)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    """60 tiny trailers: genre 0 tints red, genre 1 adds a sweeping bright bar."""
    folder = tmp_path_factory.mktemp("catalogue")
    rng = np.random.default_rng(0)
    n = 60
    Y = (rng.random((n, 3)) < [0.4, 0.5, 0.3]).astype(int)  # genre 2 leaves no trace
    paths = []
    for i in range(n):
        frames = rng.integers(40, 140, (1, 1, 1, 3)) * np.ones((8, 16, 16, 3))
        if Y[i, 0]:
            frames[..., 0] = 230
        if Y[i, 1]:
            for t in range(8):
                frames[t, :, 2 * t: 2 * t + 3] = 255
        paths.append(write_video(folder / f"{i:02d}.mp4", frames.astype(np.uint8), fps=8))
    return np.array(paths), Y


def test_kinds():
    default = make_trailer_model()
    assert isinstance(default, Pipeline) and [n for n, _ in default.steps] == [
        "embedder", "scaler", "head"]
    assert isinstance(default[0], TrailerEmbedder) and isinstance(default[-1], GenreMLP)
    assert TRAILER_KINDS == ("default", "frame_stats_mlp", "frame_mean_mlp", "efficientnet_mlp",
                             "cnn3d", "features_logreg", "features_mlp")
    effnet = make_trailer_model("efficientnet_mlp").get_params()
    assert (effnet["embedder__backbone"], effnet["embedder__weights"],
            effnet["embedder__pooling"]) == ("efficientnet_lite0", "imagenet", "mean")

    def leaves(model):
        return {k: v for k, v in model.get_params().items() if "__" in k}

    assert leaves(default) == leaves(make_trailer_model("frame_stats_mlp"))
    assert default.get_params()["embedder__pooling"] == "mean_std"
    assert make_trailer_model("frame_mean_mlp").get_params()["embedder__pooling"] == "mean"
    assert isinstance(make_trailer_model("cnn3d"), Trailer3DCNN)
    model = make_trailer_model("cnn3d", random_state=3, memory="here", slice_length=4)
    assert (model.random_state, model.memory, model.slice_length) == (3, "here", 4)


def test_keywords_are_routed_to_the_steps():
    params = make_trailer_model(
        random_state=5, memory="here", n_frames=7, max_epochs=3, verbose=1,
        head__lr=0.1, embedder__batch_size=4,
    ).get_params()
    assert params["head__random_state"] == 5 and params["embedder__random_state"] == 0
    assert params["embedder__memory"] == "here" and params["embedder__n_frames"] == 7
    assert params["head__max_epochs"] == 3 and params["head__lr"] == 0.1
    assert params["embedder__verbose"] == params["head__verbose"] == 1
    assert params["embedder__batch_size"] == 4


@pytest.mark.parametrize("kind, kw, error, match", [
    ("resnet", {}, ValueError, "Unknown trailer model kind 'resnet'; choose one of"),
    ("default", {"no_such": 1}, ValueError, "Invalid parameter"),
    ("cnn3d", {"n_frame": 1}, ValueError, "Invalid parameter"),
])
def test_make_trailer_model_errors(kind, kw, error, match):
    with pytest.raises(error, match=match):
        make_trailer_model(kind, **kw)


def test_default_model_beats_the_prior(catalogue):
    paths, Y = catalogue
    model = make_trailer_model(random_state=0, n_frames=4)
    model.fit(paths[:40], Y[:40])
    proba = model.predict_proba(paths[40:])
    assert proba.shape == (20, 3)
    assert len(model.classes_) == 3
    prior = average_precision(Y[40:], np.tile(Y[:40].mean(axis=0), (20, 1)))
    score = average_precision(Y[40:], proba)
    assert score > prior + 0.2, (score, prior)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(restored.predict_proba(paths[40:]), proba)


def test_grid_search_decodes_each_trailer_once(tmp_path, catalogue, monkeypatch):
    paths, Y = catalogue
    opens = []
    real_open = av.open
    monkeypatch.setattr(av, "open", lambda *a, **k: opens.append(a[0]) or real_open(*a, **k))
    model = make_trailer_model(random_state=0, memory=str(tmp_path / "cache"),
                               n_frames=4, max_epochs=20)
    search = GridSearchCV(
        model, {"head__hidden_layer_sizes": [(8,), (32,)]},
        cv=MultilabelStratifiedKFold(3, shuffle=True, random_state=0),
        scoring=get_scorer("average_precision_macro"),
    )
    search.fit(paths, Y)
    assert len(opens) == len(paths) and sorted(opens) == sorted(paths.tolist())
    assert np.all(search.cv_results_["mean_test_score"] > 0.5)
