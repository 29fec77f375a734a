"""Choose MovieGenreStacker's final estimator without looking at the test split.

Fits ``MovieGenreStacker()`` (default base models) once on the train+val movies of a
manifest, then compares final estimators on its out-of-fold base predictions
(``oof_proba_``) by 5-fold multilabel-stratified cross-validation, repeated over
``--seeds`` shuffles: each candidate is fitted on four folds of out-of-fold rows and
scored on the fifth. The best single base model's out-of-fold probabilities, scored on
the same folds, are the line to beat. The test split is scored once per candidate,
for the record only.

Candidates: the ``make_final_estimator`` kinds (the default, ``"subsets"``, is
``"logit"`` for every movie whose set of modalities is common in training: on tables
as given the two agree), and ``LogitFusionClassifier`` with other ``C`` / ``genre_C`` /
``pooling``. ``benchmarks/subsets.py`` scores movies lacking modalities.

The gain of the default fusion over the best single modality is quoted with a 95%
interval over the CV folds (issue 29's target: its lower end above +0.005).

Usage (about 6 minutes for the real plots and posters on 2 idle cores; ``--cache``
makes reruns of the base models take seconds, ``--oof`` skips them altogether)::

    OMP_NUM_THREADS=1 nice python benchmarks/fusion.py --data ../shared/data/movielens_wiki.csv \\
        --cache /tmp/skgenre_fusion_cache --oof /tmp/skgenre_fusion_oof.pkl --seeds 2
    # the trailer table (its per-trailer feature arrays get trailer=features_logreg),
    # or without the trailer column (--drop trailer):
    OMP_NUM_THREADS=1 nice python benchmarks/fusion.py \\
        --data ../shared/data/movielens_wiki_trailers.csv --seeds 2
"""

import argparse
import os
import pickle
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
from skgenre.cli._parser import modality_kind  # noqa: E402
from skgenre.datasets import load_movies  # noqa: E402
from skgenre.ensemble import (  # noqa: E402
    DEFAULT_PRESET,
    LogitFusionClassifier,
    make_final_estimator,
)
from skgenre.metrics import average_precision  # noqa: E402
from skgenre.model_selection import MultilabelStratifiedKFold  # noqa: E402

AVERAGES = ("micro", "macro", "samples")


