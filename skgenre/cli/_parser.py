"""The ``skgenre`` command's parser: its subcommands, their flags and argument types.

The modality names and kinds the flags accept come from the modality registry, read
when the parser is built.
"""

import argparse

from ._cache import add_cache_command
from ._commands import _cmd_demo, _cmd_evaluate, _cmd_fit, _cmd_info, _cmd_predict

__all__ = ["build_parser"]

DEFAULT_DEMO_MOVIES = 500

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


def _n_jobs(value):
    """An argparse type: joblib's ``n_jobs``, a positive integer or -1 (all cores)."""
    value = _int_in(-1, None)(value)
    if value == 0:
        raise argparse.ArgumentTypeError("expected -1 (all cores) or a positive integer; "
                                         "got 0")
    return value


def modality_kind(text):
    """An argparse type: ``MODALITY=KIND``, both checked against the modality registry."""
    from ..datasets import get_modality

    name, sep, kind = (part.strip() for part in text.partition("="))
    if not sep or not name or not kind:
        raise argparse.ArgumentTypeError(
            f"expected MODALITY=KIND, e.g. poster=efficientnet_mlp; got {text!r}")
    try:
        modality = get_modality(name)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    kinds = modality.model_kinds()
    if kind not in kinds:
        raise argparse.ArgumentTypeError(
            f"the {modality.name} modality has no kind {kind!r}; choose among "
            f"{', '.join(kinds)}")
    return modality.name, kind


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


def _missing_help():
    """``--missing-files``' help, naming the registered modalities' file columns."""
    from ..datasets import media_columns

    return (f"what to do with a {'/'.join(media_columns())} path that does not exist: raise "
            "(default), mark_missing (treat the modality as missing) or drop the movie")


def _add_command(sub, common, name, func, help, description):
    """A subcommand running ``func``, with the common flags."""
    parser = sub.add_parser(name, parents=[common], help=help, description=description)
    parser.set_defaults(func=func)
    return parser


def _add_rows(parser, verb, example, *, genres=True):
    """The arguments reading a manifest and its media: which rows (``--split``), its
    encoding, its genres column, and what to do with missing or unreadable files."""
    parser.add_argument("--missing-files", choices=["raise", "mark_missing", "drop"],
                        default="raise", help=_missing_help())
    parser.add_argument("--on-error", choices=["raise", "missing"], default=None,
                        help="what to do with a poster or trailer file that cannot be read "
                        "(empty, damaged, not an image or video...): raise (the model's "
                        "setting, by default) or missing (treat that movie's poster or "
                        "trailer as missing, with a warning naming the file)")
    parser.add_argument("--split", default=None, metavar="VALUES",
                        help=f"{verb} the movies whose split column is one of these, "
                        f"comma-separated (e.g. {example}); matched ignoring case and "
                        "spaces; default: every movie")
    parser.add_argument("--encoding", default="utf-8",
                        help="text encoding of a CSV manifest (default utf-8; e.g. latin-1, "
                        "utf-16)")
    if genres:
        parser.add_argument("--target-column", default="genres", metavar="COLUMN",
                            help="the manifest's column of |-joined genres (default genres)")


def _add_model_and_data(parser, data, verb, *, genres=True):
    """The arguments ``evaluate`` and ``predict`` share: a model, a manifest, its rows,
    a feature cache."""
    parser.add_argument("--model", required=True, help="model file written by `skgenre fit`")
    parser.add_argument("--data", required=True, help=f"manifest of {data}")
    _add_rows(parser, verb, "test", genres=genres)
    parser.add_argument("--cache-dir", default=None,
                        help="folder where the posters', trailers' and plots' frozen "
                        "features are cached (default: none; the model file records no "
                        "cache folder of its fit)")
    _add_trust_flags(parser)


def _add_confidence(parser):
    parser.add_argument("--confidence-threshold", type=_check_threshold, default=0.75,
                        help="the report's confidence threshold: a genre is 'confident' "
                        "when its probability is at least this (the study's threshold "
                        "metric; default 0.75). Not the model's decision threshold, which "
                        "`skgenre predict` uses")


