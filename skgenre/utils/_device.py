"""Torch devices, and torch state as numpy arrays for the estimators' ``__getstate__``.

torch is imported only when a tensor or device is handled, so importing this module
stays cheap.
"""

import itertools
import warnings

__all__ = ["arrays_to_tensors", "available_device", "module_device", "state_fingerprint",
           "tensors_to_arrays"]


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


def available_device(device, owner, category=UserWarning):
    """``device`` when this machine has it, else ``"cpu"`` with a warning naming ``owner``.

    What an estimator fitted on a GPU does when it is loaded on a machine without one.
    """
    import torch

    if device is None:  # skorch: leave the tensors where they are
        return device
    kind = torch.device(str(device)).type
    if kind == "cpu" or kind == "cuda" and torch.cuda.is_available() or (
        kind == "mps" and torch.backends.mps.is_available()
    ):
        return device
    warnings.warn(f"{owner} was fitted on {device}, which this machine does not have; it "
                  "runs on the CPU.", category, stacklevel=3)
    return "cpu"


def tensors_to_arrays(obj):
    """``obj`` with every torch tensor in it (through dicts, lists and tuples) as a numpy
    array on the CPU: what a ``state_dict`` becomes in an estimator's ``__getstate__``."""
    if hasattr(obj, "detach") and hasattr(obj, "numpy"):
        return obj.detach().cpu().numpy()
    if isinstance(obj, dict):
        return {k: tensors_to_arrays(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(tensors_to_arrays(v) for v in obj)
    return obj


def arrays_to_tensors(obj, device="cpu"):
    """The inverse of :func:`tensors_to_arrays`: each numpy array as a tensor (a copy) on
    ``device``."""
    import numpy as np
    import torch

    if isinstance(obj, np.ndarray):  # torch.tensor(obj) would copy item by item
        return torch.from_numpy(obj.copy()).to(device)
    if isinstance(obj, dict):
        return {k: arrays_to_tensors(v, device) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(arrays_to_tensors(v, device) for v in obj)
    return obj


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
