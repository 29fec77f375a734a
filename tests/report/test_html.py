"""The HTML report folder: table, figures, example movies with poster thumbnails."""

import re

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("matplotlib")
from PIL import Image  # noqa: E402

from skgenre.report import write_report  # noqa: E402

GENRES = ["Action", "Comedy", "Drama", "Horror"]


@pytest.fixture
def scored(tmp_path):
    rng = np.random.default_rng(1)
    n = 40
    Y = (rng.random((n, 4)) < 0.35).astype(int)
    Y[0] = 1
    fusion = np.clip(Y * 0.5 + rng.random(Y.shape) * 0.5, 0, 1)
    poster = rng.random(Y.shape)
    poster[:5] = np.nan  # five movies without a poster model prediction
    text = np.clip(Y * 0.3 + rng.random(Y.shape) * 0.7, 0, 1)
    posters = []
    for i in range(n):
        if i % 3 == 0:
            posters.append("")  # no poster for this movie
        else:
            path = tmp_path / "media" / f"p{i}.png"
            path.parent.mkdir(exist_ok=True)
            Image.new("RGB", (60, 90), (i * 5 % 255, 80, 160)).save(path)
            posters.append(str(path))
    movies = pd.DataFrame(
        {
            "title": [f"Movie <{i}>" for i in range(n)],
            "plot": ["A long story about a hero. " * 20] * n,
            "poster": posters,
        }
    )
    return Y, {"poster": poster, "text": text, "fusion": fusion}, movies


def test_report_folder_is_self_contained(tmp_path, scored):
    Y, probas, movies = scored
    out = tmp_path / "report"
    index = write_report(
        out, Y_true=Y, probas=probas, genre_names=GENRES, movies=movies, n_examples=4,
        facts={"Model": "test stacker"},
    )
    assert index == out / "index.html"
    page = index.read_text(encoding="utf-8")
    for name in ["ap_per_genre.png", "pr_micro.png", "pr_per_genre.png"]:
        assert (out / name).is_file()
        with Image.open(out / name) as img:
            assert img.width > 300
        assert f'src="{name}"' in page
    # every linked file exists, relative to the folder
    links = re.findall(r'src="([^"]+)"', page)
    assert links
    for link in links:
        assert not link.startswith("/") and "://" not in link
        assert (out / link).is_file(), link
    thumbs = sorted((out / "posters").glob("*.jpg"))
    assert len(thumbs) == 4  # movies with a poster are shown first
    for thumb in thumbs:
        with Image.open(thumb) as img:
            assert img.width == 120
            assert img.height == 180
    assert "test stacker" in page
    assert "Movie &lt;" in page and "Movie <" not in page  # titles escaped
    assert page.count('class="movie"') == 4


def test_report_table_scores_each_model_on_its_movies(tmp_path, scored):
    from skgenre.metrics import average_precision

    Y, probas, movies = scored
    page = write_report(tmp_path, Y_true=Y, probas=probas, genre_names=GENRES).read_text()
    expected = average_precision(Y[5:], probas["poster"][5:], average="macro")
    table = page[page.index('<table class="scores">'):]
    row = re.search(r"<tr><td>poster</td>(.*?)</tr>", table).group(1)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    assert cells[1] == f"{expected:.3f}"  # micro, macro, samples, n_movies
    assert cells[3] == "35"
    assert "Example movies" not in page  # no movies given


def test_report_confident_genres_follow_threshold(tmp_path, scored):
    Y, probas, movies = scored
    fused = np.full(Y.shape, 0.1)
    fused[:, 2] = 0.8  # Drama is the only genre at 0.8
    probas = {"fusion": fused}
    page = write_report(
        tmp_path / "a", Y_true=Y, probas=probas, genre_names=GENRES, movies=movies,
        threshold=0.75, n_examples=2,
    ).read_text()
    confident = re.findall(r"Confident \(&ge; 0\.75\):</b> (.*?)</div>", page)
    assert len(confident) == 2
    assert all("Drama 80%" in c and "Action" not in c for c in confident)
    page = write_report(
        tmp_path / "b", Y_true=Y, probas=probas, genre_names=GENRES, movies=movies,
        threshold=0.9, n_examples=2,
    ).read_text()
    confident = re.findall(r"Confident \(&ge; 0\.90\):</b> (.*?)</div>", page)
    assert confident and all("none" in c for c in confident)


