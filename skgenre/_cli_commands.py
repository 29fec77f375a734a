"""What the ``skgenre`` commands do: load, fit, score, predict, describe a model.

The parser and ``main`` live in :mod:`skgenre._cli`; each ``_cmd_*`` here takes the parsed
arguments and a progress printer, and raises :class:`CLIError` for an input problem.
"""

import ast
import datetime
import json
import os
import re
import sys
import time
from pathlib import Path

MODEL_FORMAT = "skgenre-model"
MODEL_FORMAT_VERSION = 2


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
    """Where the stacker's fits run: ``--scheduler`` (a Dask cluster) or ``--n-jobs``."""
    import contextlib

    from .utils import parallel_backend_for

    scheduler = getattr(args, "scheduler", None)
    stack = contextlib.ExitStack()
    try:  # entered here, so that a missing extra or scheduler is an error before the fit
        stack.enter_context(parallel_backend_for(scheduler, n_jobs=args.n_jobs))
    except ImportError as exc:
        raise CLIError(f"--scheduler needs dask.distributed: {_one_line(exc)}") from exc
    except (OSError, TimeoutError) as exc:
        raise CLIError(f"cannot reach the Dask scheduler {scheduler}: {_one_line(exc)}") from exc
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
    from .report import explanation_lines, write_report

    say(f"writing the report to {out}/")
    try:  # each card's per-modality explanation, where the final estimator gives one
        explanations = explanation_lines(stacker.explain(X))
    except TypeError:
        explanations = None
    try:
        index = write_report(
            out, Y_true=Y, probas=_report_probas(stacker, X), genre_names=genre_names,
            movies=X, threshold=threshold, facts=facts, explanations=explanations,
        )
    except ImportError as exc:
        raise CLIError(_one_line(exc)) from exc
    say(f"report: {index}")
    return index



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
        preset=args.preset, memory=cache, verbose=int(not args.quiet),
        random_state=args.random_state,
    )
    say(f"fitting the default MovieGenreStacker, preset {args.preset!r} (each modality's "
        f"model out of fold, then the fusion; features cached in {cache})")
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
        "Model": f"default MovieGenreStacker (preset {args.preset!r}), modalities "
                 f"{', '.join(stacker.modalities_)}",
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
            X, random_state=stacker.random_state, memory=stacker.memory, kinds=stacker.kinds
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
    if args.kinds:
        params["kinds"] = dict(args.kinds)
    if args.preset:
        params["preset"] = args.preset
    if args.no_cache and args.cache_dir:
        raise CLIError("--no-cache and --cache-dir contradict each other; give one")
    stacker = MovieGenreStacker(verbose=int(not args.quiet), random_state=args.random_state,
                                n_jobs=args.n_jobs,
                                memory=False if args.no_cache else args.cache_dir)
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


