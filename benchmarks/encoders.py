"""The pretrained encoders before and after: throughput on the CPU, and the accuracy kept.

Compares, in one run, the former path of each frozen pretrained encoder with the
current default:

- plots: all-MiniLM-L6-v2 through sentence-transformers' ``encode`` in chunks of 32
  texts in table order, float32 (what :class:`~skgenre.text.SentenceEmbedder` did)
  against ``SentenceEmbedder()`` (ONNX Runtime, int8, one text per pass, texts side by
  side on the threads);
- posters: EfficientNet-Lite0 (ImageNet) in torch, batches of 32, against
  ``PosterEmbedder(backend="onnx")`` (the ``efficientnet_mlp`` kind's embedder).

Throughput: items per second on ``--threads`` threads (default 2), JPEG decoding and
tokenising included, no cache; ``--rounds`` passes over the same ``--n-texts`` /
``--n-posters`` items (drawn at random from both tables), before and after
alternating so that load from other processes hits both alike. The ratio is the
median of the paired pass ratios; the best pass of each is shown too.

Accuracy: macro average precision by 5-fold multilabel-stratified cross-validation on
the train+val rows of ``movielens_wiki.csv`` and ``mmimdb_dev.csv`` (the folds
identical for before and after) of the kinds that use the encoder: ``sentence_logreg``
and ``tfidf_sentence`` for the plots, ``efficientnet_mlp`` for the posters (the movies
that have one). Features come from ``--cache`` (default: a temporary folder), computed
once per variant, so a second run only trains the heads. Mean of the 5 folds, and the
paired difference after - before (mean +- standard error over the folds).

Usage (on 2 idle cores; a first run embeds 7,419 plots and 5,300 posters twice)::

    nice -n 10 .venv/bin/python benchmarks/encoders.py --cache /tmp/skgenre_encoders
    nice -n 10 .venv/bin/python benchmarks/encoders.py --skip-accuracy   # speed only
"""

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
TABLES = ("movielens_wiki.csv", "mmimdb_dev.csv")


def load(table):
    from skgenre.datasets import load_movies

    movies = load_movies(DATA / table, on_missing_file="mark_missing")
    X, Y = movies.data, np.asarray(movies.target)
    keep = X["split"].isin(["train", "val"]).to_numpy()
    return X[keep].reset_index(drop=True), Y[keep]


# ------------------------------------------------------------------------------ throughput
class FormerSentencePath:
    """What SentenceEmbedder.transform ran before: ``encode`` per chunk of 32, float32."""

    def __init__(self):
        from sentence_transformers import SentenceTransformer

        from skgenre.text import sentence_model_path

        self.model = SentenceTransformer(str(sentence_model_path()), device="cpu",
                                         local_files_only=True)

    def __call__(self, texts):
        return np.concatenate([
            self.model.encode(texts[i:i + 32], batch_size=32, show_progress_bar=False,
                              convert_to_numpy=True)
            for i in range(0, len(texts), 32)])


def throughput(args):
    import torch

    from skgenre.text import SentenceEmbedder
    from skgenre.vision import PosterEmbedder

    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    texts, posters = [], []
    for table in TABLES:
        X, _ = load(table)
        texts += [str(t) for t in X["plot"].dropna()]
        posters += [p for p in X["poster"].dropna()]
    texts = [texts[i] for i in rng.permutation(len(texts))[:args.n_texts]]
    posters = [posters[i] for i in rng.permutation(len(posters))[:args.n_posters]]
    n_tokens = None
    pairs = {
        "plots": (FormerSentencePath(),
                  SentenceEmbedder(memory=False).fit()),
        "posters": (PosterEmbedder("efficientnet_lite0", weights="imagenet",
                                   memory=False).fit(),
                    PosterEmbedder("efficientnet_lite0", weights="imagenet", backend="onnx",
                                   memory=False).fit()),
    }
    items = {"plots": texts, "posters": posters}
    print(f"\nThroughput on {args.threads} thread(s), {args.rounds} alternating passes "
          f"({len(texts)} plots, {len(posters)} posters; items/s, no cache):")
    print(f"{'':8s} {'before best':>12s} {'after best':>11s} {'ratio (median of pairs)':>24s}"
          f"  {'max |after - before|':>20s}  cosine min")
    for name, (before, after) in pairs.items():
        run_before = before if callable(before) else before.transform
        run_after = after.transform
        run_before(items[name][:4])
        run_after(items[name][:4])  # warm-up: loads, exports the ONNX graph once
        times = {"before": [], "after": []}
        for _ in range(args.rounds):
            for label, run in (("before", run_before), ("after", run_after)):
                start = time.perf_counter()
                out = run(items[name])
                times[label].append(time.perf_counter() - start)
                if label == "before":
                    ref = out
        cos = (out * ref).sum(1) / np.linalg.norm(out, axis=1) / np.linalg.norm(ref, axis=1)
        ratios = np.array(times["before"]) / np.array(times["after"])
        n = len(items[name])
        print(f"{name:8s} {n / min(times['before']):12.1f} {n / min(times['after']):11.1f} "
              f"{np.median(ratios):17.2f}x ({ratios.min():.2f}-{ratios.max():.2f})"
              f"  {np.abs(out - ref).max():20.2e}  {cos.min():.4f}")
    return n_tokens


