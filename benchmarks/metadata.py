"""Benchmark of the metadata modality: accuracy on the real data, encoder speed and memory.

1. Accuracy. Both kinds of ``make_metadata_model`` (the random forest and the study's
   4-layer MLP) and the genre-frequency prior, trained on the train+val movies of
   ``../shared/data/movielens_wiki.csv`` that have a cast (the stacker never gives a
   modality a movie without it) and scored on its test split: micro, macro and samples
   average precision, and the fitting time.
2. Speed and memory. ``MetadataEncoder`` on a synthetic table of 100,000 movies
   (director, three actor columns, a ``|``-joined cast of up to 12 names, language,
   content rating; Zipf-distributed names; 5 % missing cells), generated here: wall
   time of ``fit_transform`` and ``transform``, the peak of Python allocations
   (tracemalloc, in a second run, since tracing slows the code) and the size of the
   CSR output against what a dense float32 matrix would need.

Run from the project root::

    nice -n 10 .venv/bin/python benchmarks/metadata.py

``--skip-real`` / ``--skip-speed`` run one part; ``--n-movies`` sets the synthetic size.
"""

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from skgenre.metadata import MetadataEncoder, make_metadata_model
from skgenre.metrics import average_precision_report

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CSV = ROOT.parent / "shared" / "data" / "movielens_wiki.csv"


def real_data(csv, seed):
    movies = pd.read_csv(csv)
    movies = movies[movies["cast"].notna()]
    genres = movies["genres"].str.get_dummies(sep="|")
    Y = genres.to_numpy()
    train = (movies["split"] != "test").to_numpy()
    X = movies[["cast"]]
    print(
        f"real data: {csv}\n  train+val {train.sum()} movies, test {(~train).sum()} movies, "
        f"{Y.shape[1]} genres (movies without a cast left out: "
        f"{len(pd.read_csv(csv, usecols=['cast'])) - len(movies)})"
    )
    results, times = {}, {}
    prior = np.tile(Y[train].mean(axis=0), (int((~train).sum()), 1))
    results["genre-frequency prior"], times["genre-frequency prior"] = prior, 0.0
    for kind in ("forest", "mlp"):
        model = make_metadata_model(kind, random_state=seed)
        start = time.perf_counter()
        model.fit(X[train], Y[train])
        times[kind] = time.perf_counter() - start
        results[kind] = model.predict_proba(X[~train])
        n_features = model["encoder"].get_feature_names_out().size
        print(f"  {kind}: {n_features} features, fit {times[kind]:.1f} s", flush=True)
    table = average_precision_report(Y[~train], results)
    table["fit_s"] = pd.Series(times)
    print("\nAverage precision on the test split (higher is better):")
    print(table.round(4).to_string())
    best = table.drop(index="genre-frequency prior")["macro"].idxmax()
    print(f"\nbest kind by macro AP: {best}")
    return table


def synthetic_table(n_movies, seed):
    rng = np.random.default_rng(seed)
    n_people = max(1000, 2 * n_movies)
    people = np.array([f"Person {i:07d}" for i in range(n_people)], dtype=object)

    def names(shape):
        return people[(rng.zipf(1.3, size=shape) - 1) % n_people]

    cast_sizes = rng.integers(0, 13, n_movies)
    cast_names = names(int(cast_sizes.sum()))
    bounds = np.concatenate([[0], np.cumsum(cast_sizes)])
    cast = ["|".join(cast_names[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
    languages = np.array([f"Language {i}" for i in range(40)], dtype=object)
    ratings = np.array(["G", "PG", "PG-13", "R", "NC-17", "Not Rated", "Unrated", "X"])
    frame = pd.DataFrame(
        {
            "director_name": names(n_movies),
            "actor_1_name": names(n_movies),
            "actor_2_name": names(n_movies),
            "actor_3_name": names(n_movies),
            "cast": cast,
            "language": languages[(rng.zipf(1.5, n_movies) - 1) % len(languages)],
            "content_rating": rng.choice(ratings, n_movies),
        }
    )
    for column in frame.columns:
        frame.loc[rng.random(n_movies) < 0.05, column] = None
    return frame


def encoder_speed(n_movies, seed):
    frame = synthetic_table(n_movies, seed)
    casts = frame["cast"].dropna()
    per_movie = casts[casts.ne("")].str.count(r"\|").add(1).mean()
    print(
        f"\nsynthetic table: {n_movies} movies, {frame.shape[1]} columns, "
        f"{per_movie:.1f} names per non-empty cast"
    )
    encoder = MetadataEncoder(min_frequency=2)
    start = time.perf_counter()
    X = encoder.fit_transform(frame)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    X_again = encoder.transform(frame)
    transform_s = time.perf_counter() - start
    assert sparse.issparse(X) and X.format == "csr" and (X != X_again).nnz == 0

    tracemalloc.start()
    MetadataEncoder(min_frequency=2).fit_transform(frame)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    csr_mb = (X.data.nbytes + X.indices.nbytes + X.indptr.nbytes) / 2**20
    dense_mb = X.shape[0] * X.shape[1] * 4 / 2**20
    rows = [
        ("output", f"CSR {X.shape[0]} x {X.shape[1]}, {X.nnz} non-zeros, {X.dtype}"),
        ("fit_transform", f"{fit_s:.2f} s"),
        ("transform", f"{transform_s:.2f} s"),
        ("peak traced allocations (fit_transform)", f"{peak / 2**20:.0f} MiB"),
        ("CSR output size", f"{csr_mb:.1f} MiB"),
        ("dense float32 equivalent", f"{dense_mb / 1024:.1f} GiB (never built)"),
    ]
    width = max(len(name) for name, _ in rows)
    print("MetadataEncoder(min_frequency=2) speed and memory:")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    return dict(fit_s=fit_s, transform_s=transform_s, peak_mib=peak / 2**20, csr_mib=csr_mb)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--n-movies", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args(argv)
    if not args.skip_real:
        if args.data.exists():
            real_data(args.data, args.seed)
        else:
            print(f"real data not found at {args.data}: accuracy part skipped")
    if not args.skip_speed:
        encoder_speed(args.n_movies, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
