"""A model as a JSON tree of plain values and named types; its numerical arrays apart.

None, booleans, numbers and strings are themselves and lists are JSON arrays; any other
node is a JSON object whose ``"T"`` says what it holds: a tuple, set, dict, file path,
numpy scalar, dtype or array, a class or function by name, or an object of a named
class. An object is stored as unpickling would rebuild it when its reduction calls its
own class (``cls.__new__(cls, *args)`` or ``cls(*args)``, items, then ``__setstate__``
or ``__dict__``), and only then: torch objects, and anything that pickles through
another callable, are refused with the place where they sit in the model.
"""

import copyreg
import importlib
import sys
from pathlib import Path, PurePath
from types import BuiltinFunctionType, FunctionType

import numpy as np

__all__ = ["TreeReader", "TreeWriter", "resolve"]

_PLAIN = (type(None), bool, int, float, str)
_SCALARS = "biufU"  # numpy scalars kept in the JSON: booleans, numbers, strings
_SETS = {"tuple": tuple, "set": set, "frozenset": frozenset}


def resolve(name):
    """The module-level object called ``name`` (its module is imported)."""
    module, _, attr = name.rpartition(".")
    return getattr(importlib.import_module(module), attr)


class TreeWriter:
    """Turns an object graph into a tree; ``arrays`` maps an id to the array stored as
    ``arrays/<id>.npy`` and ``names`` lists the classes and functions named."""

    def __init__(self):
        self.arrays, self.names, self.memo = {}, set(), {}

    def _name(self, obj, path):
        name = f"{obj.__module__}.{obj.__qualname__}"
        if getattr(sys.modules.get(obj.__module__), obj.__qualname__, None) is not obj:
            raise TypeError(f"cannot save {path}: {name} cannot be found by its name "
                            "(a lambda, or a function or class defined inside another)")
        self.names.add(name)
        return name

    def _dict(self, obj, path, attributes=False):
        if all(type(k) is str for k in obj):
            return {"T": "dict", "v": {
                k: self(v, f"{path}.{k}" if attributes else f"{path}[{k!r}]")
                for k, v in obj.items()}}
        return {"T": "dict", "items": [[self(k, path), self(v, f"{path}[{k!r}]")]
                                       for k, v in obj.items()]}

    def __call__(self, obj, path="model"):
        kind = type(obj)
        if kind in _PLAIN:
            return obj
        if kind is list:
            return [self(v, f"{path}[{i}]") for i, v in enumerate(obj)]
        if kind in _SETS.values():
            return {"T": kind.__name__, "v": [self(v, f"{path}[{i}]") for i, v in enumerate(obj)]}
        if kind is dict:
            return self._dict(obj, path)
        if isinstance(obj, (type, FunctionType, BuiltinFunctionType)):
            return {"T": "name", "v": self._name(obj, path)}
        if isinstance(obj, PurePath):
            return {"T": "path", "v": str(obj)}
        if isinstance(obj, np.dtype) and not obj.hasobject and obj.fields is None:
            return {"T": "dtype", "v": obj.str}
        if isinstance(obj, np.generic) and obj.dtype.kind in _SCALARS and (
            obj.dtype.kind != "f" or obj.dtype.itemsize <= 8  # no long double
        ):
            return {"T": "scalar", "dtype": obj.dtype.str, "v": obj.item()}
        if id(obj) in self.memo:  # shared: written once
            return {"T": "ref", "id": self.memo[id(obj)][0]}
        key = len(self.memo)
        self.memo[id(obj)] = key, obj  # obj kept alive, so that ids stay unique
        if kind is np.ndarray and obj.dtype == object:
            return {"T": "objarray", "id": key, "shape": list(obj.shape),
                    "v": [self(v, f"{path}[{i}]") for i, v in enumerate(obj.ravel())]}
        if kind is np.ndarray and not obj.dtype.hasobject:
            if obj.size <= 64 and obj.flags.c_contiguous and obj.dtype.kind in _SCALARS and (
                obj.dtype.itemsize <= (8 if obj.dtype.kind == "f" else 64)
            ):  # small: in the tree, exactly (JSON floats round-trip)
                return {"T": "array", "id": key, "dtype": obj.dtype.str,
                        "shape": list(obj.shape), "v": obj.ravel().tolist()}
            self.arrays[key] = obj
            return {"T": "array", "id": key}
        try:
            reduced = obj.__reduce_ex__(4)
        except TypeError:  # "cannot pickle": an open file, a lock, a ufunc
            reduced = None
        if any(c.__module__.split(".")[0] == "torch" for c in kind.__mro__) or not (
            isinstance(reduced, tuple) and (reduced[0] is kind or reduced[0]
                                            is copyreg.__newobj__ and reduced[1][:1] == (kind,))
        ):
            raise TypeError(
                f"cannot save {path}: a {kind.__module__}.{kind.__qualname__} is not made of "
                "plain attributes. Torch modules, tensors and optimizers are saved by the "
                "estimator that holds them (its __getstate__ turns them into arrays)."
            )
        node = {"T": "object", "id": key, "cls": self._name(kind, path)}
        if reduced[0] is kind:  # called, as unpickling does: e.g. scikit-learn's Tree
            node["call"] = self(list(reduced[1]), path)
        elif len(reduced[1]) > 1:
            node["new"] = self(list(reduced[1][1:]), path)
        state, listitems, dictitems = (tuple(reduced[2:]) + (None,) * 3)[:3]
        if listitems is not None:
            node["list"] = [self(v, f"{path}[{i}]") for i, v in enumerate(listitems)]
        if dictitems is not None:
            node["items"] = [[self(k, path), self(v, f"{path}[{k!r}]")] for k, v in dictitems]
        if state is not None:
            node["state"] = (self._dict(state, path, attributes=True) if type(state) is dict
                             else self(state, path))
        return node


