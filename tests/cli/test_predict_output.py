"""What ``skgenre predict`` prints: per movie, its title and its genres at or above the
decision threshold it states, at 2 decimals; ``--top``, ``--threshold``, ``--explain``;
CSV/JSON for programs; and the files a fitted model writes (or does not) at predict."""

import io
import json
import os
import re
import stat

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from skgenre import load_model
from skgenre.cli import main
from skgenre.datasets import load_movies

pytestmark = pytest.mark.xdist_group("cli")

# Three movies as a person would describe them (no genre named), one without a poster.
THREE = [
    {"title": "Night Shift at Hollow Creek", "year": 2021,
     "plot": "A night nurse hears someone whisper her name in the empty ward and the lights "
             "go out one floor at a time.",
     "cast": "Ana Reyes|Tom Hale", "director_name": "Lena Park"},
    {"title": "The Wedding Planner's Mistake", "year": 2019,
     "plot": "Two rival planners book the same barn for the same Saturday and have to share "
             "the cake, the band and eventually the dance floor.",
     "cast": "Mia Chen|Sam Ortiz", "director_name": "Joe Bright"},
    {"title": "Last Convoy", "year": 2015,
     "plot": "A driver with one week left before retirement is hired to carry a sealed crate "
             "across the border while two gangs chase the truck.",
     "cast": "Rick Stone|Dana Wells", "director_name": "Ivan Holt"},
]


def run(argv, capsys):
    status = main([*argv, "-q"])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope="module")
def fitted(catalogue, tmp_path_factory):
    """A model of plots, posters and credits, fitted with a relative --cache-dir from
    its own folder, and the three movies' manifest (a poster drawn for the first two)."""
    folder, genres = catalogue
    home = tmp_path_factory.mktemp("fit-home")
    model = home / "model.skops"
    cwd = os.getcwd()
    old = os.umask(0o022)
    try:
        os.chdir(home)
        assert main(["fit", "--data", str(folder / "train.csv"), "--out", "model.skops",
                     "--cache-dir", "cache", "--set", "cv=2", "-q"]) == 0
    finally:
        os.chdir(cwd)
        os.umask(old)
    three = home / "three"
    three.mkdir()
    rng = np.random.default_rng(0)
    rows = [dict(movie) for movie in THREE]
    for i, movie in enumerate(rows[:2]):
        Image.fromarray(rng.integers(0, 256, (60, 40, 3), dtype=np.uint8)).save(
            three / f"poster{i}.jpg")
        movie["poster"] = f"poster{i}.jpg"
    pd.DataFrame(rows).to_csv(three / "movies.csv", index=False)
    return {"model": str(model), "home": home, "three": str(three / "movies.csv"),
            "genres": list(genres), "test": str(folder / "unlabelled.csv")}


def test_fit_writes_the_model_file_with_the_umasks_permissions(fitted):
    assert stat.S_IMODE(os.stat(fitted["model"]).st_mode) == 0o644  # mkstemp made 0600
    entries = [p for p in (fitted["home"] / "cache").rglob("*") if p.is_file()]
    assert entries and {stat.S_IMODE(p.stat().st_mode) for p in entries
                        if "skgenre_fits" in str(p)} == {0o644}


def test_table_lists_each_movies_genres_at_the_decision_threshold(fitted, capsys):
    status, out, _ = run(["predict", "--model", fitted["model"], "--data", fitted["test"],
                          "--format", "table"], capsys)
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == ("Genres at or above the model's decision threshold, 0.50 for every "
                        "genre, most likely first.")
    stacker = load_model(fitted["model"])
    X = load_movies(fitted["test"], target_column=None).data
    proba, predicted = stacker.predict_proba(X), stacker.predict(X)
    movies = lines[2:]
    assert len(movies) == len(X)
    for line, title, year, row, labels in zip(movies, X["title"], X["year"], proba, predicted):
        name, _, shown = line.partition(": ")
        assert name == f"{title} ({year})"
        if labels.any():
            pairs = [item.rsplit(" ", 1) for item in shown.split(", ")]
            assert [g for g, _ in pairs] == [fitted["genres"][j] for j in np.argsort(-row)
                                              if labels[j]]
            assert all(re.fullmatch(r"[01]\.\d\d", p) for _, p in pairs)
            assert [float(p) for _, p in pairs] == [round(row[fitted["genres"].index(g)], 2)
                                                    for g, _ in pairs]
        else:
            best = int(np.argmax(row))
            assert shown == (f"no genre reaches its threshold; the most likely is "
                             f"{fitted['genres'][best]} {row[best]:.2f}")


