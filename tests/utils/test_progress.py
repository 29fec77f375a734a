"""The one progress bar."""

import pytest

from skgenre.utils import progress


@pytest.mark.parametrize("verbose", [0, False, -1])
def test_silent_bar_has_tqdms_interface(verbose, capsys):
    assert list(progress(range(3), verbose=verbose)) == [0, 1, 2]
    with progress(total=3, verbose=verbose, desc="work") as bar:
        bar.update()
        bar.update(2)
        bar.set_postfix_str("x")
    assert bar.n == 3
    assert capsys.readouterr().err == ""


def test_verbose_bar_is_tqdm(capsys):
    assert list(progress(range(3), verbose=1, desc="counting")) == [0, 1, 2]
    with progress(total=2, verbose=2, desc="by hand", unit="B", unit_scale=True) as bar:
        bar.update(2)
    err = capsys.readouterr().err
    assert "counting" in err and "by hand" in err
