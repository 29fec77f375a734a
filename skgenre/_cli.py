"""The ``skgenre`` command line: ``demo``, ``fit``, ``evaluate``, ``predict`` and ``info``.

Run ``skgenre --help`` (or ``python -m skgenre --help``) for the commands. Input errors
(a bad manifest, a missing model file, a model trained with other genres, a bad
``--set``) end with exit code 2 and a one-line message, without a traceback.
"""

import argparse
import ast
import datetime
import json
import logging
import os
import re
import sys
import time
import warnings
from pathlib import Path

__all__ = ["main"]

MODEL_FORMAT = "skgenre-model"
MODEL_FORMAT_VERSION = 2
DEFAULT_DEMO_MOVIES = 500


class CLIError(Exception):
    """An input problem reported as one line on stderr with exit code 2."""


class _Progress:
    """Timestamped progress lines on stderr (the tables go to stdout)."""

    def __init__(self, quiet=False):
        self.quiet = quiet
        self.start = time.perf_counter()

    def __call__(self, message):
        if not self.quiet:
            elapsed = time.perf_counter() - self.start
            print(f"[skgenre {elapsed:6.1f}s] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- helpers


# Python parameter names in library messages -> the CLI flags that set them.
_FLAGS = (
    (re.compile(r"on_missing_file=['\"]?(\w+)['\"]?"), r"--missing-files \1"),
    (re.compile(r"\bon_missing_file\b"), "--missing-files"),
    (re.compile(r"\bn_jobs=(\S+?)\b"), r"--n-jobs \1"),
    (re.compile(r"\bmemory=\b"), "--cache-dir "),
)


def _one_line(exc):
    """One line for a CLI error, Python parameter names replaced by their flags."""
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, KeyError) and text.startswith("'"):
        text = f"missing key {text}"
    text = " ".join(text.split())
    for pattern, flag in _FLAGS:
        text = pattern.sub(flag, text)
    return text