@pytest.mark.parametrize("args, first, most", [
    (["--top", "1"], "the model's decision threshold, 0.50 for every genre, most likely "
                     "first, at most 1 a movie.", 1),
    (["--threshold", "0.9"], "the decision threshold 0.90 (--threshold) for every genre, "
                             "most likely first.", None),
    (["--threshold", "0", "--top", "2"], "the decision threshold 0.00 (--threshold) for "
                                         "every genre, most likely first, at most 2 a movie.",
     2),
])
def test_top_and_threshold(fitted, capsys, args, first, most):
    status, out, _ = run(["predict", "--model", fitted["model"], "--data", fitted["test"],
                          "--format", "table", *args], capsys)
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == f"Genres at or above {first}"
    counts = [0 if "no genre reaches" in line else len(line.split(": ", 1)[1].split(", "))
              for line in lines[2:]]
    if most is not None:
        assert max(counts) == most
    if "0.9" in args:
        assert all(float(p.rsplit(" ", 1)[1]) >= 0.9 for line in lines[2:]
                   if "no genre reaches" not in line for p in line.split(": ", 1)[1].split(", "))


def test_tuned_thresholds_are_stated_and_listed_by_info(catalogue, fast, tmp_path, capsys):
    folder, genres = catalogue
    model = str(tmp_path / "tuned.skops")
    assert main(["fit", "--data", str(folder / "train.csv"), "--out", model, "-q", *fast,
                 "--set", "tune_thresholds=True"]) == 0
    thresholds = load_model(model).thresholds_
    capsys.readouterr()
    status, out, _ = run(["predict", "--model", model, "--data", str(folder / "test.csv"),
                          "--format", "table"], capsys)
    low, high = np.argmin(thresholds), np.argmax(thresholds)
    assert out.splitlines()[0] == (
        "Genres at or above the model's decision thresholds, tuned per genre at fit to "
        f"maximise F1 (from {thresholds[low]:.2f} for {genres[low]} to "
        f"{thresholds[high]:.2f} for {genres[high]}; `skgenre info` lists them), most likely "
        "first.")
    status, out, _ = run(["info", "--model", model], capsys)
    decision = out.split("decision thresholds", 1)[1].splitlines()[0]
    assert "tuned per genre at fit to maximise F1 (tune_thresholds=True): " in decision
    assert ", ".join(f"{g} {t:.2f}" for g, t in zip(genres, thresholds)) in decision


@pytest.mark.parametrize("output, fmt", [(None, "csv"), ("p.csv", "csv"), ("p.json", "json")])
def test_default_format_for_programs(fitted, capsys, tmp_path, output, fmt):
    """Not a terminal (a pipe, a file): CSV, or JSON for a .json file; the table is the
    default only on a terminal."""
    argv = ["predict", "--model", fitted["model"], "--data", fitted["test"]]
    status, out, _ = run(argv + (["--output", str(tmp_path / output)] if output else []), capsys)
    text = (tmp_path / output).read_text() if output else out
    if fmt == "csv":
        table = pd.read_csv(io.StringIO(text))
        assert list(table.columns) == ["movieId", "title", *fitted["genres"], "genres"]
    else:
        assert set(json.loads(text)) == {"decision_thresholds", "thresholds_from", "top",
                                         "genres", "movies"}


