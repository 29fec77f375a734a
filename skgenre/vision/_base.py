"""BaseFrozenEmbedder: what every frozen-backbone feature extractor shares.

:class:`~skgenre.vision.PosterEmbedder` (one vector per poster) and
:class:`~skgenre.video.TrailerEmbedder` (one vector per trailer, pooled over its
frames) build on it. It lives in ``vision`` because the backbones do
(:func:`~skgenre.vision.load_backbone`); its modality-free parts (the feature cache,
the progress bar, the device helper and device-portable pickling, the ``on_error``
vocabulary) are in :mod:`skgenre.utils`, which the frame readers of ``video`` use
without torch.
"""

import copy
import hashlib
import numbers
import os

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils import check_random_state

from ..utils._cache import FeatureCache, cache_location
from ..utils._device import PortableBackboneMixin, module_device
from ..utils._mixins import FrozenTransformerMixin, ItemInputMixin
from ..utils._on_error import _DEPRECATED, check_on_error, on_error_constraint
from ..utils._progress import progress
from ..utils._sklearn_compat import HasMethods, Interval, StrOptions
from ._backbones import BACKBONE_NAMES, load_backbone, state_fingerprint
from ._images import normalize_uint8

__all__ = ["BaseFrozenEmbedder"]


class BaseFrozenEmbedder(
    FrozenTransformerMixin, ItemInputMixin, PortableBackboneMixin,
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator,
):
    """Base class of the transformers that run a frozen CNN over media files.

    It owns the parameters every such embedder takes (``backbone``, ``weights``,
    ``input_size``, ``batch_size``, ``device``, ``memory``, ``on_error``,
    ``random_state``, ``verbose``) and what they mean:

    - ``fit`` builds the backbone with :func:`load_backbone` (a module is deep-copied,
      a built-in network's random initialisation is seeded by ``random_state``,
      default 0, so that features are reproducible and cacheable), freezes it and
      records ``fingerprint_``, a digest of all its weights and its input size;
    - ``memory`` is the folder of the per-item :class:`~skgenre.utils.FeatureCache`,
      keyed on each file's identity and the extractor's fingerprint;
    - ``on_error`` is the one vocabulary of :data:`skgenre.utils.ON_ERROR`:
      ``"raise"`` or ``"missing"`` (``"zero"`` is a deprecated alias of ``"missing"``);
    - ``verbose > 0`` shows a progress bar (:func:`skgenre.utils.progress`);
    - a model fitted on a GPU unpickles on a CPU-only machine
      (:class:`~skgenre.utils.PortableBackboneMixin`).

    Subclasses declare ``__init__`` with these parameters and their own (its body is
    one ``self.<name> = <name>`` line per parameter), add their own to ``_parameter_constraints``, may
    override ``_fit_width`` (what ``fit`` builds; :meth:`_fit_backbone` by default) and
    call :meth:`_forward` on uint8 image batches.
    """

    _parameter_constraints = {
        "backbone": [StrOptions(set(BACKBONE_NAMES)), HasMethods(["forward"])],
        "weights": [str, os.PathLike, dict, None],
        "input_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "device": [str, torch.device],
        "memory": [None, str, os.PathLike, HasMethods(["cache"])],
        "on_error": [on_error_constraint()],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    #: What one item is called in the progress bar.
    _unit = "item"

    def _fit_width(self):
        """Build what ``transform`` runs; return the width of its features."""
        return self._fit_backbone()

    def _seed(self):
        """The torch seed of the backbone's random initialisation (an int)."""
        if isinstance(self.random_state, numbers.Integral):
            return int(self.random_state)
        return int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))

    def _fit_backbone(self):
        """Build the frozen ``backbone_`` and set ``fingerprint_`` and ``n_features_in_``.

        Returns
        -------
        width : int
            Features per image (``backbone_.n_features``).
        """
        # a former spelling warns, pointing at the user's fit (through fit_context)
        check_on_error(self.on_error, type(self).__name__, stacklevel=5)
        cache_location(self.memory)  # a wrong type fails in fit, not at transform
        backbone = self.backbone
        if isinstance(backbone, torch.nn.Module):  # eval(), .to(device): not the user's
            backbone = copy.deepcopy(backbone)
        self.backbone_ = load_backbone(
            backbone, weights=self.weights, input_size=self.input_size,
            device=self.device, random_state=self._seed(),
        )
        for parameter in self.backbone_.parameters():
            parameter.requires_grad_(False)
        digest = hashlib.blake2b(digest_size=16)
        digest.update(state_fingerprint(self.backbone_.model).encode())
        digest.update(f"input_size={self.backbone_.input_size}".encode())
        self.fingerprint_ = digest.hexdigest()
        self.n_features_in_ = 1
        return self.backbone_.n_features

    def _on_error(self):
        """``on_error`` in the one vocabulary (``"raise"`` or ``"missing"``)."""
        return _DEPRECATED.get(self.on_error, self.on_error)

    def _feature_cache(self, fingerprint):
        """The per-item cache of this extractor (disabled without ``memory``)."""
        return FeatureCache(self.memory, fingerprint)

    def _progress(self, total, desc):
        return progress(total=total, verbose=self.verbose, desc=desc, unit=self._unit)

    def _forward(self, pixels):
        """Backbone features of a ``(n, 3, S, S)`` uint8 batch (array or tensor).

        Returns
        -------
        features : torch.Tensor of shape (n, n_features), on the backbone's device
        """
        with torch.inference_mode():
            batch = torch.as_tensor(pixels).to(module_device(self.backbone_))
            return self.backbone_(normalize_uint8(batch))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.one_d_array = True
        return tags