def _parse_value(text):
    """A ``--set`` value: a Python literal when it parses as one, else the string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def _parse_sets(items):
    params = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise CLIError(f"bad --set {item!r}: expected name=value, e.g. --set cv=3")
        params[name] = _parse_value(value.strip())
    return params


def _load_manifest(path, *, with_genres=True, on_missing_file="raise", split=None,
                   media_columns=None):
    """``load_movies`` with its errors turned into one-line CLI errors."""
    from .datasets import load_movies

    try:
        return load_movies(
            path,
            target_column="genres" if with_genres else None,
            on_missing_file=on_missing_file,
            split=_split_values(split),
            media_columns=media_columns,
        )
    except (OSError, ValueError, KeyError, UnicodeDecodeError) as exc:
        raise CLIError(f"cannot load the manifest {path}: {_one_line(exc)}") from exc
    except Exception as exc:  # a parser error from pandas/pyarrow: still the manifest's fault
        raise CLIError(f"cannot load the manifest {path}: {_one_line(exc)}") from exc


def _align_genres(target, target_names, model_genres, source):
    """The manifest's genres as the model's columns; an error for genres the model lacks."""
    import numpy as np

    unknown = [g for g in target_names if g not in model_genres]
    if unknown:
        raise CLIError(
            f"the model was trained with other genres: {source} has genre(s) "
            f"{unknown[:10]} unknown to the model, whose genres are {list(model_genres)}"
        )
    Y = np.zeros((len(target), len(model_genres)), dtype=np.int8)
    for j, genre in enumerate(target_names):
        Y[:, list(model_genres).index(genre)] = np.asarray(target)[:, j]
    return Y


def _save_model(path, stacker, genre_names, manifest, params):
    """Save the stacker and what the CLI needs to use it with ``skgenre.save_model``."""
    from . import __version__
    from ._persistence import save_model

    metadata = {
        "format": MODEL_FORMAT,
        "format_version": MODEL_FORMAT_VERSION,
        "skgenre_version": __version__,
        "created": datetime.datetime.now().isoformat(timespec="seconds"),
        "genre_names": list(genre_names),
        "trained_on": str(manifest),
        # --set values are Python literals: a tuple is stored as a list, others by repr
        "params": json.loads(json.dumps(params, default=repr)),
    }
    path = Path(path)
    if path.parent != Path(""):
        path.parent.mkdir(parents=True, exist_ok=True)
    return save_model(stacker, path, metadata=metadata)


def _load_model(path, *, trusted=None, allow_pickle=False):
    """The model file's metadata, with the fitted stacker under ``"stacker"``.

    ``skgenre.load_model`` audits the file; a pickle (the format of skgenre 0.1) is
    refused unless ``allow_pickle`` (``--allow-pickle``).
    """
    from ._persistence import UntrustedModelError, load_model

    path = Path(path)
    if not path.is_file():
        raise CLIError(f"model file not found: {path} (train one with `skgenre fit`)")
    try:
        stacker, metadata = load_model(
            path, trusted=trusted, allow_pickle=allow_pickle, return_metadata=True
        )
    except UntrustedModelError as exc:
        raise CLIError(_one_line(exc)) from exc
    except Exception as exc:  # a damaged or foreign file can raise nearly anything
        raise CLIError(f"{path} is not a readable skgenre model file: {_one_line(exc)}") from exc
    if metadata.get("format") != MODEL_FORMAT or "genre_names" not in metadata:
        raise CLIError(f"{path} is not a skgenre model file (write one with `skgenre fit`)")
    return {**metadata, "stacker": stacker}


def _split_values(text):
    """``--split train,val`` as a list of split values (None when not given)."""
    if text is None:
        return None
    values = [v.strip() for v in text.split(",") if v.strip()]
    if not values:
        raise CLIError(f"bad --split {text!r}: name split values, e.g. --split train,val")
    return values


def _check_output(path, flag, *, folder=False):
    """Fail fast, before any fitting, on an output path that cannot be written."""
    path = Path(path)
    if not folder and path.is_dir():
        raise CLIError(f"{flag} {path} is a folder; give a file name, e.g. {path / 'model.skops'}")
    if folder and path.exists() and not path.is_dir():
        raise CLIError(f"{flag} {path} exists and is not a folder")
    parent = path.parent if not (folder and path.is_dir()) else path
    if not parent.is_dir():
        raise CLIError(f"{flag} {path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise CLIError(f"{flag} {path}: the folder {parent} is not writable")


def _media_columns(stacker):
    """The media columns (poster, trailer) a fitted stacker reads."""
    from .datasets import MEDIA_COLUMNS

    read = {c for cols in stacker.columns_ for c in ([cols] if isinstance(cols, str) else cols)}
    return [c for c in MEDIA_COLUMNS if c in read]


def _parallel(args):
    """Where the stacker's fits run: ``--scheduler`` (a Dask cluster) or locally."""
    import contextlib

    if not getattr(args, "scheduler", None):
        return contextlib.nullcontext()
    try:
        import joblib
        from distributed import Client
    except ImportError as exc:
        raise CLIError(
            "--scheduler needs dask.distributed: pip install 'skgenre[dask]'"
        ) from exc
    try:
        client = Client(args.scheduler, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise CLIError(f"cannot reach the Dask scheduler {args.scheduler}: {_one_line(exc)}") from exc
    stack = contextlib.ExitStack()
    stack.enter_context(client)
    stack.enter_context(joblib.parallel_config(backend="dask"))
    return stack


def _oof_table(stacker, X, Y):
    """Out-of-fold AP of each modality and of the fusion, from the fit itself."""
    import numpy as np

    from .metrics import average_precision_report

    oof = dict(stacker.oof_proba_)
    if "fusion" not in oof:
        seed = stacker.random_state if isinstance(stacker.random_state, int) else 0
        oof["fusion"] = stacker._out_of_fold_fusion(stacker._stack(oof, X), Y, seed)
    rows = {}
    for name, proba in oof.items():
        have = ~np.isnan(proba[:, 0])
        rows[name] = average_precision_report(Y[have], {name: proba[have]},
                                              genre_names=stacker.genre_names_).iloc[0]
        rows[name]["n_movies"] = int(have.sum())
    import pandas as pd

    table = pd.DataFrame(rows).T
    table["n_movies"] = table["n_movies"].astype(int)
    return table


def _format_table(table):
    return table.to_string(float_format=lambda v: f"{v:.3f}")


def _report_probas(stacker, X):
    """Each modality's probabilities and the fusion's, for the report."""
    return dict(stacker.predict_modalities(X, fusion=True))


def _write_report(out, stacker, X, Y, genre_names, *, threshold, facts, say):
    from .report import write_report

    say(f"writing the report to {out}/")
    try:
        index = write_report(
            out, Y_true=Y, probas=_report_probas(stacker, X), genre_names=genre_names,
            movies=X, threshold=threshold, facts=facts,
        )
    except ImportError as exc:
        raise CLIError(_one_line(exc)) from exc
    say(f"report: {index}")
    return index


def _check_threshold(value):
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"threshold must be in [0, 1]; got {value}")
    return value


