"""Sphinx configuration of the skgenre documentation.

Build with ``make docs`` (``python -m sphinx -W --keep-going -b html docs docs/_build/html``).
The build runs every ``examples/plot_*.py`` through sphinx-gallery (a few minutes on a CPU).
"""

import logging
import os
import sys
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # document the working tree, installed or not
sys.path.insert(0, str(HERE / "sphinxext"))
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
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
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

html_theme = "pydata_sphinx_theme"
html_static_path = ["_static"]
html_css_files = ["skgenre.css"]  # code blocks wrap their lines instead of scrolling sideways
html_title = f"skgenre {release}"
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc", "sg_download_links", "sg_launcher_links"],
}
html_sidebars = {"install": [], "quick_start": [], "data_format": []}
html_show_sourcelink = False


# -- sphinx-gallery: examples/plot_*.py -> auto_examples/, with their figures and output ----
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "gallery_order.ExampleOrder",
    "doc_module": ("skgenre",),
    "backreferences_dir": "generated/backreferences",
    "image_scrapers": ("matplotlib",),
    "abort_on_example_error": False,  # a failing example fails the build at its end
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_signature": False,
    "min_reported_time": 1,
}


# -- intersphinx: links to the libraries skgenre builds on ---------------------------------
# Each project's objects.inv is fetched from its site once and kept in _build/intersphinx/,
# so that later builds, offline ones included, reuse it. A project whose inventory can be
# neither fetched nor found there is left out (its names show as plain code, not links):
# an unreachable inventory is a warning in Sphinx, and ``-W`` would fail the build.
INTERSPHINX_SITES = {
    "python": "https://docs.python.org/3/",
    "sklearn": "https://scikit-learn.org/stable/",
    "numpy": "https://numpy.org/doc/stable/",
    "pandas": "https://pandas.pydata.org/docs/",
    "skorch": "https://skorch.readthedocs.io/en/stable/",
    "torch": "https://docs.pytorch.org/docs/stable/",
    "joblib": "https://joblib.readthedocs.io/en/stable/",
}
INTERSPHINX_CACHE = Path(
    os.environ.get("SKGENRE_INTERSPHINX_CACHE", HERE / "_build" / "intersphinx")
)
_logger = logging.getLogger("skgenre.docs")


def _inventory(name, url, timeout=5):
    """Path of ``name``'s objects.inv, downloaded into the cache if needed; None if neither."""
    cached = INTERSPHINX_CACHE / f"{name}.inv"
    if cached.is_file() and cached.stat().st_size > 0:
        return cached
    try:
        with urllib.request.urlopen(url + "objects.inv", timeout=timeout) as response:
            data = response.read()
    except OSError as exc:
        _logger.warning("intersphinx: no inventory for %s (%s); its names stay unlinked", name, exc)
        return None
    if not data.startswith(b"# Sphinx inventory version"):
        return None
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(cached)
    return cached


def _sklearn_inventory():
    """An objects.inv for scikit-learn built from the installed package, for offline builds.

    scikit-learn documents each public class and function of ``sklearn.<module>.__all__``
    at ``modules/generated/<full name>.html``; written here so that offline builds still
    link ``ColumnTransformer`` and friends to scikit-learn's stable pages (no package
    ships the real inventory). A fetched or cached real inventory is preferred.
    """
    import importlib
    import inspect
    import zlib

    import sklearn

    lines = []
    for sub in sorted(sklearn.__all__):
        try:
            module = importlib.import_module(f"sklearn.{sub}")
        except ImportError:
            continue
        lines.append(f"sklearn.{sub} py:module 0 api/sklearn.{sub}.html -")
        for name in sorted(getattr(module, "__all__", [])):
            try:
                obj = getattr(module, name, None)
            except ImportError:  # experimental names need an enabling import first
                continue
            role = "class" if inspect.isclass(obj) else "function" if callable(obj) else None
            if role is not None:
                full = f"sklearn.{sub}.{name}"
                lines.append(f"{full} py:{role} 1 modules/generated/{full}.html#$ -")
    header = (f"# Sphinx inventory version 2\n# Project: scikit-learn\n"
              f"# Version: {sklearn.__version__}\n"
              "# The remainder of this file is compressed using zlib.\n")
    path = INTERSPHINX_CACHE / "sklearn-installed.inv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header.encode() + zlib.compress("\n".join(lines).encode() + b"\n"))
    return path


intersphinx_mapping = {}
for _name, _url in INTERSPHINX_SITES.items():
    _path = _inventory(_name, _url)
    if _path is None and _name == "sklearn":
        _path = _sklearn_inventory()
        _logger.warning("intersphinx: scikit-learn's links come from the installed package")
    if _path is not None:
        intersphinx_mapping[_name] = (_url, str(_path))
intersphinx_timeout = 5


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
