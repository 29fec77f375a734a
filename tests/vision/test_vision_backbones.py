"""Backbones: VGG-16 with torchvision's names, checkpoint loading, small CNN, user modules."""

import numpy as np
import pytest
import torch
from torch import nn

from skgenre.vision import (
    ColorStats,
    SmallCNN,
    VGG16,
    WeightsError,
    load_backbone,
    load_weights,
)

# torchvision's vgg16 state-dict layout, written out by hand (conv indices of config D).
_CONV_INDICES = [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28]
TORCHVISION_VGG16_KEYS = (
    [f"features.{i}.{p}" for i in _CONV_INDICES for p in ("weight", "bias")]
    + [f"classifier.{i}.{p}" for i in (0, 3, 6) for p in ("weight", "bias")]
)


@pytest.fixture(scope="module")
def vgg_checkpoint(tmp_path_factory):
    """A randomly initialised, perturbed VGG-16 saved as a torchvision-style state dict."""
    torch.manual_seed(123)
    source = VGG16()
    with torch.no_grad():
        for name, parameter in source.named_parameters():  # move off the init values
            if name.endswith("bias"):
                parameter.copy_(torch.randn_like(parameter) * 0.1)
            else:
                parameter.mul_(1.5)
    state = {k: v.clone() for k, v in source.state_dict().items()}
    path = tmp_path_factory.mktemp("vgg") / "vgg16-test.pth"
    torch.save(state, path)
    return path, source.eval(), state


def test_vgg16_has_torchvision_names_and_shapes(vgg_checkpoint):
    state = vgg_checkpoint[1].state_dict()
    assert list(state) == TORCHVISION_VGG16_KEYS
    assert state["features.0.weight"].shape == (64, 3, 3, 3)
    assert state["features.28.weight"].shape == (512, 512, 3, 3)
    assert state["classifier.0.weight"].shape == (4096, 25088)
    assert state["classifier.3.weight"].shape == (4096, 4096)
    assert state["classifier.6.bias"].shape == (1000,)


def test_vgg16_checkpoint_loads_with_identical_outputs(vgg_checkpoint):
    path, source, state = vgg_checkpoint
    x = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    loaded = load_backbone("vgg16", weights=path, input_size=32)
    assert (loaded.input_size, loaded.n_features, loaded.training) == (32, 4096, False)
    for key, value in loaded.model.state_dict().items():
        assert torch.equal(value, state[key]), key
    with torch.no_grad():
        expected = source.embed(x)
        got = loaded(x)
        logits = loaded.model(x)
    assert torch.equal(got, expected)
    assert got.shape == (2, 4096) and (got >= 0).all()  # fc7 after its ReLU
    assert logits.shape == (2, 1000)


def test_vgg16_checkpoint_key_errors(vgg_checkpoint):
    _, source, state = vgg_checkpoint
    bad = dict(state)
    del bad["classifier.6.weight"]
    bad["fc8.weight"] = torch.zeros(1)
    with pytest.raises(WeightsError) as info:
        load_weights(source, bad)  # raises before touching the model
    message = str(info.value)
    assert "Missing keys (1): 'classifier.6.weight'" in message
    assert "Unexpected keys (1): 'fc8.weight'" in message


def _small_state():
    return SmallCNN(width=4, n_features=8).state_dict()


