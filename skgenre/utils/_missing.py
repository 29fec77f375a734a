"""Which cells of a modality column count as missing."""

import numpy as np
import pandas as pd

__all__ = ["is_missing"]


def is_missing(values):
    """Boolean mask of missing cells: None, NaN, NaT and empty or blank strings.

    Parameters
    ----------
    values : array-like or Series of shape (n_movies,)

    Returns
    -------
    mask : ndarray of shape (n_movies,), dtype bool

    Examples
    --------
    >>> from skgenre.utils import is_missing
    >>> is_missing(["a plot", "", None, float("nan"), "  "]).tolist()
    [False, True, True, True, True]
    """
    series = pd.Series(list(values) if not isinstance(values, pd.Series) else values)
    mask = series.isna().to_numpy(copy=True)
    is_str = series.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    if is_str.any():
        blank = series[is_str].str.strip().eq("").to_numpy()
        mask[np.flatnonzero(is_str)[blank]] = True
    return mask
