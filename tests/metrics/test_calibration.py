"""expected_calibration_error: the binned gap between probabilities and frequencies."""

import numpy as np
import pytest
from sklearn.calibration import calibration_curve

from skgenre.metrics import expected_calibration_error


def test_matches_the_weighted_reliability_diagram():
    rng = np.random.default_rng(0)
    P = rng.random((400, 3))
    Y = (rng.random((400, 3)) < P ** 2).astype(int)  # over-confident probabilities
    per_genre = expected_calibration_error(Y, P, average=None)
    for j in range(3):
        frequency, mean = calibration_curve(Y[:, j], P[:, j], n_bins=10)
        counts = np.histogram(P[:, j], bins=np.linspace(0, 1, 11))[0]
        counts = counts[counts > 0]
        assert per_genre[j] == pytest.approx(np.sum(counts / 400 * np.abs(frequency - mean)))
    assert expected_calibration_error(Y, P) == pytest.approx(per_genre.mean())
    assert per_genre.min() > 0.1


def test_calibrated_probabilities_score_near_zero():
    rng = np.random.default_rng(0)
    P = rng.random((20000, 2))
    Y = (rng.random((20000, 2)) < P).astype(int)
    assert expected_calibration_error(Y, P) < 0.01
    assert expected_calibration_error(Y, np.full_like(P, 0.5)) == pytest.approx(
        np.abs(Y.mean(0) - 0.5).mean())


@pytest.mark.parametrize("kwargs, P, match", [
    ({"average": "micro"}, None, "average must be 'macro' or None"),
    ({"n_bins": 0}, None, "n_bins must be a positive integer"),
    ({}, np.array([[1.5, 0.2], [0.1, 0.2]]), r"probabilities in \[0, 1\]"),
    ({}, np.array([[0.5], [0.2]]), "shape"),
])
def test_bad_arguments(kwargs, P, match):
    Y = np.array([[1, 0], [0, 1]])
    with pytest.raises(ValueError, match=match):
        expected_calibration_error(Y, np.array([[0.9, 0.1], [0.2, 0.8]]) if P is None else P,
                                   **kwargs)
