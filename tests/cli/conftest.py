"""Shared fixtures of the command-line tests: a small synthetic catalogue split into
train and test manifests, and a model fitted on it by ``skgenre fit``."""

import pandas as pd
import pytest

from skgenre.cli import main
from skgenre.datasets import make_movies

FAST = [
    "--set", "cv=2", "--modalities", "text,metadata",
    "--set", "metadata__head__estimator__C=0.5",  # nested: a default modality's model
    "--set", "final_estimator__C=0.5",
]


@pytest.fixture
def fast():
    """Flags that make ``skgenre fit`` quick: two folds, the plots and credits only."""
    return list(FAST)


@pytest.fixture(scope="session")
def catalogue(tmp_path_factory):
    """A small synthetic catalogue, its manifest split into train and test files."""
    folder = tmp_path_factory.mktemp("movies")
    movies = make_movies(
        90, n_genres=4, modalities=("plot", "metadata", "poster"), random_state=0,
        path=folder / "catalogue",
    )
    frame = pd.read_csv(movies.manifest)
    train = frame[frame["split"] != "test"]
    test = frame[frame["split"] == "test"]
    # Written beside movies.csv so the relative poster paths still resolve.
    train.to_csv(folder / "catalogue" / "train.csv", index=False)
    test.to_csv(folder / "catalogue" / "test.csv", index=False)
    test.drop(columns=["genres"]).to_csv(folder / "catalogue" / "unlabelled.csv", index=False)
    return folder / "catalogue", movies.target_names


@pytest.fixture(scope="session")
def model_file(catalogue, tmp_path_factory):
    folder, _ = catalogue
    out = tmp_path_factory.mktemp("model") / "model.skops"
    status = main(["fit", "--data", str(folder / "train.csv"), "--out", str(out), "-q", *FAST])
    assert status == 0
    return out
