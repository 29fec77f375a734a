import pickle

import joblib
import numpy as np
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier, StackingClassifier
from sklearn.model_selection import GridSearchCV, cross_val_score

from skgenre.metrics import average_precision, get_scorer
from skgenre.model_selection import MultilabelStratifiedKFold
from skgenre.nn import GenreMLP, MultilabelNet, MultilabelValidSplit, balanced_pos_weight


def small_mlp(**params):
    defaults = dict(hidden_layer_sizes=(32,), max_epochs=30, patience=3, random_state=0)
    return GenreMLP(**{**defaults, **params})


def test_predict_proba_is_probability_of_presence(multilabel_data):
    X, Y = multilabel_data
    clf = small_mlp().fit(X, Y)
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape
    assert ((proba >= 0) & (proba <= 1)).all()
    # Present genres get higher probabilities than absent ones, genre by genre.
    for j in range(Y.shape[1]):
        if 0 < Y[:, j].sum() < len(Y):
            assert proba[Y[:, j] == 1, j].mean() > proba[Y[:, j] == 0, j].mean()
    prior = np.tile(Y.mean(0), (len(Y), 1))
    assert average_precision(Y, proba) > average_precision(Y, prior) + 0.2
    np.testing.assert_array_equal(clf.predict(X), (proba >= 0.5).astype(int))


