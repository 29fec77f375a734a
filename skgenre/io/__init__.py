"""Model files: save_model and load_model, plain data and an explicit list of types.

A model file is a zip holding one JSON tree, in which every object names its class,
and the model's arrays as ``.npy`` files. :func:`load_model` compares every name in the
tree with :data:`TRUSTED` (and the names you trust) before it imports or builds
anything, and never unpickles. Estimators that hold torch networks store them as
arrays through their own ``__getstate__``.
"""

from ._file import FORMAT_VERSION, UntrustedModelError, load_model, save_model
from ._trusted import TRUSTED

__all__ = ["FORMAT_VERSION", "TRUSTED", "UntrustedModelError", "load_model", "save_model"]
