"""Rebuilding a model from a skgenre model file: classes checked, torch state restored.

The loading half of :mod:`skgenre._persistence` (which holds the public functions and
the placeholders); kept apart so that each module does one job.
"""

import importlib
import json
import warnings
from collections import defaultdict

import numpy as np

from ._persistence import (
    _ATOMS,
    TRUSTED_PACKAGES,
    UntrustedModelError,
    _class_path,
    _JSON_NUMPY_DTYPES,
    _NUMPY_TAG,
    _JsonData,
    _StringTable,
    _is_net,
    _TorchObject,
    _TorchOptimizer,
    _TorchTensor,
    _TorchValue,
)


def _import_class(name, *, any_package=False):
    """The class named ``name`` if it is one under a trusted package, else None."""
    module, _, qualname = name.rpartition(".")
    trusted_package = any_package or module.split(".")[0] in TRUSTED_PACKAGES
    if not module or not trusted_package or "<" in qualname:
        return None
    try:
        obj = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        return None
    if not isinstance(obj, type) or _class_path(obj) != name:
        return None
    return obj


def _safe_class(name, *, rebuilt):
    """Whether skgenre trusts the class ``name``.

    ``rebuilt``: the class comes from a placeholder, which this module rebuilds with
    ``__new__`` and the attributes; otherwise skops builds it and calls its
    ``__setstate__``, which must then be a known one (skorch's unpickles bytes).
    """
    cls = _import_class(name)
    if cls is None:
        return False
    if cls.__module__.split(".")[0] == "torch" and not issubclass(cls, _torch_bases()):
        return False
    if rebuilt:
        return True
    setstate = getattr(cls, "__setstate__", None)
    if setstate is None:
        return True
    if _is_net(cls):  # skorch's __setstate__ unpickles bytes
        return False
    from sklearn.base import BaseEstimator

    # Modules and optimizers restore their __dict__; torch classes are limited to
    # _torch_bases above.
    owner = (getattr(setstate, "__module__", None) or "").split(".")[0]
    return setstate is BaseEstimator.__setstate__ or owner in ("skgenre", "sklearn", "torch")


def _torch_bases():
    """The torch classes a model may name: modules, optimizers, schedulers, data loading."""
    import torch

    return (torch.nn.Module, torch.optim.Optimizer, torch.optim.lr_scheduler.LRScheduler,
            torch.utils.data.Dataset, torch.utils.data.DataLoader)