def _int_in(low, high):
    """An argparse type: an integer in [low, high] (no upper bound when high is None)."""
    def parse(value):
        try:
            value = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer; got {value!r}") from None
        if value < low or (high is not None and value > high):
            bound = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"expected an integer {bound}; got {value}")
        return value
    return parse


def _fraction(value):
    value = float(value)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a fraction strictly between 0 and 1; got {value}")
    return value


def _positive_int(value):
    value = int(value)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer; got {value}")
    return value


# --------------------------------------------------------------------------- commands


def _cmd_demo(args, say):
    import numpy as np
    import pandas as pd

    from . import __version__
    from .datasets import get_data_home, make_movies
    from .ensemble import MovieGenreStacker
    from .metrics import modality_report
    from .model_selection import multilabel_train_test_split

    t0 = time.perf_counter()
    say(
        f"making a synthetic catalogue of {args.n_movies} movies with plots, posters, "
        "trailers and credits"
    )
    movies = make_movies(
        args.n_movies, n_genres=args.n_genres, path=args.data_dir,
        random_state=args.random_state, verbose=int(not args.quiet),
    )
    X, genres = movies.data, list(movies.target_names)
    Y = pd.DataFrame(np.asarray(movies.target), columns=genres)  # named genres
    say(f"catalogue ready in {movies.manifest} ({len(X)} movies, {len(genres)} genres)")
    X_train, X_test, Y_train, Y_test = multilabel_train_test_split(
        X, Y, stratify=Y.to_numpy(), test_size=args.test_size, random_state=args.random_state
    )
    say(f"multilabel-stratified split: {len(X_train)} train / {len(X_test)} test movies")

    # The default stacker; ``memory`` caches each poster's and trailer's features on disk
    # so that the cross-validation folds (and a second run) never recompute them.
    cache = args.cache_dir or os.path.join(get_data_home(), "demo_cache")
    stacker = MovieGenreStacker(
        memory=cache, verbose=int(not args.quiet), random_state=args.random_state
    )
    say(f"fitting the default MovieGenreStacker (each modality's model out of fold, then the "
        f"fusion; features cached in {cache})")
    t_fit = time.perf_counter()
    stacker.fit(X_train, Y_train)
    fit_s = time.perf_counter() - t_fit
    say(f"fitted modalities {list(stacker.modalities_)} in {fit_s:.1f} s")

    say("scoring the test movies")
    table = modality_report(stacker, X_test, Y_test)
    print(f"\nAverage precision on {len(X_test)} test movies (each modality on the movies "
          "that have it):")
    print(_format_table(table))
    print(flush=True)

    facts = {
        "Data": f"make_movies(n_movies={args.n_movies}, n_genres={args.n_genres}, "
                f"random_state={args.random_state}); {len(X_train)} train / "
                f"{len(X_test)} test movies",
        "Model": f"default MovieGenreStacker, modalities {', '.join(stacker.modalities_)}",
        "Fit time": f"{fit_s:.0f} s",
        "skgenre": __version__,
    }
    _write_report(
        args.out, stacker, X_test.reset_index(drop=True), Y_test.to_numpy(), genres,
        threshold=args.threshold, facts=facts, say=say,
    )
    say(f"demo done in {time.perf_counter() - t0:.1f} s")
    return 0


