"""Trailer3DCNN: a 3D CNN trained on slices of consecutive frames, aggregated per trailer."""

import numbers

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ..nn import BaseGenreNet
from ..utils._cache import memory_constraint
from ..utils._mixins import ItemInputMixin
from ..utils._sklearn_compat import Interval, StrOptions
from ._frames import _check_frames_array, _check_size, check_trailers, sample_trailers

__all__ = ["Conv3DModule", "Trailer3DCNN", "slice_trailer", "slice_trailers"]


def slice_trailer(frames, slice_length):
    """Cut a trailer's frames into equal slices of consecutive frames.

    Parameters
    ----------
    frames : ndarray of shape (n_frames, height, width, channels)
    slice_length : int
        Frames per slice. When it does not divide ``n_frames``, the last slice is
        completed with all-zero (black) frames; a trailer shorter than one slice gives
        one zero-padded slice.

    Returns
    -------
    slices : ndarray of shape (ceil(n_frames / slice_length), slice_length, height, width, channels)

    Examples
    --------
    >>> import numpy as np
    >>> from skgenre.video import slice_trailer
    >>> frames = np.arange(1, 8, dtype=np.uint8).reshape(7, 1, 1, 1)
    >>> slices = slice_trailer(frames, 3)
    >>> slices.shape
    (3, 3, 1, 1, 1)
    >>> slices[..., 0, 0, 0].tolist()
    [[1, 2, 3], [4, 5, 6], [7, 0, 0]]
    """
    frames = np.asarray(frames)
    if frames.ndim != 4 or len(frames) == 0:
        raise ValueError(
            f"frames must have shape (n_frames >= 1, height, width, channels); got {frames.shape}."
        )
    slice_length = int(slice_length)
    if slice_length < 1:
        raise ValueError(f"slice_length must be >= 1; got {slice_length}.")
    n_slices = -(-len(frames) // slice_length)
    padded = np.zeros((n_slices * slice_length,) + frames.shape[1:], dtype=frames.dtype)
    padded[: len(frames)] = frames
    return padded.reshape((n_slices, slice_length) + frames.shape[1:])


def slice_trailers(trailers, slice_length):
    """Slices of many trailers, stacked, with the index of the trailer each comes from.

    Parameters
    ----------
    trailers : sequence of ndarray of shape (n_frames_i, height, width, channels)
    slice_length : int

    Returns
    -------
    slices : ndarray of shape (n_slices, slice_length, height, width, channels)
    owner : ndarray of shape (n_slices,), dtype int64
        ``owner[j]`` is the position in ``trailers`` of slice ``j``'s trailer.
    """
    parts = [slice_trailer(frames, slice_length) for frames in trailers]
    if not parts:
        raise ValueError("No trailer to slice.")
    owner = np.repeat(np.arange(len(parts)), [len(p) for p in parts])
    return np.concatenate(parts), owner


class Conv3DModule(nn.Module):
    """Six 3D convolutions, then three dense layers, one logit per genre.

    Each convolution (3x3x3, padding 1) is followed by batch normalisation (optional),
    ReLU and a max-pool halving height and width (while they are at least 2); the 2nd,
    4th and 6th pools also halve time (while it is at least 2). Two hidden dense layers
    with ReLU and dropout and an output layer follow.

    Parameters
    ----------
    n_outputs : int
    slice_length : int
    frame_size : (height, width)
    channels : tuple of 6 int, default=(8, 8, 16, 16, 32, 32)
    hidden_layer_sizes : tuple of int, default=(128, 64)
    dropout : float, default=0.5
    batch_norm : bool, default=True

    Notes
    -----
    Input batches are uint8 (batch, slice_length, height, width, 3) slices, as stored;
    the module scales them to [-1, 1] and moves channels first.
    """

    def __init__(self, n_outputs, slice_length, frame_size, channels=(8, 8, 16, 16, 32, 32),
                 hidden_layer_sizes=(128, 64), dropout=0.5, batch_norm=True):
        super().__init__()
        layers, width = [], 3
        t, (h, w) = int(slice_length), frame_size
        for i, out in enumerate(channels):
            layers.append(nn.Conv3d(width, out, kernel_size=3, padding=1, bias=not batch_norm))
            if batch_norm:
                layers.append(nn.BatchNorm3d(out))
            layers.append(nn.ReLU(inplace=True))
            kt = 2 if i % 2 == 1 and t >= 2 else 1
            kh, kw = (2 if h >= 2 else 1), (2 if w >= 2 else 1)
            if (kt, kh, kw) != (1, 1, 1):
                layers.append(nn.MaxPool3d((kt, kh, kw)))
            t, h, w, width = t // kt, h // kh, w // kw, out
        self.features = nn.Sequential(*layers)
        dense, n_in = [], width * t * h * w
        for size in hidden_layer_sizes:
            dense += [nn.Linear(n_in, size), nn.ReLU(inplace=True)]
            if dropout:
                dense.append(nn.Dropout(dropout))
            n_in = size
        dense.append(nn.Linear(n_in, n_outputs))
        self.classifier = nn.Sequential(*dense)

    def forward(self, X):
        X = X.permute(0, 4, 1, 2, 3).to(torch.float32).div_(127.5).sub_(1.0)
        return self.classifier(torch.flatten(self.features(X), 1))


class Trailer3DCNN(ItemInputMixin, BaseGenreNet):
    """3D CNN over slices of consecutive frames; a trailer's genres aggregate its slices.

    Each trailer's sampled frames are cut into slices of ``slice_length`` consecutive
    frames (the last zero-padded, :func:`slice_trailer`); every slice is a training
    example labelled with its trailer's genres. The network (:class:`Conv3DModule`:
    six 3D convolutions, three dense layers, sigmoid outputs trained with BCE on
    logits, Adam) is a :class:`skgenre.nn.MultilabelNet`, trained by
    :class:`skgenre.nn.BaseGenreNet`. A trailer's probabilities are the mean (or max) of
    its slices'. A 1-D binary or multiclass ``y`` is taken as :class:`~skgenre.nn.GenreMLP`
    takes it.

    Parameters
    ----------
    slice_length : int, default=8
        Consecutive frames per slice.
    n_frames : int or None, default=32
        Frames sampled per trailer, spread evenly (see :class:`FrameSampler`).
    every : int or None, default=None
        Instead, keep one frame in ``every`` (overrides ``n_frames`` when set); the
        study keeps one in 100.
    frame_size : int or (height, width), default=(64, 64)
        Frame size when sampling from files. Pre-sampled frames are used at their size.
    channels : tuple of 6 int, default=(8, 8, 16, 16, 32, 32)
        Output channels of the six convolutions.
    hidden_layer_sizes : tuple of int, default=(128, 64)
        The two hidden dense layers (with the output layer: three dense layers).
    dropout : float, default=0.5
    batch_norm : bool, default=True
        Batch normalisation after each convolution.
    aggregate : {"mean", "max"}, default="mean"
        How slice probabilities combine into a trailer's.
    lr : float, default=1e-4
        Adam learning rate, the study's (1e-3 stopped early at a worse model on the
        synthetic benchmark).
    weight_decay : float, default=0.0
    batch_size : int, default=32
        Slices per mini-batch.
    max_epochs : int, default=30
    patience : int, default=5
        Epochs without a better validation loss before training stops.
    validation_fraction : float, default=0.1
        Share of the training trailers (all their slices) held out for early stopping,
        multilabel-stratified; ``0`` trains for ``max_epochs`` on everything.
    pos_weight : bool or array-like of shape (n_genres,), default=True
        ``True`` weighs each genre's positives by negatives/positives, ``False`` weighs
        all trailers alike, an array gives the (positive) weights.
    correct_pos_weight : bool, default=False
        Subtract ``log(pos_weight)`` from the logits in ``predict_proba`` (see
        :class:`~skgenre.nn.GenreMLP`).
    threshold : float, default=0.5
        Decision threshold of ``predict``.
    memory : None, str or joblib.Memory, default=None
        Per-trailer disk cache of sampled frames (see :class:`FrameSampler`).
    on_error : {"raise", "missing"}, default="raise"
        An unreadable trailer raises :class:`TrailerReadError` naming the file; with
        ``"missing"`` it warns, is left out of training, and is predicted with the
        training genre frequencies.
    n_jobs : int or None, default=None
        Trailers read at once, in threads (see :class:`FrameSampler`).
    device : str, default="cpu"
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, batch order and the validation split.
    verbose : int, default=0
        ``> 0`` shows a progress bar while sampling and skorch's epoch table.

    Attributes
    ----------
    net_ : MultilabelNet
    classes_ : list of ndarray or ndarray
    pos_weight_ : ndarray of shape (n_outputs,)
    frame_shape_ : tuple
        (height, width) of the frames trained on.
    n_slices_ : int
        Training slices (validation slices included).
    prior_ : ndarray of shape (n_outputs,)
        Training genre frequencies, the prediction for a trailer skipped as missing.
    n_epochs_ : int

    Notes
    -----
    The study samples one frame in 100 (``every=100``) and trains with Adam at a
    learning rate of 1e-4 (the default here too), with wider layers; the other defaults
    are sized for a CPU: 32 frames of 64x64 in four slices of 8, and 8 to 32 channels
    (about 40 to 70 training slices per second on one busy CPU core).
    Inputs: a 1-D array of trailers (video files, frame folders, ``.npy`` frames; sampled
    inside, cached with ``memory``) or pre-sampled frames (an object array of
    (n_frames, height, width, 3) uint8 arrays, e.g. :class:`FrameSampler`'s output, or a
    5-D array), used as they are.

    Examples
    --------
    >>> import numpy as np
    >>> from skgenre.video import Trailer3DCNN
    >>> rng = np.random.default_rng(0)
    >>> frames = rng.integers(0, 255, size=(12, 6, 16, 16, 3), dtype=np.uint8)
    >>> Y = np.array([[1, 0], [0, 1]] * 6)
    >>> model = Trailer3DCNN(slice_length=3, channels=(2,) * 6, hidden_layer_sizes=(4, 4),
    ...                      max_epochs=2, random_state=0).fit(frames, Y)
    >>> model.predict_proba(frames[:2]).shape
    (2, 2)
    """

    _parameter_constraints = {
        **BaseGenreNet._parameter_constraints,
        "slice_length": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_frames": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "every": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "frame_size": [Interval(numbers.Integral, 1, None, closed="left"), tuple, list],
        "channels": ["array-like"],
        "hidden_layer_sizes": ["array-like"],
        "batch_norm": ["boolean"],
        "aggregate": [StrOptions({"mean", "max"})],
        "memory": memory_constraint(),
        "on_error": [StrOptions({"raise", "missing"})],
        "n_jobs": [None, numbers.Integral],
    }
    _item_name = "trailers"

    def __init__(
        self,
        slice_length=8,
        *,
        n_frames=32,
        every=None,
        frame_size=(64, 64),
        channels=(8, 8, 16, 16, 32, 32),
        hidden_layer_sizes=(128, 64),
        dropout=0.5,
        batch_norm=True,
        aggregate="mean",
        lr=1e-4,
        weight_decay=0.0,
        batch_size=32,
        max_epochs=30,
        patience=5,
        validation_fraction=0.1,
        pos_weight=True,
        correct_pos_weight=False,
        threshold=0.5,
        memory=None,
        on_error="raise",
        n_jobs=None,
        device="cpu",
        random_state=None,
        verbose=0,
    ):
        self.slice_length = slice_length
        self.n_frames = n_frames
        self.every = every
        self.frame_size = frame_size
        self.channels = channels
        self.hidden_layer_sizes = hidden_layer_sizes
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.aggregate = aggregate
        self.lr = lr
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.pos_weight = pos_weight
        self.correct_pos_weight = correct_pos_weight
        self.threshold = threshold
        self.memory = memory
        self.on_error = on_error
        self.n_jobs = n_jobs
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ inputs

    def _frames(self, X):
        """Frames of each trailer (None for a skipped one)."""
        items = check_trailers(X)
        if all(isinstance(item, np.ndarray) for item in items):
            return [_check_frames_array(item, f"X[{i}]", on_error_applies=False)
                    for i, item in enumerate(items)]
        if any(isinstance(item, np.ndarray) for item in items):
            raise TypeError("X mixes trailer paths and frame arrays; give one kind.")
        return sample_trailers(
            items, n_frames=self.n_frames, every=self.every, size=_check_size(self.frame_size),
            memory=self.memory, on_error=self.on_error, verbose=self.verbose,
            n_jobs=self.n_jobs,
        )

    def _slices(self, frames, reset):
        present = np.array([f is not None for f in frames], dtype=bool)
        shapes = {f.shape[1:3] for f in frames if f is not None}
        if len(shapes) > 1:
            raise ValueError(f"Trailers' frames differ in size: {sorted(shapes)[:3]}.")
        if reset:
            if not shapes:
                raise ValueError("No readable trailer to train on.")
            self.frame_shape_ = shapes.pop()
        elif shapes and shapes.pop() != self.frame_shape_:
            raise ValueError(
                f"Frames are {frames[np.flatnonzero(present)[0]].shape[1:3]}, but the model "
                f"was fitted on {self.frame_shape_} frames."
            )
        if not present.any():
            return None, None, present
        slices, owner = slice_trailers([f for f in frames if f is not None], self.slice_length)
        return slices, np.flatnonzero(present)[owner], present

    # ------------------------------------------------------------------ fit / predict

    def _fit_examples(self, X, Y):
        """Sample (or take) each trailer's frames and slice them; skipped trailers own none."""
        _check_size(self.frame_size)
        if len(tuple(self.channels)) != 6:
            raise ValueError(f"channels must give 6 convolution widths; got {self.channels!r}.")
        frames = self._frames(X)
        self._check_n_rows(len(frames), Y)
        slices, owner, present = self._slices(frames, reset=True)
        self.prior_ = Y[present].mean(axis=0).astype(np.float64)
        self.n_slices_ = len(slices)
        return slices, owner

    def _make_module(self, n_outputs, seed):
        return Conv3DModule, {
            "module__n_outputs": n_outputs,
            "module__slice_length": self.slice_length,
            "module__frame_size": self.frame_shape_,
            "module__channels": tuple(int(c) for c in self.channels),
            "module__hidden_layer_sizes": tuple(int(h) for h in self.hidden_layer_sizes),
            "module__dropout": self.dropout,
            "module__batch_norm": self.batch_norm,
        }

    def _net_params(self, n_train):
        # batch norm cannot train on a last batch of one slice: drop that one
        return {"iterator_train__drop_last": bool(
            self.batch_norm and n_train > 1 and n_train % self.batch_size == 1
        )}

    def _predict_examples(self, X):
        slices, _, _ = self._slices(self._frames(X), reset=False)
        return slices

    def predict_slices(self, X):
        """Probabilities of each slice, with the trailer it comes from.

        Parameters
        ----------
        X : array-like of shape (n_trailers,)
            Trailer paths or pre-sampled frames (see :meth:`fit`).

        Returns
        -------
        proba : ndarray of shape (n_slices, n_genres)
        owner : ndarray of shape (n_slices,)
            Index in ``X`` of each slice's trailer.
        """
        check_is_fitted(self)
        slices, owner, _ = self._slices(self._frames(X), reset=False)
        if slices is None:
            return np.empty((0, len(self.prior_))), np.empty(0, dtype=np.int64)
        return self.net_.predict_proba(slices), owner

    def _predict_proba_multilabel(self, X):
        """Each genre's probability, aggregated over a trailer's slices.

        Trailers skipped under ``on_error="missing"`` get the training genre frequencies.
        """
        check_is_fitted(self)
        frames = self._frames(X)
        out = np.tile(self.prior_, (len(frames), 1))
        slices, owner, present = self._slices(frames, reset=False)
        if slices is None:
            return out
        proba = self.net_.predict_proba(slices)
        if self.aggregate == "mean":
            sums = np.zeros_like(out)
            np.add.at(sums, owner, proba)
            counts = np.bincount(owner, minlength=len(frames))
            out[present] = sums[present] / counts[present, None]
        else:
            agg = np.full_like(out, -np.inf)
            np.maximum.at(agg, owner, proba)
            out[present] = agg[present]
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.one_d_array = True
        tags.non_deterministic = False
        return tags
