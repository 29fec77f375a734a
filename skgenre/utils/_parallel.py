"""Where skgenre's joblib work runs: local workers, or a dask.distributed cluster."""

import contextlib

import joblib

__all__ = ["parallel_backend_for"]


@contextlib.contextmanager
def parallel_backend_for(scheduler=None, *, n_jobs=None):
    """Run the joblib work inside the block locally or on a Dask cluster.

    skgenre parallelises with joblib: :class:`~skgenre.ensemble.MovieGenreStacker`'s
    fold x modality fits, the per-genre models, the forests' trees, trailer decoding.
    Inside this block those calls go to ``n_jobs`` local workers, or, with
    ``scheduler``, to the workers of a :mod:`dask.distributed` cluster through joblib's
    Dask backend. The results are the same as with ``n_jobs=1``.

    The workers read the media files, the feature caches (``memory``) and the GloVe
    store by path: give paths on a folder every worker mounts at the same place.

    Parameters
    ----------
    scheduler : str, distributed.Client, distributed.LocalCluster or None, default=None
        The scheduler's address (``"tcp://scheduler:8786"``), a cluster, or an open
        ``Client``. ``None`` keeps the work local. A client opened here (from an
        address or a cluster) is closed when the block ends; a given client is not.
    n_jobs : int or None, default=None
        Local workers when ``scheduler`` is None (``-1``: one per core); estimators
        whose own ``n_jobs`` is None use it. Ignored with a scheduler: the cluster's
        worker threads set the parallelism.

    Yields
    ------
    client : distributed.Client or None
        The client in use, None when local.

    Raises
    ------
    ImportError
        If ``scheduler`` is given and dask.distributed is not installed
        (``pip install 'skgenre[dask]'``).

    Examples
    --------
    >>> from skgenre.utils import parallel_backend_for
    >>> from joblib import Parallel, delayed
    >>> with parallel_backend_for(n_jobs=2):
    ...     Parallel()(delayed(abs)(-i) for i in range(3))
    [0, 1, 2]

    On a cluster (not run here)::

        with parallel_backend_for("tcp://scheduler:8786"):
            MovieGenreStacker(memory="/shared/cache").fit(X, Y)
    """
    if scheduler is None:
        with joblib.parallel_config(n_jobs=n_jobs):
            yield None
        return
    try:
        import distributed
    except ImportError as exc:
        raise ImportError(
            "Running on a Dask cluster needs dask.distributed: pip install 'skgenre[dask]'."
        ) from exc
    with contextlib.ExitStack() as stack:
        if isinstance(scheduler, distributed.Client):
            client = scheduler
        else:
            client = stack.enter_context(distributed.Client(scheduler))
        stack.enter_context(joblib.parallel_config(backend="dask"))
        yield client
