"""Common checks over every public estimator of skgenre, discovered rather than listed.

In the manner of imbalanced-learn's ``tests/test_common.py`` and
``utils/_test_common/instance_generator.py``:

- :func:`skgenre.utils.discovery.all_estimators` walks the package's public modules and
  keeps the concrete :class:`~sklearn.base.BaseEstimator` subclasses: a new public
  estimator is checked without anyone listing it here.
- ``INIT_PARAMS`` makes each one small and fast (few epochs, few trees, tiny inputs).
- ``INPUT_KINDS`` says what an estimator reads when it is not a numeric array (texts,
  images, videos, a DataFrame); those cannot run scikit-learn's array checks and are
  skipped from them, with the reason, and checked by skgenre's own checks below on
  inputs of their own kind made by the test.
- ``EXPECTED_FAILED_CHECKS`` is the one list of scikit-learn checks expected to fail,
  each with its reason; ``test_expected_failures_stay_few`` keeps it at 15 at most.

Four groups of tests:

1. ``test_estimator_api``: every discovered class (so every public estimator appears in
   this module's test ids): ``__init__`` stores its arguments, ``get_params``/
   ``set_params``/``clone`` round trip, tags.
2. ``test_sklearn_compatible_estimator``: scikit-learn's ``parametrize_with_checks`` over
   the estimators that take numeric arrays (1-D and multilabel targets alike).
3. ``test_multilabel_classifier``: skgenre's own checks
   (:mod:`skgenre.utils.estimator_checks`, which users run on their own models) on every
   discovered classifier with a 2-D genre matrix ``Y``, on inputs of its kind.
4. ``test_media_transformer``: the same invariances for the transformers of texts,
   images and videos, on a list of strings, PNG files and tiny videos made here.
"""

import ast
import inspect
import pickle
import sys
import textwrap
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks
from sklearn.utils.validation import check_is_fitted

import skgenre
from skgenre.utils import estimator_checks
from skgenre.utils.discovery import all_estimators
from skgenre.utils.estimator_checks import ATOL as _ATOL
from skgenre.utils.estimator_checks import _rows

ESTIMATORS = [cls for _, cls in all_estimators()]
_BY_NAME = {cls.__name__: cls for cls in ESTIMATORS}

# --------------------------------------------------------------------- instances

N_FEATURES, N_GENRES = 5, 3

# Small and fast: few epochs and trees, tiny nets; seeded so that fits repeat.
# Keys are class names, so that this table does not import torch-backed subpackages.
INIT_PARAMS = {
    "GenreMLP": dict(hidden_layer_sizes=(8,), max_epochs=10, lr=1e-2, random_state=0),
    "MultilabelNet": lambda: dict(
        module=_mlp_module(),
        module__n_features=N_FEATURES, module__n_outputs=N_GENRES,
        module__hidden_layer_sizes=(8,), max_epochs=3, lr=1e-2, batch_size=16,
        train_split=None,
    ),
    "PosterCNN": dict(input_size=16, max_epochs=2, batch_size=16, validation_fraction=0,
                      augment=False, random_state=0),
    "Trailer3DCNN": dict(slice_length=2, channels=(2,) * 6, hidden_layer_sizes=(8,),
                         dropout=0.0, batch_size=16, max_epochs=2, validation_fraction=0,
                         random_state=0),
    "GenreForestClassifier": dict(n_estimators=5, random_state=0),
    "MultilabelProbaClassifier": lambda: dict(
        # Pure leaves: a depth-limited tree's 0.5 leaves make check_classifier_multioutput
        # compare predict (proba >= 0.5) with numpy's round-half-to-even.
        estimator=DecisionTreeClassifier(random_state=0)),
    "GenreProbabilityAverage": lambda: dict(estimators=[
        ("per_genre", skgenre.multioutput.PerGenreClassifier()),
        ("tree", skgenre.multioutput.MultilabelProbaClassifier(
            DecisionTreeClassifier(max_depth=3, random_state=0))),
    ]),
    "MovieGenreStacker": lambda: dict(
        estimators=[
            ("plot", make_pipeline(TfidfVectorizer(),
                                   skgenre.multioutput.PerGenreClassifier()), "plot"),
            ("cast", make_pipeline(CountVectorizer(tokenizer=_split_bars, token_pattern=None),
                                   skgenre.multioutput.PerGenreClassifier()), "cast"),
        ],
        cv=3, random_state=0,
    ),
    "PosterEmbedder": dict(backbone="color", input_size=16),
    "TrailerEmbedder": dict(backbone="color", input_size=16, n_frames=4),
    "FrameSampler": dict(n_frames=4, size=8),
}


