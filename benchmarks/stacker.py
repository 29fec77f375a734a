"""The study's table for MovieGenreStacker on a movie manifest.

Trains on the train+val movies, scores the test movies (the manifest's ``split``
column), and prints one row per modality and one for the fusion, for:

- ``default``: ``MovieGenreStacker()`` with every measured-best default;
- ``study``: the MovieScope recipe (GloVe mean -> MLP, frozen VGG-16 fc7 -> 4096-1000-n
  MLP, one-hot metadata -> MLP, single linear fusion layer);
- ``baseline``: plain scikit-learn (TF-IDF + logistic regression and one-hot + random
  forest, probabilities averaged), no stacking;

with the wall time and peak memory (max RSS growth) of each fit.

``--cost`` measures instead what a user pays for the default model on the whole
manifest, through the command line as a user runs it: ``skgenre fit`` on every movie
with ``--preset best`` (the default) and ``--preset fast``, each on a cold (empty) and
then a warm feature cache, interleaved (wall time, peak memory of the process), the
size of the model file, and ``skgenre predict`` of ``--n-predict`` movies in a fresh
process (cold: imports, model loading and the base models' feature extraction
included). Targets: a cold default fit at most 4x the fast preset's, a warm one at
most 1.2x (issue 29); 10 MB and 3 s (issue 16), on 2 idle cores.

Usage::

    python benchmarks/stacker.py --data ../shared/data/movielens_wiki.csv
    python benchmarks/stacker.py --data ../shared/data/movielens_wiki.csv --only default
    python benchmarks/stacker.py --data ../shared/data/movielens_wiki.csv --cost
    python benchmarks/stacker.py --data ../shared/data/movielens_wiki.csv --split train,val \\
        --cost --rounds 2   # the 3,853 train+val movies, as issue 29 measures
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from skgenre import MovieGenreStacker
from skgenre.datasets import load_movies
from skgenre.ensemble import default_estimators, make_final_estimator
from skgenre.metrics import average_precision_report, modality_report


def max_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def split_masks(X):
    if "split" not in X.columns:
        sys.exit("The manifest needs a 'split' column (train/val/test).")
    test = (X["split"] == "test").to_numpy()
    return ~test, test


def study_estimators(X, seed, memory, vgg_input_size=224):
    from skgenre.datasets import METADATA_COLUMNS

    out = []
    if "plot" in X:
        from skgenre.text import make_text_model

        out.append(("text", make_text_model("glove_mlp", random_state=seed), "plot"))
    if "poster" in X:
        from skgenre.vision import make_poster_model

        out.append(("poster", make_poster_model("vgg16_mlp", random_state=seed, memory=memory,
                                                input_size=vgg_input_size), "poster"))
    if "trailer" in X:
        from skgenre.video import make_trailer_model

        out.append(("trailer", make_trailer_model("frame_mean_mlp", random_state=seed,
                                                  memory=memory), "trailer"))
    meta = [c for c in METADATA_COLUMNS if c in X]
    if meta:
        from skgenre.metadata import make_metadata_model

        out.append(("metadata", make_metadata_model("mlp", random_state=seed), meta))
    return out


def baseline(X_train, Y_train, X_test, seed):
    """TF-IDF + logistic regression and one-hot + random forest, averaged (the first
    alone for a table without a ``cast`` column)."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    from skgenre.utils import positive_proba

    def fill(s):
        return s.fillna("").astype(str)

    text = TfidfVectorizer(sublinear_tf=True, min_df=2)
    lr = OneVsRestClassifier(LogisticRegression(max_iter=1000))
    lr.fit(text.fit_transform(fill(X_train["plot"])), Y_train)
    p_text = lr.predict_proba(text.transform(fill(X_test["plot"])))
    if "cast" not in X_train.columns:  # e.g. mmimdb_dev.csv: plots (and posters) only
        return p_text
    cast = CountVectorizer(tokenizer=lambda s: [t for t in s.split("|") if t], lowercase=False,
                           token_pattern=None, binary=True)
    rf = RandomForestClassifier(n_estimators=300, n_jobs=-1, random_state=seed)
    rf.fit(cast.fit_transform(fill(X_train["cast"])), Y_train)
    p_cast = positive_proba(rf.predict_proba(cast.transform(fill(X_test["cast"]))), rf.classes_)
    return (p_text + p_cast) / 2


