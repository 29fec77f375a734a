"""What the ``skgenre`` commands do: load, fit, score, predict, describe a model.

The parser lives in :mod:`skgenre.cli._parser` and ``main`` in :mod:`skgenre.cli._main`;
each ``_cmd_*`` here takes the parsed arguments and a progress printer, and raises
:class:`CLIError` for an input problem.
"""

import ast
import json
import os
import sys
import time

from ..utils import get_cache_home
from ._cache import cache_summary, human_size
from ._errors import CLIError, one_line
from ._files import (
    check_cache_dir,
    check_not_inputs,
    check_not_media,
    check_output,
    load_model_file,
    save_model_file,
    write_output,
)
from ._predict import decision_thresholds, format_predictions, threshold_lines

#: The files ``evaluate --report`` writes in its folder (besides poster thumbnails).
REPORT_FILES = ("index.html", "ap_per_genre.png", "pr_micro.png", "pr_per_genre.png")


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


def _load_manifest(args, *, with_genres=True, media_columns=None):
    """``load_movies`` of ``--data`` with the command's flags.

    Its :class:`~skgenre.utils.InputError` (an encoding, a target column, a split, a
    missing file: each names the parameter that fixes it) goes up to ``main``, which
    names the flag; any other failure to read the file is a one-line CLI error.
    """
    from ..datasets import load_movies
    from ..utils import InputError

    target = getattr(args, "target_column", "genres") if with_genres else None
    try:
        return load_movies(
            args.data, target_column=target, on_missing_file=args.missing_files,
            split=_split_values(args.split), media_columns=media_columns,
            encoding=args.encoding,
        )
    except InputError:
        raise
    except Exception as exc:  # a missing file, a pandas/pyarrow parser error...
        raise CLIError(f"cannot load the manifest {args.data}: {one_line(exc)}") from exc


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


def _split_values(text):
    """``--split train,val`` as a list of split values (None when not given)."""
    if text is None:
        return None
    values = [v.strip() for v in text.split(",") if v.strip()]
    if not values:
        raise CLIError(f"bad --split {text!r}: name split values, e.g. --split train,val")
    return values


def _media_columns(stacker):
    """The media columns (poster, trailer: file paths) a fitted stacker reads."""
    from ..datasets import media_columns

    read = {c for cols in stacker.columns_ for c in ([cols] if isinstance(cols, str) else cols)}
    return [c for c in media_columns() if c in read]


def _parallel(args):
    """Where the stacker's fits run: ``--scheduler`` (a Dask cluster) or ``--n-jobs``."""
    import contextlib

    from ..utils import parallel_backend_for

    scheduler = getattr(args, "scheduler", None)
    stack = contextlib.ExitStack()
    try:  # entered here, so that a missing extra or scheduler is an error before the fit
        stack.enter_context(parallel_backend_for(scheduler, n_jobs=args.n_jobs))
    except ImportError as exc:
        raise CLIError(f"--scheduler needs dask.distributed: {one_line(exc)}") from exc
    except ValueError as exc:  # distributed's parsing of the address
        raise CLIError(f"bad --scheduler {scheduler!r}: {one_line(exc)}; give the "
                       "scheduler's address, e.g. tcp://scheduler:8786") from exc
    except (OSError, TimeoutError) as exc:
        raise CLIError(f"cannot reach the Dask scheduler {scheduler}: {one_line(exc)}") from exc
    return stack


