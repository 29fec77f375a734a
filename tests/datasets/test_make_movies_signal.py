"""Each make_movies modality is informative but imperfect, and fusing them helps.

Plain scikit-learn readers per modality (TF-IDF + logistic regression for plots, colour
histograms for posters, colour/motion statistics of PyAV-decoded frames for trailers,
one-hot people for metadata), scored out of fold against the genre-frequency prior.
"""

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgenre.datasets import METADATA_COLUMNS, make_movies
from skgenre.metrics import average_precision
from skgenre.utils import is_missing

av = pytest.importorskip("av")

N_MOVIES = 300


def _colour_histogram(pixels, bins=4):
    q = pixels.reshape(-1, 3).astype(np.int32) * bins // 256
    index = (q[:, 0] * bins + q[:, 1]) * bins + q[:, 2]
    return np.bincount(index, minlength=bins**3) / len(index)


def _poster_features(paths):
    from PIL import Image

    rows = []
    for path in paths:
        with Image.open(path) as image:
            pixels = np.asarray(image.convert("RGB"))
        rows.append(np.concatenate([_colour_histogram(pixels), pixels.reshape(-1, 3).mean(0) / 255]))
    return np.array(rows)


def _trailer_features(paths):
    from av.video.reformatter import VideoReformatter

    reformatter = VideoReformatter()  # one shared converter: much faster than to_ndarray(format=)
    rows = []
    for path in paths:
        with av.open(path) as container:
            frames = np.stack(
                [reformatter.reformat(f, format="rgb24").to_ndarray() for f in container.decode(video=0)]
            )
        means = frames.reshape(len(frames), -1, 3).mean(axis=1) / 255
        motion = np.abs(np.diff(frames.astype(np.int16), axis=0)).mean() / 255 if len(frames) > 1 else 0.0
        rows.append(np.concatenate([_colour_histogram(frames), means.mean(0), means.std(0), [motion]]))
    return np.array(rows)


def _metadata_documents(data):
    docs = []
    for row in data[list(METADATA_COLUMNS)].itertuples(index=False):
        row = row._asdict()
        tokens = [f"director={row['director_name']}"] if isinstance(row["director_name"], str) else []
        if isinstance(row["cast"], str):
            tokens += [f"person={name}" for name in row["cast"].split("|")]
        for column in ("language", "content_rating"):
            if isinstance(row[column], str):
                tokens.append(f"{column}={row[column]}")
        docs.append("\t".join(tokens))
    return np.array(docs, dtype=object)


def _logistic(C):
    return OneVsRestClassifier(LogisticRegression(C=C, solver="liblinear"))


def _readers():
    return {
        "plot": make_pipeline(TfidfVectorizer(), _logistic(10.0)),
        "poster": make_pipeline(StandardScaler(), _logistic(0.1)),
        "trailer": make_pipeline(StandardScaler(), _logistic(0.1)),
        "metadata": make_pipeline(
            CountVectorizer(
                tokenizer=lambda s: s.split("\t"), token_pattern=None, lowercase=False, binary=True
            ),
            _logistic(1.0),
        ),
    }


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    return make_movies(N_MOVIES, path=tmp_path_factory.mktemp("signal"), random_state=0)


def _out_of_fold(fit_predict, inputs, Y, present, n_splits=3):
    """Out-of-fold probabilities on the movies that have the modality (NaN elsewhere)."""
    P = np.full(Y.shape, np.nan)
    for train, test in KFold(n_splits, shuffle=True, random_state=0).split(Y):
        train, test = train[present[train]], test[present[test]]
        P[test] = fit_predict(inputs, train, test)
    return P


@pytest.fixture(scope="module")
def scores(catalogue):
    X, Y = catalogue.data, catalogue.target
    n = len(Y)
    present = {
        "plot": ~is_missing(X["plot"]),
        "poster": ~is_missing(X["poster"]),
        "trailer": ~is_missing(X["trailer"]),
        "metadata": ~np.all([is_missing(X[c]) for c in METADATA_COLUMNS], axis=0),
    }
    inputs = {
        "plot": X["plot"].fillna("").to_numpy(),
        "metadata": _metadata_documents(X),
    }
    for modality, extract in (("poster", _poster_features), ("trailer", _trailer_features)):
        feats = extract(X[modality][present[modality]])
        inputs[modality] = np.zeros((n, feats.shape[1]))
        inputs[modality][present[modality]] = feats
    P = {}
    for modality, model in _readers().items():

        def fit_predict(features, train, test, model=model):
            return model.fit(features[train], Y[train]).predict_proba(features[test])

        P[modality] = _out_of_fold(fit_predict, inputs[modality], Y, present[modality])
    prior = _prior(Y)
    result = {"prior": average_precision(Y, prior)}
    for modality in P:  # a movie lacking the modality falls back to the prior
        result[modality] = average_precision(Y, np.where(np.isnan(P[modality]), prior, P[modality]))
    fused = np.nanmean(np.stack(list(P.values())), axis=0)  # every movie has some modality
    result["fused"] = average_precision(Y, fused)
    return result


def _prior(Y):
    """Out-of-fold genre frequencies, the same folds as the readers."""
    prior = np.zeros(Y.shape)
    for train, test in KFold(3, shuffle=True, random_state=0).split(Y):
        prior[test] = Y[train].mean(axis=0)
    return prior


@pytest.mark.parametrize("modality", ["plot", "poster", "trailer", "metadata"])
def test_each_modality_is_informative_but_imperfect(scores, modality):
    assert scores["prior"] < 0.35
    assert scores[modality] > scores["prior"] + 0.12, scores
    assert scores[modality] < 0.75, scores


def test_fusing_modalities_helps(scores):
    best_single = max(scores[m] for m in ("plot", "poster", "trailer", "metadata"))
    assert scores["fused"] > best_single + 0.07, scores


# At signal 0 the plots carry no genre information: only the small upward bias of the
# AP of an uninformed ranking over a constant prior's remains.
@pytest.mark.parametrize("signal, low, high", [(0.0, -0.05, 0.08), (1.0, 0.35, 1.0)])
def test_signal_controls_how_much_a_modality_tells(tmp_path, signal, low, high):
    movies = make_movies(N_MOVIES, modalities=("plot",), signal=signal, missing_rate=0.0, path=tmp_path)
    Y = movies.target
    texts = movies.data["plot"].to_numpy()
    model = _readers()["plot"]

    def fit_predict(features, train, test):
        return model.fit(features[train], Y[train]).predict_proba(features[test])

    P = _out_of_fold(fit_predict, texts, Y, np.ones(len(Y), dtype=bool))
    gain = average_precision(Y, P) - average_precision(Y, _prior(Y))
    assert low <= gain <= high, gain


def test_project_metadata_model_beats_the_prior(catalogue):
    """The project's own metadata model (skgenre.metadata), once it exists."""
    try:
        from skgenre.metadata import make_metadata_model
    except ImportError:
        pytest.skip("skgenre.metadata.make_metadata_model is not available yet")
    X, Y = catalogue.data, catalogue.target
    columns = list(METADATA_COLUMNS)
    present = ~np.all([is_missing(X[c]) for c in columns], axis=0)

    def fit_predict(frame, train, test):
        model = make_metadata_model(random_state=0)
        return model.fit(frame.iloc[train], Y[train]).predict_proba(frame.iloc[test])

    P = _out_of_fold(fit_predict, X[columns], Y, present)
    ap = average_precision(Y[present], P[present])
    prior = average_precision(Y[present], _prior(Y)[present])
    assert prior + 0.1 < ap < 0.75, (ap, prior)
