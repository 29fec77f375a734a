"""BaseGenreNet's template, run through its three nets: GenreMLP, PosterCNN, Trailer3DCNN."""

import inspect

import numpy as np
import pytest
import torch
from sklearn.datasets import make_blobs
from sklearn.metrics import accuracy_score
from skorch.callbacks import Callback

from skgenre.nn import BaseGenreNet, GenreMLP
from skgenre.video import Trailer3DCNN
from skgenre.vision import PosterCNN


def _blob_features(n, n_classes, seed=0):
    X, y = make_blobs(n_samples=n, centers=n_classes, n_features=6, cluster_std=0.5,
                      random_state=seed)
    return X.astype(np.float32), y


def _mlp(**params):
    return GenreMLP(**{"hidden_layer_sizes": (16,), "max_epochs": 30, "lr": 1e-2,
                       "random_state": 0, **params})


def _poster_data(y):
    # Posters whose colour says the class: red, green, blue, ...
    rng = np.random.default_rng(0)
    colours = np.eye(3, dtype=np.uint8) * 200
    codes = np.unique(y, return_inverse=True)[1]
    posters = colours[codes % 3][:, None, None, :] + rng.integers(0, 40, (len(y), 16, 16, 3),
                                                                   dtype=np.uint8)
    return posters.astype(np.uint8)


def _trailer_data(y):
    rng = np.random.default_rng(0)
    codes = np.unique(y, return_inverse=True)[1]
    frames = rng.integers(0, 40, (len(y), 6, 8, 8, 3), dtype=np.uint8)
    frames[..., 0] += (codes * 100).astype(np.uint8)[:, None, None, None]
    return frames


NETS = {
    "mlp": (lambda **p: _mlp(**p), lambda y: _blob_features(len(y), 2)[0]),
    "poster": (lambda **p: PosterCNN(**{"backbone": "color", "input_size": 16, "max_epochs": 3,
                                        "random_state": 0, **p}), _poster_data),
    "trailer": (lambda **p: Trailer3DCNN(**{"slice_length": 3, "channels": (2,) * 6,
                                            "hidden_layer_sizes": (4, 4), "max_epochs": 3,
                                            "random_state": 0, **p}), _trailer_data),
}