def _mlp_module():
    from skgenre.nn import MLPModule

    return MLPModule


def _split_bars(text):
    return text.split("|")


def init_params(cls):
    params = INIT_PARAMS.get(cls.__name__, {})
    return dict(params() if callable(params) else params)


def make_estimator(cls):
    return cls(**init_params(cls))


# What an estimator reads when it is not a numeric (n_samples, n_features) array:
# (kind, why scikit-learn's array checks cannot run). A kind names an input factory below.
INPUT_KINDS = {
    "GloVeVectorizer": ("texts", "transforms a list of plot texts"),
    "PlotTfidfVectorizer": ("texts", "transforms a list of plot texts"),
    "PosterEmbedder": ("posters", "reads image files (paths)"),
    "PosterCNN": ("images", "reads images: an (n, height, width, 3) array or paths"),
    "TrailerEmbedder": ("videos", "reads video files (paths)"),
    "FrameSampler": ("videos", "reads video files (paths)"),
    "Trailer3DCNN": ("frames", "reads trailers: an (n, n_frames, height, width, 3) array "
                               "or paths"),
    "MovieGenreStacker": ("table", "reads a DataFrame of columns routed to base models"),
    "LogitFusionClassifier": ("stacked", "reads the stacker's stacked layout: per modality, "
                                         "n_genres probabilities and a missing indicator"),
    "SubsetFusionClassifier": ("stacked", "reads the stacker's stacked layout, as "
                                          "LogitFusionClassifier"),
    "TrailerFeatures": ("trailer_features", "reads per-trailer or per-frame feature arrays "
                                            "(.npy paths or 2-D arrays)"),
    "MultilabelNet": ("array", "its torch module fixes the numbers of features and outputs, "
                               "which scikit-learn's checks vary"),
}


def input_kind(cls):
    return INPUT_KINDS.get(cls.__name__, ("array", None))[0]


def takes_arrays(cls):
    return cls.__name__ not in INPUT_KINDS


# The one list of expected failures of scikit-learn's checks: {class: {check: reason}}.
_ZERO_ONE = ("wants every probability strictly inside (0, 1); a tree's leaf frequencies are "
             "exactly 0 or 1 (scikit-learn's forests escape it by returning a list)")
_FOREST_WEIGHTS = ("bootstrap draws rows, not weights: scikit-learn lists the same failure "
                   "for RandomForestClassifier")
EXPECTED_FAILED_CHECKS = {
    "GenreForestClassifier": {
        "check_classifiers_multilabel_output_format_predict_proba": _ZERO_ONE,
        "check_sample_weight_equivalence_on_dense_data": _FOREST_WEIGHTS,
        "check_sample_weight_equivalence_on_sparse_data": _FOREST_WEIGHTS,
    },
    "MultilabelProbaClassifier": {
        "check_classifiers_multilabel_output_format_predict_proba": _ZERO_ONE,
    },
}


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


def test_discovery_finds_every_public_estimator():
    names = set(_BY_NAME)
    # One per subpackage, so that a broken walk fails here.
    assert {"GenreMLP", "PerGenreClassifier", "GenreForestClassifier", "MetadataEncoder",
            "GloVeVectorizer", "PosterEmbedder", "TrailerEmbedder", "MovieGenreStacker",
            "MultilabelProbaClassifier", "GenreProbabilityAverage"} <= names
    assert not any(name.startswith("Base") for name in names)
    assert all(not inspect.isabstract(cls) for cls in ESTIMATORS)


def test_expected_failures_stay_few():
    assert set(EXPECTED_FAILED_CHECKS) <= {c.__name__ for c in ESTIMATORS if takes_arrays(c)}
    assert set(INPUT_KINDS) <= set(_BY_NAME), "a stale entry in INPUT_KINDS"
    assert set(INIT_PARAMS) <= set(_BY_NAME), "a stale entry in INIT_PARAMS"
    assert sum(len(checks) for checks in EXPECTED_FAILED_CHECKS.values()) <= 15


# --------------------------------------------------------------------- 1. the API