class _Restorer:
    """Replaces the placeholders of a loaded graph by the torch objects they stand for."""

    def __init__(self, trusted):
        self.trusted = set(trusted)
        self.memo = {}

    @staticmethod
    def classes(obj):
        """The class paths the placeholders name (checked before anything is built)."""
        found, seen, stack = set(), set(), [obj]
        while stack:
            item = stack.pop()
            if item is None or isinstance(item, _ATOMS) or id(item) in seen:
                continue
            seen.add(id(item))
            if isinstance(item, (_TorchObject, _TorchOptimizer)) or (
                isinstance(item, _JsonData) and item.cls not in ("list", "dict")
            ):
                found.add(item.cls if isinstance(item.cls, str) else repr(item.cls))
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, (list, tuple, set, frozenset)):
                stack.extend(item)
            elif hasattr(item, "__dict__"):
                stack.extend(vars(item).values())
        return found

    def _class(self, name):
        if not isinstance(name, str):
            raise UntrustedModelError(f"damaged model file: a class path is {type(name)}")
        if name not in self.trusted and not _safe_class(name, rebuilt=True):
            raise UntrustedModelError(f"untrusted class {name}")
        cls = _import_class(name, any_package=True)
        if cls is None:
            raise UntrustedModelError(f"{name} is not an importable class")
        return cls

    def __call__(self, obj):
        if obj is None or isinstance(obj, _ATOMS):
            return obj
        key = id(obj)
        if key in self.memo:
            return self.memo[key]
        if isinstance(obj, _TorchTensor):
            new = self.memo[key] = self._tensor(obj)
            return new
        if isinstance(obj, _TorchValue):
            new = self.memo[key] = self._value(obj)
            return new
        if isinstance(obj, _TorchOptimizer):
            new = self.memo[key] = self._optimizer(obj)
            return new
        if isinstance(obj, _StringTable):
            new = self.memo[key] = _unpack_strings(obj)
            return new
        if isinstance(obj, _JsonData):
            new = self.memo[key] = self._json_data(obj)
            return new
        if isinstance(obj, _TorchObject):
            cls = self._class(obj.cls)
            new = self.memo[key] = cls.__new__(cls)
            state = self(obj.state)
            if not isinstance(state, dict):
                raise UntrustedModelError(f"damaged model file: the state of {obj.cls}")
            self._set_state(new, state, obj.cls)
            return new
        self.memo[key] = obj
        if isinstance(obj, dict):
            for k, v in list(obj.items()):
                new = self(v)
                if new is not v:
                    obj[k] = new
            return obj
        if isinstance(obj, list):
            obj[:] = [self(v) for v in obj]
            return obj
        if isinstance(obj, tuple):
            items = [self(v) for v in obj]
            if all(a is b for a, b in zip(items, obj)):
                return obj
            new = type(obj)(*items) if hasattr(obj, "_fields") else type(obj)(items)
            self.memo[key] = new
            return new
        if hasattr(obj, "__dict__"):
            for k, v in list(vars(obj).items()):
                new = self(v)
                if new is not v:
                    obj.__dict__[k] = new
        return obj

    def _set_state(self, obj, state, name):
        import torch

        if _is_net(obj):  # what skorch's __setstate__ does, without its unpickling
            device = state.get("device")
            if device is not None and not _device_available(device):
                from skorch.exceptions import DeviceWarning

                warnings.warn(
                    f"{type(obj).__name__} was saved on {device}, which this machine does not "
                    "have; it runs on the CPU.", DeviceWarning, stacklevel=4,
                )
                state["device"] = "cpu"
            obj.__dict__.update(state)
        elif isinstance(obj, torch.nn.Module):
            torch.nn.Module.__setstate__(obj, state)
        elif hasattr(obj, "__setstate__") and (
            name in self.trusted or _safe_class(name, rebuilt=False)
        ):
            obj.__setstate__(state)  # e.g. scikit-learn's version check
        else:
            obj.__dict__.update(state)

    def _json_data(self, p):
        if not isinstance(getattr(p, "text", None), str):
            raise UntrustedModelError("damaged model file: a JSON data placeholder")
        data = json.loads(p.text, object_hook=_json_object)
        base = {"list": list, "dict": dict}.get(p.cls)
        if base is not None:
            if not isinstance(data, base):
                raise UntrustedModelError("damaged model file: a JSON data placeholder")
            return data
        cls = self._class(p.cls)
        if not issubclass(cls, (list, dict)) or not isinstance(data, (list, dict)):
            raise UntrustedModelError(f"damaged model file: {p.cls} as JSON data")
        new = cls.__new__(cls)  # as unpickling a list or dict subclass does
        (list.extend if isinstance(data, list) else dict.update)(new, data)
        return new

    def _tensor(self, p):
        import torch

        array, dtype = getattr(p, "array", None), getattr(torch, str(getattr(p, "dtype", "")), None)
        if not isinstance(array, np.ndarray) or array.dtype == object or not isinstance(
            dtype, torch.dtype
        ):
            raise UntrustedModelError("damaged model file: a tensor placeholder")
        tensor = torch.from_numpy(np.array(array, copy=True))
        tensor = tensor.view(dtype) if p.view else tensor.to(dtype)
        device = str(p.device)
        if device != "cpu" and _device_available(device):
            tensor = tensor.to(device)
        if p.parameter:
            return torch.nn.Parameter(tensor, requires_grad=bool(p.requires_grad))
        return tensor.requires_grad_(True) if p.requires_grad else tensor

    def _value(self, p):
        import torch

        if p.kind == "device":
            return torch.device(str(p.name))
        dtype = getattr(torch, str(p.name), None)
        if p.kind != "dtype" or not isinstance(dtype, torch.dtype):
            raise UntrustedModelError("damaged model file: a torch value placeholder")
        return dtype

    def _optimizer(self, p):
        cls = self._class(p.cls)
        params = [[self(t) for t in group] for group in p.params]
        state_dict = self(p.state_dict)
        groups = [
            {**{k: v for k, v in hyper.items() if k != "params"}, "params": group}
            for group, hyper in zip(params, state_dict["param_groups"])
        ]
        defaults = self(getattr(p, "defaults", None))
        if not isinstance(defaults, dict):  # format 2
            optimizer = cls(groups)
            optimizer.load_state_dict(state_dict)
            return optimizer
        # As unpickling does (torch's own __getstate__/__setstate__): calling the
        # constructor would import torch._dynamo, 2 s of a cold predict.
        state = defaultdict(dict)
        for group, hyper in zip(params, state_dict["param_groups"]):
            for param, index in zip(group, hyper["params"]):
                if index in state_dict["state"]:
                    state[param] = dict(state_dict["state"][index])
        optimizer = cls.__new__(cls)
        optimizer.__setstate__({"defaults": dict(defaults), "state": state,
                                "param_groups": groups})
        return optimizer


def _json_object(obj):
    """json's object hook: numpy scalars back from their tagged form."""
    if len(obj) == 1 and _NUMPY_TAG in obj:
        dtype, value = obj[_NUMPY_TAG]
        if dtype not in _JSON_NUMPY_DTYPES:
            raise UntrustedModelError(f"damaged model file: numpy scalar of type {dtype!r}")
        return np.dtype(dtype).type(value)
    return obj


def _unpack_strings(p):
    data, ends, kind = getattr(p, "data", None), getattr(p, "ends", None), getattr(p, "kind", "")
    if (not isinstance(data, np.ndarray) or not isinstance(ends, np.ndarray)
            or kind not in ("dict", "list", "tuple", "set", "frozenset")
            or (len(ends) and ends[-1] != data.size)):
        raise UntrustedModelError("damaged model file: a packed string table")
    blob = data.tobytes()
    starts = np.concatenate([[0], ends[:-1]]).tolist()
    keys = [blob[a:b].decode("utf-8", "surrogatepass") for a, b in zip(starts, ends.tolist())]
    if kind != "dict":
        return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[kind](keys)
    values = p.values
    if not isinstance(values, np.ndarray) or values.dtype.kind not in "iu" or (
        len(values) != len(keys)
    ):
        raise UntrustedModelError("damaged model file: a packed string table")
    return dict(zip(keys, list(values) if p.numpy_values else values.tolist()))


def _device_available(device):
    import torch

    kind = torch.device(str(device)).type
    if kind == "cpu":
        return True
    if kind == "cuda":
        return torch.cuda.is_available()
    if kind == "mps":
        return torch.backends.mps.is_available()
    return False