def build_parser():
    from .. import __version__
    from ..datasets import MODALITY_REGISTRY
    from ..datasets._modalities import PRESETS

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
        "-v", "--verbose", action="store_true",
        help="also show the library's log messages, and the traceback of an unexpected error"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = _add_command(
        sub, common, "demo", _cmd_demo,
        help="fit the default stacker on synthetic movies and write a report",
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
    _add_confidence(demo)
    demo.add_argument("--preset", choices=PRESETS, default="fast",
                      help="default base models (default fast: the synthetic plots are genre "
                      "words and the posters genre colours, which TF-IDF and colour "
                      "statistics read directly; best adds the pretrained encoders)")
    demo.add_argument("--random-state", type=int, default=0, help="seed (default 0)")

    fit = _add_command(
        sub, common, "fit", _cmd_fit, help="train a MovieGenreStacker on a manifest",
        description="Train a MovieGenreStacker on a movie manifest (CSV or Parquet, read by "
        "skgenre.datasets.load_movies) and save it with skgenre.save_model (a zip of plain data, "
        "loaded without unpickling).",
    )
    fit.add_argument("--data", required=True, help="manifest of the training movies")
    fit.add_argument("--out", required=True, help="model file to write, e.g. model.skgenre")
    fit.add_argument(
        "--set", action="append", metavar="NAME=VALUE",
        help="a stacker parameter, as in set_params (repeatable), e.g. --set cv=3 "
        "--set tune_thresholds=True; values are Python literals, else strings",
    )
    fit.add_argument("--modalities", default=None,
                     help="use only these modalities, comma-separated ("
                     f"{','.join(MODALITY_REGISTRY)}; a modality's column such as plot also "
                     "works); default: every modality present")
    fit.add_argument("--kinds", nargs="+", type=modality_kind, metavar="MODALITY=KIND",
                     help="default base models of other kinds than the preset's, e.g. "
                     "text=tfidf_logreg poster=color_mlp (the stacker's kinds parameter). A "
                     "trailer column of .npy feature arrays gets trailer=features_logreg "
                     "without asking")
    fit.add_argument("--preset", choices=PRESETS, default=None,
                     help="default base models: best (pretrained encoders) or fast (no "
                     "pretrained network, 2.6x cheaper on a cold feature cache, "
                     "slightly less accurate); default: MovieGenreStacker's (best); --kinds "
                     "overrides it per modality")
    fit.add_argument("--random-state", type=int, default=0, help="seed (default 0)")
    _add_rows(fit, "fit on", "train,val")
    fit.add_argument("--n-jobs", type=_n_jobs, default=None,
                     help="folds and modalities fitted in parallel on this machine "
                     "(-1: all cores; default 1)")
    fit.add_argument("--cache-dir", default=None,
                     help="folder caching the posters', trailers' and plots' features and "
                     "the base models' fold predictions and refits, as data (never code); "
                     "a second fit reuses them, and folders may be shared (default: "
                     "features only, in the user cache folder; see `skgenre cache`)")
    fit.add_argument("--no-cache", action="store_true",
                     help="write no cache at all (features are computed once per fit)")
    fit.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="fit on a Dask cluster, e.g. tcp://scheduler:8786 (needs "
                     "skgenre[dask]; the workers must reach the media files and --cache-dir "
                     "at the same paths)")

    evaluate = _add_command(
        sub, common, "evaluate", _cmd_evaluate, help="score a saved model on labelled movies",
        description="Print the average precision (micro, macro, samples) of each modality and "
        "of the fusion on a labelled manifest, and optionally write an HTML report.",
    )
    _add_model_and_data(evaluate, "labelled movies", "evaluate")
    evaluate.add_argument("--report", default=None, help="write an HTML report to this folder")
    _add_confidence(evaluate)

    predict = _add_command(
        sub, common, "predict", _cmd_predict, help="each movie's genres and probabilities",
        description="Print each movie's genres: those whose probability is at or above the "
        "model's decision threshold (0.5, or one per genre tuned at fit; `skgenre info` "
        "shows them), most likely first, with their probabilities. A table for people, or "
        "CSV/JSON with every genre's probability for programs.",
    )
    _add_model_and_data(predict, "the movies (genres optional)", "predict", genres=False)
    predict.add_argument("--threshold", type=_check_threshold, default=None,
                         help="decision threshold for every genre instead of the model's")
    predict.add_argument("--top", type=_int_in(1, None), default=None, metavar="K",
                         help="list at most K genres a movie (default: every genre at or "
                         "above the threshold)")
    predict.add_argument("--explain", action="store_true",
                         help="say why: each listed genre's contributions from the plot, "
                         "poster, trailer and metadata, in logit points from the base")
    predict.add_argument("--format", choices=["table", "csv", "json"], default=None,
                         help="table (the default on a terminal), csv (the default into a "
                         "pipe or an --output file) or json (the default for an --output "
                         "ending in .json)")
    predict.add_argument("--output", default=None, help="output file (default: stdout)")

    info = _add_command(
        sub, common, "info", _cmd_info, help="what a model file holds",
        description="Print what a model file written by `skgenre fit` holds: modalities, "
        "genres, columns read, thresholds, training size, skgenre version.",
    )
    info.add_argument("--model", required=True, help="model file written by `skgenre fit`")
    _add_trust_flags(info)
    add_cache_command(sub, common)
    return parser