def _same_param(a, b):
    if isinstance(a, BaseEstimator):
        return type(a) is type(b) and all(
            _same_param(v, b.get_params(deep=False)[k])
            for k, v in a.get_params(deep=False).items())
    if isinstance(a, (list, tuple)):
        return (type(a) is type(b) and len(a) == len(b)
                and all(_same_param(x, y) for x, y in zip(a, b)))
    if isinstance(a, np.ndarray):
        return np.array_equal(a, b)
    if inspect.isclass(a) or callable(a) or hasattr(a, "__dict__"):
        return type(a) is type(b) if not inspect.isclass(a) else a is b
    return a == b


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_estimator_api(cls):
    params = init_params(cls)
    estimator = cls(**params)
    own = estimator.get_params(deep=False)
    for key, value in params.items():
        if "__" not in key:
            assert own[key] is value, f"__init__ changed {key}"
    if not hasattr(cls, "initialize"):  # skorch's nets keep their own bookkeeping
        # __init__ stores its parameters and nothing else (scikit-learn's
        # check_no_attributes_set_in_init, also for the estimators it cannot check)
        assert set(vars(estimator)) == set(own), "__init__ sets other attributes"
    # set_params with every (nested) parameter it reports is a no-op returning self.
    deep = estimator.get_params(deep=True)
    assert estimator.set_params(**deep) is estimator
    after = estimator.get_params(deep=True)
    assert set(after) == set(deep)
    assert all(_same_param(deep[k], after[k]) for k in deep)
    # clone: a new, unfitted estimator with equal parameters.
    twin = clone(estimator)
    assert twin is not estimator
    assert all(_same_param(v, twin.get_params(deep=False)[k]) for k, v in own.items())
    tags = estimator.__sklearn_tags__()
    if tags.requires_fit:  # FrameSampler is stateless
        with pytest.raises(NotFittedError):
            check_is_fitted(twin)
    if is_classifier(estimator):
        assert tags.estimator_type == "classifier"
        assert tags.classifier_tags.multi_label and tags.target_tags.multi_output
        assert hasattr(estimator, "predict_proba")
    else:
        assert hasattr(estimator, "transform") and hasattr(estimator, "fit_transform")


def _init_owners():
    """Each skgenre class an estimator's ``__init__`` comes from. A skorch net's
    (``MultilabelNet``: ``**kwargs`` handed to skorch's ``NeuralNet``) follows skorch's
    convention instead."""
    owners = {}
    for cls in ESTIMATORS:
        owner = next(c for c in cls.__mro__ if "__init__" in vars(c))
        kinds = {p.kind for p in inspect.signature(owner).parameters.values()}
        if owner.__module__.startswith("skgenre.") and inspect.Parameter.VAR_KEYWORD not in kinds:
            owners[owner.__name__] = owner
    return [owners[name] for name in sorted(owners)]


@pytest.mark.parametrize("cls", _init_owners(), ids=lambda c: c.__name__)
def test_init_is_one_assignment_per_parameter(cls):
    """``__init__`` is ``self.x = x`` for each parameter, in order, and nothing else (the
    scikit-learn contract, written out so that readers and type checkers see it)."""
    source = textwrap.dedent(inspect.getsource(vars(cls)["__init__"]))
    body = ast.parse(source).body[0].body
    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # a docstring
    stored = [(s.targets[0].value.id, s.targets[0].attr, s.value.id) for s in body
              if isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Attribute)
              and isinstance(s.value, ast.Name)]
    params = list(inspect.signature(cls).parameters)
    assert len(stored) == len(body), f"{cls.__name__}.__init__ does more than store"
    assert stored == [("self", name, name) for name in params]


# --------------------------------------------------------------------- 2. scikit-learn