def test_explain_three_movies_written_by_a_person(fitted, capsys):
    """The issue's check: titles, genres, probabilities and explanations one can read.
    The movie without a poster lists no poster contribution, and says so in its base."""
    status, out, err = run(["predict", "--model", fitted["model"], "--data", fitted["three"],
                            "--top", "3", "--explain", "--format", "table"], capsys)
    assert status == 0, err
    print(out)  # the sample quoted in the closing note
    lines = out.splitlines()
    assert lines[0].startswith("Genres at or above the model's decision threshold, 0.50")
    assert lines[0].endswith("at most 3 a movie.")
    assert lines[1].startswith("Why: what each modality adds to the genre's score, in logit "
                               "points")
    blocks, current = {}, None
    for line in lines[3:]:
        if not line.startswith("  "):
            current = blocks.setdefault(line, [])
        else:
            current.append(line.strip())
    assert list(blocks) == [f"{m['title']} ({m['year']})" for m in THREE]
    explained = re.compile(r"^(\w[\w-]*) ([01]\.\d\d): ((?:plot|poster|metadata) [+-]\d+\.\d\d"
                           r"(?:, (?:plot|poster|metadata) [+-]\d+\.\d\d)*) \(logit points "
                           r"from the base ([01]\.\d\d)( of a movie without a poster)?\)$")
    for (title, genre_lines), movie in zip(blocks.items(), THREE):
        genre_lines = [g for g in genre_lines if not g.startswith("no genre reaches")]
        assert 1 <= len(genre_lines) <= 3
        for line in genre_lines:
            match = explained.match(line)
            assert match, line
            assert match.group(1) in fitted["genres"]
            has_poster = movie is not THREE[2]  # the third has no poster
            assert ("poster " in match.group(3)) == has_poster
            assert bool(match.group(5)) == (not has_poster)


def test_predict_writes_no_feature_cache_unless_given_one(fitted, tmp_path, monkeypatch,
                                                           capsys):
    """The model was fitted with --cache-dir cache (relative): predicting from another
    folder neither re-creates it there nor writes into the fit's; --cache-dir does."""
    def files(folder):
        return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []

    fit_cache = files(fitted["home"] / "cache")
    monkeypatch.chdir(tmp_path)
    status, _, _ = run(["predict", "--model", fitted["model"], "--data", fitted["three"]],
                       capsys)
    assert status == 0
    assert list(tmp_path.iterdir()) == []
    assert files(fitted["home"] / "cache") == fit_cache
    status, _, _ = run(["predict", "--model", fitted["model"], "--data", fitted["three"],
                        "--cache-dir", "here"], capsys)
    assert status == 0
    from skgenre.utils import cache_usage

    posters = [u["entries"] for u in cache_usage(tmp_path / "here")
               if u["extractor"].startswith("poster:")]
    assert posters == [2]


def test_report_why_lines_leave_out_modalities_a_movie_lacks(fitted, catalogue, tmp_path,
                                                             capsys):
    folder, _ = catalogue
    test = pd.read_csv(folder / "test.csv")
    test["plot"] = ""  # every card says "no plot"
    test.to_csv(folder / "test_no_plot.csv", index=False)
    status, _, err = run(["evaluate", "--model", fitted["model"], "--data",
                        str(folder / "test_no_plot.csv"), "--report", str(tmp_path / "r")],
                       capsys)
    assert status == 0, err
    page = (tmp_path / "r" / "index.html").read_text()
    why = [line for block in re.findall(r'<ul class="why">(.*?)</ul>', page, flags=re.S)
           for line in re.findall(r"<li>(.*?)</li>", block)]
    assert why and all("without a plot" in line and not re.search(r": plot [+-]|, plot [+-]",
                                                                     line) for line in why)
    assert "confidence threshold" in page and "decision threshold" in page


def test_info_shows_the_feature_cache_location_and_size(fitted, capsys, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    (cache / "skgenre_features" / "extractor").mkdir(parents=True)
    np.save(cache / "skgenre_features" / "extractor" / "entry.npy", np.zeros(256))
    monkeypatch.setenv("SKGENRE_CACHE", str(cache))
    status, out, _ = run(["info", "--model", fitted["model"]], capsys)
    line = out.split("feature cache", 1)[1].splitlines()[0]
    assert status == 0 and str(cache) in line and "in 1 entries" in line
    assert "KiB" in line and "skgenre cache --clear" in line
