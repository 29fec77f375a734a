"""TrailerEmbedder: frozen-backbone features of sampled frames, pooled into one vector."""

import numbers
import os
import warnings

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ..utils._on_error import report_unreadable
from ..utils._sklearn_compat import HasMethods, Interval, StrOptions
from ..utils._cache import default_memory
from ..vision import BACKBONE_NAMES, BaseFrozenEmbedder
from ._features import FEATURES_KIND, _as_features, _path, _pool, _pool_rows, _width_error
from ._features import _source as _array_source
from ._frames import check_trailers, load_npy, map_trailers, read_trailer
from ._sampling import TrailerReadError, TrailerReadWarning, sampling

__all__ = ["TrailerEmbedder"]


def _source(trailer):
    return "The trailer array" if isinstance(trailer, np.ndarray) else str(trailer)


def _embed_trailer(trailer, *, fingerprint, n_frames, every, size, pooling, embedder):
    """Pooled backbone features of one trailer (``fingerprint`` keys the cache).

    ``embedder`` is the fitted :class:`TrailerEmbedder` (left out of the cache key:
    ``fingerprint`` identifies its backbone).
    """
    import torch

    source = _source(trailer)
    original = trailer
    features = None
    if isinstance(trailer, np.ndarray):
        features = _as_features(trailer, source)
    elif source.lower().endswith(".npy") and os.path.isfile(source):
        trailer = np.asarray(load_npy(source))
        features = _as_features(trailer, f"Trailer array {source}", source)
    if features is not None:
        # Precomputed per-frame features (MovieScope's 200 x 4096): pooled as they are.
        width = embedder.n_features_out_
        if width is not None and pooling == "mean_std":
            width //= 2
        if width is not None and features.shape[1] != width:
            backbone = embedder.backbone
            backbone = repr(backbone) if isinstance(backbone, str) else type(backbone).__name__
            raise TrailerReadError(
                _path(original), f"holds features of width {features.shape[1]}, but the {backbone} backbone "
                f"makes {width} per frame: precomputed features of another width are read "
                f"by make_trailer_model({FEATURES_KIND!r}) (TrailerFeatures), which "
                "MovieGenreStacker picks by default when every trailer is a feature array",
                subject=_array_source(original))
        return _pool_rows(features, pooling)
    if embedder.backbone_ is None:
        raise TrailerReadError(
            None if isinstance(original, np.ndarray) else source,
            "holds frames, but backbone=None only reads per-frame feature arrays",
            subject=f"Trailer {source}")
    frames = read_trailer(trailer, n_frames=n_frames, every=every, size=size)
    total = total_sq = 0.0
    batch_size = embedder.batch_size
    for start in range(0, len(frames), batch_size):
        chunk = np.ascontiguousarray(frames[start:start + batch_size].transpose(0, 3, 1, 2))
        with torch.inference_mode():
            out = embedder._forward(torch.from_numpy(chunk)).to(torch.float64)
            total = total + out.sum(dim=0)
            if pooling != "mean":
                total_sq = total_sq + (out ** 2).sum(dim=0)
    total = total.cpu().numpy()
    total_sq = total_sq.cpu().numpy() if torch.is_tensor(total_sq) else total_sq
    return _pool(total, total_sq, len(frames), pooling)


class TrailerEmbedder(BaseFrozenEmbedder):
    """Frozen-backbone features of a trailer's sampled frames, pooled into one vector.

    Each trailer's frames are sampled (:class:`FrameSampler`'s rules) at the backbone's
    input size, run through a frozen backbone from :func:`skgenre.vision.load_backbone`
    (its penultimate features) and averaged over the frames: MovieScope's 200 frames x
    4096 VGG-16 fc7 features -> one 4096 vector, the input of
    :class:`skgenre.nn.GenreMLP`. A ``.npy`` file (or array) of per-frame features
    (n_frames, n_features), as MovieScope distributes, is pooled directly. The
    frozen-backbone machinery is :class:`skgenre.vision.BaseFrozenEmbedder`'s.

    Parameters
    ----------
    backbone : {"color", "small", "vgg16", "efficientnet_lite0"}, torch.nn.Module or None, \
            default="color"
        The frozen network (see :func:`skgenre.vision.load_backbone`): ``"color"``
        colour histogram, thumbnail and gradient histogram with no weights (416
        features at 64x64; the best here, where no pretrained weights exist);
        ``"small"`` a small CNN (256 features at 64x64); ``"vgg16"`` the study's (4096
        fc7 features at 224x224; about 0.4 s per frame on a CPU core, so only with real
        ImageNet ``weights`` and a GPU or patience). A module is deep-copied in ``fit``.
        ``None`` reads only per-frame feature arrays.
    weights : str, path-like, dict or None, default=None
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
    memory : None, False, str or joblib.Memory, default=None
        Per-trailer disk cache of the averaged vectors (:class:`~skgenre.utils.FeatureCache`;
        ``None``: the user cache folder, :func:`skgenre.utils.get_cache_home`; ``False``: none),
        keyed on the trailer's path, size and modification time, the backbone's weights
        (a fingerprint) and the sampling parameters: cross-validation and grid search
        never recompute a trailer.
    on_error : {"raise", "missing"}, default="raise"
        An unreadable trailer (empty, corrupt or truncated video; a feature file holding
        NaN or of another width than the others) raises :class:`TrailerReadError`
        (``FileNotFoundError`` for a missing file) naming the file; with ``"missing"``
        it warns (:class:`TrailerReadWarning`) and its row is all zeros. ``"zero"`` is a
        deprecated alias of ``"missing"`` (see :data:`skgenre.utils.ON_ERROR`).
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
        Digest of the backbone's weights and input size (with the sampling parameters,
        the cache key).
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
        **BaseFrozenEmbedder._parameter_constraints,
        "backbone": [StrOptions(set(BACKBONE_NAMES)), HasMethods(["forward"]), None],
        "n_frames": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "every": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "pooling": [StrOptions({"mean", "mean_std"})],
        "n_jobs": [None, numbers.Integral],
    }
    _unit = "trailer"

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

    def _fit_width(self):
        if self.backbone is None:  # per-frame features read as they are: nothing to build
            self.n_features_in_ = 1
            self.backbone_ = None
            self.fingerprint_ = "features-only"
            return None
        width = self._fit_backbone()
        return 2 * width if self.pooling == "mean_std" else width

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
        on_error = self._on_error()
        skipped = "Treated as no trailer (a row of zeros)."
        rows = map_trailers(
            _embed_trailer, trailers, memory=default_memory(self.memory), on_error=on_error,
            verbose=self.verbose, n_jobs=self.n_jobs, desc="Embedding trailers",
            skipped=skipped, ignore=("embedder",),
            shape=(self.n_features_out_,), dtype=np.float32,
            fingerprint=self.fingerprint_, n_frames=n_frames, every=every, size=size,
            pooling=self.pooling, embedder=self,
        )
        width = self.n_features_out_
        if width is None:  # backbone=None: the width of the first trailer read
            width = next((len(r) for r in rows if r is not None), 0)
        for i, row in enumerate(rows):  # feature arrays of another width than the first
            if row is not None and len(row) != width:
                error = _width_error(trailers[i], len(row), width)
                if on_error == "raise":
                    raise error
                report_unreadable([trailers[i]])
                warnings.warn(f"{error.problem} {skipped}", TrailerReadWarning, stacklevel=2)
                rows[i] = None
        if self.n_features_out_ is None and width:
            self.n_features_out_ = width
        out = np.zeros((len(rows), width), dtype=np.float32)
        for i, row in enumerate(rows):
            if row is not None:
                out[i] = row
        return out
