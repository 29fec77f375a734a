"""Every examples/plot_*.py script runs to the end (Agg backend, in a scratch folder)."""

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("plot_*.py"))


def test_the_four_examples_exist():
    names = {p.name for p in EXAMPLES}
    assert {
        "plot_quick_start.py", "plot_grid_search.py", "plot_thresholds.py",
        "plot_pretrained_vgg16.py",
    } <= names


@pytest.fixture(scope="module")
def data_home(tmp_path_factory):
    """One data home for the examples: make_movies catalogues are reused between them."""
    return tmp_path_factory.mktemp("skgenre_data")


@pytest.mark.xdist_group("examples")
@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs(script, tmp_path, data_home, monkeypatch, capsys):
    """Run the script as ``python plot_x.py`` would, in this process to spare the imports."""
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SKGENRE_DATA", str(data_home))
    monkeypatch.delenv("SKGENRE_VGG16_WEIGHTS", raising=False)
    monkeypatch.setattr(sys, "argv", [str(script)])
    try:
        runpy.run_path(str(script), run_name="__main__")
    finally:
        import matplotlib.pyplot as plt

        plt.close("all")
    assert capsys.readouterr().out.strip(), "an example prints what it shows"
