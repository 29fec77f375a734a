"""MovieGenreStacker on a real dask.distributed cluster, through joblib's Dask backend.

One small 2-process LocalCluster serves the whole module (one xdist group); the
catalogue is small (60 synthetic movies) and the base models cheap, so that the
cluster's tasks, not the models, are what is tested: the same predictions as ``n_jobs=1``, and a worker dying in the middle
of a fit neither changes the result nor leaves a damaged feature cache behind.
"""

import os

import joblib
import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone

from skgenre import MovieGenreStacker
from skgenre.datasets import make_movies
from skgenre.metadata import make_metadata_model
from skgenre.text import make_text_model
from skgenre.utils import parallel_backend_for
from skgenre.vision import make_poster_model

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.xdist_group("dask_cluster")

N_MOVIES = 60


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None,
        worker_dashboard_address=None,
    ) as cluster:
        yield cluster


@pytest.fixture
def client(cluster):
    with distributed.Client(cluster) as client:
        # with one worker thread up, joblib would run the tasks here, in this process
        client.wait_for_workers(2, timeout=60)
        yield client


@pytest.fixture(scope="module")
def movies(tmp_path_factory):
    folder = tmp_path_factory.mktemp("catalogue")
    bunch = make_movies(N_MOVIES, n_genres=4, modalities=("plot", "poster", "metadata"),
                        path=folder / "movies", random_state=0)
    return bunch.data, bunch.target


class DieOnce(ClassifierMixin, BaseEstimator):
    """Wraps a classifier; the first fit that finds ``marker`` removes it and kills its
    own process (a worker lost in the middle of a task)."""

    def __init__(self, estimator=None, marker=None):
        self.estimator = estimator
        self.marker = marker

    def fit(self, X, Y):
        try:
            os.remove(self.marker)
        except FileNotFoundError:
            pass
        else:
            os._exit(1)
        self.estimator_ = clone(self.estimator).fit(X, Y)
        self.classes_ = self.estimator_.classes_
        return self

    def predict_proba(self, X):
        return self.estimator_.predict_proba(X)


def estimators(cache, marker=None):
    metadata = make_metadata_model("forest", n_estimators=15, random_state=0)
    if marker is not None:
        metadata = DieOnce(metadata, str(marker))
    return [
        ("text", make_text_model("tfidf_logreg", random_state=0), "plot"),
        ("poster", make_poster_model("color_linear", memory=cache, random_state=0,
                                     max_epochs=5), "poster"),
        ("metadata", metadata, ["director_name", "cast", "language", "content_rating"]),
    ]


def fit_predict(X, Y, cache, marker=None, **params):
    cache = None if cache is None else str(cache)
    stacker = MovieGenreStacker(estimators(cache, marker), cv=2, random_state=0,
                                memory=cache, **params)
    return stacker.fit(X, Y).oof_proba_, stacker.predict_proba(X)


def assert_same_fit(got, expected):
    """The base models' out-of-fold probabilities are bit for bit those of the local fit;
    the final probabilities may differ in the last bit (the refit models' arrays come back
    through Dask's serialisation, and BLAS may round differently on them)."""
    (oof, proba), (expected_oof, expected_proba) = got, expected
    assert oof.keys() == expected_oof.keys()
    for name in oof:
        np.testing.assert_array_equal(oof[name], expected_oof[name], err_msg=name)
    np.testing.assert_allclose(proba, expected_proba, rtol=1e-12, atol=1e-15)


@pytest.fixture(scope="module")
def expected(movies):
    """The local, sequential fit's out-of-fold and final probabilities, without cache."""
    X, Y = movies
    return fit_predict(X, Y, None, n_jobs=1)


def test_fit_on_cluster_equals_local_fit(movies, expected, client, tmp_path):
    X, Y = movies
    with distributed.get_task_stream(client) as tasks, joblib.parallel_config(backend="dask"):
        got = fit_predict(X, Y, tmp_path / "cache")
    assert_same_fit(got, expected)
    assert len({task["worker"] for task in tasks.data}) == 2  # both workers fitted models
    assert any((tmp_path / "cache").rglob("*.npy"))  # poster features cached by the workers


def test_worker_killed_mid_fit_is_retried(movies, expected, client, tmp_path):
    X, Y = movies
    cache = tmp_path / "cache"
    marker = tmp_path / "kill-next-fit"
    workers_before = set(client.scheduler_info()["workers"])
    marker.touch()
    with joblib.parallel_config(backend="dask"):
        got = fit_predict(X, Y, cache, marker)
    assert not marker.exists()  # a worker did die in a fit
    client.wait_for_workers(2, timeout=60)
    assert set(client.scheduler_info()["workers"]) != workers_before  # and was replaced
    assert_same_fit(got, expected)
    assert not [p for p in cache.rglob("*") if p.suffix == ".tmp"]
    # what the cluster left in the cache gives the same answer again, locally
    assert_same_fit(fit_predict(X, Y, cache, n_jobs=1), expected)


def _pid():
    return os.getpid()


def test_parallel_backend_for_a_scheduler_address(cluster, client):
    with parallel_backend_for(cluster.scheduler_address) as own_client:
        assert isinstance(own_client, distributed.Client) and own_client is not client
        pids = set(joblib.Parallel()(joblib.delayed(_pid)() for _ in range(8)))
    assert own_client.status == "closed"  # a client opened from an address is closed after
    assert pids <= set(client.run(_pid).values())  # the tasks ran on the workers


def test_parallel_backend_for_a_client_leaves_it_open(client):
    with parallel_backend_for(client) as given:
        assert given is client
        assert joblib.effective_n_jobs() == 2  # the cluster's worker threads
    assert client.status == "running"


@pytest.mark.parametrize("n_jobs", [1, 3, -1])
def test_parallel_backend_for_local_n_jobs(n_jobs):
    with parallel_backend_for(n_jobs=n_jobs) as client:
        assert client is None
        assert joblib.effective_n_jobs(None) == joblib.effective_n_jobs(n_jobs)
    assert joblib.effective_n_jobs(None) == 1
