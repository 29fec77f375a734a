"""The examples/plot_*.py scripts are sphinx-gallery scripts.

They run in the docs build (tests/test_docs.py builds the gallery: a failing example fails
the build, and each example's page must show a figure and printed output); here, what
makes them render well: a titled docstring, ``# %%`` cells, Sphinx roles only in text
cells (in a code cell's comments they would show literally), a figure drawn with
matplotlib, and no backend forced (the gallery and ``MPLBACKEND`` choose it).
"""

import re
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("plot_*.py"))
ROLE = re.compile(r":(class|func|meth|mod|attr|ref|doc|obj):`")


def test_the_four_examples_exist():
    names = {p.name for p in EXAMPLES}
    assert {
        "plot_quick_start.py", "plot_grid_search.py", "plot_thresholds.py",
        "plot_pretrained_vgg16.py",
    } <= names
    header = EXAMPLES[0].parent / "GALLERY_HEADER.rst"
    assert header.is_file()


def _blocks(script):
    parser = pytest.importorskip("sphinx_gallery.py_source_parser")
    _, blocks, *_ = parser.split_code_and_text_blocks(str(script))
    return [(block[0], block[1]) for block in blocks]


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.stem)
def test_example_is_a_gallery_script(script):
    blocks = _blocks(script)
    kind, title = blocks[0]
    assert kind == "text"
    lines = title.strip().splitlines()
    assert len(lines) >= 2 and set(lines[1]) == {"="} and len(lines[1]) >= len(lines[0])
    code = "\n".join(content for kind, content in blocks if kind == "code")
    for line in code.splitlines():
        assert not ROLE.search(line), f"a Sphinx role in a code cell shows literally: {line}"
    assert "matplotlib.use(" not in code
    assert re.search(r"plt\.(subplots|figure)\(", code), "the example draws a figure"
    assert "plt.show()" in code
    assert sum(kind == "text" for kind, _ in blocks) >= 3  # prose between the code cells


def test_role_check_can_fail(tmp_path):
    script = tmp_path / "plot_bad.py"
    script.write_text(
        '"""\nBad\n===\n\nText.\n"""\n\n# %%\nx = 1  # see :class:`~skgenre.MovieGenreStacker`\n'
    )
    code = [content for kind, content in _blocks(script) if kind == "code"]
    assert any(ROLE.search(line) for c in code for line in c.splitlines())
