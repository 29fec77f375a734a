"""FrameSampler: the transformer that samples and resizes frames from trailers."""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from ..utils._cache import memory_constraint
from ..utils._mixins import ItemInputMixin
from ..utils._on_error import on_error_constraint
from ..utils._sklearn_compat import Interval, fit_context
from ._frames import check_trailers, sample_trailers
from ._sampling import check_size

__all__ = ["FrameSampler"]


class FrameSampler(ItemInputMixin, TransformerMixin, BaseEstimator):
    """Sample and resize frames from trailers, with a per-trailer disk cache.

    Parameters
    ----------
    n_frames : int or None, default=200
        Frames kept, spread evenly over each trailer (MovieScope's 200). A shorter
        trailer is padded by repeating its frames evenly (nearest-frame resampling), so
        every trailer yields exactly ``n_frames`` frames; it is never dropped.
    every : int or None, default=None
        Instead of ``n_frames``, keep one frame in ``every`` (the 3D-CNN study's 100); the
        number of frames then varies with the trailer's length (at least one). When
        set, it overrides ``n_frames``; with both ``None`` every frame is kept.
    size : int, (height, width) or None, default=(64, 64)
        Output frame size; ``None`` keeps the native size.
    memory : None, str or joblib.Memory, default=None
        Disk cache of each trailer's frames, keyed on its path, size and modification
        time and on ``n_frames``, ``every`` and ``size``: cross-validation folds and grid
        search never decode a trailer twice.
    on_error : {"raise", "missing"}, default="raise"
        An unreadable, empty, corrupt or truncated trailer raises
        :class:`TrailerReadError` (``FileNotFoundError`` for a missing file) naming the
        file; with ``"missing"`` it warns (:class:`TrailerReadWarning`) and its entry in
        the output is ``None``: the movie has no trailer.
    verbose : int, default=0
        ``> 0`` shows a progress bar over the trailers.
    n_jobs : int or None, default=None
        Trailers decoded at once, in threads (PyAV decodes without holding the GIL).
        ``None`` means 1 unless in a :func:`joblib.parallel_config` context; ``-1`` uses
        every core. FFmpeg's own frame threading is not used (``benchmarks/trailer.py``:
        slower on every size measured on two cores).

    Notes
    -----
    Inputs: video files (anything FFmpeg decodes), folders of frame images (natural name
    order), ``.npy`` files of (n_frames, height, width, 3) frames, or such arrays.
    Videos are decoded once, sequentially, up to the last wanted frame, skipping the
    unwanted frames nothing else references (B-frames); only the wanted frames are
    converted and resized (by FFmpeg's scaler, area interpolation).

    Examples
    --------
    >>> import numpy as np
    >>> from skgenre.video import FrameSampler
    >>> trailer = np.zeros((30, 32, 32, 3), dtype=np.uint8)
    >>> frames = FrameSampler(n_frames=8, size=16).fit_transform([trailer])
    >>> frames[0].shape
    (8, 16, 16, 3)
    """

    _parameter_constraints = {
        "n_frames": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "every": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "size": [Interval(numbers.Integral, 1, None, closed="left"), tuple, list, None],
        "memory": memory_constraint(),
        "on_error": [on_error_constraint(deprecated=False)],
        "verbose": ["verbose"],
        "n_jobs": [None, numbers.Integral],
    }

    def __init__(self, n_frames=200, *, every=None, size=(64, 64), memory=None,
                 on_error="raise", verbose=0, n_jobs=None):
        self.n_frames = n_frames
        self.every = every
        self.size = size
        self.memory = memory
        self.on_error = on_error
        self.verbose = verbose
        self.n_jobs = n_jobs

    def _check_params(self):
        check_size(self.size)

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters; sampling is stateless.

        Parameters
        ----------
        X : array-like of shape (n_trailers,)
            Trailer paths or frame arrays (not read here).
        y : None
            Ignored.

        Returns
        -------
        self : FrameSampler
        """
        self._check_params()
        self.n_features_in_ = 1
        return self

    def transform(self, X):
        """Sampled frames of each trailer.

        Parameters
        ----------
        X : array-like of shape (n_trailers,)
            Video files, frame folders, ``.npy`` files of frames, or frame arrays.

        Returns
        -------
        frames : ndarray of shape (n_trailers,), dtype object
            Each entry an (n_kept, height, width, 3) uint8 array, or ``None`` for a
            trailer skipped under ``on_error="missing"``. With ``n_frames`` set and no
            skipped trailer, ``np.stack(list(frames))`` gives one 5-D array.
        """
        self._check_params()
        trailers = check_trailers(X)
        frames = sample_trailers(
            trailers, n_frames=self.n_frames, every=self.every, size=self.size,
            memory=self.memory, on_error=self.on_error, verbose=self.verbose,
            n_jobs=self.n_jobs,
        )
        out = np.empty(len(frames), dtype=object)
        for i, f in enumerate(frames):
            out[i] = f
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.one_d_array = True
        tags.requires_fit = False
        return tags
