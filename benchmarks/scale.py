"""Benchmark of skgenre at scale: the default stacker on 1k, 10k and 100k synthetic movies.

For each size, ``make_movies`` writes a catalogue of plots, metadata and small posters
(trailers are left out: encoding 100,000 videos is a benchmark of FFmpeg). The default
:class:`~skgenre.MovieGenreStacker` (``random_state=0``, a fresh feature cache) is fitted
on the train+val movies and predicts the test movies, once locally (``n_jobs=1``) and
once on a ``dask.distributed.LocalCluster`` of 2 worker processes with one thread each
(``joblib.parallel_config(backend="dask")``). Each run is a subprocess of its own, so
that its peak resident memory (``ru_maxrss``; with Dask, the largest worker's too) is its
own; every process runs one BLAS/OpenMP/torch thread (Dask's default for its workers).
Printed per size and mode: the time to make the catalogue (once per size), fit and
predict times, peak memory, the feature cache's size on disk, and the test macro average
precision (the local and Dask predictions are compared, they must agree); then the fit
time's growth from each size to the next against linear growth.

Run from the project root::

    nice -n 10 .venv/bin/python benchmarks/scale.py                # 1k, 10k, 100k
    .venv/bin/python benchmarks/scale.py --sizes 1000 10000 --no-dask

``--work DIR`` keeps the catalogues (default: a folder under the system's temp folder,
reused across runs, so that a second run does not remake them); ``--keep-cache`` keeps
the feature caches too.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

MODALITIES = ("plot", "poster", "metadata")
POSTER_SIZE = 32


def folder_size(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass
    return total


def catalogue(n_movies, work):
    from skgenre.datasets import make_movies

    start = time.perf_counter()
    bunch = make_movies(n_movies, modalities=MODALITIES, poster_size=POSTER_SIZE,
                        path=work / f"movies-{n_movies}", random_state=0)
    return bunch, time.perf_counter() - start


def _peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(args):
    """One size, one mode: fit, predict, measure; a JSON line on stdout."""
    from skgenre import MovieGenreStacker
    from skgenre.metrics import average_precision

    bunch, _ = catalogue(args.child, args.work)
    X, Y = bunch.data, bunch.target
    test = (X["split"] == "test").to_numpy()
    cache = args.work / f"cache-{args.child}-{args.mode}"
    shutil.rmtree(cache, ignore_errors=True)
    stacker = MovieGenreStacker(memory=str(cache), random_state=0, n_jobs=1)
    result = {"n_movies": args.child, "mode": args.mode,
              "n_train": int((~test).sum()), "n_test": int(test.sum())}
    if args.mode == "dask":
        import distributed
        import joblib

        cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                           dashboard_address=None, memory_limit=0)
        client = distributed.Client(cluster)
        client.run(lambda: None)  # workers up before the clock starts
        context = joblib.parallel_config(backend="dask")
    else:
        import contextlib

        context = contextlib.nullcontext()
    with context:
        start = time.perf_counter()
        stacker.fit(X[~test], Y[~test])
        result["fit_s"] = time.perf_counter() - start
    start = time.perf_counter()
    proba = stacker.predict_proba(X[test])
    result["predict_s"] = time.perf_counter() - start
    result["peak_mib"] = _peak_rss_mib()
    if args.mode == "dask":
        workers = client.run(_peak_rss_mib)
        result["worker_peak_mib"] = max(workers.values())
        client.close()
        cluster.close()
    result["cache_mib"] = folder_size(cache) / 2**20
    result["macro_ap"] = float(average_precision(Y[test], proba, average="macro"))
    np.save(args.work / f"proba-{args.child}-{args.mode}.npy", proba)
    if not args.keep_cache:
        shutil.rmtree(cache, ignore_errors=True)
    print(json.dumps(result), flush=True)


def run_child(n_movies, mode, args):
    command = [sys.executable, __file__, "--child", str(n_movies), "--mode", mode,
               "--work", str(args.work)] + (["--keep-cache"] if args.keep_cache else [])
    # One BLAS/OpenMP/torch thread per process, as Dask gives its workers: the local
    # run is then the same computation as each worker's, and the comparison fair.
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    out = subprocess.run(command, capture_output=True, text=True, env=env)
    if out.returncode:
        sys.stderr.write(out.stderr[-4000:])
        raise SystemExit(f"run n_movies={n_movies} mode={mode} failed ({out.returncode})")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--no-dask", action="store_true", help="local runs only")
    parser.add_argument("--no-local", action="store_true", help="Dask runs only")
    parser.add_argument("--work", type=Path,
                        default=Path(tempfile.gettempdir()) / "skgenre-scale")
    parser.add_argument("--keep-cache", action="store_true")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="local", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.child:
        child(args)
        return 0

    modes = [m for m, off in (("local", args.no_local), ("dask", args.no_dask)) if not off]
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start; "
          f"modalities {', '.join(MODALITIES)}, posters {POSTER_SIZE}px; "
          "default MovieGenreStacker, 5 folds")
    rows = []
    for n in args.sizes:
        new = not (args.work / f"movies-{n}" / ".make_movies.json").exists()
        _, make_s = catalogue(n, args.work)  # made here once, reused by the runs
        print(f"\n{n} movies: catalogue {'made' if new else 'reused'} in {make_s:.1f} s",
              flush=True)
        for mode in modes:
            row = run_child(n, mode, args)
            row["make_s"] = make_s if new else float("nan")
            rows.append(row)
            print("  " + ", ".join(f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}"
                                   for k, v in row.items()), flush=True)
        if len(modes) == 2:
            a, b = (np.load(args.work / f"proba-{n}-{m}.npy") for m in modes)
            print(f"  local vs dask predictions: max difference {np.abs(a - b).max():.2g}")

    print("\n| movies | mode | fit (s) | predict (s) | peak RSS (MiB) | cache (MiB) "
          "| macro AP |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for r in rows:
        peak = f"{r['peak_mib']:.0f}"
        if "worker_peak_mib" in r:
            peak += f" (+ workers {r['worker_peak_mib']:.0f})"
        print(f"| {r['n_movies']:,} | {r['mode']} | {r['fit_s']:.1f} | {r['predict_s']:.1f} "
              f"| {peak} | {r['cache_mib']:.1f} | {r['macro_ap']:.3f} |")
    print("\nfit time growth (x linear = (t2 / t1) / (n2 / n1)):")
    for mode in modes:
        mine = [r for r in rows if r["mode"] == mode]
        for r1, r2 in zip(mine, mine[1:]):
            growth = (r2["fit_s"] / r1["fit_s"]) / (r2["n_movies"] / r1["n_movies"])
            print(f"  {mode}: {r1['n_movies']:,} -> {r2['n_movies']:,}: "
                  f"{r2['fit_s'] / r1['fit_s']:.1f}x time, {growth:.2f}x linear")
    for n in args.sizes:
        made = [r["make_s"] for r in rows if r["n_movies"] == n]
        print(f"make_movies({n:,}): " + (f"{made[0]:.1f} s" if made[0] == made[0]
                                         else "reused from an earlier run (--work)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