def _run(command, env=None):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def _export_graphs():
    """Export the ONNX graphs of the pretrained encoders (once per machine); seconds."""
    from skgenre.text import SentenceEmbedder
    from skgenre.vision import PosterEmbedder

    start = time.perf_counter()
    SentenceEmbedder(memory=False).fit().transform(["warm-up"])
    PosterEmbedder("efficientnet_lite0", weights="imagenet", backend="onnx",
                   memory=False).fit()._session()
    return time.perf_counter() - start


def cost(data, n_predict, seed, rounds=1, split=None):
    """Fit time (both presets, cold and warm feature cache), memory, size, predict latency.

    Each fit is ``skgenre fit`` in a fresh process, as a user runs it, with the feature
    cache in a folder of its own (``SKGENRE_CACHE``): "cold" starts it empty (every
    poster and plot is embedded), "warm" fits again on the same folder. Per round the
    order is fast cold, best cold, fast warm, best warm, so that load from other
    processes hits both presets alike. The pretrained encoders' ONNX graphs are
    exported once beforehand (a one-time cost per machine, printed apart).
    """
    skgenre = [sys.executable, "-m", "skgenre"]
    export_s = _export_graphs()
    times = {(p, c): [] for p in ("fast", "best") for c in ("cold", "warm")}
    with tempfile.TemporaryDirectory(prefix="skgenre_cost_") as tmp:
        model = os.path.join(tmp, "model.skgenre")
        for r in range(rounds):
            caches = {p: os.path.join(tmp, f"cache-{p}-{r}") for p in ("fast", "best")}
            for condition in ("cold", "warm"):
                for preset in ("fast", "best"):
                    env = dict(os.environ, SKGENRE_CACHE=caches[preset])
                    out = model if preset == "best" else os.path.join(tmp, "fast.skgenre")
                    rows = ["--split", split] if split else []
                    seconds = _run(skgenre + ["fit", "--data", data, "--out", out, "-q",
                                              "--preset", preset, "--random-state",
                                              str(seed), *rows], env=env)
                    times[(preset, condition)].append(seconds)
                    print(f"  round {r}: {preset} {condition} fit {seconds:6.1f} s", flush=True)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        size_mb = os.path.getsize(model) / 2**20
        # A few movies in a manifest of their own (media paths made absolute); it lives
        # in the temporary folder only.
        movies = load_movies(data).data
        few = movies.iloc[:n_predict].drop(columns=["genres"], errors="ignore")
        manifest = os.path.join(tmp, "few.csv")
        few.to_csv(manifest, index=False)
        env = dict(os.environ, SKGENRE_CACHE=os.path.join(tmp, "cache-predict"))
        predict_s = _run(skgenre + ["predict", "--model", model, "--data", manifest], env=env)
        warm_s = _run(skgenre + ["predict", "--model", model, "--data", manifest], env=env)
    n = len(movies) if not split else int(movies["split"].isin(split.split(",")).sum())
    fit = {k: float(np.median(v)) for k, v in times.items()}
    print(f"\nCost of the default model (preset='best') on {n} movies of {Path(data).name} "
          "against preset='fast' (skgenre fit / predict in fresh processes; median of "
          f"{rounds} round(s)):")
    print(f"  one-time ONNX export of the encoders {export_s:6.1f} s")
    for condition, target in (("cold", 4.0), ("warm", 1.2)):
        best, fast = fit[("best", condition)], fit[("fast", condition)]
        verdict = "OK" if best <= target * fast else "FAILED"
        print(f"  fit, {condition} feature cache:  best {best:6.1f} s   fast {fast:6.1f} s   "
              f"ratio {best / fast:4.2f}x  (target <= {target}x: {verdict})")
    ratio = fit[("best", "warm")] / fit[("fast", "cold")]
    print(f"  best warm / fast cold                  ratio {ratio:4.2f}x")
    print(f"  peak memory of a fit     {peak_mb:8.0f} MB")
    print(f"  model file               {size_mb:8.1f} MB   (target <= 10 MB)")
    print(f"  predict {n_predict} movies, cold   {predict_s:8.1f} s    (target <= 3 s)")
    print(f"  predict again            {warm_s:8.1f} s    (file cache warm)")
    return dict(fit=fit, peak_mb=peak_mb, size_mb=size_mb, predict_s=predict_s)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="movie manifest (CSV or Parquet)")
    parser.add_argument("--only", nargs="*", default=["default", "study", "baseline"],
                        choices=["default", "study", "baseline"])
    parser.add_argument("--cache", default=None, help="joblib cache folder for frozen features")
    parser.add_argument("--vgg-input-size", type=int, default=224,
                        help="poster size for the study's VGG-16 (224 as in the study; on a CPU "
                             "without pretrained weights 64 keeps the run to minutes)")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--n-jobs", type=int, default=None)
    parser.add_argument("--cost", action="store_true",
                        help="measure fit time, memory, model size and predict latency only")
    parser.add_argument("--n-predict", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=1, help="rounds of --cost's four fits")
    parser.add_argument("--split", default=None,
                        help="--cost: fit on these split values only, e.g. train,val")
    args = parser.parse_args(argv)
    if args.cost:
        cost(args.data, args.n_predict, args.random_state, rounds=args.rounds,
             split=args.split)
        return

    movies = load_movies(args.data)
    X, Y, names = movies.data, movies.target, list(movies.target_names)
    train, test = split_masks(X)
    print(f"{Path(args.data).name}: {len(X)} movies, {len(names)} genres; "
          f"train+val {train.sum()}, test {test.sum()}")
    timings = {}
    tables = []
    for recipe in args.only:
        start_rss, start = max_rss_mb(), time.perf_counter()
        if recipe == "baseline":
            proba = baseline(X[train], Y[train], X[test], args.random_state)
            table = average_precision_report(Y[test], {"baseline (avg)": proba})
        else:
            if recipe == "default":
                stacker = MovieGenreStacker(random_state=args.random_state, memory=args.cache,
                                            n_jobs=args.n_jobs, verbose=1)
            else:
                stacker = MovieGenreStacker(
                    study_estimators(X, args.random_state, args.cache, args.vgg_input_size),
                    make_final_estimator("linear_layer", random_state=args.random_state),
                    random_state=args.random_state, memory=args.cache, n_jobs=args.n_jobs,
                    verbose=1,
                )
            stacker.fit(X[train], pd.DataFrame(Y[train], columns=names, index=X.index[train]))
            table = modality_report(stacker, X[test], Y[test])
            table.index = [f"{recipe}: {i}" for i in table.index]
        timings[recipe] = (time.perf_counter() - start, max_rss_mb() - start_rss)
        tables.append(table)
        print(table.round(4).to_string(), flush=True)

    prior = np.tile(Y[train].mean(0), (test.sum(), 1))
    tables.append(average_precision_report(Y[test], {"genre-frequency prior": prior}))
    print("\nAverage precision on the test split (micro / macro / samples):")
    print(pd.concat(tables).round(4).to_string())
    print("\nFit wall time and peak memory growth:")
    for recipe, (seconds, mb) in timings.items():
        print(f"  {recipe:9s} {seconds:8.1f} s   {mb:8.0f} MB")


if __name__ == "__main__":
    main()
