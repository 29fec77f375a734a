"""Routing short parameter names to the steps of a model factory's pipeline."""

__all__ = ["set_routed_params"]


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
