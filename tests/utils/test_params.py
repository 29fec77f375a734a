"""The model factories' one shape: build_model over a table of kinds, route_params' rule."""

import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skgenre.multioutput import GenreProbabilityAverage, PerGenreClassifier
from skgenre.utils import build_model, route_params


def _pipeline():
    return Pipeline([("scaler", StandardScaler()),
                     ("head", PerGenreClassifier(LogisticRegression()))])


def test_a_short_name_reaches_every_estimator_that_takes_it():
    model = route_params(_pipeline(), {"n_jobs": 2, "with_std": False})
    assert model["head"].n_jobs == model["head"].estimator.n_jobs == 2
    assert model["scaler"].with_std is False


def test_a_path_reaches_one_step_only():
    model = route_params(_pipeline(), {"head__n_jobs": 3})
    assert model["head"].n_jobs == 3 and model["head"].estimator.n_jobs is None


def test_pipelines_own_parameters_are_not_short_names():
    # A Pipeline's verbose and memory mean timings and a cache of fitted steps.
    with pytest.raises(ValueError, match="Invalid parameter 'memory'"):
        route_params(_pipeline(), {"memory": "cache"})
    model = route_params(_pipeline(), {"verbose": True})
    assert model.verbose is False and model["head"].estimator.verbose is True
    nested = GenreProbabilityAverage([("a", _pipeline())])
    assert route_params(nested, {"a__verbose": True}).estimators[0][1].verbose is True


def test_the_model_itself_and_nested_compositions():
    average = GenreProbabilityAverage([("a", _pipeline()), ("b", LogisticRegression())])
    routed = route_params(average, {"C": 0.5, "weights": [1, 2]})
    assert routed.weights == [1, 2]
    assert routed.estimators[0][1]["head"].estimator.C == routed.estimators[1][1].C == 0.5
    assert route_params(LogisticRegression(), {"C": 3}).C == 3


@pytest.mark.parametrize("params, match", [
    ({"colour": 1}, r"Invalid parameter 'colour' for this Pipeline.*Short names it takes: "
                    r"\['C', .*'with_std'\]"),
    ({"colour": 1, "shape": 2}, "Invalid parameters 'colour', 'shape'"),
    ({"nope__x": 1}, "nope"),
])
def test_unknown_names(params, match):
    with pytest.raises(ValueError, match=match):
        route_params(_pipeline(), params)


_KINDS = {
    "plain": lambda random_state, memory=None: LogisticRegression(random_state=random_state),
    "scaled": lambda random_state, memory=None: _pipeline(),
}


def test_build_model_resolves_default_and_routes():
    model = build_model(_KINDS, "default", default="plain", random_state=3, memory=None,
                        params={"C": 2.0}, what="toy model")
    assert isinstance(model, LogisticRegression) and (model.C, model.random_state) == (2.0, 3)


@pytest.mark.parametrize("kind", ["bert", None, ["plain"]])
def test_build_model_unknown_kind(kind):
    with pytest.raises(ValueError, match=r"Unknown toy model kind .*choose one of "
                                         r"\('default', 'plain', 'scaled'\)"):
        build_model(_KINDS, kind, default="plain", random_state=None, memory=None, params={},
                    what="toy model")
