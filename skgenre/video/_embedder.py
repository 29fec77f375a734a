"""TrailerEmbedder: frozen-backbone features of sampled frames, pooled into one vector."""

import itertools
import numbers
import os

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..utils._device import PortableBackboneMixin
from ..utils._sklearn import fit_context
from ..vision._backbones import BACKBONE_NAMES
from ._frames import (
    TrailerReadError,
    _load_npy,
    check_trailers,
    map_trailers,
    read_trailer,
    sampling,
)

__all__ = ["TrailerEmbedder"]


def _as_features(array, source):
    """A 2-D (n_frames, d) array of per-frame features, or None when it holds frames."""
    array = np.asarray(array)
    if array.ndim == 4:
        return None
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise TrailerReadError(
            f"{source} must hold per-frame features (n_frames, n_features) or frames "
            f"(n_frames, height, width, 3); got shape {array.shape}."
        )
    if not np.issubdtype(array.dtype, np.number):
        raise TrailerReadError(f"{source} holds {array.dtype} values, not numbers.")
    return array


def _pool(total, total_sq, count, pooling):
    mean = total / count
    if pooling == "mean":
        return mean.astype(np.float32)
    std = np.sqrt(np.maximum(total_sq / count - mean ** 2, 0.0))
    return np.concatenate([mean, std]).astype(np.float32)


def _embed_trailer(trailer, *, fingerprint, n_frames, every, size, pooling, batch_size,
                   backbone):
    """Pooled backbone features of one trailer (``fingerprint`` keys the cache)."""
    import torch

    from ..vision._images import normalize_uint8

    source = "The trailer array" if isinstance(trailer, np.ndarray) else str(trailer)
    features = None
    if isinstance(trailer, np.ndarray):
        features = _as_features(trailer, source)
    elif source.lower().endswith(".npy") and os.path.isfile(source):
        trailer = np.asarray(_load_npy(source))
        features = _as_features(trailer, f"Trailer array {source}")
    if features is not None:
        # Precomputed per-frame features (MovieScope's 200 x 4096): pooled as they are.
        features = np.asarray(features, dtype=np.float64)
        return _pool(features.sum(axis=0), (features ** 2).sum(axis=0), len(features),
                     pooling)
    if backbone is None:
        raise TrailerReadError(
            f"Trailer {source} holds frames, but backbone=None only reads per-frame "
            "feature arrays."
        )
    frames = read_trailer(trailer, n_frames=n_frames, every=every, size=size)
    tensors = itertools.chain(backbone.parameters(), backbone.buffers())
    device = next(tensors, torch.empty(0)).device
    total = total_sq = 0.0
    with torch.inference_mode():
        for start in range(0, len(frames), batch_size):
            chunk = np.ascontiguousarray(frames[start:start + batch_size].transpose(0, 3, 1, 2))
            out = backbone(normalize_uint8(torch.from_numpy(chunk).to(device)))
            out = out.to(torch.float64)
            total = total + out.sum(dim=0)
            if pooling != "mean":
                total_sq = total_sq + (out ** 2).sum(dim=0)
    total = total.cpu().numpy()
    total_sq = total_sq.cpu().numpy() if torch.is_tensor(total_sq) else total_sq
    return _pool(total, total_sq, len(frames), pooling)