def test_sklearn_stacking_gets_multilabel_backwards_and_we_do_not(multilabel_data):
    """scikit-learn's StackingClassifier.predict_proba keeps column 0 of each genre's
    (n, 2) probabilities for multilabel Y, i.e. P(genre absent). GenreMLP returns
    P(genre present)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.multioutput import MultiOutputClassifier

    X, Y = multilabel_data
    stack = StackingClassifier(
        [("rf", RandomForestClassifier(n_estimators=20, random_state=0))],
        final_estimator=MultiOutputClassifier(LogisticRegression()), cv=3,
    ).fit(X, Y)
    assert np.corrcoef(stack.predict_proba(X).ravel(), Y.ravel())[0, 1] < -0.5
    proba = small_mlp().fit(X, Y).predict_proba(X)
    assert np.corrcoef(proba.ravel(), Y.ravel())[0, 1] > 0.3


def test_threshold_controls_predict(multilabel_data):
    X, Y = multilabel_data
    clf = small_mlp(threshold=0.9).fit(X, Y)
    np.testing.assert_array_equal(clf.predict(X), (clf.predict_proba(X) >= 0.9).astype(int))


def test_random_state_gives_identical_fits(multilabel_data):
    X, Y = multilabel_data
    a = small_mlp(random_state=3).fit(X, Y).predict_proba(X)
    b = small_mlp(random_state=3).fit(X, Y).predict_proba(X)
    c = small_mlp(random_state=4).fit(X, Y).predict_proba(X)
    np.testing.assert_allclose(a, b)
    assert not np.allclose(a, c)


def test_fit_does_not_change_global_torch_rng(multilabel_data):
    import torch

    X, Y = multilabel_data
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    small_mlp(max_epochs=2).fit(X, Y)
    np.testing.assert_allclose(torch.rand(3), expected)


def test_sparse_and_dense_input_agree(multilabel_data):
    X, Y = multilabel_data
    dense = small_mlp(max_epochs=5).fit(X, Y).predict_proba(X)
    sp = small_mlp(max_epochs=5).fit(sparse.csr_matrix(X), Y).predict_proba(sparse.csr_matrix(X))
    np.testing.assert_allclose(dense, sp, rtol=1e-4, atol=1e-5)


def test_pos_weight_balanced_and_switchable(multilabel_data):
    X, Y = multilabel_data
    clf = small_mlp(max_epochs=2).fit(X, Y)
    np.testing.assert_allclose(clf.pos_weight_, (len(Y) - Y.sum(0)) / Y.sum(0), rtol=1e-6)
    assert (small_mlp(max_epochs=2, pos_weight=False).fit(X, Y).pos_weight_ == 1).all()
    # Balanced weights push rare genres' probabilities up compared with no weighting.
    rare = np.argmin(Y.sum(0))
    weighted = small_mlp().fit(X, Y).predict_proba(X)[:, rare].mean()
    plain = small_mlp(pos_weight=False).fit(X, Y).predict_proba(X)[:, rare].mean()
    assert weighted > plain


def test_correct_pos_weight_undoes_the_weighting_of_the_odds(multilabel_data):
    X, Y = multilabel_data
    raw_clf = small_mlp().fit(X, Y)
    fixed_clf = small_mlp(correct_pos_weight=True).fit(X, Y)
    raw, fixed = raw_clf.predict_proba(X), fixed_clf.predict_proba(X)
    # the same net (same seed, the flag only acts in predict_proba), odds divided by w
    odds = raw / (1 - raw) / raw_clf.pos_weight_
    np.testing.assert_allclose(fixed, odds / (1 + odds), rtol=1e-5, atol=1e-7)
    # each genre's ranking (hence macro AP) is kept; rare genres are no longer inflated
    assert average_precision(Y, fixed, average="macro") == pytest.approx(
        average_precision(Y, raw, average="macro"), abs=1e-9)
    frequency = Y.mean(0)
    assert (np.abs(fixed.mean(0) - frequency).mean()
            < np.abs(raw.mean(0) - frequency).mean() / 2)
    # no weighting, nothing to correct
    plain = small_mlp(pos_weight=False).fit(X, Y).predict_proba(X)
    np.testing.assert_array_equal(
        small_mlp(pos_weight=False, correct_pos_weight=True).fit(X, Y).predict_proba(X),
        plain)


def test_balanced_pos_weight_handles_genre_without_positives():
    Y = np.array([[1, 0], [0, 0], [1, 0], [0, 0]])
    np.testing.assert_allclose(balanced_pos_weight(Y), [1.0, 1.0])


def test_early_stopping_stops_and_restores_best(multilabel_data):
    X, Y = multilabel_data
    clf = small_mlp(hidden_layer_sizes=(256,), dropout=0.0, lr=1e-2, max_epochs=200,
                    patience=3).fit(X, Y)
    assert clf.n_epochs_ < 200
    losses = [h["valid_loss"] for h in clf.net_.history]
    assert min(losses) < losses[-1] or clf.n_epochs_ == 200


def test_validation_split_is_multilabel_stratified(multilabel_data):
    X, Y = multilabel_data
    from skorch.dataset import Dataset

    train, valid = MultilabelValidSplit(0.25, random_state=0)(Dataset(X, Y), Y)
    share_valid = Y[valid.indices].mean(0)
    np.testing.assert_allclose(share_valid, Y.mean(0), atol=0.08)


def test_verbose_prints_epoch_table(multilabel_data, capsys):
    X, Y = multilabel_data
    small_mlp(max_epochs=2, verbose=0).fit(X, Y)
    assert capsys.readouterr().out == ""
    small_mlp(max_epochs=2, verbose=1).fit(X, Y)
    assert "valid_loss" in capsys.readouterr().out


@pytest.mark.parametrize(
    "params, Y_fn, error, match",
    [
        ({}, lambda Y: Y[:, :, None], ValueError, "2-D"),
        ({}, lambda Y: Y * 2, ValueError, "0/1"),
        ({}, lambda Y: Y[:, 0] + 0.5, ValueError, "Unknown label type"),
        ({}, lambda Y: np.zeros(len(Y)), ValueError, "one class only"),
        ({"pos_weight": [1.0] * 12 + [-2.0]}, lambda Y: Y, ValueError, "positive"),
        ({}, lambda Y: Y[:-1], ValueError, "movies"),
        ({"pos_weight": [1.0, 2.0]}, lambda Y: Y, ValueError, "pos_weight"),
        ({"dropout": 1.5}, lambda Y: Y, ValueError, "dropout"),
        ({"activation": "swish"}, lambda Y: Y, ValueError, "activation"),
        ({"batch_size": 0}, lambda Y: Y, ValueError, "batch_size"),
    ],
)
def test_fit_errors(multilabel_data, params, Y_fn, error, match):
    X, Y = multilabel_data
    with pytest.raises(error, match=match):
        small_mlp(max_epochs=1, **params).fit(X, Y_fn(Y))


def test_predict_before_fit_and_wrong_width(multilabel_data):
    from sklearn.exceptions import NotFittedError

    X, Y = multilabel_data
    with pytest.raises(NotFittedError):
        small_mlp().predict_proba(X)
    clf = small_mlp(max_epochs=1).fit(X, Y)
    with pytest.raises(ValueError, match="features"):
        clf.predict_proba(X[:, :5])


def test_joblib_and_pickle_round_trip(multilabel_data, tmp_path):
    X, Y = multilabel_data
    clf = small_mlp(max_epochs=3).fit(X, Y)
    joblib.dump(clf, tmp_path / "m.joblib")
    np.testing.assert_allclose(joblib.load(tmp_path / "m.joblib").predict_proba(X),
                               clf.predict_proba(X))
    np.testing.assert_allclose(pickle.loads(pickle.dumps(clf)).predict_proba(X),
                               clf.predict_proba(X))


def test_clone_keeps_params_unfitted(multilabel_data):
    X, Y = multilabel_data
    clf = small_mlp(max_epochs=1).fit(X, Y)
    cloned = clone(clf)
    assert cloned.get_params() == clf.get_params()
    assert not hasattr(cloned, "net_")


@pytest.mark.parametrize("scoring", ["average_precision", "average_precision_micro",
                                     "average_precision_samples"])
def test_cross_val_score_with_13_genres(scoring):
    from sklearn.datasets import make_multilabel_classification

    X, Y = make_multilabel_classification(n_samples=240, n_classes=13, random_state=1)
    scorer = scoring if scoring == "average_precision" else get_scorer(scoring)
    from sklearn.dummy import DummyClassifier

    cv = MultilabelStratifiedKFold(3)
    scores = cross_val_score(GenreMLP(max_epochs=20, random_state=0), X, Y, scoring=scorer, cv=cv)
    # scikit-learn's own "average_precision" gives NaN for the dummy: score it with ours.
    same_average = get_scorer(scoring if scoring != "average_precision" else
                              "average_precision_macro")
    prior = cross_val_score(DummyClassifier(strategy="prior"), X, Y, scoring=same_average, cv=cv)
    assert np.isfinite(scores).all()
    assert scores.mean() > prior.mean() + 0.1


def test_grid_search_in_parallel(multilabel_data):
    X, Y = multilabel_data
    grid = GridSearchCV(small_mlp(max_epochs=5), {"hidden_layer_sizes": [(8,), (32,)]},
                        cv=MultilabelStratifiedKFold(2), scoring="average_precision", n_jobs=2)
    grid.fit(X, Y)
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()
    assert grid.best_estimator_.predict_proba(X).shape == Y.shape


def test_multilabel_net_with_custom_module(multilabel_data):
    import torch

    X, Y = multilabel_data
    net = MultilabelNet(torch.nn.Linear, module__in_features=X.shape[1],
                        module__out_features=Y.shape[1], max_epochs=50, lr=0.01,
                        optimizer=torch.optim.Adam, train_split=None, verbose=0)
    net.fit(X, Y.astype(np.float32))
    assert net.predict_proba(X).shape == Y.shape
    assert len(net.classes_) == Y.shape[1]
    # The genre-frequency prior's macro AP is about 0.2 here; 50 epochs reach 0.36 to 0.42
    # over 20 torch seeds (20 epochs gave 0.23 to 0.32: too close to the floor).
    assert cross_val_score(net, X, Y.astype(np.float32), scoring="average_precision",
                           cv=MultilabelStratifiedKFold(2)).mean() > 0.25


def test_sparse_array_input(multilabel_data):
    X, Y = multilabel_data
    X[X < 2] = 0
    dense = small_mlp(max_epochs=3).fit(X, Y).predict_proba(X)
    np.testing.assert_allclose(small_mlp(max_epochs=3).fit(sparse.csr_array(X), Y)
                               .predict_proba(sparse.csr_array(X)), dense, rtol=1e-5)


def test_multilabel_net_takes_1d_binary_and_multiclass_y():
    import torch
    from sklearn.datasets import make_blobs

    X, y = make_blobs(n_samples=90, centers=3, n_features=4, random_state=0)
    X = X.astype(np.float32)
    params = dict(lr=0.05, max_epochs=40, optimizer=torch.optim.Adam, train_split=None,
                  verbose=0)
    binary = MultilabelNet(torch.nn.Linear, module__in_features=4, module__out_features=1,
                           **params).fit(X, np.where(y == 0, "yes", "no"))
    assert list(binary.classes_) == ["no", "yes"] and binary.predict_proba(X).shape == (90, 2)
    assert (binary.predict(X) == np.where(y == 0, "yes", "no")).mean() > 0.9
    softmax = MultilabelNet(torch.nn.Linear, module__in_features=4, module__out_features=3,
                            criterion=torch.nn.CrossEntropyLoss, **params).fit(X, y)
    proba = softmax.predict_proba(X)
    logits = softmax.forward(X).numpy()
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(proba, expected, rtol=1e-5)
    assert softmax.score(X, y) > 0.9
