"""The one module that imports scikit-learn's private API; every other module imports it
from here.

Modelled on imbalanced-learn's ``utils/_sklearn_compat.py``: when scikit-learn moves or
renames one of these names, this file is the only one to change (and the test
``tests/test_architecture.py`` fails where another module reaches past it). Each name
says why skgenre needs it.
"""

# Parameter validation in fit, as scikit-learn's own estimators do it.
from sklearn.base import _fit_context as fit_context

# Nested get_params/set_params over (name, estimator) lists, as ColumnTransformer does.
from sklearn.utils.metaestimators import _BaseComposition as BaseComposition

# Indexing rows of arrays, DataFrames and lists alike (the splitters' helper).
from sklearn.utils import _safe_indexing as safe_indexing

# The constraint types of ``_parameter_constraints``, and the error a wrong value raises.
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
)

# Public since scikit-learn 1.6 (the lowest version skgenre supports); kept here so that
# estimators import their validation helpers from one place.
from sklearn.utils.validation import validate_data



def validate_params(estimator):
    """Check ``estimator``'s own parameters against its ``_parameter_constraints`` now,
    as its ``fit`` will (raises :class:`InvalidParameterError`): a command line checks
    the values it was given before any work."""
    estimator._validate_params()


__all__ = [
    "BaseComposition",
    "HasMethods",
    "Interval",
    "InvalidParameterError",
    "Options",
    "StrOptions",
    "fit_context",
    "safe_indexing",
    "validate_data",
    "validate_params",
]
