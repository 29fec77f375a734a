"""What the stacker fits on: the movie table's checks, the seeds, and the base models
resolved from ``estimators`` or, by default, from the modality registry."""

import warnings

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from ..datasets._modalities import MODALITY_REGISTRY, NON_FEATURE_COLUMNS, get_modality
from ..utils import is_missing
from ._base_models import (
    MissingModalityWarning,
    UnusedColumnsWarning,
    _did_you_mean,
    registered_columns,
)
from ._defaults import default_estimators
from ._presets import DEFAULT_PRESET

__all__ = ["check_movie_table", "derive_seeds", "passthrough_columns", "resolve_estimators"]


def _columns_of(cols):
    return [cols] if isinstance(cols, str) else list(cols)


def _columns_hint():
    """The registered modalities' columns, a few each: ``text: 'plot'; metadata: ...``."""
    return "; ".join(
        f"{m.name}: {', '.join(map(repr, m.columns[:2]))}{', ...' if len(m.columns) > 2 else ''}"
        for m in MODALITY_REGISTRY.values()
    )


def check_movie_table(X, fitted_columns=None):
    """``X`` as a DataFrame of movies; with ``fitted_columns``, one that has some of them."""
    if isinstance(X, dict):
        X = pd.DataFrame(X)
    if not isinstance(X, pd.DataFrame):
        raise TypeError(
            "X must be a pandas DataFrame of movies (one row per movie, the columns of "
            f"its modalities: {_columns_hint()}); got {type(X).__name__}."
        )
    if fitted_columns is not None:
        read = [c for cols in fitted_columns for c in _columns_of(cols)]
        if not any(c in X.columns for c in read):
            # Otherwise every movie would get the same prior row, silently.
            raise ValueError(
                f"X has none of the columns the model was fitted on ({read}); its "
                f"columns are {list(X.columns)[:10]}.{_did_you_mean(X.columns, read)}"
            )
    return X


def derive_seeds(random_state):
    """``(cv_seed, model_seed)``: the folds' seed and the default base models' seed."""
    rng = check_random_state(random_state)
    cv_seed, model_seed = (int(s) for s in rng.randint(np.iinfo(np.int32).max, size=2))
    return cv_seed, model_seed


def passthrough_columns(X, passthrough):
    """The columns of ``X`` appended to the final estimator's input."""
    if passthrough is False:
        return []
    if passthrough is True:
        return list(X.select_dtypes("number").columns)
    return list(passthrough)


def resolve_estimators(stacker, X, model_seed, *, stacklevel):
    """The ``(name, estimator, columns)`` list a fit of ``stacker`` uses on ``X``.

    ``estimators=None`` builds the default model of each registered modality present
    in ``X`` (seeded with ``model_seed``, with the stacker's ``memory``, ``kinds`` and
    ``preset``)
    and warns about the columns no modality reads (``stacklevel`` points the warning at
    the user's call); given estimators are checked and returned as they are.
    """
    if stacker.estimators is None:
        estimators = default_estimators(X, random_state=model_seed, memory=stacker.memory,
                                        kinds=stacker.kinds, preset=stacker.preset)
        if not estimators:
            raise ValueError(
                f"X has none of the modality columns ({_columns_hint()}); its columns "
                f"are {list(X.columns)[:10]}.{_did_you_mean(X.columns, registered_columns())}"
            )
        _warn_unused_columns(X, estimators, passthrough_columns(X, stacker.passthrough),
                             stacklevel=stacklevel + 1)
        _warn_empty_modalities(X, estimators, stacker.kinds, stacklevel=stacklevel + 1)
        return estimators
    if stacker.kinds:
        raise ValueError(
            f"kinds={stacker.kinds!r} chooses among the default base models, but "
            "estimators is given; pass one or the other."
        )
    if stacker.preset != DEFAULT_PRESET:
        raise ValueError(
            f"preset={stacker.preset!r} chooses among the default base models, but "
            "estimators is given; pass one or the other."
        )
    names = []
    for item in stacker.estimators:
        if not (isinstance(item, tuple) and len(item) == 3):
            raise ValueError(
                "estimators must be a list of (name, estimator, columns) tuples; "
                f"got {item!r}."
            )
        name, _, cols = item
        if not isinstance(name, str) or "__" in name or name in names:
            raise ValueError(f"Estimator names must be unique strings without '__'; {name!r}.")
        names.append(name)
        missing = [c for c in _columns_of(cols) if c not in X.columns]
        if (isinstance(cols, str) and missing) or (
                not isinstance(cols, str) and len(missing) == len(cols)):
            raise ValueError(
                f"Estimator {name!r} reads column(s) {missing} that X does not have."
            )
    return list(stacker.estimators)


def _warn_unused_columns(X, estimators, passthrough, *, stacklevel):
    """One warning naming the columns that no modality reads (e.g. ``Plot``)."""
    read = {c for _, _, cols in estimators for c in _columns_of(cols)} | set(passthrough)
    unused = [c for c in X.columns  # an empty modality column: _warn_empty_modalities
              if c not in read and c not in registered_columns()
              and str(c).lower() not in NON_FEATURE_COLUMNS]
    if unused:
        warnings.warn(
            f"No modality reads the column(s) {unused}; they are ignored."
            f"{_did_you_mean(unused, registered_columns())} Rename a column to the name "
            "its modality reads (see skgenre.datasets.MODALITY_REGISTRY) or pass "
            "estimators=.",
            UnusedColumnsWarning,
            stacklevel=stacklevel + 1,
        )


def _warn_empty_modalities(X, estimators, kinds, *, stacklevel):
    """One warning naming the registered modalities whose columns ``X`` has but leaves
    empty for every movie: they are left out of the fit (a modality named in ``kinds``
    gets its own warning from :func:`~skgenre.ensemble.default_estimators`)."""
    used = {name for name, _, _ in estimators}
    named = {get_modality(k).name for k in (kinds or {})}
    empty = [(name, m.columns_in(X)) for name, m in MODALITY_REGISTRY.items()
             if name not in used and name not in named and m.columns_in(X)
             and all(is_missing(X[c]).all() for c in m.columns_in(X))]
    if empty:
        what = "; ".join(f"the {name} modality's column(s) {cols}" for name, cols in empty)
        warnings.warn(
            f"Every cell is empty in {what}, for all {len(X)} movies: "
            f"{'it is' if len(empty) == 1 else 'they are'} left out of the fit, and the "
            "model will not use them at predict time either. Fill the column(s) in, or drop "
            "them to silence this.",
            MissingModalityWarning,
            stacklevel=stacklevel + 1,
        )

