"""Precomputed trailer features: per-trailer or per-frame arrays of any width, pooled.

Published trailer datasets release features, not videos: MMTF-14K one (1, 207) row per
trailer (107 aesthetic visual features and a 100-dimensional audio i-vector), MovieScope
(200, 4096) VGG-16 features per trailer, one row per sampled frame. A trailer given as
such an array (a ``.npy`` file or an in-memory 2-D array) is read by
:class:`TrailerFeatures`, which pools its rows (mean, and their standard deviation) into
one vector whose width it learns at fit.

:func:`check_trailer_column` says whether a whole trailer column holds feature arrays or
frame inputs (video files, frame folders, arrays of frames) from the arrays' headers
alone, and refuses a column that mixes them or whose arrays differ in width; the trailer
modality's default model is chosen on its answer (:func:`default_trailer_kind`). Imports
neither PyAV nor torch.
"""

import numbers
import os
import warnings

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..utils import is_missing
from ..utils._cache import cache_location, memory_constraint
from ..utils._mixins import ItemInputMixin
from ..utils._on_error import (
    _DEPRECATED,
    check_on_error,
    on_error_constraint,
    report_unreadable,
)
from ..utils._sklearn_compat import StrOptions, fit_context
from ._frames import check_trailers, load_npy, map_trailers
from ._sampling import TrailerReadError, TrailerReadWarning

__all__ = ["TrailerFeatures", "check_trailer_column", "default_trailer_kind"]

#: The kind of :func:`~skgenre.video.make_trailer_model` the trailer modality's default
#: stands for when every trailer of the table is a feature array.
FEATURES_KIND = "features_logreg"

_SKIPPED = "Treated as no trailer (a row of zeros)."


def _source(trailer):
    return "The trailer array" if isinstance(trailer, np.ndarray) else f"Trailer array {trailer}"


def _name(trailer):
    """A short name of a trailer cell for messages: its path, or an array's shape."""
    if isinstance(trailer, np.ndarray):
        return f"an in-memory array of shape {trailer.shape}"
    return str(trailer)


def _path(trailer):
    """The file a trailer cell names, or ``None`` for an in-memory array."""
    return None if isinstance(trailer, np.ndarray) else os.fspath(trailer)


def _check_layout(shape, dtype, source, path=None, *, on_error_applies=True):
    """``"features"`` for a 2-D numeric array, ``"frames"`` for 4-D; else a clear error.

    ``on_error_applies=False`` where the array is checked outside any reader (the
    column check that picks the default kind): the error then gives no ``on_error``
    advice.
    """
    def error(reason):
        return TrailerReadError(path, reason, subject=source,
                                on_error_applies=on_error_applies)

    if dtype.hasobject:
        raise error("holds Python objects (dtype object), not numbers; save a numeric "
                    "array, e.g. np.save(path, features.astype(np.float32))")
    if len(shape) == 4:
        return "frames"
    if len(shape) != 2 or shape[0] == 0 or shape[1] == 0:
        what = "is empty" if 0 in shape else f"is {len(shape)}-D"
        raise error(
            f"{what} (shape {tuple(shape)}); it must hold per-frame features (n_frames, "
            "n_features), one row per trailer (e.g. MMTF's (1, 207)) or per frame (e.g. "
            "MovieScope's (200, 4096)), or frames (n_frames, height, width, 3)"
            + ("; save a single vector x as x[None]" if len(shape) == 1 else "")
        )
    if not (np.issubdtype(dtype, np.number) or np.issubdtype(dtype, np.bool_)):
        raise error(f"holds {dtype} values, not numbers")
    return "features"


def _as_features(array, source, path=None):
    """A 2-D (n_rows, d) array of finite features, or None when it holds frames."""
    array = np.asarray(array)
    if _check_layout(array.shape, array.dtype, source, path) == "frames":
        return None
    if not np.isfinite(array).all():
        n_bad = int(np.size(array) - np.isfinite(array).sum())
        raise TrailerReadError(
            path, f"holds {n_bad} NaN or infinite per-frame feature value(s)", subject=source)
    return array


