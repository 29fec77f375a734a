"""explanation_lines: MovieGenreStacker.explain's table as the report cards' lines."""

import numpy as np
import pandas as pd
import pytest

from skgenre import MovieGenreStacker
from skgenre.report import explanation_lines


def _table():
    index = pd.MultiIndex.from_product([["m1", "m2"], ["Comedy", "Drama", "Horror"]],
                                       names=["movie", "genre"])
    return pd.DataFrame({
        "base": -1.0,
        "text": [0.5, 0.1, 3.0, 0.0, 2.0, -0.2],
        "poster": [-0.8, 0.3, 0.2, 0.4, -0.1, 0.0],
        "logit": 0.0,
        "proba": [0.40, 0.20, 0.90, 0.10, 0.70, 0.05],
    }, index=index)


def test_lines_rank_genres_by_probability_and_modalities_by_size():
    lines = explanation_lines(_table(), top=2)
    base = "(logit points from the base 0.27)"  # 1 / (1 + e)
    assert lines == [
        [f"Horror 0.90: text +3.00, poster +0.20 {base}",
         f"Comedy 0.40: poster -0.80, text +0.50 {base}"],
        [f"Drama 0.70: text +2.00, poster -0.10 {base}",
         f"Comedy 0.10: poster +0.40, text +0.00 {base}"],
    ]


def test_min_proba_leaves_out_unlikely_genres():
    base = "(logit points from the base 0.27)"
    assert explanation_lines(_table(), top=3, min_proba=0.5) == [
        [f"Horror 0.90: text +3.00, poster +0.20 {base}"],
        [f"Drama 0.70: text +2.00, poster -0.10 {base}"]]
    # one threshold per genre (Comedy, Drama, Horror): a stacker's thresholds_
    assert explanation_lines(_table(), top=3, min_proba=[0.3, 0.8, 0.95]) == [
        [f"Comedy 0.40: poster -0.80, text +0.50 {base}"], []]


def test_modalities_a_movie_lacks_are_left_out_and_counted_in_the_base():
    """A card marked "no poster" listed a poster contribution; now the missing poster's
    contribution (through its missing indicator) is in the base, which says so."""
    present = pd.DataFrame({"text": [True, True], "poster": [False, True]})
    lines = explanation_lines(_table(), top=1, present=present, labels={"text": "plot"})
    # movie 1: base -1 + poster 0.2 = -0.8, whose probability is 0.31
    assert lines == [
        ["Horror 0.90: plot +3.00 (logit points from the base 0.31 of a movie without a "
         "poster)"],
        ["Drama 0.70: plot +2.00, poster -0.10 (logit points from the base 0.27)"]]
    nothing = pd.DataFrame({"text": [False, False], "poster": [False, False]})
    assert explanation_lines(_table(), top=1, present=nothing)[0] == [
        "Horror 0.90: the base 0.90 of a movie without a text or poster, nothing else known"]


def test_lines_from_a_fitted_stacker_add_up_to_its_logits():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline

    from skgenre.multioutput import PerGenreClassifier

    X = pd.DataFrame({"plot": ["a ghost haunts a house", "two friends laugh"] * 10,
                      "cast": ["a|b", "c"] * 10})
    Y = pd.DataFrame({"Horror": [1, 0] * 10, "Comedy": [0, 1] * 10})
    text = make_pipeline(TfidfVectorizer(), PerGenreClassifier())
    stacker = MovieGenreStacker([("text", text, "plot")], cv=2, random_state=0).fit(X, Y)
    table = stacker.explain(X[:2])
    lines = explanation_lines(table, top=1)
    assert [line[0].split()[0] for line in lines] == ["Horror", "Comedy"]
    proba = stacker.predict_proba(X[:2]).max(axis=1)
    assert [float(line[0].split()[1].rstrip(":")) for line in lines] == pytest.approx(
        np.round(proba, 2))


def test_words_and_base_add_up_to_the_stackers_logits():
    """The base's logit plus the listed points is the fused logit, for every movie,
    with modalities missing or not."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.pipeline import make_pipeline

    from skgenre.multioutput import PerGenreClassifier
    from skgenre.report import modality_labels, modality_presence

    X = pd.DataFrame({"plot": ["a ghost haunts a house", "two friends laugh", "",
                               "a ghost laughs"] * 10,
                      "cast": ["a|b", "", "c", "b|c"] * 10})
    Y = pd.DataFrame({"Horror": [1, 0, 1, 0] * 10, "Comedy": [0, 1, 0, 1] * 10})
    text = make_pipeline(TfidfVectorizer(), PerGenreClassifier())
    cast = make_pipeline(CountVectorizer(token_pattern=r"[^|]+"), PerGenreClassifier())
    stacker = MovieGenreStacker([("text", text, "plot"), ("metadata", cast, "cast")], cv=2,
                                random_state=0).fit(X, Y)
    table = stacker.explain(X[:3])
    present = modality_presence(stacker, X[:3])
    assert present.to_numpy().tolist() == [[True, True], [True, False], [False, True]]
    assert modality_labels(stacker) == {"text": "plot", "metadata": "cast"}
    labels = modality_labels(stacker)
    lines = explanation_lines(table, top=2, present=present, labels=labels)
    for i, (movie, genre_lines) in enumerate(zip(X.index[:3], lines)):
        for line in genre_lines:
            genre = line.split()[0]
            row = table.loc[(movie, genre)]
            has = present.iloc[i]
            # the base's logit: the average movie's, plus what each missing modality does
            base = row["base"] + sum(row[m] for m in stacker.modalities_ if not has[m])
            assert base + sum(row[m] for m in stacker.modalities_ if has[m]) == \
                pytest.approx(row["logit"])
            assert f"from the base {1 / (1 + np.exp(-base)):.2f}" in line
            shown = dict(p.rsplit(" ", 1) for p in line.split(": ", 1)[1].split(" (")[0]
                         .split(", "))
            assert shown == {labels[m]: f"{round(row[m], 2) + 0.0:+.2f}"
                             for m in stacker.modalities_ if has[m]}
    assert "without a plot" in lines[2][0] and "plot " not in lines[2][0].split("(")[0]
    assert "without a cast" in lines[1][0]
