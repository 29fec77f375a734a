"""The ``skgenre`` command line: demo, fit / evaluate / predict round trips, clear errors."""

import json
import re
import subprocess
import sys

import joblib
import numpy as np
import pandas as pd
import pytest

from skgenre import load_model, save_model
from skgenre.cli import main
from skgenre.cli._commands import _parse_value
from skgenre.datasets import load_movies

# The CLI tests share a fitted model; run them on one worker.
pytestmark = pytest.mark.xdist_group("cli")

def test_fit_saves_stacker_with_genres_and_version(model_file, catalogue):
    import skgenre

    _, genres = catalogue
    stacker, bundle = load_model(model_file, return_metadata=True)
    assert model_file.read_bytes()[:2] == b"PK"  # a zip of plain data, not a pickle
    assert bundle["format"] == "skgenre-model"
    assert bundle["genre_names"] == list(genres)
    assert bundle["skgenre_version"] == skgenre.__version__
    assert type(stacker).__name__ == "MovieGenreStacker"
    assert stacker.cv == 2  # --set reached set_params
    assert stacker.modalities_ == ["text", "metadata"]  # --modalities dropped the posters
    assert stacker.genre_names_ == list(genres)
    assert stacker.named_estimators_["metadata"].get_params()["head__estimator__C"] == 0.5
    assert stacker.final_estimator_.get_params()["C"] == 0.5
    assert bundle["params"] == {
        "cv": 2, "metadata__head__estimator__C": 0.5, "final_estimator__C": 0.5
    }


def test_evaluate_prints_table_and_writes_report(model_file, catalogue, tmp_path, capsys):
    folder, _ = catalogue
    report = tmp_path / "report"
    status = main([
        "evaluate", "--model", str(model_file), "--data", str(folder / "test.csv"),
        "--report", str(report), "-q",
    ])
    assert status == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line.split()[1:] for line in out.splitlines()[2:] if line.strip()}
    assert set(lines) == {"text", "metadata", "fusion"}
    fusion_macro = float(lines["fusion"][1])
    assert 0.3 < fusion_macro <= 1.0
    page = (report / "index.html").read_text()
    assert "fusion" in page and (report / "ap_per_genre.png").is_file()
    assert len(list((report / "posters").glob("*.jpg"))) > 0  # posters shown, not modelled