def _width_error(trailer, width, expected):
    return TrailerReadError(
        _path(trailer), f"holds features of width {width}, but the others have {expected}: "
        f"trailer features differ in width {sorted({width, expected})}",
        subject=_source(trailer))


def _pool(total, total_sq, count, pooling):
    mean = total / count
    if pooling == "mean":
        return mean.astype(np.float32)
    std = np.sqrt(np.maximum(total_sq / count - mean ** 2, 0.0))
    return np.concatenate([mean, std]).astype(np.float32)


def _pool_rows(features, pooling):
    """Mean (and standard deviation) over the rows of a (n_rows, d) feature array."""
    features = np.asarray(features, dtype=np.float64)
    return _pool(features.sum(axis=0), (features ** 2).sum(axis=0), len(features), pooling)


def _npy_layout(path, *, on_error_applies=True):
    """``(shape, dtype)`` of a ``.npy`` file, from its header (the data is not read)."""
    try:
        with open(path, "rb") as handle:
            version = np.lib.format.read_magic(handle)
            read = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                    else np.lib.format.read_array_header_2_0)
            shape, _, dtype = read(handle)
    except (OSError, ValueError) as exc:
        raise TrailerReadError(path, f"is not a readable .npy file ({exc})",
                               subject=_source(path),
                               on_error_applies=on_error_applies) from exc
    return shape, dtype


def _describe(trailer):
    """``("features", width)`` or ``("frames", None)`` for one trailer cell.

    Checked outside any reader (``on_error`` cannot skip it), so errors give no
    ``on_error`` advice.
    """
    if isinstance(trailer, np.ndarray):
        kind = _check_layout(trailer.shape, trailer.dtype, _source(trailer),
                             on_error_applies=False)
        return kind, trailer.shape[1] if kind == "features" else None
    path = os.fspath(trailer)
    if path.lower().endswith(".npy") and os.path.isfile(path):
        shape, dtype = _npy_layout(path, on_error_applies=False)
        kind = _check_layout(shape, dtype, _source(path), path, on_error_applies=False)
        return kind, shape[1] if kind == "features" else None
    return "frames", None  # a video file or a folder of frame images


def check_trailer_column(trailers):
    """Whether a trailer column holds feature arrays or frame inputs, checked throughout.

    Reads only the headers of ``.npy`` files. Missing cells (None, NaN, empty strings)
    are skipped.

    Parameters
    ----------
    trailers : array-like of shape (n_movies,)
        Video files, frame folders, ``.npy`` files or arrays (2-D features, 4-D frames).

    Returns
    -------
    kind : {"features", "frames"} or None
        ``None`` when no movie has a trailer.
    width : int or None
        Features per row of every array (``kind="features"``), else ``None``.

    Raises
    ------
    TrailerReadError
        If the column mixes feature arrays and frame inputs, if its feature arrays differ
        in width (each message names an example of each), or if an array is neither
        features nor frames (1-D, 3-D, empty, of Python objects).

    Examples
    --------
    >>> import numpy as np
    >>> from skgenre.video import check_trailer_column
    >>> check_trailer_column([np.ones((1, 207)), None, np.zeros((200, 207))])
    ('features', 207)
    """
    values = [t for t, gone in zip(trailers, is_missing(trailers)) if not gone]
    first = {}  # (kind, width) -> the first trailer of that kind and width
    for trailer in values:
        first.setdefault(_describe(trailer), trailer)
    kinds = {kind for kind, _ in first}
    if not kinds:
        return None, None
    if len(kinds) > 1:
        features = next(t for (k, _), t in first.items() if k == "features")
        frames = first["frames", None]
        raise TrailerReadError(
            None, f"mixes feature arrays ({_name(features)}) and frame inputs "
            f"({_name(frames)}): one model reads one or the other. Give every trailer in "
            "the same form (all feature arrays from one extractor, or all videos / frame "
            "folders), or leave the cell of a trailer you cannot convert empty",
            subject="The trailer column", on_error_applies=False)
    if len(first) > 1:
        (w1, t1), (w2, t2) = [(w, t) for (_, w), t in first.items()][:2]
        raise TrailerReadError(
            None, f"differ in width: {_name(t1)} has {w1} features per row, {_name(t2)} "
            f"has {w2}. Every trailer's features must come from the same extractor; "
            "re-extract the odd ones or leave their cells empty",
            subject="Trailer feature arrays", on_error_applies=False)
    (kind, width), = first
    return kind, width