def scores(Y, proba):
    present = ~np.isnan(proba[:, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.array([average_precision(Y[present], proba[present], average=a)
                         for a in AVERAGES])


def candidates():
    yield "default", make_final_estimator()
    yield "logit", make_final_estimator("logit")
    for kind in ("own_genre", "logistic", "logit_pergenre", "logit_cogenres"):
        yield kind, make_final_estimator(kind)
    yield "logit, pooling=full", LogitFusionClassifier(pooling="full")
    for genre_C in (0.1, 1.0):
        yield f"logit, genre_C={genre_C:g}", LogitFusionClassifier(genre_C=genre_C)
    yield "logit, C=1", LogitFusionClassifier(C=1.0)


def stack(probas, modalities):
    """The stacked layout MovieGenreStacker feeds its final estimator (no passthrough)."""
    blocks = []
    for name in modalities:
        missing = np.isnan(probas[name][:, 0])
        blocks += [np.where(missing[:, None], 0.0, probas[name]), missing[:, None].astype(float)]
    return np.hstack(blocks)


def fit_base_predictions(X, Y, *, kinds=None, cache=None, n_jobs=None,
                         preset=DEFAULT_PRESET):
    """The default stacker fitted on the train+val movies of ``X``: its out-of-fold
    (train+val) and test probabilities, the split and the modalities."""
    test = (X["split"] == "test").to_numpy()
    start = time.perf_counter()
    stacker = MovieGenreStacker(preset=preset, kinds=kinds, random_state=0, memory=cache,
                                n_jobs=n_jobs)
    stacker.fit(X[~test], Y[~test])
    fit_s = time.perf_counter() - start
    print(f"stacker fit on {(~test).sum()} train+val movies: {fit_s:.0f} s; "
          f"modalities {stacker.modalities_}")
    return dict(oof={m: stacker.oof_proba_[m] for m in stacker.modalities_},
                test=stacker.predict_modalities(X[test]), Y=Y, test_mask=test,
                modalities=stacker.modalities_, kinds=stacker.kinds_, fit_s=fit_s)


def cached(path, compute):
    """``compute()``, read from the pickle ``path`` if it exists, else written there."""
    if path and os.path.exists(path):
        with open(path, "rb") as f:
            return pickle.load(f)
    out = compute()
    if path:
        with open(path, "wb") as f:
            pickle.dump(out, f)
    return out


def base_predictions(args):
    """Out-of-fold (train+val) and test probabilities of the default base models."""
    def compute():
        movies = load_movies(args.data)
        X = movies.data.drop(columns=[c for c in args.drop if c in movies.data.columns])
        return fit_base_predictions(X, movies.target, kinds=dict(args.kinds) or None,
                                    cache=args.cache, n_jobs=args.n_jobs, preset=args.preset)

    return cached(args.oof, compute)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="movie manifest with a split column")
    parser.add_argument("--cache", default=None, help="joblib cache of the base models")
    parser.add_argument("--seeds", type=int, default=3, help="shuffles of the 5 folds")
    parser.add_argument("--oof", default=None,
                        help="pickle of the base models' predictions: read if it exists, "
                             "else written")
    parser.add_argument("--n-jobs", type=int, default=None)
    parser.add_argument("--kinds", nargs="*", default=[], metavar="MODALITY=KIND",
                        type=modality_kind,
                        help="base models other than the defaults, e.g. poster=efficientnet_mlp")
    parser.add_argument("--preset", default="best", choices=["best", "fast"],
                        help="the stacker's preset of default base models (default best)")
    parser.add_argument("--drop", nargs="*", default=[], metavar="COLUMN",
                        help="columns to drop before fitting, e.g. trailer")
    args = parser.parse_args(argv)

    base = base_predictions(args)
    modalities, test, Y = base["modalities"], base["test_mask"], base["Y"]
    Z, Z_test = stack(base["oof"], modalities), stack(base["test"], modalities)
    Y_train, Y_test = Y[~test], Y[test]
    folds = [(train, valid) for seed in range(args.seeds) for train, valid in
             MultilabelStratifiedKFold(5, shuffle=True, random_state=seed).split(Z, Y_train)]

    rows, per_fold = [], {}
    for name in modalities:
        oof = base["oof"][name]
        per_fold[name] = np.array([scores(Y_train[v], oof[v]) for _, v in folds])
        rows.append((f"base model: {name}", per_fold[name].mean(0),
                     scores(Y_test, base["test"][name])))
    for name, final in candidates():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
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

    best_base = max(modalities, key=lambda m: per_fold[m][:, 1].mean())
    default = "default"
    from scipy import stats

    gain = per_fold[default][:, 1] - per_fold[best_base][:, 1]
    half = stats.t.ppf(0.975, len(gain) - 1) * gain.std(ddof=1) / np.sqrt(len(gain))
    print(f"\nFusion ('default' final estimator) minus the best single modality "
          f"({best_base}), macro AP over the {len(gain)} CV folds: {gain.mean():+.4f}, "
          f"95% interval [{gain.mean() - half:+.4f}, {gain.mean() + half:+.4f}] (t, "
          f"{len(gain) - 1} df; folds of different shuffles overlap, so it is optimistic); "
          f"target: lower end above +0.005: {'OK' if gain.mean() - half > 0.005 else 'NOT MET'}")
    print(f"\nPaired fold differences (mean +- standard error, folds won) of {default!r}:")
    for other in [f"base model: {best_base}"] + [n for n, _ in candidates()]:
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
