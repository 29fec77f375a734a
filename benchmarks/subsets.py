"""Any subset of modalities at predict time: fused AP and calibration, per subset.

Fits ``MovieGenreStacker()`` (default base models) once on the train+val movies of a
manifest (or of a synthetic catalogue), then, on its out-of-fold base predictions, for
every subset of the modalities *kept* at predict time (the others masked, as the
stacker sees a movie that lacks them), compares final estimators by 5-fold
multilabel-stratified cross-validation repeated over ``--seeds`` shuffles:

- ``n``: the train+val movies that have every kept modality (the rows scored);
- ``best``: the macro average precision of the best kept modality's own out-of-fold
  probabilities on those movies, and its name;
- the first row, ``(as given)``: every movie with the modalities it has, no masking
  (the test columns then give the test split's macro AP, not a difference);
- per final estimator: the fused macro AP (``d``: minus ``best``; the target is
  ``d >= -0.01``) and the expected calibration error (per genre, 10 bins, averaged;
  target ``<= 0.05``; :func:`skgenre.metrics.expected_calibration_error`).

AP is averaged over the validation folds (each fold's movies ranked by one fitted
fusion, as a deployed model ranks them; ``best`` the same way); the calibration error
is taken on the pooled out-of-fold predictions of each shuffle, then averaged. With no
modality kept, ``prior`` gives the largest gap between the fused probabilities and the
genre frequencies of the training folds (0 means the genre prior exactly). The test
split is scored once per final estimator, fitted on all out-of-fold rows (``--test``).

Final estimators: ``before`` is ``LogitFusionClassifier()`` (the default until this
benchmark), ``after`` the default ``make_final_estimator()``
(``SubsetFusionClassifier``).

Usage (the base models' fit dominates: minutes on the real tables, cached by ``--oof``)::

    OMP_NUM_THREADS=1 nice python benchmarks/subsets.py --data ../shared/data/movielens_wiki.csv \\
        --oof /tmp/oof_movielens.pkl
    OMP_NUM_THREADS=1 nice python benchmarks/subsets.py --synthetic 1000 --never-missing text \\
        --oof /tmp/oof_synthetic_text.pkl
"""

import argparse
import itertools
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.base import clone

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fusion import cached, fit_base_predictions  # noqa: E402 (benchmarks/fusion.py)
from skgenre.datasets import MODALITY_REGISTRY, load_movies, make_movies  # noqa: E402
from skgenre.ensemble import LogitFusionClassifier, make_final_estimator  # noqa: E402
from skgenre.metrics import average_precision, expected_calibration_error  # noqa: E402
from skgenre.model_selection import MultilabelStratifiedKFold  # noqa: E402

FINALS = {"before": LogitFusionClassifier(), "after": make_final_estimator()}


def stack(probas, modalities, keep=None):
    """The stacked layout MovieGenreStacker feeds its final estimator (no passthrough);
    modalities not in ``keep`` are masked (missing for every movie)."""
    blocks = []
    for name in modalities:
        missing = np.isnan(probas[name][:, 0])
        if keep is not None and name not in keep:
            missing = np.ones_like(missing)
        blocks += [np.where(missing[:, None], 0.0, np.nan_to_num(probas[name])),
                   missing[:, None].astype(float)]
    return np.hstack(blocks)


def synthetic_table(n_movies, never_missing, missing_rate, folder):
    """make_movies with each modality but ``never_missing`` blanked for a share of movies."""
    movies = make_movies(n_movies, missing_rate=0.0, path=folder, random_state=0)
    X = movies.data.copy()
    rng = np.random.default_rng(0)
    for name, modality in MODALITY_REGISTRY.items():
        if name in never_missing:
            continue
        columns = modality.columns_in(X)
        gone = rng.random(len(X)) < missing_rate
        X.loc[gone, columns] = None
    return X, np.asarray(movies.target)


def base_predictions(args):
    def compute():
        with tempfile.TemporaryDirectory() as tmp:
            if args.synthetic:
                X, Y = synthetic_table(args.synthetic, set(args.never_missing),
                                       args.missing_rate, os.path.join(tmp, "movies"))
            else:
                movies = load_movies(args.data)
                X, Y = movies.data, np.asarray(movies.target)
            return fit_base_predictions(X, Y, cache=args.cache, n_jobs=args.n_jobs)

    return cached(args.oof, compute)


def _scores(Y, proba, rows):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return average_precision(Y[rows], proba[rows])