@parametrize_with_checks(
    [make_estimator(cls) for cls in ESTIMATORS if takes_arrays(cls)],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("cls", [c for c in ESTIMATORS if not takes_arrays(c)],
                         ids=lambda c: c.__name__)
def test_skipped_from_sklearn_checks(cls):
    """The reason in INPUT_KINDS holds: a numeric matrix is refused with a clear error.

    These estimators are skipped from scikit-learn's array checks and checked below
    (``test_multilabel_classifier``, ``test_media_transformer``) on their own inputs.
    """
    kind, _ = INPUT_KINDS[cls.__name__]
    rng = np.random.default_rng(0)
    # A stacked layout has at least n_genres + 1 columns (one modality); any wider matrix
    # reads as modalities plus passthrough columns, so the narrow one is what is refused.
    width = N_GENRES if kind == "stacked" else N_FEATURES + 2
    X = rng.normal(size=(20, width)).astype(np.float32)
    Y = _genre_matrix(rng, 20)
    estimator = make_estimator(cls)
    with pytest.raises((ValueError, TypeError, RuntimeError)):
        if is_classifier(estimator):
            _fit(estimator, X, Y).predict_proba(X)
        else:
            _fit(estimator, X).transform(X)


# --------------------------------------------------------------------- inputs by kind

N = 36


def _genre_matrix(rng, n):
    Y = (rng.random((n, N_GENRES)) < 0.4).astype(int)
    Y[0], Y[1] = 0, 1  # every genre varies
    return Y


def _array(rng, n):
    return estimator_checks.make_genre_problem(n, N_FEATURES, N_GENRES,
                                               random_state=int(rng.integers(1 << 30)))


def _images(rng, n):
    return rng.integers(0, 256, (n, 16, 16, 3), dtype=np.uint8), _genre_matrix(rng, n)


def _frames(rng, n):
    return rng.integers(0, 256, (n, 4, 8, 8, 3), dtype=np.uint8), _genre_matrix(rng, n)


_WORDS = ["space", "ship", "alien", "love", "story", "kiss", "ghost", "fear", "the", "a"]


def _texts(rng, n):
    return [" ".join(rng.choice(_WORDS, 6)) for _ in range(n)]


def _table(rng, n):
    Y = _genre_matrix(rng, n)
    plots, casts = [], []
    for row in Y:
        plots.append(" ".join(list(rng.choice(_WORDS[8:], 3))
                              + [_WORDS[3 * g + int(rng.integers(3))] for g in np.flatnonzero(row)]))
        casts.append("|".join([f"extra{rng.integers(9)}"]
                              + [f"star{g}" for g in np.flatnonzero(row)]))
    X = pd.DataFrame({"title": [f"movie {i}" for i in range(n)], "plot": plots, "cast": casts})
    return X, pd.DataFrame(Y, columns=["Horror", "Comedy", "Action"])


def _stacked(rng, n, n_modalities=2):
    """What MovieGenreStacker hands its final estimator: per modality, each genre's
    probability (0 where the movie lacks the modality) and a missing indicator."""
    Y = _genre_matrix(rng, n)
    blocks = []
    for _ in range(n_modalities):
        proba = np.clip(0.25 + 0.5 * Y + 0.2 * rng.normal(size=Y.shape), 0.01, 0.99)
        missing = rng.random(n) < 0.2
        blocks += [np.where(missing[:, None], 0.0, proba), missing[:, None].astype(float)]
    return np.hstack(blocks), Y


_CLASSIFIER_DATA = {"array": _array, "images": _images, "frames": _frames, "table": _table,
                    "stacked": _stacked}


def classifier_data(cls, seed=0, n=N):
    return _CLASSIFIER_DATA[input_kind(cls)](np.random.default_rng(seed), n)


def _fit(estimator, X, Y=None):
    # Nets seeded through random_state ignore the global generator; skorch's
    # MultilabelNet draws its initial weights and batches from it.
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return estimator.fit(X, Y) if Y is not None else estimator.fit(X)


# --------------------------------------------------------------------- 3. classifiers


# skgenre's checks that do not apply, with the reason: {class: {check: reason}}.
_MULTILABEL_ONLY = "a multilabel fusion of stacked genre models: a 1-D y is refused"
NOT_APPLICABLE = {
    "MultilabelNet": {
        "check_n_features_in": "skorch's NeuralNet takes any tensors (dicts, sequences) and "
                               "keeps no feature count",
        "check_one_dimensional_target": "its torch module fixes the number of outputs",
    },
    "LogitFusionClassifier": {"check_one_dimensional_target": _MULTILABEL_ONLY},
    "SubsetFusionClassifier": {"check_one_dimensional_target": _MULTILABEL_ONLY},
}

_CLASSIFIERS = [est for est in map(make_estimator, ESTIMATORS) if is_classifier(est)]
_DATA = {}


def _classifier_data(estimator):
    """The data of the estimator's input kind (the same objects for all its checks)."""
    return _DATA.setdefault(type(estimator), classifier_data(type(estimator)))


@estimator_checks.parametrize_with_checks(
    _CLASSIFIERS, data=_classifier_data,
    expected_failed_checks=lambda est: NOT_APPLICABLE.get(type(est).__name__, {}),
)
def test_multilabel_classifier(estimator, check):
    check(estimator)


# --------------------------------------------------------------------- 4. media transformers


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    """Inputs made by the test: a 10-word GloVe file, PNG posters, 2-second videos."""
    folder = tmp_path_factory.mktemp("media")
    rng = np.random.default_rng(0)
    glove = folder / "tiny.glove.txt"
    glove.write_text("".join(
        word + " " + " ".join(f"{x:.3f}" for x in rng.normal(size=4)) + "\n" for word in _WORDS))
    from PIL import Image

    posters = []
    for i in range(8):
        path = folder / f"poster{i}.png"
        Image.fromarray(rng.integers(0, 256, (20, 14, 3), dtype=np.uint8)).save(path)
        posters.append(str(path))
    return {"folder": folder, "glove": glove, "posters": posters}


def _videos(media):
    pytest.importorskip("av")
    from skgenre.video import write_video

    if "videos" not in media:
        rng = np.random.default_rng(0)
        media["videos"] = [
            str(write_video(media["folder"] / f"trailer{i}.mp4",
                            (rng.integers(0, 256, (1, 1, 1, 3)) * np.ones((20, 16, 16, 3))
                             ).astype(np.uint8), fps=10))
            for i in range(5)
        ]
    return media["videos"]


def _trailer_features(media):
    """Per-trailer and per-frame feature arrays, in memory and in .npy files."""
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=(int(rng.integers(1, 5)), 6)).astype(np.float32)
              for _ in range(8)]
    files = []
    for i, array in enumerate(arrays[:4]):
        files.append(str(media["folder"] / f"features{i}.npy"))
        np.save(files[-1], array)
    return files + arrays[4:]