def _estimators_in(obj, seen=None):
    """Every estimator inside a (fitted) model: its parameters' and its fitted parts
    (``steps``, ``estimators_``...), each once."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if hasattr(obj, "get_params") and not isinstance(obj, type):
        yield obj
        children = list(vars(obj).values())
    elif isinstance(obj, (list, tuple)):
        children = list(obj)
    elif isinstance(obj, dict):
        children = list(obj.values())
    else:
        return
    for child in children:
        if isinstance(child, (list, tuple, dict)) or hasattr(child, "get_params"):
            yield from _estimators_in(child, seen)


def _set_everywhere(models, name, value):
    """Set the parameter ``name`` on every estimator inside ``models`` that takes it
    (the media readers' ``on_error``, the embedders' ``memory``); Pipelines' own
    parameters aside, as in :func:`skgenre.utils.route_params`. Returns how many."""
    from sklearn.pipeline import Pipeline

    found = [est for est in _estimators_in(models)
             if not isinstance(est, Pipeline) and name in est.get_params(deep=False)]
    for est in found:
        est.set_params(**{name: value})
    return len(found)


def _oof_table(stacker, X, Y):
    """Out-of-fold AP of each modality and of the fusion, from the fit itself."""
    import numpy as np

    from ..metrics import average_precision_report

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
    from ..report import explanation_lines, modality_labels, modality_presence, write_report

    say(f"writing the report to {out}/")
    try:  # each card's per-modality explanation, where the final estimator gives one
        explanations = explanation_lines(
            stacker.explain(X), present=modality_presence(stacker, X),
            labels=modality_labels(stacker))
    except TypeError:
        explanations = None
    facts = {**facts, "Decision thresholds": decision_thresholds(stacker, genre_names)[1]}
    try:
        index = write_report(
            out, Y_true=Y, probas=_report_probas(stacker, X), genre_names=genre_names,
            movies=X, threshold=threshold, facts=facts, explanations=explanations,
        )
    except ImportError as exc:
        raise CLIError(one_line(exc)) from exc
    say(f"report: {index}")
    return index


# --------------------------------------------------------------------------- commands


def _cmd_demo(args, say):
    import numpy as np
    import pandas as pd

    from .. import __version__
    from ..datasets import get_data_home, make_movies
    from ..ensemble import MovieGenreStacker
    from ..metrics import modality_report
    from ..model_selection import multilabel_train_test_split

    check_output(args.out, "--out", folder=True)
    check_cache_dir(args.cache_dir)
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
        threshold=args.confidence_threshold, facts=facts, say=say,
    )
    say(f"demo done in {time.perf_counter() - t0:.1f} s")
    return 0


def _set_nested(stacker, X, nested, on_error=None):
    """Nested ``--set`` values (``text__head__max_epochs=5``, ``final_estimator__C=1``)
    and ``--on-error`` (every media reader's ``on_error``).

    A default modality's parameters exist only once its model is built: the stacker
    builds its default estimators here exactly as its fit would
    (:meth:`~skgenre.MovieGenreStacker.resolve_estimators`: the same kinds, memory and
    derived seed), and takes them as its ``estimators``.
    """
    from ..datasets import MODALITY_REGISTRY
    from ..ensemble import make_final_estimator

    if stacker.final_estimator is None and any(k.startswith("final_estimator__") for k in nested):
        stacker.set_params(final_estimator=make_final_estimator())
    if stacker.estimators is None and (on_error or any(
            k.split("__", 1)[0] in MODALITY_REGISTRY for k in nested)):
        stacker.set_params(estimators=stacker.resolve_estimators(X), kinds=None)
    try:
        stacker.set_params(**nested)
    except (ValueError, TypeError, AttributeError) as exc:
        raise CLIError(f"bad --set: {one_line(exc)}") from exc
    if on_error:
        _set_everywhere(stacker.estimators, "on_error", on_error)


def _fit_outputs_and_inputs(args):
    """``fit``'s checks before any work: its output, its cache folder."""
    if args.no_cache and args.cache_dir:
        raise CLIError("--no-cache and --cache-dir contradict each other; give one")
    check_not_inputs([("--out", args.out, None)], [("--data", args.data)])
    check_output(args.out, "--out")
    check_cache_dir(args.cache_dir)


def _cmd_fit(args, say):
    import numpy as np
    import pandas as pd

    from ..ensemble import MovieGenreStacker
    from ..utils._sklearn_compat import InvalidParameterError, validate_params

    _fit_outputs_and_inputs(args)
    params = _parse_sets(args.set)
    if args.kinds:
        params["kinds"] = dict(args.kinds)
    if args.preset:
        params["preset"] = args.preset
    stacker = MovieGenreStacker(verbose=int(not args.quiet), random_state=args.random_state,
                                n_jobs=args.n_jobs,
                                memory=False if args.no_cache else args.cache_dir)
    try:  # the stacker's own parameters first: a typo or a wrong value fails before any loading
        stacker.set_params(**{k: v for k, v in params.items() if "__" not in k})
        validate_params(stacker)
    except (ValueError, TypeError) as exc:
        raise CLIError(f"bad {_set_flag(exc, params)}: {one_line(exc)}") from exc
    movies = _load_manifest(args)
    X, genres = movies.data, list(movies.target_names)
    Y = pd.DataFrame(np.asarray(movies.target), columns=genres)
    if len(X) == 0:
        raise CLIError(f"the manifest {args.data} holds no movie")
    check_not_media([("--out", args.out, None)], X)
    say(f"loaded {len(X)} movies with {len(genres)} genres from {movies.manifest}"
        + (f" (split {args.split})" if args.split else ""))
    if args.modalities:
        X = _keep_modalities(X, args.modalities)
    nested = {k: v for k, v in params.items() if "__" in k}
    if nested or args.on_error:
        _set_nested(stacker, X, nested, on_error=args.on_error)
    say("fitting MovieGenreStacker" + (f" with {params}" if params else ""))
    t_fit = time.perf_counter()
    try:
        with _parallel(args):
            stacker.fit(X, Y)
    except InvalidParameterError as exc:  # a nested --set value, checked by its estimator
        if not params:
            raise
        raise CLIError(f"bad {_set_flag(exc, params)}: {one_line(exc)}") from exc
    say(f"fitted modalities {list(stacker.modalities_)} in {time.perf_counter() - t_fit:.1f} s")
    table = _oof_table(stacker, X, Y.to_numpy())
    print(f"Out-of-fold average precision on the {len(X)} training movies (each modality "
          "on the movies that have it):")
    print(_format_table(table), flush=True)
    # The model file records no cache (memory=False; None would be the user cache
    # folder): at predict time, its embedders write features only into a cache given
    # then (predict --cache-dir).
    _set_everywhere(stacker.estimators_, "memory", False)
    path = save_model_file(args.out, stacker, genres, movies.manifest, params, say)
    say(f"model saved to {path}")
    return 0


def _set_flag(exc, params):
    """``--set NAME=VALUE`` for the parameter scikit-learn's error names, else ``--set``."""
    import re

    named = re.search(r"The '(\w+)' parameter", str(exc))
    name = named and next((k for k in params if k == named[1] or k.endswith(f"__{named[1]}")),
                          None)
    return f"--set {name}={params[name]!r}" if name else "--set"


def _keep_modalities(X, modalities):
    """Drop the columns of the modalities not asked for (``--modalities text,metadata``).

    Names and aliases come from the modality registry, so every name ``--help`` lists
    (and a modality's main column, e.g. ``plot``) is accepted.
    """
    from ..datasets import MODALITY_REGISTRY, resolve_modalities

    try:
        wanted = resolve_modalities(modalities)
    except ValueError as exc:
        raise CLIError(f"bad --modalities {modalities!r}: {one_line(exc)}") from exc
    drop = [c for name, m in MODALITY_REGISTRY.items() if name not in wanted
            for c in m.columns if c in X]
    return X.drop(columns=drop)


def _load_for_prediction(args, outputs):
    """``evaluate``'s and ``predict``'s start: the checks before any work, the model
    (with ``--on-error`` and ``--cache-dir`` set on its readers) and the manifest."""
    check_not_inputs(outputs, [("--data", args.data), ("--model", args.model)])
    for flag, path, files in outputs:
        if path is not None:
            check_output(path, flag, folder=files is not None)
    check_cache_dir(args.cache_dir)
    bundle = load_model_file(args.model, trusted=args.trust, allow_pickle=args.allow_pickle)
    stacker = bundle["stacker"]
    # Embedders write features only into a cache given now, never one recorded at fit
    # (nor the user cache folder, which memory=None would mean).
    _set_everywhere(stacker.estimators_, "memory",
                    False if args.cache_dir is None else args.cache_dir)
    if args.on_error:
        _set_everywhere(stacker.estimators_, "on_error", args.on_error)
    movies = _load_manifest(args, with_genres=args.command == "evaluate",
                            media_columns=_media_columns(stacker))
    check_not_media(outputs, movies.data)
    return bundle, stacker, list(bundle["genre_names"]), movies


def _cmd_evaluate(args, say):
    from ..metrics import modality_report

    bundle, stacker, genres, movies = _load_for_prediction(
        args, [("--report", args.report, REPORT_FILES)])
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
        _write_report(args.report, stacker, X, Y, genres,
                      threshold=args.confidence_threshold, facts=facts, say=say)
    return 0


def _explanations(stacker, X, thresholds, top):
    """``predict --explain``'s lines, per movie: its listed genres, or the most likely
    one when none reaches its threshold; and the fused probabilities they come from."""
    from ..report import explanation_lines, modality_labels, modality_presence

    try:
        table = stacker.explain(X)
    except TypeError as exc:
        raise CLIError(f"--explain: {one_line(exc)}") from exc
    k = len(stacker.genre_names_)
    present, labels = modality_presence(stacker, X), modality_labels(stacker)
    listed = explanation_lines(table, top=top or k, min_proba=thresholds, present=present,
                               labels=labels)
    best = explanation_lines(table, top=1, present=present, labels=labels)
    lines = [mine or theirs for mine, theirs in zip(listed, best)]
    return lines, table["proba"].to_numpy().reshape(len(X), k)


def _cmd_predict(args, say):
    import numpy as np

    _, stacker, genres, movies = _load_for_prediction(
        args, [("--output", args.output, None)])
    X = movies.data
    if "genres" in X:  # labelled data: it must speak of the model's genres
        from ..datasets import parse_genres

        try:
            target, names = parse_genres(X["genres"])
        except (ValueError, TypeError) as exc:
            raise CLIError(f"cannot read the genres of {args.data}: {one_line(exc)}") from exc
        _align_genres(target, names, genres, args.data)
    say(f"predicting {len(X)} movies from {movies.manifest}")
    thresholds, statement = decision_thresholds(stacker, genres, args.threshold)
    if args.explain:
        explanations, proba = _explanations(stacker, X, thresholds, args.top)
    else:
        explanations, proba = None, np.asarray(stacker.predict_proba(X), dtype=float)
    fmt = args.format or ("table" if args.output is None and sys.stdout.isatty() else
                          "json" if str(args.output or "").endswith(".json") else "csv")
    text = format_predictions(fmt, X, proba, genres, thresholds, statement, top=args.top,
                              explanations=explanations)
    if args.output:
        write_output(args.output, text, "--output")
        say(f"wrote {len(X)} predictions to {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def _cmd_info(args, say):
    bundle = load_model_file(args.model, trusted=args.trust, allow_pickle=args.allow_pickle)
    stacker, genres = bundle["stacker"], list(bundle["genre_names"])
    read = [c for cols in stacker.columns_ for c in ([cols] if isinstance(cols, str) else cols)]
    n_train = len(next(iter(stacker.oof_proba_.values()))) if stacker.oof_proba_ else None
    lines = [
        ("model file", str(args.model)),
        ("skgenre version", bundle.get("skgenre_version")),
        ("created", bundle.get("created")),
        ("trained on", f"{bundle.get('trained_on')} ({n_train} movies)"),
        ("modalities", ", ".join(stacker.modalities_)),
        ("out-of-fold macro AP", ", ".join(
            f"{m} {v:.3f}" for m, v in sorted(getattr(stacker, "modality_scores_", {}).items(),
                                              key=lambda kv: -kv[1])) or "not recorded"),
        ("columns read", ", ".join(read)),
        ("genres", ", ".join(genres)),
        *threshold_lines(stacker, genres),
        ("final estimator", type(stacker.final_estimator_).__name__),
        ("parameters set", json.dumps(bundle.get("params") or {})),
    ]
    home = get_cache_home()
    size, entries, _ = cache_summary(home)
    lines.append(("feature cache", f"{home} ({human_size(size)} in {entries} entries; "
                  "`skgenre cache` lists it, `skgenre cache --clear` empties it)"))
    kinds = getattr(stacker, "kinds_", None) or {}  # absent from older model files
    for name in stacker.modalities_:
        model = type(stacker.named_estimators_[name]).__name__
        lines.append((f"  {name} model",
                      f"{model} (kind {kinds[name]})" if name in kinds else model))
    width = max(len(k) for k, _ in lines)
    for key, value in lines:
        print(f"{key:<{width}}  {value}")
    return 0
