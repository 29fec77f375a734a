"""The stacker's memory= cache holds data, never code: fold predictions as .npy files
read with allow_pickle=False, nothing unpickled, files with the umask's permissions."""

import os
import stat

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline

from skgenre import MovieGenreStacker
from skgenre.ensemble._fit_cache import FITS_FOLDER, CacheWriteWarning, FitCache
from skgenre.multioutput import PerGenreClassifier

WORDS = [["ghost", "blood"], ["laugh", "joke"], ["gun", "chase"], ["love", "kiss"]]


def make_table(n, seed=0):
    rng = np.random.RandomState(seed)
    Y = (rng.rand(n, 4) < 0.4).astype(int)
    plots = [" ".join(["the", "a", "night"] + [rng.choice(WORDS[g]) for g in np.flatnonzero(y)])
             for y in Y]
    return pd.DataFrame({"plot": plots}), pd.DataFrame(Y, columns=["H", "C", "A", "R"])


class _Payload:
    """Unpickling it creates a file: the proof that a cache entry was unpickled."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _stacker(memory):
    text = make_pipeline(TfidfVectorizer(), PerGenreClassifier())
    return MovieGenreStacker([("text", text, "plot")], cv=2, memory=memory, random_state=0)


@pytest.fixture(scope="module")
def table():
    return make_table(n=80)


@pytest.fixture(scope="module")
def fresh(table):
    X, Y = table
    return _stacker(None).fit(X, Y).oof_proba_["text"]


def _entries(cache):
    return sorted((cache / FITS_FOLDER).rglob("*.npy"))


def test_fold_predictions_are_cached_as_plain_arrays(table, fresh, tmp_path):
    X, Y = table
    cache = tmp_path / "cache"
    _stacker(cache).fit(X, Y)
    entries = _entries(cache)
    assert len(entries) == 2  # one per fold
    for entry in entries:
        array = np.load(entry, allow_pickle=False)
        assert array.dtype == np.float64 and array.shape[1] == Y.shape[1]
    assert not (cache / "joblib").exists()  # no joblib.Memory pickles
    warm = _stacker(cache).fit(X, Y).oof_proba_["text"]
    np.testing.assert_array_equal(warm, fresh)


@pytest.mark.parametrize("plant", ["entry", "model", "joblib"])
def test_a_pickle_placed_in_the_cache_never_runs(table, fresh, tmp_path, plant):
    """A crafted pickle, as a fold entry, as the refit model's entry, or where
    joblib.Memory kept its results (``<cache>/joblib/.../output.pkl``), is never
    loaded: the fit computes its own."""
    X, Y = table
    cache = tmp_path / "cache"
    marker = tmp_path / "pwned"
    _stacker(cache).fit(X, Y)
    payload = np.array([_Payload(str(marker))], dtype=object)
    if plant == "entry":
        targets = _entries(cache)
    elif plant == "model":
        targets = list(cache.rglob("*.skgenre"))
    else:
        targets = [cache / "joblib" / "skgenre" / "ensemble" / "_base_models" /
                   "_fit_predict" / f"{i:032x}" / "output.pkl" for i in range(2)]
    for target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as handle:
            if plant == "entry":
                np.save(handle, payload, allow_pickle=True)
            else:
                joblib.dump(_Payload(str(marker)), handle)
    again = _stacker(cache).fit(X, Y)
    assert not marker.exists()
    np.testing.assert_array_equal(again.oof_proba_["text"], fresh)
    np.testing.assert_array_equal(again.predict_proba(X), _stacker(None).fit(X, Y)
                                  .predict_proba(X))


@pytest.mark.parametrize("damage", [
    lambda path: path.write_bytes(path.read_bytes()[:60]),        # truncated
    lambda path: np.save(path, np.full((3, 4), 0.5)),             # another shape
    lambda path: np.save(path, np.full((40, 4), 7.0)),            # not probabilities
    lambda path: path.write_bytes(b"garbage"),                    # not a .npy
], ids=["truncated", "shape", "values", "garbage"])
def test_damaged_entries_are_computed_again(table, fresh, tmp_path, damage):
    X, Y = table
    cache = tmp_path / "cache"
    _stacker(cache).fit(X, Y)
    for entry in _entries(cache):
        damage(entry)
    np.testing.assert_array_equal(_stacker(cache).fit(X, Y).oof_proba_["text"], fresh)


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_entries_honour_the_umask(table, tmp_path, umask, mode):
    X, Y = table
    old = os.umask(umask)
    try:
        _stacker(tmp_path / "cache").fit(X, Y)
    finally:
        os.umask(old)
    entries = _entries(tmp_path / "cache")
    models = list((tmp_path / "cache").rglob("*.skgenre"))  # the refit model
    assert entries and len(models) == 1
    assert {stat.S_IMODE(e.stat().st_mode) for e in entries + models} == {mode}
    assert not list((tmp_path / "cache").rglob("*.tmp"))


def test_a_joblib_memory_is_used_for_its_location_only(table, fresh, tmp_path):
    X, Y = table
    memory = joblib.Memory(tmp_path / "cache", verbose=0)
    np.testing.assert_array_equal(_stacker(memory).fit(X, Y).oof_proba_["text"], fresh)
    assert len(_entries(tmp_path / "cache")) == 2
    assert not (tmp_path / "cache" / "joblib").exists()  # Memory.cache never called
    _stacker(joblib.Memory(None)).fit(X, Y)  # no location: no cache, no error


def test_an_object_that_only_caches_is_refused(table):
    class Cacher:
        def cache(self, func):
            return func

    X, Y = table
    with pytest.raises(TypeError, match="memory must be None, False, a folder path or a joblib.Memory"):
        _stacker(Cacher()).fit(X, Y)


def test_an_unwritable_cache_warns_once_and_fits(table, fresh, tmp_path):
    X, Y = table
    blocker = tmp_path / "cache"
    blocker.mkdir()
    (blocker / FITS_FOLDER).write_text("a file where the cache's folder should be")
    with pytest.warns(CacheWriteWarning, match="Cannot write to the cache") as record:
        proba = _stacker(blocker).fit(X, Y).oof_proba_["text"]
    assert len([w for w in record if w.category is CacheWriteWarning]) == 1
    np.testing.assert_array_equal(proba, fresh)


def test_keys_change_with_the_estimator_data_and_files(tmp_path):
    cache = FitCache(tmp_path)
    a = make_pipeline(TfidfVectorizer(), PerGenreClassifier())
    X, Y = np.array(["a b", "c d"], dtype=object), np.array([[1, 0], [0, 1]])
    key = cache.key("fold", a, X, Y, None)
    assert key == cache.key("fold", make_pipeline(TfidfVectorizer(), PerGenreClassifier()),
                            X.copy(), Y.copy(), None)
    a.set_params(tfidfvectorizer__min_df=2)
    assert len({key, cache.key("fold", a, X, Y, None), cache.key("fold", a, X, 1 - Y, None),
                cache.key("fold", a, X, Y, [(1, 2)])}) == 4
