"""The models of the persistence tests: every kind of every modality, made small."""

from skgenre import MovieGenreStacker
from skgenre.datasets import MODALITY_REGISTRY
from skgenre.ensemble import default_estimators

#: Any parameter of this name, at any depth of a model, is set to the value.
SMALL = {"max_epochs": 1, "input_size": 32, "n_frames": 4, "frame_size": (16, 16),
         "slice_length": 2, "batch_size": 8, "hidden_layer_sizes": (8,)}

KIND_CASES = [f"{name}:{kind}" for name, modality in MODALITY_REGISTRY.items()
              for kind in modality.model_kinds() if kind != "default"]


def reads_trailer_features(case):
    """Whether a case's model reads precomputed trailer feature arrays, not videos."""
    return case.startswith("trailer:features_")


def make_small(estimator):
    params = estimator.get_params()
    return estimator.set_params(**{
        key: SMALL[key.rsplit("__", 1)[-1]] for key in params
        if key.rsplit("__", 1)[-1] in SMALL
    })


def small_stacker(X, Y, kinds=None, only=None):
    """A stacker (cv=2) of the default models, or of ``kinds``, of the modality ``only``
    or of all, made small."""
    estimators = [(name, make_small(model), columns) for name, model, columns
                  in default_estimators(X, random_state=0, kinds=kinds)
                  if only is None or name == only]
    return MovieGenreStacker(estimators, cv=2, random_state=0).fit(X, Y)
