"""The model factories' one shape: build a kind, then route the parameters given by name.

Every ``make_*_model`` (and a factory registered for a modality of one's own) is
``make_X_model(kind="default", *, random_state=None, memory=None, **params)``; its body
is :func:`build_model` over a table of kinds, and its ``**params`` go through
:func:`route_params`, the one rule for short parameter names.
"""

from sklearn.pipeline import Pipeline

__all__ = ["build_model", "route_params"]


def _nested(model):
    """``(path, estimator)`` for the model and each estimator inside it, Pipelines left out.

    A Pipeline only chains its steps: its own parameters (``memory``, a cache of fitted
    transformers; ``verbose``, timing messages; ``steps``) are not what a short name
    means: they are set by their path (``tfidf_logreg__verbose``), or with
    ``set_params`` on the returned model.
    """
    found = [("", model)] + [
        (path, value) for path, value in model.get_params(deep=True).items()
        if hasattr(value, "get_params") and not isinstance(value, type)
    ]
    return [(path, est) for path, est in found if not isinstance(est, Pipeline)]


def route_params(model, params):
    """``model.set_params`` where a short name reaches every estimator that takes it.

    The one rule of every ``make_*_model``: a name holding ``__`` is a ``set_params``
    path, set as it is (``head__lr``); a short name (``verbose``, ``C``, ``n_frames``) is
    set on *every* estimator inside the model (the model itself, its steps, their
    inner estimators; Pipelines aside, see below) that has a parameter of that name. So
    ``verbose=1`` reaches an embedder and a head alike, ``C=0.3`` the logistic
    regressions inside per-genre heads, and ``max_epochs=2`` a net that is the whole
    model. A Pipeline's own parameters (``memory``, ``verbose``, ``steps``) are no short
    names: a nested Pipeline's are set by their path, the returned Pipeline's with its
    ``set_params``.

    Parameters
    ----------
    model : estimator
        A fresh model, e.g. a Pipeline of ``"embedder"``, ``"scaler"`` and ``"head"``.
    params : dict
        Short names and ``set_params`` paths.

    Returns
    -------
    model : estimator
        The same object, its parameters set.

    Raises
    ------
    ValueError
        For a short name that no estimator inside the model takes; the message lists
        the short names it does take. A bad path raises ``set_params``' own error.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import Pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skgenre.multioutput import PerGenreClassifier
    >>> model = Pipeline([("scaler", StandardScaler()),
    ...                   ("head", PerGenreClassifier(LogisticRegression()))])
    >>> model = route_params(model, {"C": 0.3, "with_mean": False, "head__n_jobs": 2})
    >>> model["head"].estimator.C, model["scaler"].with_mean, model["head"].n_jobs
    (0.3, False, 2)
    """
    nested = [(path, set(est.get_params(deep=False))) for path, est in _nested(model)]
    routed, unknown = {}, []
    for key, value in params.items():
        if "__" in key:
            routed[key] = value
            continue
        paths = [f"{path}__{key}" if path else key for path, names in nested if key in names]
        if not paths:
            unknown.append(key)
        routed.update(dict.fromkeys(paths, value))
    if unknown:
        valid = sorted(set().union(*(names for _, names in nested)))
        plural = "s" if len(unknown) > 1 else ""
        raise ValueError(
            f"Invalid parameter{plural} {', '.join(map(repr, unknown))} for this "
            f"{type(model).__name__}: no estimator inside it takes {'them' if plural else 'it'}. "
            f"Short names it takes: {valid}; a set_params path such as 'head__lr' reaches "
            "one step."
        )
    return model.set_params(**routed)


def build_model(kinds, kind, *, default, random_state, memory, params, what):
    """The body of every ``make_*_model``: build ``kind``, then route ``params``.

    Parameters
    ----------
    kinds : dict of str to callable
        Kind name -> ``builder(random_state, memory)`` returning a fresh model. Adding
        a kind to a modality is one entry here (and its name in the modality's kinds).
    kind : str
        A key of ``kinds``, or ``"default"``.
    default : str
        The kind ``"default"`` stands for.
    random_state : int, RandomState instance or None
        Handed to the builder, which seeds the trainable parts.
    memory : None, str, path-like or joblib.Memory
        Handed to the builder: the feature cache of its frozen step, ignored by a kind
        that caches nothing.
    params : dict
        Routed by :func:`route_params`.
    what : str
        The models' name in the error message, e.g. ``"poster model"``.

    Returns
    -------
    model : estimator

    Raises
    ------
    ValueError
        For an unknown ``kind`` (the message lists the kinds) or parameter.
    """
    if kind == "default":
        kind = default
    if not isinstance(kind, str) or kind not in kinds:
        raise ValueError(
            f"Unknown {what} kind {kind!r}; choose one of {('default', *kinds)}."
        )
    return route_params(kinds[kind](random_state, memory), params)
