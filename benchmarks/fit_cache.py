"""What the stacker's cache of refit base models saves on a warm cache.

A grid search over the final estimator's parameters (``final_estimator__C``) fits the
stacker once per grid point and split, on the same movies: with ``memory=`` the
out-of-fold predictions of the base models come from the cache (``.npy`` files), and
the base models refit on all the movies either come from the cache too (skgenre model
files, read by ``load_model``) or are fitted again (their frozen features cached).
This script times one warm stacker fit each way, interleaved, on the train+val movies
of a manifest, after one cold fit that fills the cache:

- ``refits cached``: every base-model result read from the cache;
- ``refits fitted``: the fold predictions read, the refits fitted again.

It also reports the size of the cache's entries of each kind. Run it on an idle
machine: the ratio is what counts.

Usage::

    python benchmarks/fit_cache.py --data ../shared/data/movielens_wiki.csv --repeat 3
"""

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from skgenre import MovieGenreStacker
from skgenre.datasets import load_movies
from skgenre.ensemble import _base_models


def folder_size(folder, suffix):
    files = list(Path(folder).rglob(f"*{suffix}"))
    return len(files), sum(f.stat().st_size for f in files) / 2**20


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--n-movies", type=int, default=None,
                        help="use only this many train+val movies (default: all)")
    args = parser.parse_args()

    movies = load_movies(args.data, split=["train", "val"], on_missing_file="mark_missing",
                         as_frame=True)
    X, Y = movies.data, movies.target
    if args.n_movies:
        X, Y = X.iloc[: args.n_movies], Y.iloc[: args.n_movies]
    with tempfile.TemporaryDirectory() as cache:
        stacker = MovieGenreStacker(memory=cache, random_state=0)
        t0 = time.perf_counter()
        reference = stacker.fit(X, Y).predict_proba(X.iloc[:50])
        cold = time.perf_counter() - t0
        times = {"refits cached": [], "refits fitted": []}
        for _ in range(args.repeat):
            for variant in times:
                _base_models.CACHE_REFITS = variant == "refits cached"
                grid_point = MovieGenreStacker(memory=cache, random_state=0,
                                               final_estimator=None)
                t0 = time.perf_counter()
                grid_point.fit(X, Y)
                times[variant].append(time.perf_counter() - t0)
                np.testing.assert_allclose(grid_point.predict_proba(X.iloc[:50]), reference)
        _base_models.CACHE_REFITS = True
        folds = folder_size(Path(cache) / "skgenre_fits", ".npy")
        models = folder_size(Path(cache) / "skgenre_fits", ".skgenre")
    print(f"{len(X)} movies, modalities {stacker.modalities_}; cold fit {cold:.1f} s")
    print(f"{'warm fit':<16}{'median (s)':>12}{'min (s)':>10}")
    for variant, values in times.items():
        print(f"{variant:<16}{np.median(values):>12.2f}{min(values):>10.2f}")
    print(f"cache entries: {folds[0]} fold predictions ({folds[1]:.1f} MiB), "
          f"{models[0]} refit models ({models[1]:.1f} MiB)")


if __name__ == "__main__":
    main()
