"""The layout shows the architecture: checked on the source, by its import graph.

- no import circle between modules (what ``import`` runs at import time);
- subpackages import downwards, lazy imports included: datasets, metrics,
  model_selection and utils at the bottom (utils imports nothing else of skgenre, and
  datasets never imports a modality such as video), modalities above them, the
  ensemble above the modalities, the CLI and the report at the top;
- one module imports scikit-learn's private API (``utils/_sklearn_compat.py``);
- no module over 600 lines.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "skgenre"
MAX_LINES = 600
COMPAT = "skgenre.utils._sklearn_compat"


def _modules():
    """Module name -> (path, is_package) for every module of skgenre."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return out


MODULES = _modules()


def _imports(name, *, lazy):
    """The skgenre modules ``name`` imports (module level only unless ``lazy``), and the
    packages above them, whose ``__init__`` runs first."""
    path, is_package = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = name.split(".") if is_package else name.split(".")[:-1]
    found = set()
    for node in (ast.walk(tree) if lazy else tree.body):
        if isinstance(node, ast.ImportFrom):
            base = ".".join(here[: len(here) - node.level + 1] + [node.module or ""]).strip(".") \
                if node.level else (node.module or "")
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            continue
        for target in targets:
            while target.startswith("skgenre") and target not in MODULES:
                target = target.rpartition(".")[0]
            while target and target != "skgenre":  # the module and the packages above it
                if target in MODULES and target != name and not name.startswith(target + "."):
                    found.add(target)
                target = target.rpartition(".")[0]
    return found


def _cycles(graph):
    """The strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _subpackage(name):
    parts = name.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and MODULES[name][1]) else None


def _subpackage_graph():
    graph = {}
    for name in MODULES:
        for target in _imports(name, lazy=True):
            a, b = _subpackage(name), _subpackage(target)
            if a and b and a != b:
                graph.setdefault(a, set()).add(b)
    return graph


def test_the_graph_sees_imports():
    # Guards the walk itself: known edges must be found.
    assert "skgenre.datasets._format" in _imports("skgenre.datasets._modalities", lazy=False)
    assert "skgenre.utils" in _imports("skgenre.datasets._load", lazy=False)
    assert "skgenre.ensemble._stacking" in _imports("skgenre.ensemble", lazy=False)
    assert "skgenre.metrics" in _imports("skgenre.ensemble._stacking", lazy=True)
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circle_between_modules():
    graph = {name: _imports(name, lazy=False) for name in MODULES}
    assert _cycles(graph) == []


def test_subpackages_import_downwards():
    graph = _subpackage_graph()
    assert _cycles(graph) == []
    bottom = {"datasets", "metrics", "model_selection", "utils"}
    for layer in bottom:
        assert graph.get(layer, set()) <= bottom, f"{layer} imports {graph[layer] - bottom}"
    assert not graph.get("utils"), "utils imports other subpackages"
    importers = {top: {a for a, targets in graph.items() if top in targets}
                 for top in ("cli", "report")}
    assert importers == {"cli": set(), "report": {"cli"}}


def test_datasets_never_imports_video():
    reached, todo = set(), [n for n in MODULES if n.startswith("skgenre.datasets")]
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo.extend(_imports(name, lazy=True))
    assert not {n for n in reached if n.startswith(("skgenre.video", "skgenre.vision",
                                                      "skgenre.nn"))}


def _private_sklearn_imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and not node.level:
            found = [(node.module, [a.name for a in node.names])]
        elif isinstance(node, ast.Import):
            found = [(a.name, []) for a in node.names]
        else:
            continue
        for module, names in found:
            parts = module.split(".") + names
            if parts[0] == "sklearn" and any(
                    p.startswith("_") and not p.startswith("__") for p in parts):
                yield f"{module}: {names}"


def test_one_module_imports_private_scikit_learn_api():
    offenders = {name: list(_private_sklearn_imports(path))
                 for name, (path, _) in MODULES.items() if name != COMPAT}
    assert {k: v for k, v in offenders.items() if v} == {}
    assert list(_private_sklearn_imports(MODULES[COMPAT][0]))  # the one that does


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_over_600_lines(name):
    n_lines = len(MODULES[name][0].read_text(encoding="utf-8").splitlines())
    assert n_lines <= MAX_LINES, f"{name} has {n_lines} lines; split it along a seam"
