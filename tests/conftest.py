"""Shared fixtures. The real data lives in ../shared/data beside the project root."""

import os
import random
from pathlib import Path

# Two pytest workers share two cores: one BLAS/OpenMP thread each. Without this, tiny
# logistic regressions run ~7x slower on a busy machine (threads spin against each other).
# Set before scipy loads its own OpenBLAS; threadpoolctl covers libraries already loaded.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

threadpool_limits(limits=1)

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
MOVIELENS_CSV = SHARED_DATA / "movielens_wiki.csv"


# Fixtures whose tests are slow: the real data (accuracy on thousands of movies) and a
# Dask cluster (started per module). ``pytest -m "not slow"`` is the quick run; ``make
# test`` runs everything.
SLOW_FIXTURES = {"shared_data", "cluster"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def shared_data():
    """Path of ../shared/data; tests that need the real movies skip without it."""
    if not MOVIELENS_CSV.exists():
        pytest.skip(f"real data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def movielens_csv(shared_data):
    return shared_data / "movielens_wiki.csv"


@pytest.fixture(scope="session", autouse=True)
def _feature_cache_home(tmp_path_factory):
    """Estimators cache frozen features by default (``memory=None``) in the user cache
    folder; the tests' go to a folder of the session instead of the user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SKGENRE_CACHE", str(tmp_path_factory.mktemp("feature_cache")))
        yield


@pytest.fixture
def multilabel_data():
    """A small dense multilabel problem with 13 genres, like MovieScope's."""
    from sklearn.datasets import make_multilabel_classification

    X, Y = make_multilabel_classification(
        n_samples=240, n_features=20, n_classes=13, n_labels=2, random_state=0
    )
    return X.astype(np.float32), Y


@pytest.fixture(autouse=True)
def _torch_threads_and_seeds():
    """One torch thread per test (two pytest workers share two cores), and every global
    random generator seeded before each test, so a test's outcome does not depend on which
    tests its xdist worker ran before it. ``SKGENRE_TEST_SEED`` picks another seed: run
    the suite under a few to find accuracy floors that hold only by luck."""
    seed = int(os.environ.get("SKGENRE_TEST_SEED", "0"))
    random.seed(seed)
    np.random.seed(seed)
    try:
        import torch
    except ImportError:  # pragma: no cover
        yield
        return
    torch.manual_seed(seed)
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
