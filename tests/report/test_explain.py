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
    assert lines == [
        ["Horror 0.90: text +3.00, poster +0.20", "Comedy 0.40: poster -0.80, text +0.50"],
        ["Drama 0.70: text +2.00, poster -0.10", "Comedy 0.10: poster +0.40, text +0.00"],
    ]


def test_min_proba_leaves_out_unlikely_genres():
    assert explanation_lines(_table(), top=3, min_proba=0.5) == [
        ["Horror 0.90: text +3.00, poster +0.20"], ["Drama 0.70: text +2.00, poster -0.10"]]


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
