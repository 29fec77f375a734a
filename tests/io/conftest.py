"""Fitted models for the persistence tests, made small: tiny data, one epoch, small inputs.

``fitted(case)`` fits a case once per worker: ``"default"`` (the default stacker over the
four modalities) or ``"<modality>:<kind>"`` (a stacker of that kind alone, for every kind
of every modality; see _cases.py). The trailer kinds that read precomputed feature arrays
fit on ``feature_movies``, the same movies with feature arrays for trailers.
"""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from _cases import reads_trailer_features, small_stacker

from skgenre import load_movies, make_movies


@pytest.fixture(scope="session")
def movies(tmp_path_factory):
    """30 synthetic movies with all four modalities, their manifest and genre matrix."""
    movies = make_movies(30, n_genres=3, random_state=0, poster_size=32, trailer_size=16,
                         trailer_frames=(6, 10), path=tmp_path_factory.mktemp("movies"))
    Y = pd.DataFrame(np.asarray(movies.target), columns=movies.target_names)
    return movies.data, Y, movies.manifest


@pytest.fixture(scope="session")
def feature_movies(movies):
    """The same movies, each trailer a .npy array of precomputed features (1 to 3 rows of
    7, as MMTF or MovieScope give them): what the feature kinds read."""
    _, Y, manifest = movies
    manifest = Path(manifest)
    frame = pd.read_csv(manifest)
    rng = np.random.default_rng(0)
    folder = manifest.parent / "trailer_features"
    folder.mkdir(exist_ok=True)
    for i, has in enumerate(frame["trailer"].notna()):
        if has:
            rows = rng.normal(size=(int(rng.integers(1, 4)), 7)) + np.resize(Y.iloc[i], 7)
            np.save(folder / f"{i}.npy", rows.astype(np.float32))
            frame.loc[i, "trailer"] = f"trailer_features/{i}.npy"
    path = manifest.parent / "movies_trailer_features.csv"
    frame.to_csv(path, index=False)
    return load_movies(path).data, Y, path


_FITTED = {}


@pytest.fixture(scope="session")
def fitted(movies, feature_movies):
    """``fitted(case)``: the fitted model of a case and the X it predicts on."""

    def get(case):
        if case not in _FITTED:
            X, Y, _ = feature_movies if reads_trailer_features(case) else movies
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
