"""Benchmark of the metadata modality: accuracy on the real data, encoder speed and memory.

0. Model selection (``--cv``). 5-fold multilabel-stratified cross-validation on the
   train+val movies of the real data (never the test split) of the candidate models:
   per-genre logistic regressions (several ``C`` and ``min_frequency``) and the forest
   (300 and 100 trees), on ``cast`` and on ``cast`` + ``year`` (what that table carries);
   mean macro AP, its fold standard deviation and the fit time per fold. This is the
   table in ``make_metadata_model``'s docstring.
1. Accuracy. Both kinds of ``make_metadata_model`` (the random forest and the study's
   4-layer MLP) and the genre-frequency prior, trained on the train+val movies of
   ``../shared/data/movielens_wiki.csv`` that have a cast (the stacker never gives a
   modality a movie without it) and scored on its test split: micro, macro and samples
   average precision, and the fitting time.
2. Speed and memory. ``MetadataEncoder`` on a synthetic table of 100,000 movies
   (director, three actor columns, a ``|``-joined cast of up to 12 names, language,
   content rating, 8 ``|``-joined plot keywords, year, runtime; Zipf-distributed names
   and tags; 5 % missing cells), generated here: wall
   time of ``fit_transform`` and ``transform``, the peak of Python allocations
   (tracemalloc, in a second run, since tracing slows the code) and the size of the
   CSR output against what a dense float32 matrix would need.

Run from the project root::

    nice -n 10 .venv/bin/python benchmarks/metadata.py

``--skip-real`` / ``--skip-speed`` run one part; ``--n-movies`` sets the synthetic size;
``--cv`` adds the model selection (about 5 minutes on 2 idle cores, the forests most of it).
"""

import argparse
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from sklearn.base import clone

from skgenre.metadata import MetadataEncoder, make_metadata_model
from skgenre.metrics import average_precision, average_precision_report
from skgenre.model_selection import MultilabelStratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CSV = ROOT.parent / "shared" / "data" / "movielens_wiki.csv"


def cv_candidates(seed):
    return {
        "logistic C=1 (default)": make_metadata_model(),
        "logistic C=0.3": make_metadata_model("logistic", C=0.3),
        "logistic C=0.1": make_metadata_model("logistic", C=0.1),
        "logistic C=0.3, min_frequency=1": make_metadata_model("logistic", C=0.3,
                                                              min_frequency=1),
        "forest, 300 trees": make_metadata_model("forest", random_state=seed),
        "forest, 100 trees": make_metadata_model("forest", random_state=seed, n_estimators=100),
    }


def model_selection(csv, seed):
    """5-fold multilabel CV of the candidates on train+val (the movies with a value)."""
    movies = pd.read_csv(csv)
    Y_all = movies["genres"].str.get_dummies(sep="|").to_numpy()
    train_val = (movies["split"] != "test").to_numpy()
    Y = Y_all[train_val]
    folds = list(MultilabelStratifiedKFold(5, shuffle=True, random_state=seed).split(Y, Y))
    rows = []
    for columns in (["cast", "year"], ["cast"]):
        X = movies.loc[train_val, columns].reset_index(drop=True)
        has = X.notna().any(axis=1).to_numpy()
        for name, model in cv_candidates(seed).items():
            scores, start = [], time.perf_counter()
            for train, test in folds:
                train, test = train[has[train]], test[has[test]]
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    fitted = clone(model).fit(X.iloc[train], Y[train])
                    proba = fitted.predict_proba(X.iloc[test])
                scores.append(average_precision(Y[test], proba, average="macro"))
            rows.append(dict(columns=" + ".join(columns), model=name, macro_ap=np.mean(scores),
                             fold_std=np.std(scores),
                             fit_s=(time.perf_counter() - start) / len(folds)))
            print(f"  {rows[-1]['columns']:12s} {name:34s} {rows[-1]['macro_ap']:.4f} "
                  f"+- {rows[-1]['fold_std']:.4f}  {rows[-1]['fit_s']:.1f} s/fold", flush=True)
    table = pd.DataFrame(rows)
    print("\n5-fold CV on train+val (macro AP; fit seconds per fold):")
    print(table.round(4).to_string(index=False))
    return table


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
    for kind in ("logistic", "forest", "mlp"):
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
            "plot_keywords": ["|".join(f"tag {t} word{t % 97}" for t in tags) for tags in
                              np.split((rng.zipf(1.3, 8 * n_movies) - 1) % 20_000,
                                       np.arange(8, 8 * n_movies, 8))],
            "year": rng.integers(1920, 2025, n_movies),
            "runtime": rng.normal(105, 20, n_movies).round(),
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
    parser.add_argument("--cv", action="store_true", help="model selection by 5-fold CV")
    args = parser.parse_args(argv)
    if args.cv and args.data.exists():
        model_selection(args.data, args.seed)
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
