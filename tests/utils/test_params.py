"""store_params: the one way an estimator's ``__init__`` stores its arguments."""

import pytest
from sklearn.base import BaseEstimator, clone

from skgenre.utils._params import store_params


class _Model(BaseEstimator):
    def __init__(self, alpha=1.0, *, layers=(8,), device="cpu"):
        store_params(self, locals())


class _Child(_Model):
    def __init__(self, alpha=1.0, *, layers=(8,), device="cpu", extra=None):
        super().__init__(alpha, layers=layers, device=device)  # locals() has __class__
        store_params(self, locals())


def test_stores_every_argument_unchanged():
    layers = [4, 2]
    model = _Model(0.5, layers=layers)
    assert vars(model) == {"alpha": 0.5, "layers": layers, "device": "cpu"}
    assert model.layers is layers  # not copied, not converted
    assert model.get_params() == {"alpha": 0.5, "layers": layers, "device": "cpu"}
    assert clone(model).get_params() == model.get_params()


def test_skips_self_and_the_super_cell():
    child = _Child(extra="x")
    assert set(vars(child)) == {"alpha", "layers", "device", "extra"}
    assert child.get_params()["extra"] == "x"


@pytest.mark.parametrize("name", ["self", "__class__"])
def test_never_stores_self_or_class(name):
    target = _Model()
    store_params(target, {name: object(), "alpha": 2})
    assert target.alpha == 2 and name not in vars(target)
