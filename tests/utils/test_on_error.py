"""The one on_error vocabulary."""

import pytest

from skgenre.utils import ON_ERROR, check_on_error


def test_vocabulary():
    assert ON_ERROR == ("raise", "missing")
    assert [check_on_error(v) for v in ON_ERROR] == list(ON_ERROR)


def test_former_spelling_warns_and_translates():
    with pytest.warns(FutureWarning, match=r"Owner: on_error='zero' is now spelled "
                                           r"on_error='missing'"):
        assert check_on_error("zero", "Owner") == "missing"


@pytest.mark.parametrize("value", ["skip", "ignore", None])
def test_unknown_values_raise(value):
    with pytest.raises(ValueError, match="on_error must be one of"):
        check_on_error(value)
