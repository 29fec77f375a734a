"""Trailer modality benchmark: AP of the trailer models, decode speed, 3D-CNN throughput.

Usage (from the repository root; long, run it niced)::

    nice -n 10 .venv/bin/python benchmarks/trailer.py                   # everything
    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/trailer.py --skip-synthetic \\
        --real-features ../shared/data/movielens_wiki_trailers.csv --oof /tmp/oof_trailers.pkl
    nice -n 10 .venv/bin/python benchmarks/trailer.py --skip-models     # decode speed only
    nice -n 10 .venv/bin/python benchmarks/trailer.py --kinds frame_stats_mlp \\
        "cnn3d:frame_size=32,n_frames=16"

A kind may carry ``make_trailer_model`` keywords after a colon: ``kind:key=value,...``.
``efficientnet_mlp`` (ImageNet EfficientNet-Lite0, the ``pretrained`` extra) runs at the
trailers' own 64x64 by default here (224 costs 12 times more per frame on a CPU); skipped
with a note when the extra is not installed.

No real trailer videos can be had here, so the models and decoding run on the synthetic
trailers of ``skgenre.datasets.make_movies`` (``--n-movies`` movies, seed 0, trailer modality only:
64x64 H.264 mp4 files of 12 to 48 frames at 12 fps, ~10 % of movies without one).

Accuracy: each kind of ``make_trailer_model`` is trained on the train+val movies that have
a trailer and scored on the test ones (micro / macro / samples average precision), next
to the genre-frequency prior (every movie gets each genre's training frequency). Fit and
predict wall times are given (no cache: every trailer is decoded in the fit).

Decode speed, in trailer frames per second (all frames of the files / wall time; best of
``--rounds`` interleaved passes after a warm-up pass), on two sets of files: the
catalogue's trailers (16 frames sampled at 64x64, what the models use), and
``--skip-large``-able trailer-like videos (4 files of 640x360, 960 frames: 200 frames
sampled at 224x224, MovieScope's setting):

- ``bare decode``: the bare PyAV loop, ``for frame in container.decode(stream): pass``,
  converting nothing: the floor cost of reading a file; also with FFmpeg's frame
  threading (``stream.thread_type = "AUTO"``). ``x bare`` is relative to the faster
  of the two: PyAV's defaults, the loop a user would write, and the issue's target.
- ``bare decode, 1 thread`` (``codec_context.thread_count = 1``) and ``..., demuxer
  named`` (``av.open(file, format=<extension>)``, no probing): the settings FrameSampler
  itself uses on small videos. ``x tuned`` is relative to the fastest single-threaded
  bare loop, so it counts only the work FrameSampler adds (converting the wanted frames
  to RGB and its own bookkeeping), not what its FFmpeg settings save.
- ``bare decode, 2 files at once``: the bare loop in two threads, one file each (the
  ceiling of file-level parallelism; not part of ``x bare``'s base).
- ``plain loop, same frames``: the same loop converting the wanted frames with
  ``frame.to_ndarray(width=, height=, format="rgb24")``, the plain PyAV way to get the
  frames FrameSampler returns.
- ``FrameSampler(n_frames=...)``: the sampler, no cache, one thread, and with
  ``n_jobs=2`` (two trailers decoded at once). Its ratio to the bare decode is the
  target (>= 0.9).
- ``bare decode+rgb, all frames`` and ``FrameSampler(every=1)``: every frame decoded and
  converted (small files only).
- ``FrameSampler, cached``: the second pass of a sampler with ``memory`` (no decoding).

3D CNN training throughput: training slices per second of the fitted ``cnn3d`` models
(sum of training batch sizes over all epochs / sum of epoch durations, validation pass
included in the duration).

Real trailer features (``--real-features MANIFEST``, e.g.
``../shared/data/movielens_wiki_trailers.csv``: MMTF-14K's (1, 207) row per trailer, 107
aesthetic visual and 100 audio i-vector features, for 600 of the movies), everything
chosen by 5-fold multilabel-stratified cross-validation repeated over 2 shuffles on the
train+val movies, the test split reported beside (``--skip-synthetic`` runs this alone):

1. *Trailer models*, on the train+val movies that have a trailer: the gain in macro AP
   over the genre prior (paired per fold, mean and 95 % t-interval over the 10 folds)
   of logistic regressions (C grid) and the MLP on standardised features, with the
   mean+std or mean pooling (identical on one-row arrays: the std half is constant) and
   with the visual (columns 0-106) or audio (107-206) facet alone.
2. *Fusion with and without the trailer*: the default ``MovieGenreStacker()`` is
   fitted once on all train+val movies (``--oof`` caches its out-of-fold base
   predictions); its final estimator (and variants) is then cross-validated on those
   rows with and without the trailer's block, scored on the movies that have a
   trailer: the per-fold paired gain with its interval, and on the test split (the
   same final estimators fitted on all train+val rows); the last row does the same
   without the plots (a table of posters, metadata and trailers). Each base model's
   own AP on those movies is printed for reference.
3. *Fit time*: the trailer model alone on the train+val trailers, and the whole default
   stacker fit (one busy machine: compare ratios, not seconds).
"""

