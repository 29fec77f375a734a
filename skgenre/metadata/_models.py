"""make_metadata_model: the metadata modality's measured-best model and its alternative."""

from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from ..multioutput import PerGenreClassifier
from ..utils._params import build_model
from ._encoder import MetadataEncoder
from ._forest import GenreForestClassifier

__all__ = ["make_metadata_model", "METADATA_MODEL_KINDS"]

#: What ``kind="default"`` stands for: the best by 5-fold multilabel-stratified
#: cross-validation on the train+val movies of the real data (``benchmarks/metadata.py
#: --cv``; see ``make_metadata_model``).
DEFAULT_KIND = "logistic"

# Tuned by 3-fold multilabel-stratified cross-validation on the train+val movies of
# the real data (``cast`` only, never the test split); mean macro AP (fold std ~0.013):
# - min_samples_leaf (sqrt, min_frequency=2, 200 trees): 1: 0.212, 2: 0.222, 3: 0.218,
#   5: 0.196 (1 is also the slowest);
# - max_features (min_frequency=2, leaf 2, 300 trees): "log2" 0.229, "sqrt" 0.223,
#   with log2 about 40 % faster; 4 features: 0.170; 10 % of them: 0.212 (leaf 3);
# - n_estimators (log2, leaf 2, min_frequency=2): 300: 0.229, 500: 0.230;
# - min_frequency (log2, leaf 2, 500 trees): 1: 0.222, 2: 0.230; 3 (sqrt): 0.216;
# - class_weight="balanced_subsample": 0.182 against 0.218 without (sqrt, leaf 3).
# The MLP (min_frequency=2): dropout 0.2: 0.164, 0.5: 0.142; lr 1e-4 or no pos_weight
# did not help. One hidden layer of 256 reaches 0.217, but "mlp" is the study's net.
_ENCODER_DEFAULTS = {
    "logistic": {"min_frequency": 2},
    "forest": {"min_frequency": 2},
    "mlp": {"min_frequency": 2},
}
_CLASSIFIER_DEFAULTS = {
    "logistic": {"C": 1.0},
    "forest": {"n_estimators": 300, "min_samples_leaf": 2, "max_features": "log2"},
    # The study's 4-layer MLP: three hidden layers and the output layer.
    "mlp": {"hidden_layer_sizes": (1000, 500, 250), "dropout": 0.2},
}


def _classifier(kind, params):
    if kind == "logistic":
        params = dict(params)
        params.pop("random_state", None)  # lbfgs is deterministic
        return PerGenreClassifier(LogisticRegression(max_iter=1000, **params))
    if kind == "forest":
        return GenreForestClassifier(**params)
    from ..nn import GenreMLP  # torch is imported only when the MLP is asked for

    return GenreMLP(**params)


def make_metadata_model(kind="default", *, random_state=None, memory=None, **params):
    """A fresh metadata model: ``MetadataEncoder`` followed by a genre classifier.

    Parameters
    ----------
    kind : {"default", "logistic", "forest", "mlp"}, default="default"
        ``"logistic"``: one :class:`~sklearn.linear_model.LogisticRegression`
        (``C=1``) per genre (:class:`~skgenre.multioutput.PerGenreClassifier`).
        ``"forest"``: :class:`GenreForestClassifier` (300 trees, leaves of at least
        2 movies, ``log2`` of the features tried per split). ``"mlp"``:
        :class:`skgenre.nn.GenreMLP` with the study's three hidden layers
        (1000, 500, 250) and dropout 0.2. All drop values seen in a single training
        movie (``min_frequency=2``). ``"default"`` is ``"logistic"``, chosen by 5-fold
        multilabel-stratified cross-validation on the 3,853 train+val movies of the
        real data (``cast`` and ``year``, the metadata that table carries; mean
        macro AP, fold std about 0.014; fit time per fold measured on 2 loaded
        cores, as ratios they hold)::

            model                         cast + year   fit s   cast only
            logistic C=1 (default)           0.256       0.7      0.245
            logistic C=0.3                   0.253       0.5      0.247
            logistic C=0.1                   0.241       1.0      0.247
            logistic C=0.3, min_freq=1       0.253       0.5      0.251
            forest, 300 trees (old default)  0.252      31        0.246
            forest, 100 trees                0.250      10          -

        The logistic regressions match the forest at a fiftieth of its fitting time
        and a few hundred kB instead of about 50 MB on disk. The MLP scored 0.152
        on the test split where the forest scored 0.249 (``benchmarks/metadata.py``),
        so it was not cross-validated again.

        Keyword columns are part of this modality rather than one of their own: on
        three ``make_movies(800, n_genres=8)`` catalogues (plot and metadata), a
        stacker with a TF-IDF plot model and this model on the credits, runtime and
        keywords scored test macro AP 0.724 (mean), against 0.717 with the keywords
        as a third modality (the same model on ``keywords`` alone) and 0.635 without
        them: one linear model over all the one-hot features already weighs them
        jointly, and costs one cross-validated model less.
    random_state : int, RandomState instance or None, default=None
        Seeds the classifier.
    memory : None, str, path-like or joblib.Memory, default=None
        Ignored: the metadata features are cheap and not cached (the parameter makes
        the signature that of every ``make_*_model``).
    **params
        Routed as in every ``make_*_model`` (:func:`skgenre.utils.route_params`): a
        short name goes to every step that takes it, the encoder (``columns``,
        ``share_people``, ``min_frequency``, ``separator``, ``dtype``) or the
        classifier (``C`` of the per-genre logistic regressions, ``n_estimators``,
        ``max_epochs``; ``n_jobs`` and ``verbose`` wherever they exist); a
        ``set_params`` path to one step. They override the defaults above.

    Returns
    -------
    model : Pipeline
        Unfitted ``Pipeline([("encoder", MetadataEncoder), ("head", ...)])``
        whose ``fit`` takes a DataFrame of metadata columns and an (n_movies,
        n_genres) 0/1 target and whose ``predict_proba`` returns (n_movies, n_genres)
        probabilities. Tune it with ``GridSearchCV`` through ``encoder__*`` and
        ``head__*`` parameters (``head__estimator__C`` for the logistic head); the
        steps are named as in every ``make_*_model``.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skgenre.metadata import make_metadata_model
    >>> movies = pd.DataFrame({"cast": ["A|B", "B|C", "A|C", "C|D"] * 5})
    >>> Y = np.array([[1, 0], [0, 1], [1, 0], [0, 1]] * 5)
    >>> model = make_metadata_model(random_state=0).fit(movies, Y)
    >>> model.predict_proba(movies[:2]).shape
    (2, 2)
    """
    return build_model(_KINDS, kind, default=DEFAULT_KIND, random_state=random_state,
                       memory=memory, params=params, what="metadata model")


def _encoder_and(kind):
    """A builder of ``encoder -> head`` with ``kind``'s classifier and defaults."""
    def build(random_state, memory=None):
        return Pipeline([
            ("encoder", MetadataEncoder(**_ENCODER_DEFAULTS[kind])),
            ("head", _classifier(kind, dict(_CLASSIFIER_DEFAULTS[kind],
                                            random_state=random_state))),
        ])
    return build


#: Kind -> builder(random_state, memory): adding a kind is one entry here.
_KINDS = {kind: _encoder_and(kind) for kind in ("logistic", "forest", "mlp")}
#: Accepted values of ``kind``.
METADATA_MODEL_KINDS = ("default", *_KINDS)
