"""MovieGenreStacker's presets: which default base models each builds, kinds overriding
a preset per modality, contradictions refused, and a searchable parameter."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.utils._param_validation import InvalidParameterError

from skgenre import MovieGenreStacker
from skgenre.datasets import MODALITY_REGISTRY, register_modality, unregister_modality
from skgenre.ensemble import DEFAULT_PRESET, PRESETS, default_estimators, preset_kind
from skgenre.model_selection import MultilabelStratifiedKFold
from test_stacking import base_estimators, make_table


@pytest.fixture(scope="module")
def table():
    X, Y = make_table(n=120, seed=2)
    rng = np.random.default_rng(0)
    posters = [rng.integers(0, 255, (20, 14, 3), dtype=np.uint8) for _ in range(len(X))]
    return X.assign(poster=pd.Series(posters, dtype=object)), Y


def described(estimators):
    """modality -> (text model's parts, poster backbone) of default_estimators' output."""
    out = {}
    for name, est, _ in estimators:
        text = repr(est)
        if name == "poster":
            out[name] = est.named_steps["embedder"].backbone
        elif name == "text":
            out[name] = ("Sentence" in text, "GloVe" in text, "Tfidf" in text)
    return out


@pytest.mark.parametrize("preset, kinds, text, poster", [
    ("best", None, (True, True, True), "efficientnet_lite0"),
    ("fast", None, (False, True, True), "color"),
    ("fast", {"poster": "efficientnet_mlp"}, (False, True, True), "efficientnet_lite0"),
    ("best", {"plot": "tfidf_logreg"}, (False, False, True), "efficientnet_lite0"),
])
def test_presets_choose_the_kinds_and_kinds_override_them_per_modality(
        table, preset, kinds, text, poster):
    X, _ = table
    made = described(default_estimators(X, random_state=0, kinds=kinds, preset=preset))
    assert made == {"text": text, "poster": poster}


def test_the_presets_table():
    assert set(PRESETS) == {"best", "fast"}
    assert preset_kind("best", "text") == "combined_sentence"
    assert preset_kind("best", "poster") == "efficientnet_mlp"
    assert preset_kind("fast", "text") == "combined" and preset_kind("fast", "poster") == "color_mlp"
    assert preset_kind("best", "metadata") == "default"
    assert DEFAULT_PRESET in PRESETS
    assert MovieGenreStacker().get_params()["preset"] == DEFAULT_PRESET
    with pytest.raises(ValueError, match="Unknown preset 'huge'"):
        preset_kind("huge", "text")


def test_a_modality_names_its_kind_per_preset_in_its_registration(table):
    """A modality is one registration: its presets' kinds are part of it."""
    def make_tagline_model(kind="default", *, random_state=None, memory=None, **params):
        return kind  # what default_estimators built, by name

    register_modality("tagline", columns="tagline", factory=make_tagline_model,
                      kinds=("plain", "rich"), presets={"best": "rich"})
    try:
        X = table[0].assign(tagline="a line")
        assert preset_kind("best", "tagline") == "rich"
        assert preset_kind("fast", "tagline") == "default"
        built = {name: model for name, model, _ in
                 default_estimators(X, kinds={"text": "tfidf_logreg", "poster": "color_mlp"},
                                    preset="best")}
        assert built["tagline"] == "rich"
    finally:
        unregister_modality("tagline")
    with pytest.raises(ValueError, match="presets must map preset names among"):
        register_modality("tagline", columns="tagline", factory=make_tagline_model,
                          kinds=("plain",), presets={"huge": "plain"})
    assert "tagline" not in MODALITY_REGISTRY


OTHER_PRESET = next(p for p in PRESETS if p != DEFAULT_PRESET)


@pytest.mark.parametrize("params, error, match", [
    ({"estimators": base_estimators(), "preset": OTHER_PRESET}, ValueError,
     f"preset='{OTHER_PRESET}' chooses among the default base models, but estimators is "
     "given"),
    ({"preset": "huge"}, InvalidParameterError, "'preset' parameter"),
    ({"memory": True}, InvalidParameterError, "'memory' parameter"),
])
def test_preset_errors(table, params, error, match):
    X, Y = table
    with pytest.raises(error, match=match):
        MovieGenreStacker(cv=2, **params).fit(X[["plot", "cast"]], Y)


def test_preset_is_searchable(table):
    X, Y = table
    X = X[["plot"]]
    grid = GridSearchCV(
        MovieGenreStacker(cv=2, random_state=0, memory=False),
        {"preset": ["best", "fast"]},
        cv=MultilabelStratifiedKFold(2), scoring="average_precision",
    ).fit(X, Y)
    scores = grid.cv_results_["mean_test_score"]
    assert np.isfinite(scores).all() and scores[0] != scores[1]
    text = repr(grid.best_estimator_.named_estimators_["text"])
    assert ("Sentence" in text) is (grid.best_params_["preset"] == "best")


def test_memory_false_writes_nothing_and_none_caches_features_only(table, tmp_path,
                                                                   monkeypatch):
    X, Y = table
    X = X[["plot", "poster"]]
    monkeypatch.setenv("SKGENRE_CACHE", str(tmp_path / "home"))
    MovieGenreStacker(cv=2, random_state=0, preset="fast", memory=False).fit(X, Y)
    assert not (tmp_path / "home").exists()
    MovieGenreStacker(cv=2, random_state=0, preset="fast").fit(X, Y)
    names = {p.name for p in (tmp_path / "home").iterdir()}
    assert names == {"skgenre_features"}  # no joblib folder of fitted models
    assert len(list((tmp_path / "home").rglob("*.npy"))) == len(X)  # one per poster


def test_model_state_without_preset_loads_as_fast(table):
    X, Y = table
    fitted = MovieGenreStacker(base_estimators(), cv=2, random_state=0).fit(X, Y)
    state = fitted.__getstate__()
    del state["preset"]
    old = MovieGenreStacker.__new__(MovieGenreStacker)
    old.__setstate__(dict(state, estimators=None))  # default base models: the former default
    assert old.get_params()["preset"] == "fast"
    # Given estimators: saved while "fast" was the default, it would have made fit
    # refuse them ("preset must be left at its default when estimators is given").
    for saved in (state, dict(state, preset="fast")):
        old = MovieGenreStacker.__new__(MovieGenreStacker)
        old.__setstate__(dict(saved))
        assert old.get_params()["preset"] == DEFAULT_PRESET
        clone(old).fit(X, Y)