_TRANSFORMER_INPUTS = {
    "texts": lambda media: _texts(np.random.default_rng(0), 8),
    "posters": lambda media: list(media["posters"]),
    "videos": _videos,
    "trailer_features": _trailer_features,
}


def _transformer(cls, media):
    params = init_params(cls)
    if cls.__name__ == "GloVeVectorizer":
        params.update(embeddings=str(media["glove"]), data_home=str(media["folder"] / "home"))
    return cls(**params)


def _as_rows(out):
    """A transformer's output as one float row per input (frames flattened)."""
    if sparse.issparse(out):
        return out.toarray()
    return np.stack([np.asarray(row, dtype=float).ravel() for row in out])


def check_transform_order_and_subset_invariance(estimator, X):
    fitted = _fit(estimator, X)
    whole = _as_rows(fitted.transform(X))
    assert whole.shape[0] == len(X)
    order = np.random.default_rng(1).permutation(len(X))
    np.testing.assert_allclose(_as_rows(fitted.transform(_rows(X, order))), whole[order],
                               atol=_ATOL)
    parts = [fitted.transform(X[:3]), fitted.transform(X[3:])]
    np.testing.assert_allclose(np.vstack([_as_rows(p) for p in parts]), whole, atol=_ATOL)


def check_transformer_fit_idempotent(estimator, X):
    expected = _as_rows(_fit(clone(estimator), X).transform(X))
    refitted = _fit(_fit(clone(estimator), X[::-1][:4]), X)
    np.testing.assert_allclose(_as_rows(refitted.transform(X)), expected, atol=_ATOL)


def check_transformer_pickle_and_clone(estimator, X):
    fitted = _fit(estimator, X)
    expected = _as_rows(fitted.transform(X))
    np.testing.assert_array_equal(_as_rows(pickle.loads(pickle.dumps(fitted)).transform(X)),
                                  expected)
    twin = clone(fitted)
    assert not [k for k in vars(twin) if k.endswith("_") and not k.startswith("_")]
    np.testing.assert_allclose(_as_rows(_fit(twin, X).transform(X)), expected, atol=_ATOL)


def check_transformer_no_input_mutation(estimator, X):
    before = list(X)
    _fit(estimator, X).transform(X)
    assert X == before


_TRANSFORMER_CHECKS = [check_transform_order_and_subset_invariance,
                       check_transformer_fit_idempotent, check_transformer_pickle_and_clone,
                       check_transformer_no_input_mutation]


def _transformer_cases():
    for cls in ESTIMATORS:
        if is_classifier(make_estimator(cls)) or input_kind(cls) not in _TRANSFORMER_INPUTS:
            continue
        for check in _TRANSFORMER_CHECKS:
            yield pytest.param(cls, check, id=f"{cls.__name__}-{check.__name__}")


@pytest.mark.parametrize("cls, check", list(_transformer_cases()))
def test_media_transformer(cls, check, media):
    X = _TRANSFORMER_INPUTS[input_kind(cls)](media)
    check(_transformer(cls, media), X)


def test_every_kind_has_its_checks():
    kinds = {kind for kind, _ in INPUT_KINDS.values()}
    assert kinds <= set(_CLASSIFIER_DATA) | set(_TRANSFORMER_INPUTS)
    checked = {type(e) for e in _CLASSIFIERS} | {c.values[0] for c in _transformer_cases()}
    # Only the array transformers rest on scikit-learn's checks alone.
    assert {c for c in ESTIMATORS if c not in checked} <= {c for c in ESTIMATORS
                                                           if takes_arrays(c)}
