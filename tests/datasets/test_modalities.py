"""The modality registry: one vocabulary for modality names, columns and factories."""

import pandas as pd
import pytest

from skgenre.datasets import (
    MEDIA_COLUMNS,
    MODALITIES,
    MODALITY_REGISTRY,
    get_modality,
    make_movies,
    media_columns,
    register_modality,
    resolve_modalities,
    unregister_modality,
)
from skgenre.ensemble._defaults import default_estimators


def test_registry_names_in_stacker_order():
    assert MODALITIES == ("text", "poster", "trailer", "metadata")
    assert list(MODALITY_REGISTRY) == list(MODALITIES)


@pytest.mark.parametrize("alias, name", [
    ("text", "text"), ("plot", "text"), ("PLOT", "text"), (" poster ", "poster"),
    ("vision", "poster"), ("video", "trailer"), ("trailer", "trailer"),
    ("metadata", "metadata"), ("credits", "metadata"),
])
def test_get_modality_accepts_names_and_aliases(alias, name):
    assert get_modality(alias).name == name


@pytest.mark.parametrize("names, error, match", [
    ("smell", ValueError, "Unknown modality 'smell'; choose among text, poster"),
    ("plot,text", ValueError, "named twice"),
    ("", ValueError, "No modality given"),
    ([3], ValueError, "Unknown modality 3"),
])
def test_resolve_modalities_errors(names, error, match):
    with pytest.raises(error, match=match):
        resolve_modalities(names)


def test_resolve_modalities_keeps_registry_order():
    assert resolve_modalities(["metadata", "plot", "video"]) == ("text", "trailer", "metadata")


@pytest.mark.parametrize("name", MODALITIES)
def test_every_registered_kind_builds_a_model(name):
    modality = MODALITY_REGISTRY[name]
    kinds = modality.model_kinds()
    assert "default" in kinds
    model = modality.make_model(random_state=0)
    assert hasattr(model, "fit") and hasattr(model, "predict_proba")


def test_default_estimators_follow_the_registry():
    X = pd.DataFrame({"plot": ["a", "b"], "cast": ["x|y", "y"], "poster": [None, None]})
    names = [name for name, _, _ in default_estimators(X)]
    assert names == ["text", "metadata"]  # an all-empty poster column is absent
    columns = {name: cols for name, _, cols in default_estimators(X)}
    assert columns == {"text": "plot", "metadata": ["cast"]}


def test_default_estimators_take_a_kind_per_modality():
    X = pd.DataFrame({"plot": ["a", "b"], "cast": ["x|y", "y"]})
    default = dict((n, e) for n, e, _ in default_estimators(X))
    chosen = dict((n, e) for n, e, _ in default_estimators(X, kinds={"plot": "tfidf_logreg",
                                                                      "metadata": "forest"}))
    assert type(chosen["text"]) is not type(default["text"])
    assert "GenreForestClassifier" in repr(chosen["metadata"]) and "Forest" not in repr(
        default["metadata"])


@pytest.mark.parametrize("kind, cached", [
    ("default", True), ("combined", False), ("tfidf_logreg", False),
    ("sentence_logreg", True), ("tfidf_sentence", True), ("combined_sentence", True),
])
def test_default_estimators_hand_memory_to_the_kinds_that_cache(kind, cached, tmp_path):
    # Every factory takes memory; the text kinds without a sentence encoder ignore it.
    X = pd.DataFrame({"plot": ["a", "b"]})
    [(_, estimator, _)] = default_estimators(X, memory=tmp_path, kinds={"text": kind})
    memories = [v for k, v in estimator.get_params().items() if k.endswith("memory")]
    assert (tmp_path in memories) is cached


@pytest.mark.parametrize("kinds, error, match", [
    ({"sound": "x"}, ValueError, "sound"),
    ({"text": "no_such_kind"}, ValueError, "no_such_kind"),
    ("tfidf_sentence", TypeError, "kinds must be a dict"),
])
def test_default_estimators_kind_errors(kinds, error, match):
    X = pd.DataFrame({"plot": ["a", "b"], "cast": ["x|y", "y"]})
    with pytest.raises(error, match=match):
        default_estimators(X, kinds=kinds)