def test_evaluate_on_fewer_genres_warns_in_one_line(model_file, catalogue, tmp_path, capsys):
    """A manifest lacking one of the model's genres is scored; the gap is a one-line warning."""
    folder, genres = catalogue
    test = pd.read_csv(folder / "test.csv")
    keep = ~test["genres"].str.contains(genres[-1])
    test[keep].to_csv(folder / "no_last_genre.csv", index=False)
    assert main(["evaluate", "--model", str(model_file), "--data",
                 str(folder / "no_last_genre.csv"), "-q"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[-1].split()[0] == "fusion"
    warning = [line for line in captured.err.splitlines() if "warning" in line]
    assert warning and warning[0].startswith("skgenre evaluate: warning: ")
    assert genres[-1] in warning[0] and "UndefinedMetricWarning" in warning[0]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_predict_writes_every_probability_and_the_genres_predict_gives(
    model_file, catalogue, tmp_path, fmt
):
    """CSV and JSON, for programs: every genre's probability (6 decimals) and the genres
    at or above the decision threshold, most likely first: those of stacker.predict."""
    folder, genres = catalogue
    out = tmp_path / f"pred.{fmt}"
    status = main([
        "predict", "--model", str(model_file), "--data", str(folder / "unlabelled.csv"),
        "--format", fmt, "--output", str(out), "-q",
    ])
    assert status == 0
    n_test = len(pd.read_csv(folder / "unlabelled.csv"))
    stacker = load_model(model_file)
    if fmt == "csv":
        table = pd.read_csv(out, keep_default_na=False)
        assert list(table.columns[:3]) == ["movieId", "title", genres[0]]
        proba = table[list(genres)].to_numpy()
        listed = [c.split("|") if c else [] for c in table["genres"]]
    else:
        payload = json.loads(out.read_text())
        assert payload["genres"] == list(genres)
        assert payload["decision_thresholds"] == dict.fromkeys(genres, 0.5)
        movies = payload["movies"]
        proba = np.array([[m["probabilities"][g] for g in genres] for m in movies])
        listed = [m["genres"] for m in movies]
    assert proba.shape == (n_test, len(genres))
    X = load_movies(folder / "unlabelled.csv", target_column=None).data
    np.testing.assert_allclose(proba, stacker.predict_proba(X), atol=1e-6)
    predicted = stacker.predict(X)
    for row, found, labels in zip(proba, listed, predicted):
        assert sorted(found) == sorted(g for g, y in zip(genres, labels) if y)
        assert found == sorted(found, key=lambda g: -row[list(genres).index(g)])


def test_predict_to_stdout(model_file, catalogue, capsys):
    folder, genres = catalogue
    assert main([
        "predict", "--model", str(model_file), "--data", str(folder / "test.csv"), "-q"
    ]) == 0
    header = capsys.readouterr().out.splitlines()[0]  # not a terminal: CSV
    assert header.endswith(",".join(genres) + ",genres")


def _run_error(argv, capsys):
    status = main(argv)
    err = capsys.readouterr().err.strip().splitlines()
    return status, err


def test_input_errors_are_one_line(model_file, catalogue, tmp_path, capsys):
    folder, _ = catalogue
    bad_manifest = tmp_path / "bad.csv"
    pd.DataFrame({"title": ["a"], "plot": ["x"]}).to_csv(bad_manifest, index=False)
    other_genres = tmp_path / "other.csv"
    pd.DataFrame({"plot": ["a ghost", "a cowboy"], "genres": ["Horror", "Western|Opera"]}).to_csv(
        other_genres, index=False
    )
    not_a_model = tmp_path / "model.skgenre"
    save_model({"hello": 1}, not_a_model)  # a skgenre file without the CLI's metadata
    pickled = tmp_path / "model.joblib"
    joblib.dump({"hello": 1}, pickled)
    garbage = tmp_path / "garbage.skgenre"
    garbage.write_bytes(b"PK\x03\x04 not a zip")
    model, train = str(model_file), str(folder / "train.csv")
    cases = [
        (["fit", "--data", str(tmp_path / "nope.csv"), "--out", "m.joblib"],
         "cannot load the manifest"),
        (["fit", "--data", str(bad_manifest), "--out", "m.joblib"], "no 'genres' column"),
        (["fit", "--data", train, "--out", "m.joblib", "--set", "cv"], "bad --set 'cv'"),
        (["fit", "--data", train, "--out", "m.joblib", "--set", "colour=red"],
         "bad --set: Invalid parameter 'colour'"),
        (["fit", "--data", train, "--out", "m.joblib", "--modalities", "smell"],
         "bad --modalities"),
        (["fit", "--data", train, "--out", "m.joblib", "--set", "metadata__colour=1"],
         "bad --set: Invalid parameter 'colour'"),
        (["evaluate", "--model", str(tmp_path / "missing.joblib"), "--data", train],
         "model file not found"),
        (["evaluate", "--model", str(not_a_model), "--data", train],
         "is not a skgenre model file"),
        (["evaluate", "--model", str(pickled), "--data", train, "--allow-pickle"],
         "is not a skgenre model file"),
        (["predict", "--model", str(pickled), "--data", train],
         "is not a skgenre model file (a zip archive): it looks like a pickle"),
        (["predict", "--model", str(garbage), "--data", train],
         "is not a skgenre model file: it is empty, truncated or damaged"),
        (["evaluate", "--model", model, "--data", str(other_genres)],
         "the model was trained with other genres"),
        (["predict", "--model", model, "--data", str(other_genres)],
         "the model was trained with other genres"),
    ]
    for argv, match in cases:
        status, err = _run_error(argv + ["-q"], capsys)
        assert status == 2, argv
        assert len(err) == 1 and match in err[0], (argv, err)
        assert err[0].startswith(f"skgenre {argv[0]}: error: ")


class _Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_pickled_model_needs_allow_pickle(model_file, catalogue, tmp_path, capsys, command):
    """A model file that is a pickle never runs: refused, with the flag that would load it.

    A legacy file (skgenre 0.1's joblib bundle) loads with --allow-pickle."""
    folder, genres = catalogue
    data = str(folder / "test.csv")
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.joblib"
    joblib.dump({"format": "skgenre-model", "stacker": _Payload(str(marker))}, evil)
    status, err = _run_error([command, "--model", str(evil), "--data", data, "-q"], capsys)
    assert status == 2 and len(err) == 1
    assert "--allow-pickle" in err[0] and "runs any code" in err[0]
    assert not marker.exists()

    stacker, metadata = load_model(model_file, return_metadata=True)
    legacy = tmp_path / "legacy.joblib"
    joblib.dump({**metadata, "format_version": 1, "stacker": stacker}, legacy)
    status, err = _run_error([command, "--model", str(legacy), "--data", data, "-q"], capsys)
    assert status == 2 and len(err) == 1
    # the way past it from the command line: the flag, or a conversion it spells out
    recipe = re.search(r'pass --allow-pickle, or convert it once to a skgenre model file: '
                       r'python -c "([^"]+)", then use --model (\S+)$', err[0])
    assert recipe, err[0]
    exec(recipe[1], {})  # noqa: S102 - the command the message tells the user to run
    assert main([command, "--model", recipe[2], "--data", data, "-q"]) == 0
    capsys.readouterr()
    assert main([command, "--model", str(legacy), "--data", data, "-q", "--allow-pickle"]) == 0
    assert main([command, "--model", str(model_file), "--data", data, "-q"]) == 0
    outputs = capsys.readouterr().out
    half = len(outputs) // 2
    assert outputs[:half] == outputs[half:]  # the legacy and current files agree


def double(X):
    return 2 * X


def test_untrusted_type_needs_trust_flag(model_file, catalogue, tmp_path, capsys):
    from sklearn.preprocessing import FunctionTransformer

    folder, _ = catalogue
    stacker, metadata = load_model(model_file, return_metadata=True)
    stacker.unused_ = FunctionTransformer(double)  # a function skgenre does not know
    path = save_model(stacker, tmp_path / "custom.skgenre", metadata=metadata)
    argv = ["predict", "--model", str(path), "--data", str(folder / "unlabelled.csv"), "-q"]
    status, err = _run_error(argv, capsys)
    names = [f"{double.__module__}.double",
             "sklearn.preprocessing._function_transformer.FunctionTransformer"]
    assert status == 2 and len(err) == 1 and "--trust" in err[0]
    assert all(name in err[0] for name in names)
    assert main(argv + ["--trust", names[0]]) == 2  # one of the two
    capsys.readouterr()
    assert main(argv + ["--trust", names[0], "--trust", names[1]]) == 0


def test_bad_set_value_is_reported(catalogue, tmp_path, capsys):
    folder, _ = catalogue
    status, err = _run_error([
        "fit", "--data", str(folder / "train.csv"), "--out", str(tmp_path / "m.joblib"),
        "--set", "threshold=2.5", "-q",
    ], capsys)
    assert status == 2
    assert len(err) == 1 and "bad --set" in err[0] and "threshold" in err[0]
    assert not (tmp_path / "m.joblib").exists()


@pytest.mark.parametrize(
    "text, expected",
    [("3", 3), ("0.5", 0.5), ("True", True), ("None", None), ("[1, 2]", [1, 2]),
     ("'x'", "x"), ("lbfgs", "lbfgs"), ("/tmp/cache", "/tmp/cache")],
)
def test_set_values_are_literals_else_strings(text, expected):
    assert _parse_value(text) == expected


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["predict", "--model", "m.joblib", "--data", "x.csv", "--threshold", "3"])
    assert exc.value.code == 2
    assert "threshold must be in [0, 1]" in capsys.readouterr().err


def test_demo_end_to_end(tmp_path, capsys):
    """``skgenre demo`` on a tiny catalogue: table on stdout, progress, report on disk."""
    out = tmp_path / "report"
    status = main([
        "demo", "--n-movies", "60", "--n-genres", "3", "--out", str(out),
        "--data-dir", str(tmp_path / "data"), "--cache-dir", str(tmp_path / "cache"),
    ])
    assert status == 0
    captured = capsys.readouterr()
    rows = [line.split()[0] for line in captured.out.splitlines() if line.strip()]
    assert rows[-1] == "fusion"
    assert {"text", "poster", "trailer", "metadata"} <= set(rows)
    assert "fitting the default MovieGenreStacker" in captured.err  # visible progress
    assert "demo done in" in captured.err
    page = (out / "index.html").read_text()
    assert page.count('class="movie"') == 6
    # Each card explains its most probable genres by modality (MovieGenreStacker.explain).
    assert page.count("<b>Why</b>") == 6
    assert re.search(r"\w+ [01]\.\d\d: (plot|poster|trailer|metadata) [+-]\d.* \(logit points "
                     r"from the base [01]\.\d\d", page)
    assert len(list((out / "posters").glob("*.jpg"))) == 6
    assert any((tmp_path / "cache").iterdir())  # features were cached there


def test_python_dash_m_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "skgenre", "--version"], capture_output=True, text=True,
        timeout=120,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("skgenre ")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning")
