"""Estimator parameters: storing ``__init__``'s arguments, routing short names to steps."""

__all__ = ["set_routed_params", "store_params"]


def store_params(estimator, arguments):
    """Store ``__init__``'s arguments on ``estimator``, unchanged, under their own names.

    scikit-learn's contract: ``__init__`` declares every parameter in its signature
    (``get_params`` reads it) and only stores them; no validation, no conversion. Call
    it as the whole body of ``__init__``: ``store_params(self, locals())``, where
    ``locals()`` holds exactly the arguments (and ``self``, and ``__class__`` in a
    method that uses ``super()``, which are skipped).

    Parameters
    ----------
    estimator : object
    arguments : dict
        ``locals()`` at the start of ``__init__``.

    Examples
    --------
    >>> from sklearn.base import BaseEstimator
    >>> class Model(BaseEstimator):
    ...     def __init__(self, alpha=1.0, *, fit_intercept=True):
    ...         store_params(self, locals())
    >>> Model(alpha=0.5).get_params()
    {'alpha': 0.5, 'fit_intercept': True}
    """
    for name, value in arguments.items():
        if name not in ("self", "__class__"):
            setattr(estimator, name, value)


def set_routed_params(pipeline, params, routes):
    """``pipeline.set_params(**params)`` where short names are routed to steps.

    A key listed in ``routes[step]`` becomes ``step__key`` (for every step listing it,
    e.g. ``device`` for both embedder and head); any other key is passed unchanged.

    Parameters
    ----------
    pipeline : Pipeline
    params : dict
    routes : dict of str to set of str
        Step name -> the short parameter names it takes.

    Returns
    -------
    pipeline : Pipeline
    """
    routed = {}
    for key, value in params.items():
        steps = [step for step, keys in routes.items() if key in keys]
        for step in steps:
            routed[f"{step}__{key}"] = value
        if not steps:
            routed[key] = value
    return pipeline.set_params(**routed)
