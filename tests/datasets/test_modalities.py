"""The modality registry: one vocabulary for modality names, columns and factories."""

import pandas as pd
import pytest

from skgenre.datasets import (
    MODALITIES,
    MODALITY_REGISTRY,
    get_modality,
    make_movies,
    resolve_modalities,
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
    ("default", False), ("tfidf_logreg", False), ("sentence_logreg", True),
    ("tfidf_sentence", True),
])
def test_default_estimators_hand_memory_to_costly_text_kinds(kind, cached, tmp_path):
    X = pd.DataFrame({"plot": ["a", "b"]})
    [(_, estimator, _)] = default_estimators(X, memory=tmp_path, kinds={"text": kind})
    memories = [v for k, v in estimator.get_params().items() if k.endswith("memory")]
    assert (tmp_path in memories) is cached
    assert get_modality("text").takes_memory(kind) is cached


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