def test_round_trip_on_real_data(movielens_csv, tmp_path, capsys):
    """fit / evaluate / predict on a subset of ../shared/data, written to tmp_path.

    All three modalities of the real data (plot, poster, cast) are used, on 240 training
    movies with 2 folds to keep the test short.
    """
    frame = pd.read_csv(movielens_csv)
    frame["poster"] = [str(movielens_csv.parent / p) for p in frame["poster"]]
    train = frame[frame["split"] == "train"].sample(240, random_state=0)
    test = frame[frame["split"] == "test"].sample(100, random_state=0)
    train.to_csv(tmp_path / "train.csv", index=False)
    test.to_csv(tmp_path / "test.csv", index=False)
    test.drop(columns=["genres"]).to_csv(tmp_path / "new.csv", index=False)
    model = tmp_path / "model.skgenre"

    assert main(["fit", "--data", str(tmp_path / "train.csv"), "--out", str(model),
                 "--set", "cv=2", "-q"]) == 0
    stacker = load_model(model)
    assert set(stacker.modalities_) == {"text", "poster", "metadata"}

    capsys.readouterr()
    assert main(["evaluate", "--model", str(model), "--data", str(tmp_path / "test.csv"),
                 "--report", str(tmp_path / "report"), "-q"]) == 0
    table = capsys.readouterr().out
    fusion = dict(zip(["micro", "macro", "samples"],
                      map(float, table.splitlines()[-1].split()[1:4])))
    # plots name their genre often: far above the ~0.11 prevalence even on 300 movies
    assert fusion["micro"] > 0.4 and fusion["samples"] > 0.45
    assert (tmp_path / "report" / "index.html").is_file()

    assert main(["predict", "--model", str(model), "--data", str(tmp_path / "new.csv"),
                 "--format", "json", "--output", str(tmp_path / "p.json"), "-q"]) == 0
    movies = json.loads((tmp_path / "p.json").read_text())["movies"]
    assert len(movies) == 100 and movies[0]["title"] == test["title"].iloc[0]


