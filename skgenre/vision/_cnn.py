"""PosterCNN: a CNN trained end to end on posters (from scratch or fine-tuning a backbone)."""

import copy
import numbers
import os
import warnings

import torch
from torch import nn

from ..nn import BaseGenreNet
from ..utils._mixins import ItemInputMixin
from ..utils._on_error import check_on_error, on_error_constraint, report_unreadable
from ..utils._sklearn_compat import Interval, StrOptions
from ._backbones import BACKBONE_NAMES, load_backbone
from ._embedder import PosterLoadWarning, check_images
from ._images import load_images_uint8, normalize_uint8

__all__ = ["PosterCNN", "PosterNetModule", "build_poster_module"]


def _parameterised_layers(backbone, input_size, device="cpu"):
    """Leaf modules with parameters, in the order one forward pass calls them."""
    order, hooks = [], []
    for module in backbone.modules():
        if not list(module.children()) and any(True for _ in module.parameters(recurse=False)):
            hooks.append(module.register_forward_hook(
                lambda m, *_: order.append(m) if m not in order else None
            ))
    try:
        was_training = backbone.training
        backbone.eval()
        with torch.no_grad():
            backbone(torch.zeros(2, 3, input_size, input_size, device=device))
        backbone.train(was_training)
    finally:
        for hook in hooks:
            hook.remove()
    return order


