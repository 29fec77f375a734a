"""The Sphinx documentation builds without warnings and documents every public name."""

import importlib
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SUBPACKAGES = [
    "datasets", "ensemble", "metadata", "metrics", "model_selection", "multioutput", "nn",
    "report", "text", "utils", "video", "vision",
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


def test_docs_build_without_warnings(tmp_path, capsys):
    pytest.importorskip("sphinx")
    pytest.importorskip("numpydoc")
    # Build a copy so that autosummary's generated pages never land in the source tree.
    source = tmp_path / "docs"
    shutil.copytree(DOCS, source, ignore=shutil.ignore_patterns("_build", "generated"))
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    out = tmp_path / "html"
    # What `make docs` runs (-W: any warning fails), in this process to spare the imports.
    from sphinx.cmd.build import build_main

    status = build_main(["-W", "--keep-going", "-q", "-b", "html", str(source), str(out)])
    assert status == 0, capsys.readouterr().err[-4000:]
    assert (out / "index.html").is_file()
    page = (out / "generated" / "skgenre.ensemble.MovieGenreStacker.html").read_text()
    assert "predict_proba" in page
    examples = (out / "examples.html").read_text()
    assert "Grid search over a stacker" in examples and "MovieGenreStacker" in examples