def _help_modality_names():
    """The modality names ``skgenre fit --help`` lists for ``--modalities``."""
    import re

    from skgenre.cli._parser import build_parser

    fit = build_parser()._subparsers._group_actions[0].choices["fit"]
    text = " ".join(fit.format_help().split())
    listed = re.search(r"comma-separated \(([a-z,]+);", text).group(1)
    return listed.split(",")


def test_help_lists_the_registry_modalities():
    from skgenre.datasets import MODALITIES

    assert _help_modality_names() == list(MODALITIES)


@pytest.mark.parametrize("names", [
    *_help_modality_names(), "plot", "plot,metadata", "text,credits", "vision,video",
])
def test_every_listed_modality_name_is_accepted(names):
    """Every name ``--help`` lists, and the column aliases, select their columns."""
    from skgenre.cli._commands import _keep_modalities
    from skgenre.datasets import MODALITY_REGISTRY, resolve_modalities

    X = pd.DataFrame({c: ["x"] for m in MODALITY_REGISTRY.values() for c in m.columns})
    kept = _keep_modalities(X, names)
    wanted = resolve_modalities(names)
    expected = [c for m in wanted for c in MODALITY_REGISTRY[m].columns]
    assert sorted(kept.columns) == sorted(expected)


def test_fit_with_column_alias_modalities(catalogue, tmp_path):
    """``--modalities plot,metadata`` (a column name as alias) fits; it was refused."""
    folder, _ = catalogue
    out = tmp_path / "m.skgenre"
    args = ["fit", "--data", str(folder / "train.csv"), "--out", str(out), "-q",
            "--set", "cv=2", "--modalities", "plot,metadata"]
    assert main(args) == 0
    assert load_model(out).modalities_ == ["text", "metadata"]


def test_fit_kinds_choose_the_default_base_models(catalogue, tmp_path):
    folder, _ = catalogue
    out = tmp_path / "m.skgenre"
    args = ["fit", "--data", str(folder / "train.csv"), "--out", str(out), "-q",
            "--set", "cv=2", "--modalities", "text", "--kinds", "plot=tfidf_logreg"]
    assert main(args) == 0
    stacker, bundle = load_model(out, return_metadata=True)
    assert stacker.kinds == {"text": "tfidf_logreg"}
    assert bundle["params"]["kinds"] == {"text": "tfidf_logreg"}
    # tfidf_logreg is a TF-IDF pipeline; the default text model averages it with GloVe
    assert type(stacker.named_estimators_["text"]).__name__ == "Pipeline"