def default_trailer_kind(trailers):
    """The kind of trailer model that ``"default"`` stands for on this trailer column.

    Feature arrays (``.npy`` files or 2-D arrays, any width) get ``"features_logreg"``,
    frame inputs (videos, frame folders, frame arrays) the frame model of
    ``make_trailer_model("default")``. The column is checked throughout
    (:func:`check_trailer_column`).

    Parameters
    ----------
    trailers : array-like of shape (n_movies,)

    Returns
    -------
    kind : str
    """
    kind, _ = check_trailer_column(trailers)
    return FEATURES_KIND if kind == "features" else "default"


def _pooled_features(trailer, *, pooling):
    """One trailer's feature array pooled over its rows (the per-trailer cache's entry)."""
    source, path = _source(trailer), _path(trailer)
    if path is not None:
        if not os.path.exists(path):
            raise FileNotFoundError(f"Trailer file not found: {path}")
        if not (path.lower().endswith(".npy") and os.path.isfile(path)):
            raise TrailerReadError(
                path, "is a video or a frame folder; TrailerFeatures reads feature arrays "
                "(.npy files or 2-D arrays). Read frames with the default frame model "
                "(make_trailer_model('frame_stats_mlp'))", subject=f"Trailer {path}")
        _check_layout(*_npy_layout(path), source, path)  # Python objects: refused unread
        trailer = load_npy(path)
    features = _as_features(trailer, source, path)
    if features is None:
        raise TrailerReadError(
            path, "holds frames (n_frames, height, width, 3), not features; read frames "
            "with the default frame model (make_trailer_model('frame_stats_mlp'))",
            subject=source)
    return _pool_rows(features, pooling)


