import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from skgenre.utils import check_multilabel_target, is_missing, multilabel_classes, positive_proba


@pytest.mark.parametrize(
    "Y, match",
    [
        (None, "y is None"),
        ([0, 1, 1], "2-D"),
        ([[0, 2]], "0/1"),
        ([[0.5, 1]], "0/1"),
        ([[np.nan, 1]], r"1 missing value\(s\) \(NaN, None or pd.NA\) in genre column\(s\) \[0\]"),
        (np.array([[0, 1], [1, None]], dtype=object),
         r"genre column\(s\) \[1\], at row\(s\) \[1\]"),
        (pd.DataFrame({"Drama": [0, 1], "War": [1, None]}, dtype="Int8", index=["a", "b"]),
         r"in genre\(s\) \['War'\], at index label\(s\) \['b'\]"),
        (pd.DataFrame([[0, 1]], columns=["War", "War"]), r"repeats the genre column\(s\) \['War'\]"),
        (np.zeros((3, 0)), "no genre"),
        ([["a", "b"]], "0/1"),
    ],
)
def test_check_multilabel_target_errors(Y, match):
    with pytest.raises(ValueError, match=match):
        check_multilabel_target(Y)


def test_check_multilabel_target_accepts_common_containers():
    expected = np.array([[1, 0], [0, 1]], dtype=np.int8)
    for Y in ([[1, 0], [0, 1]], np.array([[True, False], [False, True]]),
              sparse.csr_matrix(expected), pd.DataFrame(expected, columns=["a", "b"])):
        np.testing.assert_array_equal(check_multilabel_target(Y), expected)
    with pytest.raises(ValueError, match="fitted with 3"):
        check_multilabel_target(expected, n_genres=3)


def test_positive_proba_formats():
    P = np.array([[0.1, 0.9], [0.6, 0.4]])
    forest = [np.column_stack([1 - P[:, j], P[:, j]]) for j in range(2)]
    np.testing.assert_allclose(positive_proba(forest), P)
    np.testing.assert_allclose(positive_proba(np.stack([1 - P, P], axis=1)), P)
    np.testing.assert_allclose(positive_proba(P), P)
    # A genre constant in training: the forest keeps a single column.
    constant = [forest[0], np.ones((2, 1))]
    np.testing.assert_allclose(positive_proba(constant, classes=[[0, 1], [1]])[:, 1], [1, 1])
    np.testing.assert_allclose(positive_proba(constant, classes=[[0, 1], [0]])[:, 1], [0, 0])
    with pytest.raises(ValueError, match="probability columns"):
        positive_proba([np.ones((2, 3))])
    with pytest.raises(ValueError, match="shape"):
        positive_proba(np.ones(3))


def test_multilabel_classes_are_separate_arrays():
    classes = multilabel_classes(3)
    assert len(classes) == 3 and all((c == [0, 1]).all() for c in classes)


def test_is_missing():
    values = ["plot", "", None, np.nan, "   ", 0, "x"]
    np.testing.assert_array_equal(is_missing(values), [0, 1, 1, 1, 1, 0, 0])
    np.testing.assert_array_equal(is_missing(pd.Series(values, index=range(10, 17))),
                                  is_missing(values))


def test_utils_imports_nothing_else_of_skgenre_and_keeps_the_mixin_alias():
    import subprocess
    import sys

    code = (
        "import sys, skgenre.utils\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('skgenre.')"
        " and not m.startswith('skgenre.utils'))\n"
        "assert loaded == [], loaded\n"
        "from skgenre.utils import MultilabelClassifierMixin\n"
        "from skgenre.multioutput import MultilabelClassifierMixin as moved\n"
        "assert MultilabelClassifierMixin is moved\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    import skgenre.utils

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        skgenre.utils.nope