class PosterNetModule(nn.Module):
    """Backbone + dropout + linear genre layer on uint8 images, with light augmentation.

    Takes ``(batch, 3, S, S)`` uint8 pixels, normalises them, and in training mode
    (when ``augment``) flips each image horizontally with probability 1/2 and shifts it
    by up to ``S // 16`` pixels (replicate padding, random crop). Frozen backbone
    layers stay in eval mode (batch-norm statistics unchanged) during training.

    Parameters
    ----------
    backbone : Backbone
    n_outputs : int
    dropout : float, default=0.5
    augment : bool, default=True
    frozen : list of torch.nn.Module or "all", default=None
        Backbone layers whose parameters are not trained; ``"all"`` freezes the whole
        backbone (which then always runs in eval mode, dropout included).
    """

    def __init__(self, backbone, n_outputs, dropout=0.5, augment=True, frozen=None):
        super().__init__()
        self.backbone = backbone
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(backbone.n_features, n_outputs))
        self.augment = augment
        self._frozen_all = isinstance(frozen, str) and frozen == "all"
        self._frozen = [backbone] if self._frozen_all else list(frozen or [])
        for layer in self._frozen:
            for parameter in layer.parameters():
                parameter.requires_grad_(False)

    def train(self, mode=True):
        super().train(mode)
        for layer in self._frozen:  # frozen layers keep their batch-norm statistics
            layer.eval()
        return self

    def _augment(self, x):
        n, _, h, w = x.shape
        flip = torch.rand(n, device=x.device) < 0.5
        x = torch.where(flip.view(n, 1, 1, 1), x.flip(3), x)
        pad = max(h // 16, 1)
        padded = nn.functional.pad(x, (pad, pad, pad, pad), mode="replicate")
        dy = torch.randint(0, 2 * pad + 1, (n,), device=x.device)
        dx = torch.randint(0, 2 * pad + 1, (n,), device=x.device)
        rows = (dy.view(n, 1) + torch.arange(h, device=x.device).view(1, h))
        cols = (dx.view(n, 1) + torch.arange(w, device=x.device).view(1, w))
        batch = torch.arange(n, device=x.device).view(n, 1, 1, 1)
        channel = torch.arange(x.shape[1], device=x.device).view(1, -1, 1, 1)
        return padded[batch, channel, rows.view(n, 1, h, 1), cols.view(n, 1, 1, w)]

    def forward(self, X):
        x = normalize_uint8(X) if X.dtype == torch.uint8 else X.float()
        if self.training and self.augment:
            x = self._augment(x)
        return self.head(self.backbone(x))


def build_poster_module(backbone, n_outputs, *, weights=None, input_size=None,
                        trainable_layers="all", dropout=0.5, augment=True, random_state=None):
    """A :class:`PosterNetModule` from plain parameters, on the CPU.

    What :class:`PosterCNN` gives its skorch net as ``module``, so that the net is
    rebuilt from its parameters when a fitted model is loaded.

    Parameters
    ----------
    backbone, weights, input_size, trainable_layers, dropout, augment
        As for :class:`PosterCNN` (a module is deep-copied).
    n_outputs : int
    random_state : int or None, default=None
        Seed of the backbone's random initialisation.

    Returns
    -------
    module : PosterNetModule
    """
    if isinstance(backbone, nn.Module):
        backbone = copy.deepcopy(backbone)
    backbone = load_backbone(backbone, weights=weights, input_size=input_size,
                             random_state=random_state)
    layers = _parameterised_layers(backbone, backbone.input_size)
    used = {id(p) for layer in layers for p in layer.parameters()}
    for parameter in backbone.parameters():  # e.g. SmallCNN.classifier: never called
        if id(parameter) not in used:
            parameter.requires_grad_(False)
    frozen = []
    if trainable_layers != "all":
        n_train = min(int(trainable_layers), len(layers))
        frozen = "all" if n_train == 0 else layers[:len(layers) - n_train]
    return PosterNetModule(backbone, n_outputs, dropout=dropout, augment=augment, frozen=frozen)


class PosterCNN(ItemInputMixin, BaseGenreNet):
    """A CNN trained end to end on poster images with skorch (a :class:`MultilabelNet`).

    By default the small CNN of :func:`load_backbone` is trained from scratch on 64x64
    posters; ``backbone="vgg16"`` with ``weights=<torchvision checkpoint>`` and
    ``trainable_layers=2`` fine-tunes fc6 and fc7 of a pretrained VGG-16 (slow on a
    CPU). The loss is the study's BCE with per-genre positive weight
    negatives/positives, Adam, and early stopping on a multilabel-stratified
    validation split (the training of :class:`~skgenre.nn.BaseGenreNet`; a 1-D binary
    or multiclass ``y`` is taken as :class:`~skgenre.nn.GenreMLP` takes it). All posters are decoded once per ``fit``/``predict_proba``
    and kept in memory as uint8 (``n * 3 * S * S`` bytes, 47 MB for 3,853 posters
    at 64x64).

    Parameters
    ----------
    backbone : {"small", "vgg16", "efficientnet_lite0", "color"} or torch.nn.Module, \
            default="small"
        See :func:`load_backbone`. A module is deep-copied in ``fit``.
    weights : str or path-like, default=None
        Checkpoint of the backbone (its own state-dict format), or ``"imagenet"`` for
        the packaged ImageNet weights of ``"efficientnet_lite0"``.
    input_size : int, default=None
        Square input side; default the backbone's (64 for "small", 224 for "vgg16").
    trainable_layers : "all" or int, default="all"
        ``"all"`` trains every layer; an integer ``n`` trains only the backbone's last
        ``n`` layers that have parameters (in the order of a forward pass; a conv and
        its batch norm count as two) plus the genre layer, freezing the rest.
    augment : bool, default=True
        Random horizontal flips and shifts of up to 1/16 of the side while training.
    dropout : float, default=0.5
        Dropout before the genre layer.
    lr : float, default=1e-3
    weight_decay : float, default=1e-4
    batch_size : int, default=64
    max_epochs : int, default=30
    patience : int, default=5
    validation_fraction : float, default=0.1
        ``0`` disables early stopping.
    pos_weight : bool or array-like of shape (n_genres,), default=True
        ``True`` weighs each genre's positives by negatives/positives, ``False`` weighs
        all posters alike, an array gives the (positive) weights.
    correct_pos_weight : bool, default=False
        Subtract ``log(pos_weight)`` from the logits in ``predict_proba`` (see
        :class:`~skgenre.nn.GenreMLP`).
    threshold : float, default=0.5
    on_error : {"raise", "missing"}, default="raise"
        A missing or corrupt image raises :class:`ImageLoadError` naming it, or, with
        ``"missing"``, becomes a black image and a :class:`PosterLoadWarning` names it.
        ``"zero"``, the former name of ``"missing"``, still works with a
        ``FutureWarning`` (see :data:`skgenre.utils.ON_ERROR`).
    device : str, default="cpu"
    random_state : int, RandomState instance or None, default=None
    verbose : int, default=0
        ``> 0`` prints skorch's epoch table.

    Attributes
    ----------
    net_ : MultilabelNet
    classes_ : list of ndarray or ndarray
    pos_weight_ : ndarray of shape (n_outputs,)
    input_size_ : int
    n_epochs_ : int
    n_trainable_parameters_ : int

    See Also
    --------
    PosterEmbedder : frozen features for an MLP head instead.

    Examples
    --------
    >>> import numpy as np
    >>> from skgenre.vision import PosterCNN
    >>> rng = np.random.default_rng(0)
    >>> posters = rng.integers(0, 256, size=(20, 16, 16, 3), dtype=np.uint8)
    >>> Y = np.tile([[1, 0], [0, 1]], (10, 1))
    >>> cnn = PosterCNN(input_size=16, max_epochs=2, random_state=0).fit(posters, Y)
    >>> cnn.predict_proba(posters[:3]).shape
    (3, 2)
    """

    _parameter_constraints = {
        **BaseGenreNet._parameter_constraints,
        "backbone": [StrOptions(set(BACKBONE_NAMES)), nn.Module],
        "weights": [str, os.PathLike, None],
        "input_size": [Interval(numbers.Integral, 8, None, closed="left"), None],
        "trainable_layers": [StrOptions({"all"}), Interval(numbers.Integral, 0, None,
                                                           closed="left")],
        "augment": ["boolean"],
        "on_error": [on_error_constraint()],
    }
    _item_name = "posters"

    def __init__(
        self,
        backbone="small",
        *,
        weights=None,
        input_size=None,
        trainable_layers="all",
        augment=True,
        dropout=0.5,
        lr=1e-3,
        weight_decay=1e-4,
        batch_size=64,
        max_epochs=30,
        patience=5,
        validation_fraction=0.1,
        pos_weight=True,
        correct_pos_weight=False,
        threshold=0.5,
        on_error="raise",
        device="cpu",
        random_state=None,
        verbose=0,
    ):
        self.backbone = backbone
        self.weights = weights
        self.input_size = input_size
        self.trainable_layers = trainable_layers
        self.augment = augment
        self.dropout = dropout
        self.lr = lr
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.pos_weight = pos_weight
        self.correct_pos_weight = correct_pos_weight
        self.threshold = threshold
        self.on_error = on_error
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _fit_examples(self, X, Y):
        # a former spelling warns, pointing at the user's fit (through fit_context)
        check_on_error(self.on_error, type(self).__name__, stacklevel=5)
        items = check_images(X)
        self._check_n_rows(len(items), Y)
        return items, None

    def _make_module(self, n_outputs, seed):
        params = {"backbone": self.backbone, "n_outputs": n_outputs, "weights": self.weights,
                  "input_size": self.input_size, "trainable_layers": self.trainable_layers,
                  "dropout": self.dropout, "augment": self.augment, "random_state": seed}
        module = build_poster_module(**params)  # built again by the net, from params
        self.input_size_ = module.backbone.input_size
        self.n_trainable_parameters_ = sum(
            p.numel() for p in module.parameters() if p.requires_grad
        )
        return build_poster_module, {f"module__{k}": v for k, v in params.items()}

    def _encode(self, items):
        on_error = "raise" if self.on_error == "raise" else "missing"
        pixels, failed = load_images_uint8(items, self.input_size_, on_error=on_error)
        if failed.any():
            report_unreadable([items[i] for i in failed.nonzero()[0]])
            names = [str(items[i]) for i in failed.nonzero()[0][:5]]
            warnings.warn(
                f"{int(failed.sum())} poster(s) could not be read and are black images "
                f"(on_error='missing'): {', '.join(names)}"
                + (" ..." if failed.sum() > 5 else ""),
                PosterLoadWarning, stacklevel=3,
            )
        return pixels

    def _predict_examples(self, X):
        return self._encode(check_images(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags
