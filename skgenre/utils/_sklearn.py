"""The one place that touches scikit-learn's private API; each use is named here."""

from sklearn.base import _fit_context as fit_context  # parameter validation in fit
from sklearn.utils.validation import validate_data

__all__ = ["fit_context", "validate_data"]

# Nested get_params/set_params over (name, estimator) lists, as ColumnTransformer does.
from sklearn.utils.metaestimators import _BaseComposition as BaseComposition  # noqa: E402

__all__ += ["BaseComposition"]