def test_report_unreadable_poster_is_skipped(tmp_path, scored, caplog):
    Y, probas, movies = scored
    movies = movies.copy()
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not an image")
    movies["poster"] = str(bad)
    page = write_report(
        tmp_path / "r", Y_true=Y, probas=probas, genre_names=GENRES, movies=movies, n_examples=2
    ).read_text()
    assert page.count("no poster") == 2
    assert "could not be read" in caplog.text


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"threshold": 1.5}, ValueError, "threshold must be in"),
        ({"movies": pd.DataFrame({"title": ["x"]})}, ValueError, "movies has 1 rows"),
        ({"genre_names": ["a"]}, ValueError, "genre_names has 1 names"),
        ({"probas": {"m": np.zeros((3, 4))}}, ValueError, "have shape"),
        ({"explanations": [["x"]] * 3}, ValueError, "explanations has 3 entries"),
    ],
)
def test_report_errors(tmp_path, scored, kwargs, error, match):
    Y, probas, _ = scored
    params = {"Y_true": Y, "probas": probas, "genre_names": GENRES, **kwargs}
    with pytest.raises(error, match=match):
        write_report(tmp_path, **params)


def test_report_card_says_no_plot(tmp_path, scored):
    Y, probas, movies = scored
    movies = movies.copy()
    movies["plot"] = ["" if i % 2 else "A quiet story." for i in range(len(movies))]
    movies.loc[2, "plot"] = np.nan
    page = write_report(
        tmp_path, Y_true=Y, probas=probas, genre_names=GENRES, movies=movies, n_examples=40
    ).read_text()
    n_without = int(movies["plot"].isna().sum() + (movies["plot"] == "").sum())
    assert page.count('<p class="plot noplot">no plot</p>') == n_without
    assert page.count("A quiet story.") == len(movies) - n_without


def test_report_one_modality_has_no_fusion_row(tmp_path, scored):
    from skgenre.metrics import average_precision

    Y, probas, movies = scored
    one = {"text": probas["text"], "fusion": probas["fusion"]}
    page = write_report(
        tmp_path, Y_true=Y, probas=one, genre_names=GENRES, movies=movies, n_examples=2
    ).read_text()
    table = page[page.index('<table class="scores">'):]
    table = table[:table.index("</table>")]
    assert re.findall(r"<tr[^>]*><td>(\w+)</td>", table) == ["text"]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", re.search(r"<td>text</td>(.*?)</tr>", table)[1])
    # the row is the model's output: the fusion's probabilities, under the modality's name
    assert cells[1] == f"{average_precision(Y, probas['fusion'], average='macro'):.3f}"
    assert '<tr class="fusion">' not in page
    assert "<dt>Models</dt><dd>text</dd>" in page
    assert "one modality" in page
    # two modalities and a fusion: three rows
    page = write_report(tmp_path / "b", Y_true=Y, probas=probas, genre_names=GENRES).read_text()
    table = page[page.index('<table class="scores">'):]
    rows = re.findall(r"<tr[^>]*><td>(\w+)</td>", table[:table.index("</table>")])
    assert rows == ["poster", "text", "fusion"]


def test_report_shows_explanations_escaped(tmp_path, scored):
    Y, probas, movies = scored
    rows = slice(5, 13)  # movies the poster model scored
    explanations = [None] * 8
    explanations[1] = {"text": "words <hero>, <villain>", "poster": "dark colours"}
    explanations[2] = ["one line", "another & more"]
    page = write_report(
        tmp_path, Y_true=Y[rows], probas={k: v[rows] for k, v in probas.items()},
        genre_names=GENRES, movies=movies.iloc[rows], n_examples=8, explanations=explanations,
    ).read_text()
    assert page.count('<ul class="why">') == 2
    assert "<li>text: words &lt;hero&gt;, &lt;villain&gt;</li>" in page
    assert "<li>poster: dark colours</li>" in page
    assert "<li>another &amp; more</li>" in page


def test_report_templates_are_package_data():
    """Every template file is matched by pyproject's package-data, so wheels ship it."""
    import fnmatch
    import tomllib
    from pathlib import Path

    import skgenre.report

    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["skgenre.report"]
    package = Path(skgenre.report.__file__).parent
    files = [p.relative_to(package).as_posix() for p in (package / "templates").iterdir()]
    assert "templates/report.html.j2" in files
    unmatched = [f for f in files if not any(fnmatch.fnmatch(f, pat) for pat in patterns)]
    assert not unmatched


def test_report_names_a_model_that_saw_none_of_the_movies(tmp_path, scored):
    """Every movie lacking a modality (all-NaN probabilities) failed the figures with
    "Model 'poster' scored no movie having a positive label"; it is named instead."""
    Y, probas, movies = scored
    probas = {**probas, "poster": np.full(Y.shape, np.nan)}
    page = write_report(tmp_path, Y_true=Y, probas=probas, genre_names=GENRES,
                        movies=movies).read_text()
    assert "poster: no movie here has this modality" in page
    assert "<tr><td>poster</td>" not in page and "<tr><td>text</td>" in page