def _binary_labels(n=40):
    return np.array(["drama", "comedy"] * (n // 2))


@pytest.mark.parametrize("name", list(NETS))
def test_one_d_binary_string_labels(name):
    make, data = NETS[name]
    y = _binary_labels()
    X = _blob_features(len(y), 2)[0] if name == "mlp" else data(y)
    if name == "mlp":  # features that follow the labels
        X[:, 0] += 4 * (y == "drama")
    model = make().fit(X, y)
    assert list(model.classes_) == ["comedy", "drama"]
    proba = model.predict_proba(X)
    assert proba.shape == (len(y), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    predicted = model.predict(X)
    assert set(predicted) <= {"comedy", "drama"}
    np.testing.assert_array_equal(model.classes_[proba.argmax(axis=1)], predicted)
    assert model.score(X, y) == accuracy_score(y, predicted)
    assert model.pos_weight_.shape == (1,)


@pytest.mark.parametrize("name", list(NETS))
def test_one_d_multiclass(name):
    make, data = NETS[name]
    y = np.array(["action", "drama", "horror"] * 12)
    X = data(y) if name != "mlp" else _blob_features(len(y), 3)[0]
    if name == "mlp":
        X, codes = _blob_features(len(y), 3)
        y = np.array(["action", "drama", "horror"])[codes]
    model = make().fit(X, y)
    assert list(model.classes_) == ["action", "drama", "horror"]
    assert isinstance(model.net_.criterion_, torch.nn.CrossEntropyLoss)
    proba = model.predict_proba(X)
    assert proba.shape == (len(y), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.classes_[proba.argmax(axis=1)], model.predict(X))
    assert model.pos_weight_.shape == (3,)


def test_mlp_learns_binary_and_multiclass_like_mlp_classifier():
    X, y = _blob_features(120, 4, seed=1)
    model = _mlp().fit(X, y)
    assert model.score(X, y) > 0.95
    X2, y2 = _blob_features(120, 2, seed=2)
    assert _mlp().fit(X2, y2 + 10).score(X2, y2 + 10) > 0.95


def test_binary_y_is_the_one_genre_multilabel_path(multilabel_data):
    """A 1-D binary y trains exactly the net a one-column indicator Y trains."""
    X, Y = multilabel_data
    one_genre = _mlp(max_epochs=5).fit(X, Y[:, [0]])
    binary = _mlp(max_epochs=5).fit(X, Y[:, 0])
    assert one_genre.predict_proba(X).shape == (len(X), 1)
    np.testing.assert_array_equal(binary.predict_proba(X)[:, 1],
                                  one_genre.predict_proba(X)[:, 0])
    np.testing.assert_array_equal(binary.predict(X), one_genre.predict(X)[:, 0])


def test_multilabel_target_keeps_multilabel_outputs(multilabel_data):
    X, Y = multilabel_data
    model = _mlp(max_epochs=3).fit(X, Y)
    assert len(model.classes_) == Y.shape[1]
    proba = model.predict_proba(X)
    np.testing.assert_array_equal(proba, model.net_.predict_proba(X))
    np.testing.assert_array_equal(model.predict(X), (proba >= 0.5).astype(int))


def test_early_stopping_restores_the_best_epoch(multilabel_data):
    """The fitted weights are those of the best validation epoch: training exactly that
    many epochs (same seed, same split) gives the same net."""
    X, Y = multilabel_data
    params = dict(hidden_layer_sizes=(64,), dropout=0.0, lr=3e-2, max_epochs=60, patience=2)
    stopped = _mlp(**params).fit(X, Y)
    losses = [h["valid_loss"] for h in stopped.net_.history]
    best = int(np.argmin(losses)) + 1
    assert best < stopped.n_epochs_ < 60
    exact = _mlp(**{**params, "max_epochs": best}).fit(X, Y)
    np.testing.assert_allclose(stopped.predict_proba(X), exact.predict_proba(X), rtol=1e-6)


@pytest.mark.parametrize("name", list(NETS))
def test_pos_weight_array_and_correction_for_every_net(name):
    make, data = NETS[name]
    y = _binary_labels(24)
    Y = np.column_stack([y == "drama", np.arange(24) % 3 == 0]).astype(int)
    X = data(y) if name != "mlp" else _blob_features(24, 2)[0]
    weighted = make(pos_weight=[1.0, 4.0], validation_fraction=0).fit(X, Y)
    np.testing.assert_array_equal(weighted.pos_weight_, np.float32([1.0, 4.0]))
    corrected = make(pos_weight=[1.0, 4.0], validation_fraction=0,
                     correct_pos_weight=True).fit(X, Y)
    if name == "trailer":  # a trailer averages its slices' probabilities: compare slices
        raw, fixed = weighted.predict_slices(X)[0], corrected.predict_slices(X)[0]
    else:
        raw, fixed = weighted.predict_proba(X), corrected.predict_proba(X)
    odds = raw / (1 - raw) / np.array([1.0, 4.0])
    np.testing.assert_allclose(fixed, odds / (1 + odds), rtol=1e-4)
    balanced = make(max_epochs=1, validation_fraction=0).fit(X, Y)
    np.testing.assert_allclose(balanced.pos_weight_, (24 - Y.sum(0)) / Y.sum(0), rtol=1e-6)


@pytest.mark.parametrize("name", list(NETS))
@pytest.mark.parametrize("pos_weight, match", [
    ([1.0, 0.0], "positive"),
    ([1.0, np.nan], "positive"),
    ([1.0, 1.0, 1.0], "one per genre"),
])
def test_pos_weight_errors_for_every_net(name, pos_weight, match):
    make, data = NETS[name]
    y = _binary_labels(12)
    Y = np.column_stack([y == "drama", np.arange(12) % 3 == 0]).astype(int)
    X = data(y) if name != "mlp" else _blob_features(12, 2)[0]
    with pytest.raises(ValueError, match=match):
        make(pos_weight=pos_weight, max_epochs=1).fit(X, Y)


@pytest.mark.parametrize("name", list(NETS))
def test_fit_leaves_global_torch_rng_alone(name):
    make, data = NETS[name]
    y = _binary_labels(12)
    X = data(y) if name != "mlp" else _blob_features(12, 2)[0]
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    make(max_epochs=1).fit(X, y)
    np.testing.assert_array_equal(torch.rand(3), expected)


def test_subclasses_share_the_base_constraints_and_fit():
    shared = set(BaseGenreNet._parameter_constraints)
    for cls in (GenreMLP, PosterCNN, Trailer3DCNN):
        assert shared <= set(cls._parameter_constraints)
        assert shared <= set(inspect.signature(cls).parameters)
        assert cls.fit is BaseGenreNet.fit


class _CtrlC(Callback):
    """A skorch callback that presses Ctrl-C at the end of epoch ``epoch``."""

    def __init__(self, epoch=2):
        self.epoch = epoch

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            raise KeyboardInterrupt


def test_ctrl_c_propagates_out_of_multilabel_net(multilabel_data):
    """skorch ends training quietly on Ctrl-C and returns the cut-short net; ours raises."""
    from skgenre.nn import MLPModule, MultilabelNet

    X, Y = multilabel_data
    net = MultilabelNet(MLPModule, module__n_features=X.shape[1], module__n_outputs=Y.shape[1],
                        max_epochs=10, callbacks=[("ctrl_c", _CtrlC(epoch=2))], verbose=0)
    with pytest.raises(KeyboardInterrupt):
        net.fit(X, Y)
    assert len(net.history) == 2  # stopped where it was interrupted, not after 10 epochs


@pytest.mark.parametrize("name", list(NETS))
def test_ctrl_c_propagates_out_of_every_net_and_keeps_no_net(name, monkeypatch):
    from skgenre.nn._net import MultilabelNet

    make, data = NETS[name]
    y = _binary_labels()
    epochs = []
    run_single_epoch = MultilabelNet.run_single_epoch

    def interrupted(self, *args, **kwargs):
        epochs.append(1)
        if len(epochs) == 2:
            raise KeyboardInterrupt
        return run_single_epoch(self, *args, **kwargs)

    monkeypatch.setattr(MultilabelNet, "run_single_epoch", interrupted)
    model = make(patience=1)  # skorch's EarlyStopping is there, and is not what stops it
    with pytest.raises(KeyboardInterrupt):
        model.fit(data(y), y)
    assert not hasattr(model, "net_")  # nothing half-trained left to predict with
