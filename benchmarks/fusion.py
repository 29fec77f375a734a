"""Choose MovieGenreStacker's final estimator without looking at the test split.

Fits ``MovieGenreStacker()`` (default base models) once on the train+val movies of a
manifest, then compares final estimators on its out-of-fold base predictions
(``oof_proba_``) by 5-fold multilabel-stratified cross-validation, repeated over
``--seeds`` shuffles: each candidate is fitted on four folds of out-of-fold rows and
scored on the fifth. The best single base model's out-of-fold probabilities, scored on
the same folds, are the line to beat. The test split is scored once per candidate,
for the record only.

Candidates: ``make_final_estimator`` kinds ``own_genre`` (per-genre logistic
regression on that genre's column of each base model) and ``logistic`` (on every
column), each with ``C`` in ``--C``.

Usage (about 6 minutes for the real plots and posters on 2 cores; ``--cache`` makes
reruns take seconds)::

    OMP_NUM_THREADS=1 nice python benchmarks/fusion.py --data ../shared/data/movielens_wiki.csv \\
        --cache /tmp/skgenre_fusion_cache
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from skgenre import MovieGenreStacker  # noqa: E402
from skgenre.datasets import load_movies  # noqa: E402
from skgenre.ensemble import make_final_estimator  # noqa: E402
from skgenre.metrics import average_precision  # noqa: E402
from skgenre.model_selection import MultilabelStratifiedKFold  # noqa: E402

AVERAGES = ("micro", "macro", "samples")


def scores(Y, proba):
    present = ~np.isnan(proba[:, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.array([average_precision(Y[present], proba[present], average=a)
                         for a in AVERAGES])


def candidates(Cs):
    for kind in ("own_genre", "logistic"):
        for C in Cs:
            yield f"{kind}, C={C:g}", make_final_estimator(kind).set_params(estimator__C=C)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="movie manifest with a split column")
    parser.add_argument("--cache", default=None, help="joblib cache of the base models")
    parser.add_argument("--seeds", type=int, default=3, help="shuffles of the 5 folds")
    parser.add_argument("--C", type=float, nargs="*", default=[1.0, 3.0])
    parser.add_argument("--n-jobs", type=int, default=None)
    args = parser.parse_args(argv)

    movies = load_movies(args.data)
    X, Y = movies.data, movies.target
    test = (X["split"] == "test").to_numpy()
    start = time.perf_counter()
    stacker = MovieGenreStacker(random_state=0, memory=args.cache, n_jobs=args.n_jobs)
    stacker.fit(X[~test], Y[~test])
    print(f"stacker fit on {(~test).sum()} train+val movies: "
          f"{time.perf_counter() - start:.0f} s; modalities {stacker.modalities_}")

    Z = stacker._stack(stacker.oof_proba_, X[~test])  # the final estimator's training input
    Z_test = stacker.transform(X[test])
    Y_train, Y_test = Y[~test], Y[test]
    test_base = stacker.predict_modalities(X[test])
    folds = [(train, valid) for seed in range(args.seeds) for train, valid in
             MultilabelStratifiedKFold(5, shuffle=True, random_state=seed).split(Z, Y_train)]

    rows, per_fold = [], {}
    for name in stacker.modalities_:
        oof = stacker.oof_proba_[name]
        per_fold[name] = np.array([scores(Y_train[v], oof[v]) for _, v in folds])
        rows.append((f"base model: {name}", per_fold[name].mean(0),
                     scores(Y_test, test_base[name])))
    for name, final in candidates(args.C):
        per_fold[name] = np.array([
            scores(Y_train[v], clone(final).fit(Z[t], Y_train[t]).predict_proba(Z[v]))
            for t, v in folds
        ])
        fitted = clone(final).fit(Z, Y_train)
        rows.append((f"fusion: {name}", per_fold[name].mean(0),
                     scores(Y_test, fitted.predict_proba(Z_test))))

    print(f"\n5-fold CV x {args.seeds} seeds on the out-of-fold rows (selection) and the "
          f"test split ({test.sum()} movies, record only); micro / macro / samples AP")
    print(f"{'':34s} {'CV micro':>9s} {'macro':>7s} {'samples':>8s}   "
          f"{'test micro':>10s} {'macro':>7s} {'samples':>8s}")
    for name, cv, te in rows:
        print(f"{name:34s} {cv[0]:9.4f} {cv[1]:7.4f} {cv[2]:8.4f}   "
              f"{te[0]:10.4f} {te[1]:7.4f} {te[2]:8.4f}")

    best_base = max(stacker.modalities_, key=lambda m: per_fold[m][:, 1].mean())
    default = f"own_genre, C={make_final_estimator().estimator.C:g}"
    print(f"\nPaired fold differences (mean +- standard error, folds won) of {default!r}:")
    for other in [f"base model: {best_base}"] + [n for n, _ in candidates(args.C)]:
        key = other.removeprefix("base model: ")
        if key == default:
            continue
        diff = per_fold[default] - per_fold[key]
        se = diff.std(0, ddof=1) / np.sqrt(len(diff))
        text = "  ".join(f"{a} {d:+.4f} +- {s:.4f} ({(col > 0).sum()}/{len(col)})"
                         for a, d, s, col in zip(AVERAGES, diff.mean(0), se, diff.T))
        print(f"  vs {other:30s} {text}")
    return pd.DataFrame(rows)


if __name__ == "__main__":
    main()