def subset_rows(base, keep, part="oof"):
    """Movies that have every modality of ``keep``."""
    probas = base[part]
    rows = np.ones(len(next(iter(probas.values()))), dtype=bool)
    for name in keep:
        rows &= ~np.isnan(probas[name][:, 0])
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", help="movie manifest with a split column")
    source.add_argument("--synthetic", type=int, metavar="N_MOVIES",
                        help="a make_movies catalogue of this many movies")
    parser.add_argument("--never-missing", nargs="*", default=[], metavar="MODALITY",
                        help="with --synthetic: modalities every movie has")
    parser.add_argument("--missing-rate", type=float, default=0.1,
                        help="with --synthetic: share of movies lacking each other modality")
    parser.add_argument("--seeds", type=int, default=2, help="shuffles of the 5 folds")
    parser.add_argument("--oof", default=None,
                        help="pickle of the base models' predictions: read if it exists, "
                             "else written")
    parser.add_argument("--cache", default=None, help="joblib cache of the base models")
    parser.add_argument("--n-jobs", type=int, default=None)
    args = parser.parse_args(argv)

    base = base_predictions(args)
    modalities, test, Y = base["modalities"], base["test_mask"], base["Y"]
    Y_train, Y_test = Y[~test], Y[test]
    Z = stack(base["oof"], modalities)
    shuffles = [list(MultilabelStratifiedKFold(5, shuffle=True, random_state=seed)
                     .split(Z, Y_train)) for seed in range(args.seeds)]
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = {name: [[clone(final).fit(Z[t], Y_train[t]) for t, _ in folds]
                         for folds in shuffles] for name, final in FINALS.items()}
        on_all = {name: clone(final).fit(Z, Y_train) for name, final in FINALS.items()}
    print(f"final estimators fitted in {time.perf_counter() - start:.0f} s "
          f"({len(FINALS)} x {5 * args.seeds + 1} fits)")

    print(f"\nEvery subset of {modalities} kept at predict time (the others masked): "
          f"5-fold CV x {args.seeds} on the {len(Y_train)} train+val movies' out-of-fold "
          f"rows; test split ({test.sum()} movies) beside")
    head = "  ".join(f"{n + ' AP':>10s} {'d':>7s} {'ECE':>6s}" for n in FINALS)
    print(f"{'kept':32s} {'n':>5s} {'best':>16s}  {head}   test: "
          + "  ".join(f"{n + ' d':>9s} {'ECE':>6s}" for n in FINALS))
    line = f"{'(as given, every movie)':32s} {len(Y_train):5d} {'':>16s}  "
    for name in FINALS:
        aps = [_scores(Y_train[v], model.predict_proba(Z[v]), slice(None))
               for folds, models in zip(shuffles, fitted[name])
               for (_, v), model in zip(folds, models)]
        line += f"{np.mean(aps):10.4f} {'':>7s} {'':>6s}  "
    line += " " + "  ".join(
        f"{_scores(Y_test, on_all[name].predict_proba(stack(base['test'], modalities)), slice(None)):9.4f} {'AP':>6s}"
        for name in FINALS)
    print(line)
    failures = {name: [] for name in FINALS}
    for size in range(len(modalities) + 1):
        for keep in itertools.combinations(modalities, size):
            rows = subset_rows(base, keep)
            Zm = stack(base["oof"], modalities, keep)
            line = f"{'+'.join(keep) or '(none)':32s} {rows.sum():5d} "
            best_name, best = None, np.nan
            for name in keep:
                ap = np.mean([_scores(Y_train, base["oof"][name], v[rows[v]])
                              for folds in shuffles for _, v in folds])
                if not best >= ap:
                    best_name, best = name, ap
            line += f"{(best_name or '-'):>9s} {best:6.4f}  " if keep else f"{'-':>16s}  "
            for name in FINALS:
                aps, eces, gap = [], [], 0.0
                for folds, models in zip(shuffles, fitted[name]):
                    pooled = np.zeros(Y_train.shape)
                    for (t, v), model in zip(folds, models):
                        pooled[v] = model.predict_proba(Zm[v])
                        aps.append(_scores(Y_train, pooled, v[rows[v]]))
                        gap = max(gap, np.abs(pooled[v] - Y_train[t].mean(0)).max())
                    eces.append(expected_calibration_error(Y_train[rows], pooled[rows]))
                ap, ece = np.mean(aps), np.mean(eces)
                if keep:
                    line += f"{ap:10.4f} {ap - best:+7.4f} {ece:6.3f}  "
                    if ap < best - 0.01 or ece > 0.05:
                        failures[name].append("+".join(keep))
                else:
                    line += f"{ap:10.4f} {'prior':>7s} {gap:6.3f}  "
                    if gap > 1e-6:
                        failures[name].append("(none)")
            test_rows = subset_rows(base, keep, "test")
            Zt = stack(base["test"], modalities, keep)
            line += " "
            for name in FINALS:
                proba = on_all[name].predict_proba(Zt)
                if keep and test_rows.sum():
                    test_best = max(_scores(Y_test, base["test"][m], test_rows) for m in keep)
                    line += (f"{_scores(Y_test, proba, test_rows) - test_best:+9.4f} "
                             f"{expected_calibration_error(Y_test[test_rows], proba[test_rows]):6.3f}  ")
                else:
                    gap = np.abs(proba - Y_train.mean(0)).max()
                    line += f"{'prior':>9s} {gap:6.3f}  "
            print(line, flush=True)
    for name, failed in failures.items():
        print(f"{name}: {'every subset meets the targets' if not failed else 'misses on ' + ', '.join(failed)}")


if __name__ == "__main__":
    main()
