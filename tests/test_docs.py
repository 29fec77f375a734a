"""The Sphinx documentation builds without warnings, documents every public name, renders
every example with its figures (sphinx-gallery) and links to scikit-learn (intersphinx)."""

import contextlib
import importlib
import io
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SUBPACKAGES = [
    "cli", "datasets", "ensemble", "metadata", "metrics", "model_selection", "multioutput",
    "nn", "report", "text", "utils", "utils.discovery", "utils.estimator_checks", "video",
    "vision",
]


def _api_names():
    text = (DOCS / "api.rst").read_text(encoding="utf-8")
    names = {}
    for block in re.split(r"\.\. currentmodule:: ", text)[1:]:
        module, _, body = block.partition("\n")
        names[module.strip()] = set(re.findall(r"^   (\w+)$|^``(\w+)``$", body, flags=re.M))
    return {m: {a or b for a, b in found} for m, found in names.items()}


@pytest.mark.parametrize("subpackage", SUBPACKAGES)
def test_api_reference_lists_every_public_name(subpackage):
    module = importlib.import_module(f"skgenre.{subpackage}")
    documented = _api_names().get(f"skgenre.{subpackage}", set())
    missing = sorted(set(module.__all__) - documented)
    assert not missing, f"docs/api.rst does not list skgenre.{subpackage}.{missing}"
    stale = sorted(n for n in documented if not hasattr(module, n))
    assert not stale, f"docs/api.rst lists names skgenre.{subpackage} lacks: {stale}"


EXAMPLES = sorted(p.stem for p in (ROOT / "examples").glob("plot_*.py"))

def _build_docs(tmp_path_factory):
    """``make docs`` on a copy of docs/ and examples/: (status, stderr, html folder).

    The build runs every example through sphinx-gallery (a few minutes on two cores), with
    a fresh data home for their synthetic catalogues. One test makes every check on one
    build: a fixture shared by several tests was built once per xdist worker.
    """
    pytest.importorskip("sphinx")
    pytest.importorskip("numpydoc")
    pytest.importorskip("sphinx_gallery")
    pytest.importorskip("pydata_sphinx_theme")
    pytest.importorskip("matplotlib")
    tmp = tmp_path_factory.mktemp("docs")
    # Build a copy so that generated pages (autosummary, the gallery) never land in the tree.
    source = tmp / "docs"
    ignore = shutil.ignore_patterns("_build", "generated", "auto_examples")
    shutil.copytree(DOCS, source, ignore=ignore)
    shutil.copytree(ROOT / "examples", tmp / "examples")
    # An empty inventory cache: offline (as in CI), conf.py falls back to scikit-learn's
    # inventory written from the installed package; online, it fetches the real one.
    cache = tmp / "intersphinx"
    cache.mkdir()
    out = tmp / "html"
    mp = pytest.MonkeyPatch()
    mp.setenv("SKGENRE_INTERSPHINX_CACHE", str(cache))
    mp.setenv("SKGENRE_DATA", str(tmp / "data"))
    mp.setenv("MPLBACKEND", "Agg")
    mp.chdir(tmp)
    # What `make docs` runs (-W: any warning fails), in this process to spare the imports.
    from sphinx.cmd.build import build_main

    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            status = build_main(["-W", "--keep-going", "-q", "-b", "html", str(source), str(out)])
    finally:
        mp.undo()
        import matplotlib.pyplot as plt

        plt.close("all")
    return status, err.getvalue(), out


@pytest.mark.slow
@pytest.mark.xdist_group("docs")
def test_docs_build_gallery_and_links(tmp_path_factory):
    status, err, out = _build_docs(tmp_path_factory)
    assert status == 0, err[-4000:]
    assert (out / "index.html").is_file()
    page = (out / "generated" / "skgenre.ensemble.MovieGenreStacker.html").read_text()
    assert "predict_proba" in page
    assert "_static/skgenre.css" in page  # code blocks wrap instead of scrolling sideways

    # API pages link to scikit-learn (the real inventory or the installed package's)
    assert (
        'href="https://scikit-learn.org/stable/modules/generated/'
        'sklearn.compose.ColumnTransformer.html#sklearn.compose.ColumnTransformer"'
    ) in page
    assert "sklearn.ensemble.StackingClassifier.html" in (out / "stacking.html").read_text()

    # a gallery page per example, with its figures and printed output
    from PIL import Image

    gallery = (out / "auto_examples" / "index.html").read_text(encoding="utf-8")
    for example in EXAMPLES:
        assert f"{example}.html" in gallery, example
        page = (out / "auto_examples" / f"{example}.html").read_text(encoding="utf-8")
        images = re.findall(r'<img[^>]+src="([^"]*sphx_glr_%s_\d+\.png)"' % example, page)
        assert images, f"{example} rendered no figure"
        for src in images:
            with Image.open((out / "auto_examples" / src).resolve()) as img:
                assert img.width > 200 and img.height > 100, src
        assert "sphx-glr-script-out" in page, f"{example} printed nothing"
        assert ":class:`" not in page and ":func:`" not in page, example  # roles render
