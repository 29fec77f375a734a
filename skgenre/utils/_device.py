"""Devices of torch modules, and moving fitted ones so a GPU-fitted model predicts on a CPU.

torch is imported only when a module is given, so importing this module stays cheap.
"""

import copy
import itertools
import warnings

__all__ = ["PortableBackboneMixin", "module_device", "state_fingerprint"]


def module_device(module):
    """The device a torch module lives on: that of its first parameter, else first buffer.

    Parameters
    ----------
    module : torch.nn.Module

    Returns
    -------
    device : torch.device
        The CPU for a module holding no tensor (a parameter-free colour histogram).
    """
    import torch

    tensors = itertools.chain(module.parameters(), module.buffers())
    return next(tensors, torch.empty(0)).device


class PortableBackboneMixin:
    """Makes an estimator holding a torch ``backbone_`` load on a machine without its GPU.

    A backbone on CUDA is pickled as CPU tensors. On load it goes back to ``device`` when
    that device exists and stays on the CPU, with a ``UserWarning``, otherwise. torch is
    imported only when there is a backbone to move.
    """

    def __getstate__(self):
        state = super().__getstate__()
        backbone = state.get("backbone_")
        if hasattr(backbone, "parameters") and module_device(backbone).type != "cpu":
            state = dict(state)
            state["backbone_"] = copy.deepcopy(backbone).cpu()
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        backbone = getattr(self, "backbone_", None)
        device = str(getattr(self, "device", "cpu") or "cpu")
        if hasattr(backbone, "parameters") and device.startswith("cuda"):
            import torch

            if torch.cuda.is_available():
                self.backbone_ = backbone.to(device)
            else:
                warnings.warn(
                    f"{type(self).__name__} was fitted on {device}, which this machine does "
                    "not have; its backbone runs on the CPU.",
                    UserWarning,
                    stacklevel=2,
                )


def state_fingerprint(module):
    """A digest of a module's class and parameters/buffers, to key cached features."""
    import hashlib

    import numpy as np

    digest = hashlib.blake2b(digest_size=16)
    digest.update(type(module).__name__.encode())
    digest.update(repr(module).encode())
    for key, value in module.state_dict().items():
        digest.update(key.encode())
        array = value.detach().cpu().contiguous().numpy()
        digest.update(str(array.dtype).encode() + str(array.shape).encode())
        digest.update(np.ascontiguousarray(array).view(np.uint8).data)
    return digest.hexdigest()
