"""The one ``on_error`` vocabulary of the readers of media files (posters, trailers).

Every estimator that reads files takes ``on_error`` in ``{"raise", "missing"}``:

- ``"raise"``: an unreadable item (missing, empty, corrupt or truncated file, a feature
  file holding NaN or of the wrong width) raises an error naming it;
- ``"missing"``: the item is treated as absent: a warning names it and the item gets
  what an absent poster or trailer gets (a row of zeros from an embedder, ``None``
  from :class:`~skgenre.video.FrameSampler`). Failures are never cached.

``"zero"``, the poster readers' former name of ``"missing"``, still works with a
``FutureWarning``.
"""

import warnings

from ._sklearn_compat import StrOptions

__all__ = ["ON_ERROR", "check_on_error", "on_error_constraint"]

#: The ``on_error`` values every media reader accepts.
ON_ERROR = ("raise", "missing")

# Former spellings -> their name in ON_ERROR.
_DEPRECATED = {"zero": "missing"}


def on_error_constraint(deprecated=True):
    """The ``_parameter_constraints`` entry of ``on_error``.

    Parameters
    ----------
    deprecated : bool, default=True
        Also accept the former spellings (hidden from the error message).
    """
    return StrOptions(set(ON_ERROR) | (set(_DEPRECATED) if deprecated else set()),
                      deprecated=set(_DEPRECATED) if deprecated else None)


def check_on_error(on_error, owner="on_error", stacklevel=2):
    """``on_error`` in the one vocabulary: a former spelling warns and is translated.

    Parameters
    ----------
    on_error : str
    owner : str, default="on_error"
        Who takes it (named in the warning), e.g. ``"PosterEmbedder"``.
    stacklevel : int, default=2
        Of the warning, counted from the caller of this function.

    Returns
    -------
    on_error : {"raise", "missing"}

    Examples
    --------
    >>> from skgenre.utils import check_on_error
    >>> check_on_error("missing")
    'missing'
    """
    if on_error in _DEPRECATED:
        new = _DEPRECATED[on_error]
        warnings.warn(
            f"{owner}: on_error={on_error!r} is now spelled on_error={new!r} (same "
            f"meaning: the item is treated as absent); {on_error!r} will stop working in a "
            "future release.",
            FutureWarning,
            stacklevel=stacklevel + 1,
        )
        return new
    if on_error not in ON_ERROR:
        raise ValueError(f"on_error must be one of {list(ON_ERROR)}; got {on_error!r}.")
    return on_error
