"""The one progress bar: tqdm when ``verbose > 0``, a silent stand-in otherwise."""

__all__ = ["progress"]


class _SilentBar:
    """What :func:`progress` gives when ``verbose <= 0``: tqdm's interface, doing nothing.

    tqdm itself is not imported, so a silent run never pays for it.
    """

    def __init__(self, iterable=None):
        self.iterable = iterable
        self.n = 0

    def __iter__(self):
        return iter(() if self.iterable is None else self.iterable)

    def __len__(self):
        return len(self.iterable)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def update(self, n=1):
        self.n += n

    def set_postfix_str(self, s="", refresh=True):
        pass

    def set_description(self, desc=None, refresh=True):
        pass

    def close(self):
        pass


def progress(iterable=None, *, verbose=0, total=None, desc=None, unit="it", **kwargs):
    """A progress bar over ``iterable`` (or one updated by hand), shown when ``verbose > 0``.

    Parameters
    ----------
    iterable : iterable, default=None
        What to iterate over; ``None`` for a bar advanced with ``update``.
    verbose : int or bool, default=0
        ``<= 0`` (or False) gives a silent bar with the same interface (iteration,
        ``update``, ``set_postfix_str``, ``close``, ``with``); ``> 0`` a tqdm bar
        (``tqdm.auto``: a widget in notebooks) on stderr.
    total : int, default=None
        Expected number of steps (default ``len(iterable)`` when it has one).
    desc : str, default=None
        Label shown before the bar.
    unit : str, default="it"
    **kwargs
        Other tqdm arguments (``unit_scale=True`` for byte counts, ...).

    Returns
    -------
    bar : tqdm.tqdm or a silent stand-in

    Examples
    --------
    >>> from skgenre.utils import progress
    >>> with progress(total=3, desc="work") as bar:  # verbose=0: silent
    ...     for _ in range(3):
    ...         bar.update()
    >>> [x for x in progress(range(3))]
    [0, 1, 2]
    """
    if not verbose or verbose <= 0:
        return _SilentBar(iterable)
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, unit=unit, **kwargs)