class TrailerFeatures(ItemInputMixin, TransformerMixin, BaseEstimator):
    """Precomputed trailer features of any width, pooled over their rows.

    Each trailer is a 2-D array (n_rows, n_features), in a ``.npy`` file or in memory:
    one row per trailer (MMTF-14K: (1, 207), 107 visual and 100 audio features) or one
    per frame (MovieScope: (200, 4096) VGG-16 fc7 features). Its rows are averaged and,
    with ``pooling="mean_std"``, their standard deviation appended (how much the
    trailer changes from frame to frame; zeros for a one-row array, which a following
    :class:`~sklearn.preprocessing.StandardScaler` leaves at zero). The width is learnt
    at fit: every trailer must have it. No network runs, so nothing depends on torch.

    Parameters
    ----------
    pooling : {"mean_std", "mean"}, default="mean_std"
        ``"mean"`` keeps only the rows' average.
    memory : None, False, str, path-like or joblib.Memory, default=None
        Per-trailer disk cache of the pooled vectors (:class:`~skgenre.utils.FeatureCache`,
        keyed on the file's path, size and modification time), worth it for large
        per-frame arrays; in-memory arrays are not cached. ``None`` and ``False``: no
        cache (pooling is cheap, so unlike the frozen networks' embedders it does not
        use the user cache folder by default).
    on_error : {"raise", "missing"}, default="raise"
        A file that cannot be read, holds NaN, is not a 2-D feature array or has another
        width raises :class:`TrailerReadError` naming it (``FileNotFoundError`` for a
        missing file); with ``"missing"`` it warns (:class:`TrailerReadWarning`) and its
        row is all zeros.
    n_jobs : int or None, default=None
        Files read at once, in threads.
    verbose : int, default=0
        ``> 0`` shows a progress bar over the trailers.

    Attributes
    ----------
    feature_width_ : int
        Features per row of the trailers' arrays.
    n_features_out_ : int
        Output width: ``feature_width_``, doubled with ``pooling="mean_std"``.
    n_features_in_ : int
        Always 1 (one trailer per row).

    See Also
    --------
    TrailerEmbedder : features of a frozen network over the frames of videos.
    check_trailer_column : whether a column holds feature arrays or frames.

    Examples
    --------
    >>> import numpy as np
    >>> from skgenre.video import TrailerFeatures
    >>> trailers = [np.array([[1., 2.], [3., 2.]]), np.array([[0., 5.]])]  # 2 and 1 rows
    >>> TrailerFeatures().fit_transform(trailers)
    array([[2., 2., 1., 0.],
           [0., 5., 0., 0.]], dtype=float32)
    """

    _parameter_constraints = {
        "pooling": [StrOptions({"mean", "mean_std"})],
        "memory": memory_constraint(),
        "on_error": [on_error_constraint()],
        "n_jobs": [None, numbers.Integral],
        "verbose": ["verbose"],
    }

    def __init__(self, *, pooling="mean_std", memory=None, on_error="raise", n_jobs=None,
                 verbose=0):
        self.pooling = pooling
        self.memory = memory
        self.on_error = on_error
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _read(self, trailers):
        """Pooled rows of each trailer (``None`` for one skipped under ``"missing"``)."""
        return map_trailers(
            _pooled_features, trailers, memory=self.memory,
            on_error=_DEPRECATED.get(self.on_error, self.on_error), verbose=self.verbose,
            n_jobs=self.n_jobs, desc="Reading trailer features", skipped=_SKIPPED,
            shape=(None,), dtype=np.float32, pooling=self.pooling,
        )

    def _stack(self, trailers, rows, width):
        """The (n, width) output; rows of another width raise or are zeros."""
        out = np.zeros((len(rows), width), dtype=np.float32)
        for i, row in enumerate(rows):
            if row is None:
                continue
            if len(row) != width:
                factor = 2 if self.pooling == "mean_std" else 1
                error = _width_error(trailers[i], len(row) // factor, width // factor)
                if self.on_error == "raise":
                    raise error
                report_unreadable([trailers[i]])
                # the problem without its advice: on_error="missing" is what is set
                warnings.warn(f"{error.problem} {_SKIPPED}", TrailerReadWarning,
                              stacklevel=3)
                continue
            out[i] = row
        return out

    @fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Learn the features' width and return the pooled features of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_trailers,)
            ``.npy`` files or 2-D arrays of per-trailer or per-frame features.
        y : ignored

        Returns
        -------
        features : ndarray of shape (n_trailers, n_features_out_), dtype float32
        """
        check_on_error(self.on_error, type(self).__name__, stacklevel=4)
        cache_location(self.memory)  # a wrong type fails in fit, not at transform
        trailers = check_trailers(X)
        rows = self._read(trailers)
        width = next((len(r) for r in rows if r is not None), None)
        if width is None:
            raise TrailerReadError(
                None, "could be read: nothing to learn the features' width from",
                subject=f"None of the {len(trailers)} trailers", on_error_applies=False)
        out = self._stack(trailers, rows, width)
        self.n_features_in_ = 1
        self.n_features_out_ = width
        self.feature_width_ = width // 2 if self.pooling == "mean_std" else width
        return out

    def fit(self, X, y=None):
        """Learn the features' width (every trailer is read and checked).

        Parameters
        ----------
        X : array-like of shape (n_trailers,)
        y : ignored

        Returns
        -------
        self : TrailerFeatures
        """
        self.fit_transform(X)
        return self

    def transform(self, X):
        """Pooled features of each trailer.

        Parameters
        ----------
        X : array-like of shape (n_trailers,)

        Returns
        -------
        features : ndarray of shape (n_trailers, n_features_out_), dtype float32
        """
        check_is_fitted(self, "n_features_out_")
        trailers = check_trailers(X)
        return self._stack(trailers, self._read(trailers), self.n_features_out_)

    def get_feature_names_out(self, input_features=None):
        """``mean0 .. mean<d-1>`` then, with ``"mean_std"``, ``std0 .. std<d-1>``."""
        check_is_fitted(self, "n_features_out_")
        stats = ("mean", "std") if self.pooling == "mean_std" else ("mean",)
        return np.asarray([f"{s}{i}" for s in stats for i in range(self.feature_width_)],
                          dtype=object)