def _save(tmp_path, obj, name="w.pth"):
    path = tmp_path / name
    torch.save(obj, path)
    return path


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda tmp: tmp / "nope.pth", FileNotFoundError, "not found: .*nope.pth"),
        (lambda tmp: _save(tmp, {k: v for k, v in _small_state().items()
                                 if k != "fc.0.bias"}),
         WeightsError, r"Missing keys \(1\): 'fc.0.bias'"),
        (lambda tmp: _save(tmp, {**_small_state(), "extra.weight": torch.ones(2)}),
         WeightsError, r"Unexpected keys \(1\): 'extra.weight'"),
        (lambda tmp: _save(tmp, {**_small_state(), "fc.0.bias": torch.ones(3)}),
         WeightsError, r"Shape mismatches \(1\): fc.0.bias: file \(3,\) vs model \(8,\)"),
        (lambda tmp: _save(tmp, [torch.ones(2)]), WeightsError, "not a state dict"),
        (lambda tmp: _save(tmp, nn.Linear(2, 2)), WeightsError, "weights_only=True"),
        (lambda tmp: (tmp / "junk.pth").write_bytes(b"junk") and tmp / "junk.pth",
         WeightsError, "Cannot read weights file .*junk.pth"),
    ],
)
def test_weights_errors(tmp_path, make, error, match):
    with pytest.raises(error, match=match):
        load_backbone(SmallCNN(width=4, n_features=8), weights=make(tmp_path))


def test_weights_wrappers_are_accepted(tmp_path):
    torch.manual_seed(0)
    state = SmallCNN(width=4, n_features=8).state_dict()
    wrapped = _save(tmp_path, {"state_dict": {f"module.{k}": v for k, v in state.items()}})
    net = load_backbone(SmallCNN(width=4, n_features=8), weights=wrapped)
    for key, value in net.model.state_dict().items():
        assert torch.equal(value, state[key])


def test_small_cnn_and_seeding():
    net = load_backbone("small", input_size=32, random_state=3)
    assert (net.n_features, net.input_size, net.name) == (128, 32, "small")
    x = torch.randn(3, 3, 32, 32)
    before = torch.random.get_rng_state()
    again = load_backbone("small", input_size=32, random_state=3)
    assert torch.equal(torch.random.get_rng_state(), before)  # global RNG untouched
    other = load_backbone("small", input_size=32, random_state=4)
    with torch.no_grad():
        assert net(x).shape == (3, 128)
        assert torch.equal(net(x), again(x))
        assert not torch.equal(net(x), other(x))
    assert sum(p.numel() for p in net.parameters()) < 2_000_000


class _NoAttributes(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 5, 3)

    def forward(self, x):
        return self.conv(x)  # 4-D output: flattened


class _WithEmbed(nn.Module):
    input_size = 12
    n_features = 7

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 7)

    def embed(self, x):
        return self.fc(x.mean(dim=(2, 3)))

    def forward(self, x):  # never called by the backbone wrapper
        raise AssertionError("forward should not be used when embed exists")


def test_user_modules():
    net = load_backbone(_NoAttributes(), input_size=10)
    assert net.n_features == 5 * 8 * 8 and net.name == "_NoAttributes"
    assert net(torch.zeros(2, 3, 10, 10)).shape == (2, 320)
    module = _WithEmbed()
    net = load_backbone(module)
    assert net.model is module and (net.input_size, net.n_features) == (12, 7)
    assert net(torch.zeros(4, 3, 12, 12)).shape == (4, 7)


@pytest.mark.parametrize(
    "backbone, kwargs, match",
    [
        ("resnet50", {}, "backbone must be one of"),
        (_NoAttributes(), {}, "input_size"),
        ("vgg16", {"input_size": 16}, "at least 32x32"),
    ],
)
def test_load_backbone_errors(backbone, kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_backbone(backbone, **kwargs)


def test_color_stats_histogram():
    from skgenre.vision import preprocess_images

    red = np.zeros((16, 16, 3), np.uint8)
    red[..., 0] = 255
    stats = ColorStats(bins=4, thumbnail=2, gradient_bins=3)
    features = stats(preprocess_images([red], 16))
    assert features.shape == (1, stats.n_features) == (1, 64 + 12 + 3)
    hist = features[0, :64]
    assert hist[3 * 16].item() == pytest.approx(1.0)  # all pixels in the (3, 0, 0) bin
    assert hist.sum().item() == pytest.approx(1.0)
    thumb = features[0, 64:76].reshape(3, 2, 2)
    np.testing.assert_allclose(thumb[:, 0, 0].numpy(), [1, 0, 0], atol=1e-5)
    assert features[0, 76].item() == pytest.approx(1.0)  # flat image: no gradient