import argparse
import ast
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def parse_kind(text):
    kind, _, rest = text.partition(":")
    kw = {}
    for item in filter(None, rest.split(",")):
        key, _, value = item.partition("=")
        try:
            kw[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            kw[key] = value
    return kind, kw


def load_catalogue(n_movies, path):
    from skgenre.datasets import make_movies
    from skgenre.utils import is_missing

    movies = make_movies(n_movies, modalities=("trailer",), path=path, random_state=0)
    data, Y = movies.data, movies.target
    present = ~is_missing(data["trailer"])
    train = data["split"].isin(["train", "val"]).to_numpy() & present
    test = (data["split"] == "test").to_numpy() & present
    trailers = data["trailer"].to_numpy()
    return trailers, Y, train, test, movies.target_names


# ----------------------------------------------------------------------------- decode


def bare_decode(files, thread_type=None, thread_count=None, named=False):
    """The bare loop; ``thread_count`` and ``named`` (the demuxer named by the file's
    extension, no probing) are FrameSampler's FFmpeg settings for small videos."""
    import av

    n = 0
    for file in files:
        kwargs = {"format": os.path.splitext(file)[1][1:]} if named else {}
        with av.open(file, **kwargs) as container:
            stream = container.streams.video[0]
            if thread_type:
                stream.thread_type = thread_type
            if thread_count:
                stream.codec_context.thread_count = thread_count
            for _ in container.decode(stream):
                n += 1
    return n


def bare_decode_threads(files, n_threads=2):
    """The bare loop over the files in ``n_threads`` threads (PyAV releases the GIL)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(n_threads) as pool:
        return sum(pool.map(lambda file: bare_decode([file]), files))


def bare_sample(files, n_frames, size):
    """The plain loop giving FrameSampler's frames: decode all, convert the wanted ones
    with ``frame.to_ndarray(width=, height=, format="rgb24")``."""
    import av

    n = 0
    for file in files:
        with av.open(file) as container:
            stream = container.streams.video[0]
            total = stream.frames
            wanted = set(((np.arange(n_frames) + 0.5) * total / n_frames).astype(int).tolist())
            kept = []
            for i, frame in enumerate(container.decode(stream)):
                if i in wanted:
                    kept.append(frame.to_ndarray(width=size, height=size, format="rgb24"))
                n += 1
    return n


def bare_decode_rgb(files):
    import av

    n = 0
    for file in files:
        with av.open(file) as container:
            stream = container.streams.video[0]
            for frame in container.decode(stream):
                frame.to_ndarray(format="rgb24")
                n += 1
    return n


def count_frames(files):
    import av

    total = 0
    for file in files:
        with av.open(file) as container:
            total += container.streams.video[0].frames
    return total


def write_large_videos(folder, n_videos=4, n_frames=960, height=360, width=640):
    """Trailer-like files: 640x360 H.264, 40 s at 24 fps, a scrolling textured scene."""
    import av

    rng = np.random.default_rng(0)
    files = []
    for v in range(n_videos):
        scene = rng.integers(0, 255, (height // 8, width // 8 * 3, 3), dtype=np.uint8)
        scene = np.repeat(np.repeat(scene, 8, axis=0), 8, axis=1)
        path = os.path.join(folder, f"large_{v}.mp4")
        with av.open(path, "w") as container:
            stream = container.add_stream("libx264", rate=24,
                                          options={"preset": "veryfast"})
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            for i in range(n_frames):
                shift = (3 * i) % (scene.shape[1] - width)
                image = np.ascontiguousarray(scene[:, shift:shift + width])
                frame = av.VideoFrame.from_ndarray(image, format="rgb24")
                for packet in stream.encode(frame):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        files.append(path)
    return files


def decode_speed(title, files, n_frames, size, rounds, cache_dir, every_one=True):
    from skgenre.video import FrameSampler

    n_total = count_frames(files)
    cached = FrameSampler(n_frames, size=size, memory=cache_dir)
    cached.transform(files)  # fill the cache
    runs = {
        "bare decode": lambda: bare_decode(files),
        "bare decode, threads AUTO": lambda: bare_decode(files, "AUTO"),
        "bare decode, 1 thread": lambda: bare_decode(files, thread_count=1),
        "bare decode, 1 thread, demuxer named": lambda: bare_decode(
            files, thread_count=1, named=True),
        "bare decode, 2 files at once": lambda: bare_decode_threads(files),
        "plain loop, same frames": lambda: bare_sample(files, n_frames, size),
        f"FrameSampler(n_frames={n_frames})": lambda: FrameSampler(n_frames, size=size)
        .transform(files),
        f"FrameSampler(n_frames={n_frames}, n_jobs=2)": lambda: FrameSampler(
            n_frames, size=size, n_jobs=2).transform(files),
    }
    if every_one:
        runs["bare decode+rgb, all frames"] = lambda: bare_decode_rgb(files)
        runs["FrameSampler(every=1)"] = lambda: FrameSampler(every=1, size=size).transform(files)
    runs["FrameSampler, cached"] = lambda: cached.transform(files)
    for run in runs.values():  # warm-up: imports, page cache
        run()
    best = dict.fromkeys(runs, np.inf)
    for _ in range(rounds):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    base = n_total / min(best["bare decode"], best["bare decode, threads AUTO"])
    tuned = n_total / min(seconds for name, seconds in best.items()
                          if name.startswith("bare decode") and "at once" not in name)
    print(f"\nDecode speed, {title}: {len(files)} files, {n_total} frames, sampled at "
          f"{size}x{size} (best of {rounds} passes)")
    print(f"{'reader':40s} {'frames/s':>10s} {'x bare':>7s} {'x tuned':>8s} {'s':>7s}")
    for name, seconds in best.items():
        speed = n_total / seconds
        print(f"{name:40s} {speed:10.0f} {speed / base:7.2f} {speed / tuned:8.2f} "
              f"{seconds:7.2f}")


# ----------------------------------------------------------------------------- models


def cnn_throughput(model):
    net = getattr(model, "net_", None)
    if net is None:
        return None
    slices = sum(b["train_batch_size"] for epoch in net.history for b in epoch["batches"]
                 if "train_batch_size" in b)
    seconds = sum(epoch["dur"] for epoch in net.history)
    return slices / seconds, len(net.history), model.n_slices_


def evaluate(kinds, trailers, Y, train, test, names):
    from skgenre.metrics import average_precision_report
    from skgenre.video import make_trailer_model

    Ytr, Yte = Y[train], Y[test]
    results = {"prior": np.tile(Ytr.mean(axis=0), (len(Yte), 1))}
    timing, throughput = {}, {}
    for text in kinds:
        kind, kw = parse_kind(text)
        model = make_trailer_model(kind, random_state=0, **kw)
        start = time.perf_counter()
        try:
            model.fit(trailers[train], Ytr)
        except ImportError as exc:  # efficientnet_mlp without the pretrained extra
            print(f"  {text}: skipped ({exc})", flush=True)
            continue
        fitted = time.perf_counter()
        results[text] = model.predict_proba(trailers[test])
        timing[text] = (fitted - start, time.perf_counter() - fitted)
        stats = cnn_throughput(model)
        if stats is not None:
            throughput[text] = stats
        print(f"  {text}: fit {timing[text][0]:.1f} s", flush=True)
    report = average_precision_report(Yte, results)
    print(f"\nAverage precision on the {test.sum()} test trailers "
          f"(trained on {train.sum()}; {len(names)} genres)")
    table = report.copy()
    table["fit_s"] = [timing.get(name, (0.0, 0.0))[0] for name in table.index]
    table["predict_s"] = [timing.get(name, (0.0, 0.0))[1] for name in table.index]
    print(table.round(3).to_string())
    if throughput:
        print("\n3D CNN training throughput")
        print(f"{'model':40s} {'slices/s':>9s} {'epochs':>7s} {'slices':>7s}")
        for name, (speed, epochs, n_slices) in throughput.items():
            print(f"{name:40s} {speed:9.1f} {epochs:7d} {n_slices:7d}")


# ----------------------------------------------------------------------------- real features


def _t_interval(diff):
    from scipy.stats import t

    diff = np.asarray(diff, dtype=float)
    return diff.mean(), t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / np.sqrt(len(diff))


def _macro_ap(Y, proba):
    from skgenre.metrics import average_precision

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return average_precision(Y, proba)


def _shuffled_folds(Y, seeds=2):
    from skgenre.model_selection import MultilabelStratifiedKFold

    return [fold for seed in range(seeds) for fold in
            MultilabelStratifiedKFold(5, shuffle=True, random_state=seed).split(Y, Y)]


def trailer_model_candidates():
    """(name, columns, pipeline) of the trailer models compared on the real features."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skgenre.multioutput import PerGenreClassifier
    from skgenre.nn import GenreMLP
    from skgenre.video import TrailerFeatures, make_trailer_model

    def logreg(C, pooling="mean_std"):
        return make_pipeline(TrailerFeatures(pooling=pooling), StandardScaler(),
                             PerGenreClassifier(LogisticRegression(C=C, max_iter=2000)))

    both, visual, audio = slice(None), slice(0, 107), slice(107, 207)
    yield "features_logreg (default, C=0.01)", both, make_trailer_model("features_logreg")
    for C in (0.003, 0.03, 0.1, 1.0):
        yield f"logreg C={C:g}", both, logreg(C)
    yield "logreg C=0.01, mean pooling", both, logreg(0.01, "mean")
    yield "logreg C=0.01, visual 0-106", visual, logreg(0.01)
    yield "logreg C=0.01, audio 107-206", audio, logreg(0.01)
    yield "features_mlp (256, mean+std)", both, make_trailer_model("features_mlp",
                                                                   random_state=0)
    yield "mlp (64), weight_decay=1e-3", both, make_pipeline(
        TrailerFeatures(), StandardScaler(),
        GenreMLP((64,), pos_weight=False, weight_decay=1e-3, random_state=0))


def real_trailer_models(trailers, Y, train, test):
    """Table 1: each trailer model's gain over the genre prior, by CV and on the test split."""
    from sklearn.base import clone

    rows = np.flatnonzero(train)
    arrays = np.empty(len(trailers), dtype=object)
    for i in np.flatnonzero(train | test):
        arrays[i] = np.load(trailers[i], allow_pickle=False)
    folds = _shuffled_folds(Y[rows])
    prior = np.array([_macro_ap(Y[rows[v]], np.tile(Y[rows[t]].mean(0), (len(v), 1)))
                      for t, v in folds])
    Y_test = Y[test]
    prior_test = _macro_ap(Y_test, np.tile(Y[rows].mean(0), (len(Y_test), 1)))
    print(f"\nReal trailer features: trailer models on the {len(rows)} train+val movies "
          f"with a trailer (5-fold CV x 2), test split ({test.sum()} movies) beside")
    print(f"{'model':38s} {'CV AP':>7s} {'gain over prior':>20s} {'test AP':>8s} {'gain':>7s}")
    print(f"{'genre prior':38s} {prior.mean():7.4f} {'':>20s} {prior_test:8.4f}")
    for name, columns, model in trailer_model_candidates():
        def cells(index, columns=columns):
            return [a[:, columns] for a in arrays[index]]

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cv = np.array([_macro_ap(Y[rows[v]], clone(model).fit(cells(rows[t]), Y[rows[t]])
                                     .predict_proba(cells(rows[v]))) for t, v in folds])
            fitted = clone(model).fit(cells(rows), Y[rows])
            test_ap = _macro_ap(Y_test, fitted.predict_proba(cells(np.flatnonzero(test))))
        gain, half = _t_interval(cv - prior)
        print(f"{name:38s} {cv.mean():7.4f} {gain:+11.4f} +- {half:.4f} {test_ap:8.4f} "
              f"{test_ap - prior_test:+7.4f}", flush=True)


def _stacked(probas, modalities):
    blocks = []
    for name in modalities:
        missing = np.isnan(probas[name][:, 0])
        blocks += [np.where(missing[:, None], 0.0, probas[name]), missing[:, None].astype(float)]
    return np.hstack(blocks)


def real_fusion(manifest, oof_path):
    """Table 2 and the stacker's fit time: the fusion with and without the trailer."""
    from fusion import cached, fit_base_predictions  # benchmarks/fusion.py
    from sklearn.base import clone

    from skgenre.datasets import load_movies
    from skgenre.ensemble import LogitFusionClassifier, make_final_estimator

    def compute():
        movies = load_movies(manifest)
        return fit_base_predictions(movies.data, np.asarray(movies.target))

    base = cached(oof_path, compute)
    modalities, test = base["modalities"], base["test_mask"]
    Y, Y_test = base["Y"][~test], base["Y"][test]
    has, has_test = (~np.isnan(base[part]["trailer"][:, 0]) for part in ("oof", "test"))
    folds = _shuffled_folds(Y)
    print(f"\nFusion with and without the trailer: default stacker (kinds {base.get('kinds')}) "
          f"on {len(Y)} train+val movies, {has.sum()} with a trailer; 5-fold CV x 2 of the "
          f"final estimator on its out-of-fold rows, scored on the movies with a trailer; "
          f"test split: {has_test.sum()} of {test.sum()} movies with a trailer")
    for name in modalities:
        rows = has & ~np.isnan(base["oof"][name][:, 0])
        cv = np.mean([_macro_ap(Y[v[rows[v]]], base["oof"][name][v[rows[v]]]) for _, v in folds])
        rows_test = has_test & ~np.isnan(base["test"][name][:, 0])
        print(f"  {name} alone on them: CV {cv:.4f}, test "
              f"{_macro_ap(Y_test[rows_test], base['test'][name][rows_test]):.4f}")
    finals = [("default (SubsetFusionClassifier)", make_final_estimator()),
              ("LogitFusionClassifier()", LogitFusionClassifier()),
              ("pooling='full'", LogitFusionClassifier(pooling="full")),
              ("pooling='none', C=1", LogitFusionClassifier(C=1.0, pooling="none")),
              ("genre_C=1", LogitFusionClassifier(genre_C=1.0)),
              ("C=1", LogitFusionClassifier(C=1.0))]
    # The same without the plots: a table of posters and metadata (and trailers).
    no_text = [m for m in modalities if m != "text"]
    finals.append(("default, no plot column", make_final_estimator()))
    print(f"{'final estimator':34s} {'CV with':>8s} {'without':>8s} {'gain (95 % CI)':>20s} "
          f"{'test with':>10s} {'without':>8s} {'gain':>7s}")
    for label, final in finals:
        scores = {}
        kept = no_text if label.endswith("no plot column") else modalities
        for key, mods in (("with", kept), ("without", [m for m in kept if m != "trailer"])):
            Z, Z_test = _stacked(base["oof"], mods), _stacked(base["test"], mods)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cv = [_macro_ap(Y[v[has[v]]], clone(final).fit(Z[t], Y[t]).predict_proba(
                    Z[v][has[v]])) for t, v in folds]
                proba = clone(final).fit(Z, Y).predict_proba(Z_test)
            scores[key] = np.array(cv), _macro_ap(Y_test[has_test], proba[has_test])
        gain, half = _t_interval(scores["with"][0] - scores["without"][0])
        print(f"{label:34s} {scores['with'][0].mean():8.4f} {scores['without'][0].mean():8.4f} "
              f"{gain:+11.4f} +- {half:.4f} {scores['with'][1]:10.4f} "
              f"{scores['without'][1]:8.4f} {scores['with'][1] - scores['without'][1]:+7.4f}",
              flush=True)
    return base.get("fit_s")


def real_features(manifest, oof_path):
    from skgenre.datasets import load_movies
    from skgenre.utils import is_missing
    from skgenre.video import make_trailer_model

    movies = load_movies(manifest)
    X, Y = movies.data, np.asarray(movies.target)
    present = ~is_missing(X["trailer"])
    train = X["split"].isin(["train", "val"]).to_numpy() & present
    test = (X["split"] == "test").to_numpy() & present
    trailers = X["trailer"].to_numpy()
    real_trailer_models(trailers, Y, train, test)
    stacker_s = real_fusion(manifest, oof_path)
    start = time.perf_counter()
    make_trailer_model("features_logreg").fit(trailers[train], Y[train])
    model_s = time.perf_counter() - start
    print(f"\nFit time: features_logreg on the {train.sum()} train+val trailers {model_s:.2f} s "
          "(reading the .npy files included); the default stacker on all train+val movies "
          + (f"{stacker_s:.0f} s (its trailer model is fitted 6 times: 5 folds and the refit)"
             if stacker_s else "(not measured: read from --oof)"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-movies", type=int, default=600)
    parser.add_argument("--path", default=None,
                        help="catalogue folder (default: a temporary one)")
    parser.add_argument("--kinds", nargs="+",
                        default=["frame_stats_mlp", "frame_mean_mlp",
                                 "efficientnet_mlp:input_size=64", "cnn3d"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--skip-models", action="store_true")
    parser.add_argument("--skip-decode", action="store_true")
    parser.add_argument("--skip-large", action="store_true",
                        help="skip the decode test on larger, trailer-like videos")
    parser.add_argument("--real-features", default=None, metavar="MANIFEST",
                        help="also benchmark real trailer feature arrays (a manifest whose "
                             "trailer column names .npy files and which has a split column)")
    parser.add_argument("--oof", default=None,
                        help="pickle of the default stacker's out-of-fold predictions on the "
                             "--real-features manifest: read if it exists, else written")
    parser.add_argument("--skip-synthetic", action="store_true",
                        help="only the --real-features section")
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore", category=UserWarning)
    if args.real_features:
        real_features(args.real_features, args.oof)
    if args.skip_synthetic:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = args.path or os.path.join(tmp, "movies")
        start = time.perf_counter()
        trailers, Y, train, test, names = load_catalogue(args.n_movies, path)
        print(f"make_movies({args.n_movies}): {time.perf_counter() - start:.1f} s; "
              f"torch threads: {args.threads}; load average: {os.getloadavg()[0]:.1f}")
        if not args.skip_decode:
            files = [t for t in trailers[train | test]]
            decode_speed("make_movies trailers", files, 16, 64, args.rounds,
                         os.path.join(tmp, "cache"))
            if not args.skip_large:
                start = time.perf_counter()
                large = write_large_videos(tmp)
                print(f"\n(wrote {len(large)} 640x360 videos in "
                      f"{time.perf_counter() - start:.1f} s)")
                decode_speed("640x360 40-second videos", large, 200, 224, args.rounds,
                             os.path.join(tmp, "cache"), every_one=False)
        if not args.skip_models:
            print("\nTraining:")
            evaluate(args.kinds, trailers, Y, train, test, names)
        print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