class TreeReader:
    """Rebuilds the objects of a tree.

    Without ``classes``, it only walks the tree, the way it would build it, and adds
    every class and function name to ``names``: nothing is imported, called or read
    (this pass decides what is trusted). With ``classes`` (each trusted name -> its
    object) and ``read_array`` (id -> array), it builds. A damaged tree raises KeyError,
    IndexError or TypeError.
    """

    def __init__(self, classes=None, read_array=None):
        self.classes, self.read_array, self.names, self.memo = classes, read_array, set(), {}

    def _named(self, name):
        if type(name) is not str:
            raise TypeError(f"a class name that is a {type(name).__name__}")
        self.names.add(name)
        return None if self.classes is None else self.classes[name]

    def __call__(self, node):
        if type(node) is list:
            return [v if type(v) in _PLAIN else self(v) for v in node]
        if type(node) in _PLAIN:
            return node
        tag = node["T"]
        if tag in _SETS:
            return _SETS[tag](map(self, node["v"])) if self.classes is not None else [
                self(v) for v in node["v"]]
        if tag == "dict":
            if "v" in node:  # plain values (a vocabulary) as they are
                return {k: v if type(v) in _PLAIN else self(v) for k, v in node["v"].items()}
            return [[self(k), self(v)] for k, v in node["items"]] if self.classes is None \
                else {self(k): self(v) for k, v in node["items"]}
        if tag == "ref":
            return self.memo[node["id"]]
        if tag == "name":
            return self._named(node["v"])
        if tag == "path":
            return Path(node["v"])
        if tag in ("dtype", "scalar"):
            dtype = np.dtype(node["v" if tag == "dtype" else "dtype"])
            if dtype.hasobject or tag == "scalar" and dtype.kind not in _SCALARS:
                raise TypeError(f"a {tag} of type {dtype}")
            return dtype if tag == "dtype" else dtype.type(node["v"])
        if tag == "array" and "v" in node:
            dtype = self({"T": "dtype", "v": node["dtype"]})
            if dtype.itemsize > 64:  # never written: much memory from a few bytes
                raise TypeError(f"a small array of type {dtype}")
            obj = np.array(node["v"], dtype=dtype).reshape(node["shape"])
        elif tag == "array":
            obj = None if self.classes is None else self.read_array(int(node["id"]))
        elif tag == "objarray":
            obj = np.empty(len(node["v"]), dtype=object)
            for i, item in enumerate(node["v"]):
                obj[i] = self(item)
            obj = obj.reshape(node["shape"])
        elif tag == "object":
            obj = self._object(node)
        else:
            raise TypeError(f"a node of unknown type {tag!r}")
        self.memo[node["id"]] = obj
        return obj

    def _object(self, node):
        cls = self._named(node["cls"])
        if cls is None:  # names only: walk what would be built
            self.memo[node["id"]] = None
            for field in ("call", "new", "list", "items", "state"):
                self(node.get(field))
            return None
        if not isinstance(cls, type):
            raise TypeError(f"{node['cls']} is not a class")
        obj = cls(*self(node["call"])) if "call" in node else cls.__new__(cls, *self(
            node.get("new", [])))
        self.memo[node["id"]] = obj  # before the state: cycles through objects
        for item in node.get("list", []):
            obj.append(self(item))
        for key, value in node.get("items", []):
            obj[self(key)] = self(value)
        if "state" in node:
            state = self(node["state"])
            if hasattr(obj, "__setstate__"):
                obj.__setstate__(state)
            else:
                obj.__dict__.update(state)
        return obj