def _set_nested(stacker, X, nested):
    """Nested ``--set`` values (``text__head__max_epochs=5``, ``final_estimator__C=1``).

    A default modality's parameters exist only once its model is built, so the
    default estimators of the modalities present in ``X`` are built here, as
    ``estimators=None`` would at fit time.
    """
    from .ensemble import default_estimators, make_final_estimator

    if stacker.final_estimator is None and any(k.startswith("final_estimator__") for k in nested):
        stacker.set_params(final_estimator=make_final_estimator())
    if stacker.estimators is None:
        defaults = default_estimators(
            X, random_state=stacker.random_state, memory=stacker.memory
        )
        if any(k.split("__", 1)[0] in {name for name, _, _ in defaults} for k in nested):
            stacker.set_params(estimators=defaults)
    try:
        stacker.set_params(**nested)
    except (ValueError, TypeError, AttributeError) as exc:
        raise CLIError(f"bad --set: {_one_line(exc)}") from exc


def _cmd_fit(args, say):
    import numpy as np
    import pandas as pd

    from .ensemble import MovieGenreStacker

    params = _parse_sets(args.set)
    _check_output(args.out, "--out")
    stacker = MovieGenreStacker(verbose=int(not args.quiet), random_state=args.random_state,
                                n_jobs=args.n_jobs, memory=args.cache_dir)
    try:  # the stacker's own parameters first: a typo fails before any loading
        stacker.set_params(**{k: v for k, v in params.items() if "__" not in k})
    except (ValueError, TypeError) as exc:
        raise CLIError(f"bad --set: {_one_line(exc)}") from exc
    movies = _load_manifest(args.data, on_missing_file=args.missing_files, split=args.split)
    X, genres = movies.data, list(movies.target_names)
    Y = pd.DataFrame(np.asarray(movies.target), columns=genres)
    if len(X) == 0:
        raise CLIError(f"the manifest {args.data} holds no movie")
    say(f"loaded {len(X)} movies with {len(genres)} genres from {movies.manifest}"
        + (f" (split {args.split})" if args.split else ""))
    if args.modalities:
        X = _keep_modalities(X, args.modalities)
    nested = {k: v for k, v in params.items() if "__" in k}
    if nested:
        _set_nested(stacker, X, nested)
    say("fitting MovieGenreStacker" + (f" with {params}" if params else ""))
    t_fit = time.perf_counter()
    try:
        with _parallel(args):
            stacker.fit(X, Y)
    except (ValueError, TypeError) as exc:
        # The stacker validates its parameters in fit (scikit-learn's
        # InvalidParameterError): a bad --set value shows up here.
        if params and type(exc).__name__ == "InvalidParameterError":
            raise CLIError(f"bad --set: {_one_line(exc)}") from exc
        raise
    say(f"fitted modalities {list(stacker.modalities_)} in {time.perf_counter() - t_fit:.1f} s")
    print(f"Out-of-fold average precision on the {len(X)} training movies (each modality "
          "on the movies that have it):")
    print(_format_table(_oof_table(stacker, X, Y.to_numpy())), flush=True)
    path = _save_model(args.out, stacker, genres, movies.manifest, params)
    say(f"model saved to {path}")
    return 0


def _keep_modalities(X, modalities):
    """Drop the columns of the modalities not asked for (``--modalities text,metadata``).

    Names and aliases come from the modality registry, so every name ``--help`` lists
    (and a modality's main column, e.g. ``plot``) is accepted.
    """
    from .datasets import MODALITY_REGISTRY, resolve_modalities

    try:
        wanted = resolve_modalities(modalities)
    except ValueError as exc:
        raise CLIError(f"bad --modalities {modalities!r}: {_one_line(exc)}") from exc
    drop = [c for name, m in MODALITY_REGISTRY.items() if name not in wanted
            for c in m.columns if c in X]
    return X.drop(columns=drop)


