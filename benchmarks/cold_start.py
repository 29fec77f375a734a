"""Cold ``skgenre predict`` against its import floor, and the two routes to model files.

In one run (issue 24):

1. ``skgenre fit --data DATA --split train,val`` once per checkout (cached in ``--work``);
2. interleaved, ``--repeat`` times, for each checkout, in fresh processes: the import floor
   ``python -c "import skgenre, torch, sklearn, pandas"``, ``skgenre info --model M`` and
   ``skgenre predict`` of ``--n-predict`` test movies; medians, and predict minus floor
   (target: at most 0.5 s on 2 idle cores);
3. ``python -X importtime`` of that predict, per checkout: the ten slowest top-level imports
   and whether skops, matplotlib or jinja2 were imported;
4. the routes, on this checkout's model: ``skgenre.save_model`` / ``load_model`` against
   plain ``skops.io.dump`` / ``skops.io.load(trusted=[...])`` of the same model (save time,
   file size, cold load in a fresh process), and ``import skops.io`` alone (skipped without
   skops, which skgenre no longer needs).

``--before PATH`` is another checkout of skgenre (e.g. ``git worktree add /tmp/main main``,
or an exported tree): it runs with the same interpreter, its folder first on
``PYTHONPATH``. The machine must be idle for the absolute figures to mean anything; the
ratios inside one run hold better.

Usage::

    python benchmarks/cold_start.py --data ../shared/data/movielens_wiki.csv
    python benchmarks/cold_start.py --data ../shared/data/movielens_wiki.csv --before /tmp/main
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

FLOOR = "import skgenre, torch, sklearn, pandas"


def run(command, env, stderr=subprocess.DEVNULL):
    # Run from the checkout's folder (PYTHONPATH's first entry) or this script's folder:
    # `python -m` and `-c` put the working directory first on sys.path, which would
    # otherwise shadow PYTHONPATH with whatever skgenre sits in it.
    cwd = env.get("SKGENRE_BENCH_CWD", str(Path(__file__).resolve().parent))
    start = time.perf_counter()
    done = subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL,
                          stderr=stderr, text=True, cwd=cwd)
    return time.perf_counter() - start, done.stderr


def checkout_env(path):
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(path), env.get("PYTHONPATH", "")]).rstrip(":")
        env["SKGENRE_BENCH_CWD"] = str(path)
    return env


def prepare(label, path, data, work, n_predict):
    """The fitted model of a checkout (fitted once) and the manifest of a few movies."""
    folder = Path(work) / label
    folder.mkdir(parents=True, exist_ok=True)
    model = folder / "model.skgenre"
    env = checkout_env(path)
    if not model.exists():
        print(f"[{label}] skgenre fit on {data} (train+val) ...", flush=True)
        seconds, _ = run([sys.executable, "-m", "skgenre", "fit", "--data",
                          str(Path(data).resolve()),
                          "--split", "train,val", "--out", str(model), "-q"], env)
        print(f"[{label}] fitted in {seconds:.0f} s", flush=True)
    where = subprocess.run([sys.executable, "-c", "import skgenre; print(skgenre.__file__)"],
                           env=env, capture_output=True, text=True,
                           cwd=env.get("SKGENRE_BENCH_CWD", str(Path(__file__).parent)))
    print(f"[{label}] runs {where.stdout.strip()}", flush=True)
    few = Path(work) / f"predict_{n_predict}.csv"
    if not few.exists():  # test movies, media paths made absolute; in --work only
        from skgenre.datasets import load_movies

        movies = load_movies(data, split=["test"]).data
        movies.iloc[:n_predict].drop(columns=["genres"], errors="ignore").to_csv(few,
                                                                                 index=False)
    return model, few, env


def importtime(command, env, top=10):
    """The ``top`` slowest top-level imports of ``command`` and every module it imported."""
    _, err = run([sys.executable, "-X", "importtime", *command], env, stderr=subprocess.PIPE)
    rows, modules = [], set()
    for line in err.splitlines():
        parts = line.split("|", 2)  # "import time: self [us] | cumulative | name"
        if not line.startswith("import time:") or len(parts) < 3:
            continue
        cumulative, name = parts[1].strip(), parts[2].rstrip()
        if not cumulative.isdigit():
            continue
        name = name[1:]  # the space after "|"
        modules.add(name.strip())
        if not name.startswith("  "):
            rows.append((int(cumulative) / 1e6, name.strip()))
    return sorted(rows, reverse=True)[:top], modules


def cold_start(checkouts, repeat):
    """Interleaved medians of floor, info and predict for each checkout."""
    times = {label: {"floor": [], "info": [], "predict": []} for label in checkouts}
    for _ in range(repeat):
        for label, (model, few, env) in checkouts.items():
            skgenre = [sys.executable, "-m", "skgenre"]
            times[label]["floor"].append(run([sys.executable, "-c", FLOOR], env)[0])
            times[label]["info"].append(run(skgenre + ["info", "--model", str(model)], env)[0])
            times[label]["predict"].append(run(skgenre + ["predict", "--model", str(model),
                                                          "--data", str(few), "-q"], env)[0])
    print(f"\nCold start, median of {repeat} interleaved runs (seconds; raw runs in brackets):")
    print(f"  {'checkout':<10} {'floor':>7} {'info':>7} {'predict':>8} {'predict-floor':>14}")
    for label, found in times.items():
        med = {k: statistics.median(v) for k, v in found.items()}
        print(f"  {label:<10} {med['floor']:7.2f} {med['info']:7.2f} {med['predict']:8.2f} "
              f"{med['predict'] - med['floor']:14.2f}")
        for key, values in found.items():
            print(f"      {key:<8} [{', '.join(f'{v:.2f}' for v in values)}]")
    return times


def routes(model_path, env, work, repeat):
    """skgenre.io against plain skops on the same fitted model."""
    try:
        import skops.io as sio
    except ImportError:
        print("\nRoutes: skops is not installed (pip install skops to compare); skipped.")
        return None
    from skgenre import load_model, save_model

    model = load_model(model_path)
    own, plain = Path(work) / "route_own.skgenre", Path(work) / "route_skops.skops"
    start = time.perf_counter()
    save_model(model, own)
    own_save = time.perf_counter() - start
    start = time.perf_counter()
    sio.dump(model, plain)
    skops_save = time.perf_counter() - start
    trusted = Path(work) / "route_skops_trusted.json"
    trusted.write_text(json.dumps(sio.get_untrusted_types(file=plain)))
    loads = {
        "skgenre.io load": f"from skgenre import load_model; load_model({str(own)!r})",
        "skops.io load": ("import json, skops.io as sio; sio.load("
                          f"{str(plain)!r}, trusted=json.load(open({str(trusted)!r})))"),
        "import skops.io": "import skops.io",
        "import floor": FLOOR,
    }
    times = {name: [] for name in loads}
    for _ in range(repeat):
        for name, code in loads.items():
            times[name].append(run([sys.executable, "-c", code], env)[0])
    print(f"\nRoutes on this checkout's default model (cold loads: median of {repeat} "
          "interleaved fresh processes, imports included):")
    print(f"  skgenre.io  save {own_save:6.2f} s  file {own.stat().st_size / 2**20:6.2f} MB")
    print(f"  skops.io    save {skops_save:6.2f} s  file {plain.stat().st_size / 2**20:6.2f} MB"
          f"  ({len(json.loads(trusted.read_text()))} types to trust)")
    for name, values in times.items():
        print(f"  {name:<16} {statistics.median(values):6.2f} s  "
              f"[{', '.join(f'{v:.2f}' for v in values)}]")
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="manifest with a split column")
    parser.add_argument("--before", default=None, help="another checkout to compare with")
    parser.add_argument("--work", default="/tmp/skgenre_cold_start",
                        help="folder of the fitted models (reused when present)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--n-predict", type=int, default=4)
    args = parser.parse_args(argv)
    checkouts = {}
    if args.before:
        checkouts["before"] = prepare("before", Path(args.before).resolve(), args.data,
                                      args.work, args.n_predict)
    checkouts["this"] = prepare("this", None, args.data, args.work, args.n_predict)
    cold_start(checkouts, args.repeat)
    for label, (model, few, env) in checkouts.items():
        command = ["-m", "skgenre", "predict", "--model", str(model), "--data", str(few), "-q"]
        rows, modules = importtime(command, env)
        heavy = [m for m in ("skops", "matplotlib", "jinja2", "torch") if m in modules]
        print(f"\n-X importtime of `skgenre predict` ({label}), top ten by cumulative time; "
              f"imported: {', '.join(heavy) or 'none of skops, matplotlib, jinja2, torch'}")
        for seconds, name in rows:
            print(f"  {seconds:7.3f} s  {name}")
    routes(checkouts["this"][0], checkouts["this"][2], args.work, args.repeat)


if __name__ == "__main__":
    main()
