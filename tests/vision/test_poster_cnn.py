"""PosterCNN: end-to-end training, fine-tuning the last layers, augmentation."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError

from skgenre.metrics import average_precision
from skgenre.utils import multilabel_classes
from skgenre.vision import ImageLoadError, PosterCNN, PosterNetModule, SmallCNN, load_backbone


def _colour_posters(n=48, seed=0):
    """Genre 0 = red-dominated, genre 1 = blue-dominated (independent), 16x16 arrays."""
    rng = np.random.default_rng(seed)
    Y = rng.integers(0, 2, size=(n, 2))
    X = rng.integers(0, 80, size=(n, 16, 16, 3)).astype(np.uint8)
    X[..., 0] += (170 * Y[:, 0]).astype(np.uint8)[:, None, None]
    X[..., 2] += (170 * Y[:, 1]).astype(np.uint8)[:, None, None]
    return X, Y


def test_trains_from_scratch_and_learns_colours():
    X, Y = _colour_posters()
    Xt, Yt = _colour_posters(seed=1)
    cnn = PosterCNN(backbone=SmallCNN(width=4, n_features=8), input_size=16, max_epochs=15,
                    lr=1e-2, validation_fraction=0, random_state=0).fit(X, Y)
    proba = cnn.predict_proba(Xt)
    assert proba.shape == (48, 2) and ((proba >= 0) & (proba <= 1)).all()
    assert average_precision(Yt, proba, average="macro") > 0.9
    assert cnn.classes_[0].tolist() == [0, 1] and len(cnn.classes_) == 2
    np.testing.assert_array_equal(cnn.predict(Xt), (proba >= 0.5).astype(int))
    assert cnn.n_epochs_ == 15 and cnn.input_size_ == 16
    restored = pickle.loads(pickle.dumps(cnn))
    np.testing.assert_allclose(restored.predict_proba(Xt), proba)


def test_reproducible_with_random_state():
    X, Y = _colour_posters(n=24)
    params = dict(backbone="small", input_size=16, max_epochs=2, validation_fraction=0,
                  random_state=0)
    a = PosterCNN(**params).fit(X, Y).predict_proba(X)
    b = PosterCNN(**params).fit(X, Y).predict_proba(X)
    c = PosterCNN(**{**params, "random_state": 1}).fit(X, Y).predict_proba(X)
    np.testing.assert_allclose(a, b)
    assert not np.allclose(a, c)


def test_fine_tunes_only_the_last_layers():
    X, Y = _colour_posters(n=24)
    torch.manual_seed(0)
    backbone = SmallCNN(width=4, n_features=8)
    before = {k: v.clone() for k, v in backbone.state_dict().items()}
    cnn = PosterCNN(backbone=backbone, input_size=16, trainable_layers=1, max_epochs=2,
                    lr=1e-2, validation_fraction=0, random_state=0).fit(X, Y)
    for key, value in backbone.state_dict().items():  # the user's module is not touched
        assert torch.equal(value, before[key])
    after = cnn.net_.module_.backbone.model.state_dict()
    changed = {k for k in after if not torch.equal(after[k], before[k])}
    assert changed == {"fc.0.weight", "fc.0.bias"}  # the last layer (fc) alone, BN stats kept
    n_fc = 8 * 32 + 8
    assert cnn.n_trainable_parameters_ == n_fc + (8 * 2 + 2)

    frozen = PosterCNN(backbone=SmallCNN(width=4, n_features=8), input_size=16,
                       trainable_layers=0, max_epochs=1, validation_fraction=0,
                       random_state=0).fit(X, Y)
    assert frozen.n_trainable_parameters_ == 8 * 2 + 2  # the genre layer only


def test_augmentation_only_while_training():
    backbone = load_backbone(SmallCNN(width=4, n_features=8), input_size=16)
    module = PosterNetModule(backbone, 3, dropout=0.0, augment=True)
    x = torch.randint(0, 256, (4, 3, 16, 16), dtype=torch.uint8)
    shifted = module._augment(x.float())
    assert shifted.shape == (4, 3, 16, 16)
    module.eval()
    torch.testing.assert_close(module(x), module(x))
    module.train()
    torch.manual_seed(0)
    outputs = [module(x) for _ in range(3)]
    assert not all(torch.allclose(outputs[0], o) for o in outputs[1:])
    no_aug = PosterNetModule(backbone, 3, dropout=0.0, augment=False).train()
    no_aug.backbone.eval()  # batch norm in eval: identical outputs without augmentation
    torch.testing.assert_close(no_aug(x), no_aug(x))


def test_augment_flips_and_shifts_within_bounds():
    backbone = load_backbone(SmallCNN(width=4, n_features=8), input_size=16)
    module = PosterNetModule(backbone, 1)
    x = torch.arange(16.0).view(1, 1, 1, 16).expand(64, 3, 16, 16)
    out = module._augment(x)
    first = out[:, 0, 0, 0]
    # a shift of at most 16 // 16 = 1 pixel, then maybe a flip: first column in {0, 1, 14, 15}
    assert set(first.tolist()) <= {0.0, 1.0, 14.0, 15.0}
    assert len(set(first.tolist())) > 1


@pytest.mark.parametrize(
    "params, X, Y, error, match",
    [
        ({"trainable_layers": "some"}, None, None, InvalidParameterError, "trainable_layers"),
        ({"backbone": "resnet"}, None, None, InvalidParameterError, "backbone"),
        ({}, np.zeros((3, 8, 8, 3), np.uint8), np.ones((4, 2)), ValueError, "3 posters"),
        ({}, ["/nonexistent/poster.jpg"] * 4, np.eye(4, 2), ImageLoadError, "poster.jpg"),
    ],
)
def test_errors(params, X, Y, error, match):
    X = np.zeros((4, 8, 8, 3), np.uint8) if X is None else X
    Y = np.eye(4, 2) if Y is None else Y
    cnn = PosterCNN(input_size=8, max_epochs=1, validation_fraction=0, **params)
    with pytest.raises(error, match=match):
        cnn.fit(X, Y)


def test_clone_and_classes():
    cnn = PosterCNN(max_epochs=3)
    assert clone(cnn).get_params()["max_epochs"] == 3
    X, Y = _colour_posters(n=16)
    fitted = PosterCNN(backbone="color", input_size=16, max_epochs=1,
                       validation_fraction=0.25, random_state=0).fit(X, Y)
    assert [c.tolist() for c in fitted.classes_] == [c.tolist() for c in multilabel_classes(2)]