def _cmd_evaluate(args, say):
    from .metrics import modality_report

    if args.report:
        _check_output(args.report, "--report", folder=True)
    bundle = _load_model(args.model, trusted=args.trust, allow_pickle=args.allow_pickle)
    stacker, genres = bundle["stacker"], bundle["genre_names"]
    movies = _load_manifest(args.data, on_missing_file=args.missing_files, split=args.split,
                            media_columns=_media_columns(stacker))
    Y = _align_genres(movies.target, movies.target_names, genres, args.data)
    X = movies.data
    say(f"evaluating on {len(X)} movies from {movies.manifest}")
    table = modality_report(stacker, X, Y)
    print(f"Average precision on {len(X)} movies (each modality on the movies that have it):")
    print(_format_table(table), flush=True)
    if args.report:
        facts = {
            "Data": str(movies.manifest),
            "Model": f"{args.model} (trained on {bundle.get('trained_on')}, "
                     f"{bundle.get('created')})",
        }
        _write_report(
            args.report, stacker, X, Y, genres, threshold=args.threshold, facts=facts, say=say
        )
    return 0


def _cmd_predict(args, say):
    import numpy as np
    import pandas as pd

    from .metrics import confident_genres

    if args.output:
        _check_output(args.output, "--output")
    bundle = _load_model(args.model, trusted=args.trust, allow_pickle=args.allow_pickle)
    stacker, genres = bundle["stacker"], list(bundle["genre_names"])
    movies = _load_manifest(args.data, with_genres=False, on_missing_file=args.missing_files,
                            split=args.split, media_columns=_media_columns(stacker))
    X = movies.data
    if "genres" in X:  # labelled data: it must speak of the model's genres
        from .datasets import parse_genres

        try:
            target, names = parse_genres(X["genres"])
        except (ValueError, TypeError) as exc:
            raise CLIError(f"cannot read the genres of {args.data}: {_one_line(exc)}") from exc
        _align_genres(target, names, genres, args.data)
    say(f"predicting {len(X)} movies from {movies.manifest}")
    proba = np.asarray(stacker.predict_proba(X), dtype=float)
    confident = confident_genres(proba, genres, threshold=args.threshold)

    ids = [c for c in ("movieId", "imdbId", "title") if c in X]
    if args.format == "csv":
        out = X[ids].copy() if ids else pd.DataFrame(index=X.index)
        for j, genre in enumerate(genres):
            out[genre] = np.round(proba[:, j], 6)
        out["confident_genres"] = ["|".join(c) for c in confident]
        text = out.to_csv(index=False)
    else:
        records = []
        for i in range(len(X)):
            record = {c: _json_value(X[c].iloc[i]) for c in ids}
            record["probabilities"] = {g: round(float(p), 6) for g, p in zip(genres, proba[i])}
            record["confident_genres"] = confident[i]
            records.append(record)
        text = json.dumps(
            {"threshold": args.threshold, "genres": genres, "movies": records}, indent=2
        ) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        say(f"wrote {len(X)} predictions to {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def _cmd_info(args, say):
    import numpy as np

    bundle = _load_model(args.model, trusted=args.trust, allow_pickle=args.allow_pickle)
    stacker = bundle["stacker"]
    read = [c for cols in stacker.columns_ for c in ([cols] if isinstance(cols, str) else cols)]
    n_train = len(next(iter(stacker.oof_proba_.values()))) if stacker.oof_proba_ else None
    thresholds = np.round(np.asarray(stacker.thresholds_, dtype=float), 3).tolist()
    lines = [
        ("model file", str(args.model)),
        ("skgenre version", bundle.get("skgenre_version")),
        ("created", bundle.get("created")),
        ("trained on", f"{bundle.get('trained_on')} ({n_train} movies)"),
        ("modalities", ", ".join(stacker.modalities_)),
        ("columns read", ", ".join(read)),
        ("genres", ", ".join(bundle["genre_names"])),
        ("thresholds", ", ".join(f"{g} {t}" for g, t in zip(bundle["genre_names"], thresholds))),
        ("final estimator", type(stacker.final_estimator_).__name__),
        ("parameters set", json.dumps(bundle.get("params") or {})),
    ]
    for name, _ in zip(stacker.modalities_, stacker.estimators_):
        lines.append((f"  {name} model", type(stacker.named_estimators_[name]).__name__))
    width = max(len(k) for k, _ in lines)
    for key, value in lines:
        print(f"{key:<{width}}  {value}")
    return 0


def _json_value(value):
    import numpy as np

    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


# --------------------------------------------------------------------------- parser


def _add_trust_flags(parser):
    parser.add_argument(
        "--trust", action="append", default=None, metavar="TYPE",
        help="trust this type in the model file (repeatable), as named by the error that "
        "refused it; only for a file from a source you trust",
    )
    parser.add_argument(
        "--allow-pickle", action="store_true",
        help="load a pickle/joblib model file (written by skgenre 0.1). Unpickling runs any "
        "code the file's author put in it: only for a file you wrote yourself",
    )


def _build_parser():
    from . import __version__
    from .datasets._modalities import MODALITIES

    parser = argparse.ArgumentParser(
        prog="skgenre",
        description="Multi-label movie genre classification from plots, posters, trailers "
        "and credits.",
    )
    parser.add_argument("--version", action="version", version=f"skgenre {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-q", "--quiet", action="store_true", help="no progress output (tables still print)"
    )
    common.add_argument(
        "-v", "--verbose", action="store_true", help="also show the library's log messages"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = sub.add_parser(
        "demo", parents=[common], help="fit the default stacker on synthetic movies and "
        "write a report",
        description="Make a synthetic catalogue with all four modalities, fit the default "
        "MovieGenreStacker on a train part, print the average precision of each modality and "
        "of the fusion on the test part, and write an HTML report.",
    )
    demo.add_argument("--n-movies", type=_int_in(50, None), default=DEFAULT_DEMO_MOVIES,
                      help=f"catalogue size (default {DEFAULT_DEMO_MOVIES})")
    demo.add_argument("--n-genres", type=_int_in(2, 17), default=6,
                      help="number of genres, 2 to 17 (default 6)")
    demo.add_argument("--out", default="skgenre_report",
                      help="report folder (default ./skgenre_report)")
    demo.add_argument("--data-dir", default=None,
                      help="folder for the synthetic catalogue (default: in the data home, "
                      "reused by later runs)")
    demo.add_argument("--cache-dir", default=None,
                      help="feature cache of the stacker (default: demo_cache in the data "
                      "home); a second run reuses it")
    demo.add_argument("--test-size", type=_fraction, default=0.3,
                      help="share of movies held out for scoring (default 0.3)")
    demo.add_argument("--threshold", type=_check_threshold, default=0.75,
                      help="probability from which a genre is confident (default 0.75)")
    demo.add_argument("--random-state", type=int, default=0, help="seed (default 0)")
    demo.set_defaults(func=_cmd_demo)

    missing_help = ("what to do with a poster/trailer path that does not exist: raise "
                    "(default), mark_missing (treat the modality as missing) or drop the movie")
    fit = sub.add_parser(
        "fit", parents=[common], help="train a MovieGenreStacker on a manifest",
        description="Train a MovieGenreStacker on a movie manifest (CSV or Parquet, read by "
        "skgenre.datasets.load_movies) and save it with skgenre.save_model (a skops file, "
        "loaded without unpickling).",
    )
    fit.add_argument("--data", required=True, help="manifest of the training movies")
    fit.add_argument("--out", required=True, help="model file to write, e.g. model.skops")
    fit.add_argument(
        "--set", action="append", metavar="NAME=VALUE",
        help="a stacker parameter, as in set_params (repeatable), e.g. --set cv=3 "
        "--set tune_thresholds=True; values are Python literals, else strings",
    )
    fit.add_argument("--modalities", default=None,
                     help="use only these modalities, comma-separated ("
                     f"{','.join(MODALITIES)}; a modality's column such as plot also "
                     "works); default: every modality present")
    fit.add_argument("--random-state", type=int, default=0, help="seed (default 0)")
    fit.add_argument("--missing-files", choices=["raise", "mark_missing", "drop"],
                     default="raise", help=missing_help)
    fit.add_argument("--split", default=None, metavar="VALUES",
                     help="fit on the movies whose split column is one of these, "
                     "comma-separated (e.g. train,val); default: every movie")
    fit.add_argument("--n-jobs", type=_int_in(-1, None), default=None,
                     help="folds and modalities fitted in parallel on this machine "
                     "(-1: all cores; default 1)")
    fit.add_argument("--cache-dir", default=None,
                     help="folder caching the poster/trailer features and the fitted base "
                     "models; a second fit reuses them (default: no cache)")
    fit.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="fit on a Dask cluster, e.g. tcp://scheduler:8786 (needs "
                     "skgenre[dask]; the workers must reach the media files and --cache-dir "
                     "at the same paths)")
    fit.set_defaults(func=_cmd_fit)

    evaluate = sub.add_parser(
        "evaluate", parents=[common], help="score a saved model on labelled movies",
        description="Print the average precision (micro, macro, samples) of each modality and "
        "of the fusion on a labelled manifest, and optionally write an HTML report.",
    )
    evaluate.add_argument("--model", required=True, help="model file written by `skgenre fit`")
    evaluate.add_argument("--data", required=True, help="manifest of labelled movies")
    evaluate.add_argument("--report", default=None, help="write an HTML report to this folder")
    evaluate.add_argument("--threshold", type=_check_threshold, default=0.75,
                          help="confident-genre threshold used in the report (default 0.75)")
    evaluate.add_argument("--missing-files", choices=["raise", "mark_missing", "drop"],
                          default="raise", help=missing_help)
    evaluate.add_argument("--split", default=None, metavar="VALUES",
                          help="evaluate on the movies whose split column is one of these "
                          "(e.g. test); default: every movie")
    _add_trust_flags(evaluate)
    evaluate.set_defaults(func=_cmd_evaluate)

    predict = sub.add_parser(
        "predict", parents=[common], help="genre probabilities and confident genres",
        description="Write each movie's genre probabilities and confident genres (those with a "
        "probability at least --threshold) as CSV or JSON.",
    )
    predict.add_argument("--model", required=True, help="model file written by `skgenre fit`")
    predict.add_argument("--data", required=True, help="manifest of the movies (genres optional)")
    predict.add_argument("--threshold", type=_check_threshold, default=0.75,
                         help="confident-genre threshold (default 0.75)")
    predict.add_argument("--format", choices=["csv", "json"], default="csv",
                         help="output format (default csv)")
    predict.add_argument("--output", default=None, help="output file (default: stdout)")
    predict.add_argument("--missing-files", choices=["raise", "mark_missing", "drop"],
                         default="raise", help=missing_help)
    predict.add_argument("--split", default=None, metavar="VALUES",
                         help="predict the movies whose split column is one of these "
                         "(e.g. test); default: every movie")
    _add_trust_flags(predict)
    predict.set_defaults(func=_cmd_predict)

    info = sub.add_parser(
        "info", parents=[common], help="what a model file holds",
        description="Print what a model file written by `skgenre fit` holds: modalities, "
        "genres, columns read, thresholds, training size, skgenre version.",
    )
    info.add_argument("--model", required=True, help="model file written by `skgenre fit`")
    _add_trust_flags(info)
    info.set_defaults(func=_cmd_info)
    return parser


def main(argv=None):
    """Run the ``skgenre`` command line.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments after the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    status : int
        0 on success, 2 for a usage or input error (reported on one line).
    """
    parser = _build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("skgenre").setLevel(logging.INFO if args.verbose else logging.WARNING)
    say = _Progress(quiet=args.quiet)

    def show_warning(message, category, filename, lineno, file=None, line=None):
        text = " ".join(str(message).split())
        print(f"skgenre {args.command}: warning: {text} ({category.__name__})", file=sys.stderr)

    try:
        with warnings.catch_warnings():
            warnings.showwarning = show_warning  # one line each, no source excerpt
            return args.func(args, say)
    except CLIError as exc:
        print(f"skgenre {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"skgenre {args.command}: interrupted", file=sys.stderr)
        return 130