def test_fit_kinds_with_a_nested_set_builds_the_models_as_fit_does(catalogue, tmp_path):
    """``--kinds plot=tfidf_logreg --set text__head__estimator__C=2`` fits (it raised a
    ValueError: the defaults were built a second time, seeded with random_state)."""
    from skgenre import MovieGenreStacker

    folder, _ = catalogue
    out = tmp_path / "m.skgenre"
    args = ["fit", "--data", str(folder / "train.csv"), "--out", str(out), "-q",
            "--set", "cv=2", "--modalities", "text", "--kinds", "plot=tfidf_logreg",
            "--set", "text__head__estimator__C=2"]
    assert main(args) == 0
    stacker, bundle = load_model(out, return_metadata=True)
    assert bundle["params"]["text__head__estimator__C"] == 2
    text = stacker.named_estimators_["text"]
    assert type(text).__name__ == "Pipeline" and text.get_params()["head__estimator__C"] == 2
    # The rest is the model the stacker's own fit builds: the same kind, the same seed
    # derived from --random-state 0 (not 0 itself).
    movies = load_movies(folder / "train.csv")
    X = movies.data.drop(columns=[c for c in movies.data if c != "plot"])
    own = MovieGenreStacker(kinds={"text": "tfidf_logreg"}, cv=2, random_state=0).fit(
        X, movies.target)

    def leaves(model):
        return {k: repr(v) for k, v in model.get_params().items()
                if not hasattr(v, "fit") and k != "steps"}

    expected = leaves(own.named_estimators_["text"])
    assert expected["head__estimator__C"] == "3.0"
    assert leaves(text) == {**expected, "head__estimator__C": "2"}
    assert expected["head__estimator__random_state"] not in ("0", "None")