class TrailerEmbedder(
    PortableBackboneMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator
):
    """Frozen-backbone features of a trailer's sampled frames, pooled into one vector.

    Each trailer's frames are sampled (:class:`FrameSampler`'s rules) at the backbone's
    input size, run through a frozen backbone from :func:`skgenre.vision.load_backbone`
    (its penultimate features) and averaged over the frames: MovieScope's 200 frames x
    4096 VGG-16 fc7 features -> one 4096 vector, the input of
    :class:`skgenre.nn.GenreMLP`. A ``.npy`` file (or array) of per-frame features
    (n_frames, n_features), as MovieScope distributes, is pooled directly.

    Parameters
    ----------
    backbone : {"color", "small", "vgg16", "efficientnet_lite0"}, torch.nn.Module or None, \
            default="color"
        The frozen network (see :func:`skgenre.vision.load_backbone`): ``"color"``
        colour histogram, thumbnail and gradient histogram with no weights (416
        features at 64x64; the best here, where no pretrained weights exist);
        ``"small"`` a small CNN (256 features at 64x64); ``"vgg16"`` the study's (4096
        fc7 features at 224x224; about 0.4 s per frame on a CPU core, so only with real
        ImageNet ``weights`` and a GPU or patience). ``None`` reads only per-frame
        feature arrays.
    weights : str, path-like or None, default=None
        Checkpoint of the backbone (e.g. torchvision's ``vgg16-397923af.pth``), or
        ``"imagenet"`` for the packaged weights of ``"efficientnet_lite0"``. Without
        it the backbone keeps its random initialisation, seeded by ``random_state``.
    input_size : int or None, default=None
        Frame side fed to the backbone; ``None`` uses the backbone's own (224, 64, 64).
    n_frames : int or None, default=16
        Frames sampled evenly per trailer (MovieScope: 200). A shorter trailer's frames
        are repeated evenly (see :func:`sample_indices`).
    every : int or None, default=None
        Instead, one frame in ``every`` (overrides ``n_frames`` when set).
    pooling : {"mean", "mean_std"}, default="mean"
        ``"mean"`` averages the frames' features (the study); ``"mean_std"`` appends
        their standard deviation over the frames (how much the trailer changes:
        cuts, flicker, motion), doubling the output width.
    batch_size : int, default=64
        Frames per backbone forward pass.
    device : str, default="cpu"
    memory : None, str or joblib.Memory, default=None
        Per-trailer disk cache of the averaged vectors, keyed on the trailer's path, size
        and modification time, the backbone's weights (a fingerprint) and the sampling
        parameters: cross-validation and grid search never recompute a trailer.
    on_error : {"raise", "missing"}, default="raise"
        An unreadable trailer raises :class:`TrailerReadError` (``FileNotFoundError``
        for a missing file) naming the file; with ``"missing"`` it warns
        (:class:`TrailerReadWarning`) and its row is all zeros.
    n_jobs : int or None, default=None
        Trailers read at once, in threads (see :class:`FrameSampler`).
    random_state : int, RandomState instance or None, default=0
        Seed of the backbone's random initialisation (no effect with ``weights`` or
        ``"color"``). Fixed by default so that features are reproducible and cacheable.
    verbose : int, default=0
        ``> 0`` shows a progress bar over the trailers.

    Attributes
    ----------
    backbone_ : skgenre.vision.Backbone or None
    fingerprint_ : str
        Digest of the backbone's weights and the sampling parameters (the cache key).
    n_features_out_ : int or None
        Output width; ``None`` with ``backbone=None`` until the first transform.
    n_features_in_ : int
        Always 1 (one trailer per row).

    Examples
    --------
    >>> import numpy as np
    >>> from skgenre.video import TrailerEmbedder
    >>> features = [np.ones((200, 5)), np.zeros((120, 5))]  # per-frame features
    >>> TrailerEmbedder(backbone=None).fit_transform(features)
    array([[1., 1., 1., 1., 1.],
           [0., 0., 0., 0., 0.]], dtype=float32)
    """

    _parameter_constraints = {
        "backbone": [StrOptions(set(BACKBONE_NAMES)), HasMethods(["forward"]), None],
        "weights": [str, os.PathLike, dict, None],
        "input_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "n_frames": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "every": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "pooling": [StrOptions({"mean", "mean_std"})],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "device": [str],
        "memory": [None, str, os.PathLike, HasMethods(["cache"])],
        "on_error": [StrOptions({"raise", "missing"})],
        "n_jobs": [None, numbers.Integral],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(self, backbone="color", *, weights=None, input_size=None, n_frames=16,
                 every=None, pooling="mean", batch_size=64, device="cpu", memory=None,
                 on_error="raise", n_jobs=None, random_state=0, verbose=0):
        self.backbone = backbone
        self.weights = weights
        self.input_size = input_size
        self.n_frames = n_frames
        self.every = every
        self.pooling = pooling
        self.batch_size = batch_size
        self.device = device
        self.memory = memory
        self.on_error = on_error
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X=None, y=None):
        """Load the frozen backbone (nothing is learnt from ``X``).

        Parameters
        ----------
        X : array-like of shape (n_trailers,), default=None
            Ignored.
        y : None
            Ignored.

        Returns
        -------
        self : TrailerEmbedder
        """
        import hashlib

        self.n_features_in_ = 1
        if self.backbone is None:
            self.backbone_ = None
            self.n_features_out_ = None
            self.fingerprint_ = "features-only"
            return self
        from ..vision import load_backbone
        from ..vision._backbones import state_fingerprint

        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        self.backbone_ = load_backbone(
            self.backbone, weights=self.weights, input_size=self.input_size,
            device=self.device, random_state=seed,
        )
        for parameter in self.backbone_.parameters():
            parameter.requires_grad_(False)
        width = self.backbone_.n_features
        self.n_features_out_ = 2 * width if self.pooling == "mean_std" else width
        digest = hashlib.blake2b(digest_size=16)
        digest.update(state_fingerprint(self.backbone_.model).encode())
        digest.update(f"input_size={self.backbone_.input_size}".encode())
        self.fingerprint_ = digest.hexdigest()
        return self

    @property
    def _n_features_out(self):
        return self.n_features_out_

    def transform(self, X):
        """Frame-averaged features of each trailer.

        Parameters
        ----------
        X : array-like of shape (n_trailers,)
            Video files, frame folders, ``.npy`` files of frames or of per-frame features,
            or such arrays.

        Returns
        -------
        features : ndarray of shape (n_trailers, n_features_out_), dtype float32
        """
        check_is_fitted(self, "fingerprint_")
        trailers = check_trailers(X)
        size = None if self.backbone_ is None else self.backbone_.input_size
        n_frames, every = sampling(self.n_frames, self.every)
        rows = map_trailers(
            _embed_trailer, trailers, memory=self.memory, on_error=self.on_error,
            verbose=self.verbose, n_jobs=self.n_jobs, desc="Embedding trailers",
            skipped="Treated as no trailer (a row of zeros).", ignore=("backbone", "batch_size"),
            fingerprint=self.fingerprint_, n_frames=n_frames, every=every, size=size,
            pooling=self.pooling, batch_size=self.batch_size, backbone=self.backbone_,
        )
        widths = {len(r) for r in rows if r is not None}
        if self.n_features_out_ is not None:
            widths.add(self.n_features_out_)
        if len(widths) > 1:
            raise ValueError(
                f"Trailer features differ in width {sorted(widths)}: per-frame feature arrays "
                f"must match each other and the backbone ({self.n_features_out_} features)."
            )
        width = widths.pop() if widths else 0
        if self.n_features_out_ is None and width:
            self.n_features_out_ = width
        out = np.zeros((len(rows), width), dtype=np.float32)
        for i, row in enumerate(rows):
            if row is not None:
                out[i] = row
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.one_d_array = True
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
