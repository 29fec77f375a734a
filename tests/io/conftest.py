"""Fitted models for the persistence tests, made small: tiny data, one epoch, small inputs.

``fitted(case)`` fits a case once per worker: ``"default"`` (the default stacker over the
four modalities) or ``"<modality>:<kind>"`` (a stacker of that kind alone, for every kind
of every modality; see _cases.py).
"""

import warnings

import numpy as np
import pandas as pd
import pytest

from _cases import small_stacker

from skgenre import make_movies


@pytest.fixture(scope="session")
def movies(tmp_path_factory):
    """30 synthetic movies with all four modalities, their manifest and genre matrix."""
    movies = make_movies(30, n_genres=3, random_state=0, poster_size=32, trailer_size=16,
                         trailer_frames=(6, 10), path=tmp_path_factory.mktemp("movies"))
    Y = pd.DataFrame(np.asarray(movies.target), columns=movies.target_names)
    return movies.data, Y, movies.manifest


_FITTED = {}


@pytest.fixture(scope="session")
def fitted(movies):
    """``fitted(case)``: the fitted model of a case and the X it predicts on."""
    X, Y, _ = movies

    def get(case):
        if case not in _FITTED:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if case == "default":
                    _FITTED[case] = small_stacker(X, Y), X
                else:
                    name, kind = case.split(":")
                    try:
                        _FITTED[case] = small_stacker(X, Y, {name: kind}, only=name), X
                    except ImportError as exc:  # a pretrained kind without its wheel
                        _FITTED[case] = exc
        if isinstance(_FITTED[case], ImportError):
            pytest.skip(f"{case}: {_FITTED[case]}")
        return _FITTED[case]

    return get