def test_default_estimators_warn_for_a_kind_of_an_absent_modality():
    X = pd.DataFrame({"plot": ["a", "b"], "Poster": ["a.jpg", "b.jpg"]})  # misnamed
    with pytest.warns(UserWarning, match=r"poster modality, but X has no values.*'poster'"):
        names = [n for n, _, _ in default_estimators(X, kinds={"poster": "efficientnet_mlp"})]
    assert names == ["text"]


def test_default_estimators_raise_for_a_named_kind_whose_extra_is_missing(monkeypatch):
    from skgenre.datasets import Modality

    def missing_extra(modality, kind="default", **kwargs):
        raise ImportError(f"{modality.name} needs an extra")

    monkeypatch.setattr(Modality, "make_model", missing_extra)
    X = pd.DataFrame({"plot": ["a", "b"]})
    with pytest.warns(UserWarning, match="Skipping the text modality"):
        assert default_estimators(X) == []
    with pytest.raises(ImportError, match="text needs an extra"):
        default_estimators(X, kinds={"text": "sentence_logreg"})


@pytest.mark.parametrize("modalities", [("text",), ("plot",)])
def test_make_movies_takes_registry_names_and_aliases(tmp_path, modalities):
    X, _ = make_movies(10, modalities=modalities, path=tmp_path, return_X_y=True, as_frame=True)
    assert "plot" in X and "poster" not in X and "cast" not in X


def test_make_movies_same_catalogue_for_name_and_alias(tmp_path):
    a, _ = make_movies(12, modalities=("text", "metadata"), path=tmp_path / "a",
                       return_X_y=True, as_frame=True)
    b, _ = make_movies(12, modalities=("plot", "credits"), path=tmp_path / "b",
                       return_X_y=True, as_frame=True)
    pd.testing.assert_frame_equal(a, b)


def test_make_movies_unknown_modality(tmp_path):
    with pytest.raises(ValueError, match="Unknown modality 'smell'"):
        make_movies(10, modalities=("smell",), path=tmp_path)


def _factory(kind="default", *, random_state=None, memory=None, **params):
    raise AssertionError("not built in these tests")


@pytest.fixture
def registered():
    """Register modalities for one test; the registry is as it was afterwards."""
    names = []

    def register(name, **kwargs):
        kwargs.setdefault("factory", _factory)
        kwargs.setdefault("kinds", ("default",))
        modality = register_modality(name, **kwargs)
        names.append(name)
        return modality

    yield register
    for name in names:
        unregister_modality(name)
    assert tuple(MODALITY_REGISTRY) == MODALITIES


def test_register_modality_adds_one_entry_and_unregister_takes_it_out(registered):
    modality = registered("sound", columns="audio", aliases=("audio_track",), media=True)
    assert list(MODALITY_REGISTRY) == [*MODALITIES, "sound"]
    assert get_modality("audio_track") is modality and modality.kinds == ("default",)
    assert modality.frame_input is False and modality.columns == ("audio",)
    assert media_columns() == (*MEDIA_COLUMNS, "audio")
    assert resolve_modalities("sound,plot") == ("text", "sound")
    lyrics = registered("lyrics", columns=["lyrics", "chorus"], kinds=("bag", "default"))
    assert lyrics.frame_input is True and lyrics.kinds == ("bag", "default")


@pytest.mark.parametrize("name, kwargs, match", [
    ("text", {"columns": "x"}, r"\['text'\] are taken"),
    ("sound", {"columns": "x", "aliases": ("plot",)}, r"\['plot'\] are taken"),
    ("sound", {"columns": ["audio", "cast"]}, r"\['cast'\] are read by the metadata"),
    ("two__words", {"columns": "x"}, "identifier without '__'"),
    ("sound", {"columns": []}, "at least one column"),
])
def test_register_modality_errors(registered, name, kwargs, match):
    with pytest.raises(ValueError, match=match):
        registered(name, **kwargs)
    assert tuple(MODALITY_REGISTRY) == MODALITIES


def test_unregister_an_unknown_modality():
    with pytest.raises(KeyError, match="No modality 'sound'"):
        unregister_modality("sound")


def test_make_movies_draws_only_the_built_in_modalities(registered, tmp_path):
    registered("sound", columns="audio")
    with pytest.raises(ValueError, match=r"no generator for \['sound'\]"):
        make_movies(10, modalities=("text", "sound"), path=tmp_path)
    with pytest.raises(ValueError, match=r"draws no \['sound'\] modality"):
        make_movies(10, signal={"sound": 0.5}, path=tmp_path)