# -------------------------------------------------------------------------------- accuracy
def cross_validated(model_for, X, Y, column, seed=0):
    """Macro AP per fold of ``model_for()`` on ``X[column]``, rows with a value only."""
    from sklearn.base import clone

    from skgenre.metrics import average_precision
    from skgenre.model_selection import MultilabelStratifiedKFold
    from skgenre.utils import is_missing

    have = ~np.asarray(is_missing(X[column]))
    data, Y = X.loc[have, column].to_numpy(), Y[have]
    folds = MultilabelStratifiedKFold(5, shuffle=True, random_state=seed).split(data, Y)
    scores = []
    model = model_for()
    for train, test in folds:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fitted = clone(model).fit(data[train], Y[train])
            scores.append(average_precision(Y[test], fitted.predict_proba(data[test]),
                                            average="macro"))
    return np.array(scores), int(have.sum())


def accuracy(args, cache):
    from skgenre.text import make_text_model
    from skgenre.vision import make_poster_model

    variants = {
        "plots": {
            "before": {"embedder__backend": "torch", "embedder__precision": "float32"},
            "after": {},
        },
        "posters": {"before": {"embedder__backend": "torch"},
                    "after": {"embedder__backend": "onnx"}},
    }

    def text_model(kind, params):
        def make():
            model = make_text_model(kind, random_state=0, memory=cache)
            if kind == "tfidf_sentence":
                params_ = {f"sentence_logreg__{k}": v for k, v in params.items()}
            else:
                params_ = params
            return model.set_params(**params_)
        return make

    def poster_model(params):
        return lambda: make_poster_model("efficientnet_mlp", random_state=0, memory=cache,
                                         **params)

    print("\nMacro AP by 5-fold CV on train+val (mean of folds; after - before: mean +- "
          "standard error, folds won):")
    print(f"{'table':20s} {'kind':18s} {'movies':>6s} {'before':>8s} {'after':>8s}   "
          "after - before")
    rows = []
    for table in TABLES:
        X, Y = load(table)
        runs = [("sentence_logreg", "plot", lambda p: text_model("sentence_logreg", p),
                 variants["plots"]),
                ("tfidf_sentence", "plot", lambda p: text_model("tfidf_sentence", p),
                 variants["plots"]),
                ("efficientnet_mlp", "poster", poster_model, variants["posters"])]
        for kind, column, factory, pair in runs:
            before, n = cross_validated(factory(pair["before"]), X, Y, column)
            after, _ = cross_validated(factory(pair["after"]), X, Y, column)
            diff = after - before
            print(f"{table:20s} {kind:18s} {n:6d} {before.mean():8.4f} {after.mean():8.4f}   "
                  f"{diff.mean():+.4f} +- {diff.std(ddof=1) / np.sqrt(len(diff)):.4f} "
                  f"({(diff > 0).sum()}/{len(diff)})", flush=True)
            rows.append((table, kind, before.mean(), after.mean()))
    worst = min(a - b for _, _, b, a in rows)
    verdict = "OK" if worst >= -0.003 else "FAILED"
    print(f"largest drop {-min(worst, 0):.4f} (target: at most 0.003): {verdict}")
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--n-texts", type=int, default=256)
    parser.add_argument("--n-posters", type=int, default=128)
    parser.add_argument("--cache", default=None, help="feature cache folder (kept)")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args(argv)
    if not (DATA / TABLES[0]).exists():
        sys.exit(f"{DATA} not found: this benchmark needs the real tables.")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if not args.skip_throughput:
        throughput(args)
    if not args.skip_accuracy:
        import torch

        torch.set_num_threads(args.threads)
        if args.cache:
            accuracy(args, args.cache)
        else:
            with tempfile.TemporaryDirectory(prefix="skgenre_encoders_") as tmp:
                accuracy(args, tmp)


if __name__ == "__main__":
    main()
