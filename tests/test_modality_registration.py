"""A fifth modality is one registration, made from outside the package.

The registration below (a column of its own and a small factory, in under 30 lines) is
all it takes: the stacker's defaults, ``explain``, the HTML report and ``skgenre fit``
(run in-process) then use the modality, as they use the built-in ones.
"""

import numpy as np
import pandas as pd
import pytest

from skgenre import MovieGenreStacker, load_model
from skgenre.cli import main
from skgenre.datasets import MODALITIES, MODALITY_REGISTRY, make_movies

# --- the registration: what a user writes (22 lines of code, the fixture included) ---
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from skgenre.datasets import register_modality, unregister_modality
from skgenre.multioutput import PerGenreClassifier
from skgenre.utils import build_model


def _tagline_model(vectorizer):
    def build(random_state, memory=None):
        head = PerGenreClassifier(LogisticRegression(random_state=random_state))
        return Pipeline([("vectorizer", vectorizer()), ("head", head)])
    return build


TAGLINE_KINDS = {"tfidf": _tagline_model(TfidfVectorizer), "counts": _tagline_model(CountVectorizer)}


def make_tagline_model(kind="default", *, random_state=None, memory=None, **params):
    return build_model(TAGLINE_KINDS, kind, default="tfidf", random_state=random_state,
                       memory=memory, params=params, what="tagline model")


@pytest.fixture
def tagline():
    register_modality("tagline", columns="tagline", factory=make_tagline_model,
                      kinds=tuple(TAGLINE_KINDS), aliases=("taglines",))
    yield
    unregister_modality("tagline")
    assert tuple(MODALITY_REGISTRY) == MODALITIES  # the registry is as it was
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    """Plots and credits from make_movies, and a tagline column naming some genres."""
    folder = tmp_path_factory.mktemp("movies")
    movies = make_movies(80, n_genres=3, modalities=("plot", "metadata"), random_state=0,
                         path=folder / "catalogue")
    frame = pd.read_csv(movies.manifest)
    rng = np.random.default_rng(0)
    frame["tagline"] = [
        " ".join(f"{g.lower()}ish" for g in genres.split("|") if rng.random() < 0.8) or None
        for genres in frame["genres"]
    ]
    manifest = folder / "catalogue" / "with_taglines.csv"
    frame.to_csv(manifest, index=False)
    return manifest, frame


def test_the_stacker_and_explain_use_a_registered_modality(tagline, catalogue):
    _, frame = catalogue
    X = frame.drop(columns=["genres"])
    Y = frame["genres"].str.get_dummies("|")
    stacker = MovieGenreStacker(cv=2, random_state=0, kinds={"taglines": "counts"}).fit(X, Y)
    assert stacker.modalities_ == ["text", "metadata", "tagline"]
    assert stacker.columns_[-1] == "tagline"
    assert type(stacker.named_estimators_["tagline"]["vectorizer"]) is CountVectorizer
    table = stacker.explain(X[:3])
    assert list(table.columns) == ["base", "text", "metadata", "tagline", "logit", "proba"]
    np.testing.assert_allclose(table.drop(columns="proba").iloc[:, :-1].sum(axis=1),
                               table["logit"])
    # The tagline carries the genres: its base model ranks them well out of fold.
    from skgenre.metrics import average_precision

    oof = stacker.oof_proba_["tagline"]
    have = ~np.isnan(oof[:, 0])
    assert average_precision(Y.to_numpy()[have], oof[have], average="macro") > 0.7


def test_skgenre_fit_evaluate_and_report_use_a_registered_modality(tagline, catalogue,
                                                                   tmp_path, capsys):
    manifest, _ = catalogue
    out, report = tmp_path / "model.skgenre", tmp_path / "report"
    assert main(["fit", "--data", str(manifest), "--out", str(out), "-q", "--set", "cv=2",
                 "--modalities", "tagline,metadata", "--kinds", "tagline=counts",
                 "--set", "tagline__head__estimator__C=0.5"]) == 0
    rows = capsys.readouterr().out.splitlines()[2:]  # the out-of-fold table's rows
    assert [row.split()[0] for row in rows] == ["metadata", "tagline", "fusion"]
    stacker = load_model(out)
    assert stacker.modalities_ == ["metadata", "tagline"]
    tagline_model = stacker.named_estimators_["tagline"]
    assert type(tagline_model["vectorizer"]) is CountVectorizer
    assert tagline_model["head"].estimator.C == 0.5
    assert main(["evaluate", "--model", str(out), "--data", str(manifest), "--report",
                 str(report), "-q"]) == 0
    assert "tagline" in capsys.readouterr().out
    page = (report / "index.html").read_text()
    assert "<td>tagline</td>" in page.replace(" ", "")  # its row in the study's table
    assert "tagline +" in page or "tagline -" in page  # the cards' explanations


def test_the_command_line_lists_a_registered_modality(tagline, capsys):
    with pytest.raises(SystemExit):
        main(["fit", "--help"])
    assert "tagline" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="2"):
        main(["fit", "--data", "x.csv", "--out", "m.skgenre", "--kinds", "tagline=bert"])
    assert "the tagline modality has no kind 'bert'; choose among default, tfidf, counts" in (
        capsys.readouterr().err)


def test_a_registered_modality_can_pick_its_default_kind_from_its_data(catalogue):
    """``data_kind=`` (what picks the trailer's feature model for feature arrays) works
    for a modality of one's own: it sees the movies' values and names the default kind;
    a kind asked for by name wins."""
    _, frame = catalogue
    X, Y = frame.drop(columns=["genres"]), frame["genres"].str.get_dummies("|")
    seen = []

    def tagline_kind(values):
        seen.append(list(values))
        return "counts"

    register_modality("tagline", columns="tagline", factory=make_tagline_model,
                      kinds=tuple(TAGLINE_KINDS), data_kind=tagline_kind)
    try:
        stacker = MovieGenreStacker(cv=2, random_state=0).fit(X, Y)
        asked = MovieGenreStacker(cv=2, random_state=0, kinds={"tagline": "tfidf"}).fit(X, Y)
    finally:
        unregister_modality("tagline")
    assert seen[0] == frame["tagline"].dropna().tolist()  # the movies that have one
    from skgenre.ensemble import DEFAULT_PRESET, preset_kind

    assert stacker.kinds_ == {"text": preset_kind(DEFAULT_PRESET, "text"),  # the preset's
                              "metadata": "default", "tagline": "counts"}
    assert type(stacker.named_estimators_["tagline"]["vectorizer"]) is CountVectorizer
    assert asked.kinds_["tagline"] == "tfidf"
    assert type(asked.named_estimators_["tagline"]["vectorizer"]) is TfidfVectorizer
