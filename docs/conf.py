"""Sphinx configuration of the skgenre documentation.

Build with ``make docs`` (``python -m sphinx -W --keep-going -b html docs docs/_build/html``).
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # document the working tree, installed or not
os.environ.setdefault("MPLBACKEND", "Agg")

import skgenre  # noqa: E402

project = "skgenre"
author = "the skgenre developers"
copyright = "the skgenre developers, BSD-3-Clause"
release = skgenre.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
root_doc = "index"
language = "en"

# API reference: one generated page per public object, numpydoc docstrings.
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": True}
autodoc_typehints = "none"
autodoc_mock_imports = []
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

html_theme = "alabaster"
html_static_path = ["_static"]
html_title = f"skgenre {release}"
html_theme_options = {
    "description": "Multi-label movie genre classification, the scikit-learn way.",
    "fixed_sidebar": True,
    "page_width": "1100px",
    "sidebar_width": "240px",
}
html_sidebars = {"**": ["about.html", "navigation.html", "searchbox.html"]}


# -- docstring hygiene ----------------------------------------------------------------------
import re  # noqa: E402

# ``n_features_out_`` in a numpydoc type line would be read as an RST hyperlink reference.
_PARAM_LINE = re.compile(r"^\s*\*{0,2}\w[\w, *]* : ")
_TRAILING_UNDERSCORE = re.compile(r"(?<![`\w\\])([A-Za-z]\w*?)_(?=[\s),.;:\]]|$)")


def _foreign(what, obj):
    """A class or function defined outside skgenre (re-exported or inherited)."""
    module = getattr(obj, "__module__", None)
    return (
        what in ("class", "exception", "function", "method")
        and isinstance(module, str)
        and not module.startswith("skgenre")
    )


def _process_docstring(app, what, name, obj, options, lines):
    """Tidy docstrings before numpydoc parses them.

    Objects re-exported from other packages (the iterative-stratification splitters)
    keep their one-line summary and point to their own documentation: their docstrings
    are not numpydoc-formatted and would not build warning-free.
    """
    if _foreign(what, obj) and lines:
        module = getattr(obj, "__module__", "")
        summary = lines[0].strip()
        lines[:] = [
            summary,
            "",
            f"Provided by ``{module}`` (a dependency of skgenre) and documented there.",
        ]
        return
    for i, line in enumerate(lines):
        if _PARAM_LINE.match(line):
            head, _, tail = line.partition(" : ")
            lines[i] = head + " : " + _TRAILING_UNDERSCORE.sub(r"\1\\_", tail)


def _skip_member(app, what, name, obj, skip, options):
    """Leave out scikit-learn's generated metadata-routing setters (set_fit_request...)."""
    if re.fullmatch(r"set_\w+_request", name):
        return True
    return None


def setup(app):
    app.connect("autodoc-process-docstring", _process_docstring, priority=100 - 10)
    app.connect("autodoc-skip-member", _skip_member)