def test_bad_outputs_and_arguments_fail_before_any_work(catalogue, model_file, tmp_path, capsys):
    """Output paths and argument ranges are checked first: exit 2, one line naming the flag."""
    folder, _ = catalogue
    train, model = str(folder / "train.csv"), str(model_file)
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    cases = [
        (["fit", "--data", train, "--out", str(tmp_path / "no" / "such" / "m.skgenre")],
         "--out", "does not exist"),
        (["fit", "--data", train, "--out", str(tmp_path)], "--out", "is a folder"),
        (["evaluate", "--model", model, "--data", train, "--report", str(a_file)],
         "--report", "is not a folder"),
        (["predict", "--model", model, "--data", train, "--output",
          str(tmp_path / "nope" / "p.csv")], "--output", "does not exist"),
        (["fit", "--data", train, "--out", str(tmp_path / "m"), "--split", "tset"],
         "has split ['tset']; its split values are", "(check --split)"),
        (["predict", "--model", model, "--data", str(folder / "movies.csv"), "--split", ","],
         "bad --split", "name split values"),
    ]
    for argv, first, second in cases:
        status, err = _run_error(argv + ["-q"], capsys)
        assert status == 2, argv
        assert len(err) == 1 and first in err[0] and second in err[0], (argv, err)
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize("argv, match", [
    (["demo", "--n-genres", "40"], "--n-genres: expected an integer from 2 to 17; got 40"),
    (["demo", "--n-movies", "5"], "--n-movies: expected an integer at least 50"),
    (["demo", "--test-size", "1.5"], "--test-size: expected a fraction strictly between"),
    (["fit", "--data", "x", "--out", "m", "--n-jobs", "-5"], "--n-jobs: expected an integer"),
    (["fit", "--data", "x", "--out", "m", "--kinds", "poster"], "--kinds: expected MODALITY=KIND"),
    (["fit", "--data", "x", "--out", "m", "--kinds", "sound=x"], "Unknown modality 'sound'"),
    (["fit", "--data", "x", "--out", "m", "--kinds", "plot=efficientnet_mlp"],
     "the text modality has no kind 'efficientnet_mlp'; choose among default,"),
])
def test_argument_ranges_are_checked_by_the_parser(argv, match, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert match in capsys.readouterr().err


def test_missing_file_message_names_the_flag(catalogue, tmp_path, capsys):
    folder, _ = catalogue
    frame = pd.read_csv(folder / "train.csv")
    frame.loc[0, "poster"] = "posters/gone.png"
    frame.to_csv(folder / "train_gone.csv", index=False)
    status, err = _run_error(["fit", "--data", str(folder / "train_gone.csv"), "--out",
                              str(tmp_path / "m"), "-q"], capsys)
    assert status == 2
    assert "--missing-files mark_missing" in err[0] and "on_missing_file" not in err[0]


def test_model_without_posters_predicts_when_poster_files_are_missing(catalogue, model_file,
                                                                       tmp_path):
    folder, _ = catalogue
    frame = pd.read_csv(folder / "unlabelled.csv")
    frame["poster"] = "posters/none.png"
    frame.to_csv(folder / "unlabelled_no_posters.csv", index=False)
    out = tmp_path / "p.csv"
    status = main(["predict", "--model", str(model_file), "--data",
                   str(folder / "unlabelled_no_posters.csv"), "--output", str(out), "-q"])
    assert status == 0
    assert len(pd.read_csv(out)) == len(frame)


def test_split_n_jobs_cache_dir_then_evaluate_predict_info(catalogue, fast, tmp_path, capsys):
    """The manifest's own split, as a new user types it: fit on train,val; score on test."""
    folder, genres = catalogue
    manifest, model = str(folder / "movies.csv"), str(tmp_path / "m.joblib")
    cache = tmp_path / "cache"
    assert main(["fit", "--data", manifest, "--split", "train,val", "--out", model, "-q",
                 "--n-jobs", "2", "--cache-dir", str(cache), *fast]) == 0
    out = capsys.readouterr().out
    assert "Out-of-fold average precision on the" in out
    rows = [line.split()[0] for line in out.splitlines()[2:] if line.strip()]
    assert rows == ["text", "metadata", "fusion"]
    n_train = (pd.read_csv(manifest)["split"] != "test").sum()
    assert f"on the {n_train} training movies" in out
    assert any(cache.iterdir())

    assert main(["evaluate", "--model", model, "--data", manifest, "--split", "test",
                 "-q"]) == 0
    out = capsys.readouterr().out
    n_test = (pd.read_csv(manifest)["split"] == "test").sum()
    assert f"Average precision on {n_test} movies" in out

    assert main(["predict", "--model", model, "--data", manifest, "--split", "test",
                 "-q"]) == 0
    assert len(pd.read_csv(__import__("io").StringIO(capsys.readouterr().out))) == n_test

    assert main(["info", "--model", model]) == 0
    out = capsys.readouterr().out
    assert f"({n_train} movies)" in out
    assert "text, metadata" in out.split("modalities", 1)[1].splitlines()[0]
    scores = out.split("out-of-fold macro AP", 1)[1].splitlines()[0].split(", ")
    assert sorted(s.split()[0] for s in scores) == ["metadata", "text"]
    assert ", ".join(genres) in out.split("\ngenres", 1)[1].splitlines()[0]
    assert "columns read" in out and "cast" in out
    decision = out.split("decision thresholds", 1)[1].splitlines()[0]
    assert "0.50 for every genre" in decision and "skgenre predict" in decision
    assert "0.75" in out.split("confidence threshold", 1)[1].splitlines()[0]


def test_fit_and_info_with_trailer_feature_files(tmp_path, capsys):
    """A manifest whose trailers are .npy feature arrays (width 11) fits with no trailer
    argument; info names the feature kind the data chose."""
    rng = np.random.default_rng(0)
    rows = []
    for i in range(40):
        genres = ["Horror", "Comedy"][i % 2]
        features = rng.normal(size=(1, 11)).astype(np.float32) + (i % 2)
        np.save(tmp_path / f"t{i}.npy", features)
        rows.append({"title": f"m{i}", "genres": genres + ("|Drama" if i % 3 else ""),
                     "trailer": f"t{i}.npy" if i != 7 else ""})
    pd.DataFrame(rows).to_csv(tmp_path / "movies.csv", index=False)
    model = str(tmp_path / "m.skgenre")
    assert main(["fit", "--data", str(tmp_path / "movies.csv"), "--out", model, "-q",
                 "--set", "cv=2"]) == 0
    capsys.readouterr()
    assert main(["info", "--model", model]) == 0
    out = capsys.readouterr().out
    assert "trailer model" in out and "(kind features_logreg)" in out
