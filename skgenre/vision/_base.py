"""BaseFrozenEmbedder: what every frozen-backbone feature extractor shares.

:class:`~skgenre.vision.PosterEmbedder` (one vector per poster) and
:class:`~skgenre.video.TrailerEmbedder` (one vector per trailer, pooled over its
frames) build on it. It lives in ``vision`` because the backbones do
(:func:`~skgenre.vision.load_backbone`); its modality-free parts (the feature cache,
the progress bar, the device helpers, the ``on_error`` vocabulary) are in
:mod:`skgenre.utils`, which the frame readers of ``video`` use
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

from ..utils._cache import FeatureCache, cache_location, default_memory, memory_constraint
from ..utils._device import (
    arrays_to_tensors,
    available_device,
    module_device,
    tensors_to_arrays,
)
from ..utils._mixins import FrozenTransformerMixin, ItemInputMixin
from ..utils._on_error import _DEPRECATED, check_on_error, on_error_constraint
from ..utils._progress import progress
from ..utils._sklearn_compat import HasMethods, Interval, StrOptions
from ._backbones import BACKBONE_NAMES, WeightsError, load_backbone, state_fingerprint
from ._images import normalize_uint8

__all__ = ["BaseFrozenEmbedder"]


class BaseFrozenEmbedder(
    FrozenTransformerMixin, ItemInputMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin,
    BaseEstimator,
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
      keyed on each file's identity and the extractor's fingerprint; ``None`` (the
      default) is the user cache folder (:func:`~skgenre.utils.get_cache_home`),
      ``False`` no cache;
    - a subclass whose ``__init__`` takes ``backend`` runs the backbone in torch
      (``"torch"``) or exports it once to ONNX and runs it in ONNX Runtime on the CPU
      (``"onnx"``: several times faster for EfficientNet-Lite0, the same features to
      2e-5; the feature cache keys say which, so their entries never mix);
    - ``on_error`` is the one vocabulary of :data:`skgenre.utils.ON_ERROR`:
      ``"raise"`` or ``"missing"`` (``"zero"`` is a deprecated alias of ``"missing"``);
    - ``verbose > 0`` shows a progress bar (:func:`skgenre.utils.progress`);
    - the fitted embedder is plain data (``__getstate__``, used by pickle, ``copy`` and
      :func:`skgenre.save_model`): a named backbone with packaged or random weights is
      built again on load and checked against ``fingerprint_``; any other is stored as
      arrays. One fitted on a GPU loads on a CPU-only machine, with a warning.

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
        "memory": memory_constraint(),
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
        if self._backend() == "onnx" and str(self.device) != "cpu":
            raise ValueError(f"backend='onnx' runs on the CPU; for device={self.device!r} "
                             "use backend='torch'.")
        backbone = self.backbone
        if isinstance(backbone, torch.nn.Module):  # eval(), .to(device): not the user's
            backbone = copy.deepcopy(backbone)
        self._backbone_seed = self._seed()
        self.backbone_ = self._build_backbone(backbone, self.weights, self.input_size,
                                              self.device)
        self.fingerprint_ = self._fingerprint(self.backbone_)
        self.__dict__.pop("_onnx_session", None)
        self.n_features_in_ = 1
        return self.backbone_.n_features

    def _build_backbone(self, backbone, weights, input_size, device):
        backbone = load_backbone(backbone, weights=weights, input_size=input_size,
                                 device=device, random_state=self._backbone_seed)
        for parameter in backbone.parameters():
            parameter.requires_grad_(False)
        return backbone

    @staticmethod
    def _fingerprint(backbone):
        digest = hashlib.blake2b(digest_size=16)
        digest.update(state_fingerprint(backbone.model).encode())
        digest.update(f"input_size={backbone.input_size}".encode())
        return digest.hexdigest()

    def __getstate__(self):
        state = dict(super().__getstate__())
        state.pop("_onnx_session", None)  # rebuilt from the exported graph
        if isinstance(self.weights, dict):  # a state dict given as a parameter
            state["weights"] = tensors_to_arrays(self.weights)
        backbone = state.get("backbone_")
        if isinstance(backbone, torch.nn.Module):
            rebuilt = isinstance(self.backbone, str) and self.weights in (None, "imagenet")
            weights = None if rebuilt else tensors_to_arrays(backbone.model.state_dict())
            state["backbone_"] = {"input_size": backbone.input_size, "weights": weights}
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if isinstance(getattr(self, "weights", None), dict):
            self.weights = arrays_to_tensors(self.weights)
        saved = state.get("backbone_")
        if isinstance(saved, (torch.nn.Module, dict)):
            device = available_device(self.device, type(self).__name__)
            if isinstance(saved, dict):
                self._restore_backbone(saved, device)
            else:  # pickled by an earlier skgenre
                self.backbone_ = saved.to(device)

    def _restore_backbone(self, saved, device):
        """Build the backbone again: stored weights, or rebuilt ones checked by digest."""
        backbone = self.backbone
        if isinstance(backbone, torch.nn.Module):
            backbone = copy.deepcopy(backbone)
        weights = saved["weights"]
        self.backbone_ = self._build_backbone(
            backbone, self.weights if weights is None else None, saved["input_size"], "cpu"
        )
        if weights is not None:
            self.backbone_.model.load_state_dict(arrays_to_tensors(weights))
        elif self._fingerprint(self.backbone_) != self.fingerprint_:
            what = "the packaged ImageNet weights" if self.weights else "the random weights"
            raise WeightsError(
                f"{type(self).__name__} was fitted with {what} of {self.backbone!r}, whose "
                f"digest is {self.fingerprint_}; built here they give "
                f"{self._fingerprint(self.backbone_)} (another version of torch or of the "
                "weights' package). Install the versions it was fitted with, or fit it again."
            )
        self.backbone_ = self.backbone_.to(device)

    def _on_error(self):
        """``on_error`` in the one vocabulary (``"raise"`` or ``"missing"``)."""
        return _DEPRECATED.get(self.on_error, self.on_error)

    def _backend(self):
        return getattr(self, "backend", "torch")

    def _feature_cache(self, fingerprint):
        """The per-item cache of this extractor (the user cache folder by default).

        With ``backend="onnx"`` the runtime's versions join ``fingerprint`` (other
        kernels, other last bits): its entries never mix with torch's.
        """
        if self._backend() == "onnx":
            from ..utils._onnx import onnx_fingerprint

            fingerprint = f"{fingerprint}|{onnx_fingerprint()}"
        return FeatureCache(default_memory(self.memory), fingerprint)

    def _progress(self, total, desc):
        return progress(total=total, verbose=self.verbose, desc=desc, unit=self._unit)

    def _forward(self, pixels):
        """Backbone features of a ``(n, 3, S, S)`` uint8 batch (array or tensor).

        Returns
        -------
        features : torch.Tensor of shape (n, n_features), on the backbone's device
        """
        if self._backend() == "onnx":
            from ..utils._onnx import run_onnx_items

            batch = normalize_uint8(pixels).numpy()
            feeds = [{"images": batch[i:i + 4]} for i in range(0, len(batch), 4)]
            return torch.from_numpy(run_onnx_items(self._session(), feeds))
        with torch.inference_mode():
            batch = torch.as_tensor(pixels).to(module_device(self.backbone_))
            return self.backbone_(normalize_uint8(batch))

    def _session(self):
        """The ONNX Runtime session of ``backbone_`` (exported on first use, not pickled)."""
        session = getattr(self, "_onnx_session", None)
        if session is None:
            from ..utils._onnx import onnx_graph, onnx_session

            def build():
                model = copy.deepcopy(self.backbone_).cpu().eval()
                model = model.to(memory_format=torch.contiguous_format)
                size = self.backbone_.input_size
                return model, (torch.zeros(2, 3, size, size),)

            graph = onnx_graph("backbone", self.fingerprint_, build, input_names=["images"],
                               output_names=["features"],
                               dynamic_axes={"images": {0: "batch"}})
            session = self._onnx_session = onnx_session(graph, threads=1)
        return session

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.one_d_array = True
        return tags
