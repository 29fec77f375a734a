"""The ``skgenre`` command line: demo, fit / evaluate / predict round trips, clear errors."""

import json
import subprocess
import sys

import joblib
import numpy as np
import pandas as pd
import pytest

from skgenre._cli import _parse_value, main
from skgenre.datasets import make_movies

# The CLI tests share a fitted model; run them on one worker.
pytestmark = pytest.mark.xdist_group("cli")

FAST = [
    "--set", "cv=2", "--modalities", "text,metadata",
    "--set", "metadata__classifier__estimator__C=0.5",  # nested: a default modality's model
    "--set", "final_estimator__C=0.5",
]


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    """A small synthetic catalogue, its manifest split into train and test files."""
    folder = tmp_path_factory.mktemp("movies")
    movies = make_movies(
        90, n_genres=4, modalities=("plot", "metadata", "poster"), random_state=0,
        path=folder / "catalogue",
    )
    frame = pd.read_csv(movies.manifest)
    train = frame[frame["split"] != "test"]
    test = frame[frame["split"] == "test"]
    # Written beside movies.csv so the relative poster paths still resolve.
    train.to_csv(folder / "catalogue" / "train.csv", index=False)
    test.to_csv(folder / "catalogue" / "test.csv", index=False)
    test.drop(columns=["genres"]).to_csv(folder / "catalogue" / "unlabelled.csv", index=False)
    return folder / "catalogue", movies.target_names


@pytest.fixture(scope="module")
def model_file(catalogue, tmp_path_factory):
    folder, _ = catalogue
    out = tmp_path_factory.mktemp("model") / "model.joblib"
    status = main(["fit", "--data", str(folder / "train.csv"), "--out", str(out), "-q", *FAST])
    assert status == 0
    return out


def test_fit_saves_stacker_with_genres_and_version(model_file, catalogue):
    import skgenre

    _, genres = catalogue
    bundle = joblib.load(model_file)
    assert bundle["format"] == "skgenre-model"
    assert bundle["genre_names"] == list(genres)
    assert bundle["skgenre_version"] == skgenre.__version__
    stacker = bundle["stacker"]
    assert type(stacker).__name__ == "MovieGenreStacker"
    assert stacker.cv == 2  # --set reached set_params
    assert stacker.modalities_ == ["text", "metadata"]  # --modalities dropped the posters
    assert stacker.genre_names_ == list(genres)
    assert stacker.named_estimators_["metadata"].get_params()["classifier__estimator__C"] == 0.5
    assert stacker.final_estimator_.get_params()["C"] == 0.5
    assert bundle["params"] == {
        "cv": 2, "metadata__classifier__estimator__C": 0.5, "final_estimator__C": 0.5
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
def test_predict_writes_probabilities_and_confident_genres(
    model_file, catalogue, tmp_path, fmt
):
    folder, genres = catalogue
    out = tmp_path / f"pred.{fmt}"
    status = main([
        "predict", "--model", str(model_file), "--data", str(folder / "unlabelled.csv"),
        "--format", fmt, "--threshold", "0.6", "--output", str(out), "-q",
    ])
    assert status == 0
    n_test = len(pd.read_csv(folder / "unlabelled.csv"))
    stacker = joblib.load(model_file)["stacker"]
    if fmt == "csv":
        table = pd.read_csv(out, keep_default_na=False)
        assert list(table.columns[:3]) == ["movieId", "title", genres[0]]
        proba = table[list(genres)].to_numpy()
        confident = [c.split("|") if c else [] for c in table["confident_genres"]]
    else:
        payload = json.loads(out.read_text())
        assert payload["genres"] == list(genres) and payload["threshold"] == 0.6
        movies = payload["movies"]
        proba = np.array([[m["probabilities"][g] for g in genres] for m in movies])
        confident = [m["confident_genres"] for m in movies]
    assert proba.shape == (n_test, len(genres))
    from skgenre.datasets import load_movies

    X = load_movies(folder / "unlabelled.csv", target_column=None).data
    np.testing.assert_allclose(proba, stacker.predict_proba(X), atol=1e-6)
    for row, genres_found in zip(proba, confident):
        expected = [g for g, p in sorted(zip(genres, row), key=lambda t: -t[1]) if p >= 0.6]
        assert genres_found == expected


def test_predict_to_stdout(model_file, catalogue, capsys):
    folder, genres = catalogue
    assert main([
        "predict", "--model", str(model_file), "--data", str(folder / "test.csv"), "-q"
    ]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header.endswith(",".join(genres) + ",confident_genres")


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
    not_a_model = tmp_path / "model.joblib"
    joblib.dump({"hello": 1}, not_a_model)
    garbage = tmp_path / "garbage.joblib"
    garbage.write_bytes(b"\x00not a pickle")
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
        (["predict", "--model", str(garbage), "--data", train],
         "is not a readable skgenre model file"),
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
    model = tmp_path / "model.joblib"

    assert main(["fit", "--data", str(tmp_path / "train.csv"), "--out", str(model),
                 "--set", "cv=2", "-q"]) == 0
    stacker = joblib.load(model)["stacker"]
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
