"""Model files written by an attacker: refused before anything is imported or run.

For every class or function named in a saved four-modality default model, a file with
that name replaced by (a) a module with import side effects under a trusted-looking name
(skgenre's and torch's ``__main__``, a module and a package made here that write a marker
file when imported), (b) an untrusted builtin (``os.system``, ``builtins.eval``,
``subprocess.Popen``), and, for every object, (c) a trusted class whose attributes hold an
untrusted type: each load raises UntrustedModelError naming the type, imports no module
that was not already imported, and runs nothing (the marker is never written).
"""

import json
import sys
import zipfile

import pytest

from skgenre import UntrustedModelError, load_model, save_model
from skgenre.cli import main

pytestmark = pytest.mark.xdist_group("io")

EVIL_MODULES = ["skgenre.__main__", "torch.utils.model_dump.__main__", "skgenre_evil",
                "sklearn_extras.linear_model"]
UNTRUSTED = ["os.system", "builtins.eval", "subprocess.Popen"]


@pytest.fixture(scope="module")
def evil(tmp_path_factory):
    """A module and a package on sys.path whose import writes ``marker``."""
    folder = tmp_path_factory.mktemp("evil")
    marker = folder / "pwned"
    payload = f"open({str(marker)!r}, 'w').write('ran')\nclass Cls:\n    pass\n"
    (folder / "skgenre_evil.py").write_text(payload)
    (folder / "sklearn_extras").mkdir()
    (folder / "sklearn_extras" / "__init__.py").write_text(payload)
    (folder / "sklearn_extras" / "linear_model.py").write_text(payload)
    sys.path.insert(0, str(folder))
    yield marker
    sys.path.remove(str(folder))


@pytest.fixture(scope="module")
def saved(fitted, tmp_path_factory):
    """The default stacker's file: its tree and its other members (the arrays)."""
    model, _ = fitted("default")
    path = save_model(model, tmp_path_factory.mktemp("model") / "model.skgenre")
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist() if n != "model.json"}
        header = json.loads(archive.read("model.json"))
    assert set(model.modalities_) == {"text", "poster", "trailer", "metadata"}
    return header, members


def named_nodes(node, where=()):
    """``(place, field)`` of every node naming a class or function."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from named_nodes(item, (*where, i))
    elif isinstance(node, dict):
        if node.get("T") in ("object", "name"):
            yield where, "cls" if node["T"] == "object" else "v"
        for key, item in node.items():
            yield from named_nodes(item, (*where, key))


def _node(tree, where):
    for key in where:
        tree = tree[key]
    return tree


def _write(path, header, members):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("model.json", json.dumps(header))
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _crafts(header):
    """``(name injected, header)`` for every node and every attack (the header is changed
    in place, and restored after each)."""
    for where, field in list(named_nodes(header["model"])):
        node = _node(header["model"], where)
        name = node[field]
        for injected in [f"{m}.{name.rpartition('.')[2]}" for m in EVIL_MODULES] + UNTRUSTED:
            node[field] = injected
            yield injected, header
        node[field] = name
        state = node.get("state")
        if field == "cls" and (state is None or "v" in state):  # (c) an untrusted attribute
            for payload in [{"T": "name", "v": "os.system"},
                            {"T": "object", "id": 10 ** 6, "cls": "subprocess.Popen",
                             "call": [["touch", "pwned"]]}]:
                attributes = {} if state is None else state["v"]
                node["state"] = {"T": "dict", "v": {**attributes, "evil_": payload}}
                yield payload.get("cls", payload.get("v")), header
            if state is None:
                del node["state"]
            else:
                node["state"] = state


def test_every_node_replaced_by_an_attack_is_refused_without_import(saved, evil, tmp_path):
    header, _ = saved
    n_cases = 0
    # The crafted files hold the tree alone: the refusal comes before any array is read.
    for injected, crafted in _crafts(json.loads(json.dumps(header))):
        path = _write(tmp_path / "crafted.skgenre", crafted, {})
        modules = set(sys.modules)
        with pytest.raises(UntrustedModelError, match=f"'{injected}'"):
            load_model(path)
        assert set(sys.modules) == modules, injected
        assert not evil.exists(), injected
        n_cases += 1
    assert n_cases > 500, n_cases  # every node of four modalities, seven attacks each


def test_the_issue_reproduction_is_refused(tmp_path, evil):
    """Issue 24: a saved PerGenreClassifier whose module names skgenre.__main__ ran the
    command line (argparse, SystemExit) when loaded."""
    from skgenre.multioutput import PerGenreClassifier

    model = PerGenreClassifier().fit([[0.0], [1.0], [0.0], [1.0]], [[0, 1], [1, 0]] * 2)
    path = save_model(model, tmp_path / "model.skgenre")
    with zipfile.ZipFile(path) as archive:
        text = archive.read("model.json").decode()
        members = {n: archive.read(n) for n in archive.namelist() if n != "model.json"}
    header = json.loads(text.replace('"skgenre.multioutput._per_genre.PerGenreClassifier"',
                                     '"skgenre.__main__.PerGenreClassifier"'))
    crafted = _write(tmp_path / "crafted.skgenre", header, members)
    argv, modules = list(sys.argv), set(sys.modules)
    with pytest.raises(UntrustedModelError, match=r"skgenre\.__main__\.PerGenreClassifier"):
        load_model(crafted)
    assert "skgenre.__main__" not in sys.modules and set(sys.modules) == modules
    assert sys.argv == argv
    # From the command line: one line on stderr, exit 2, and still nothing imported.
    assert main(["info", "--model", str(crafted)]) == 2
    assert set(sys.modules) == modules


def test_trusting_a_name_trusts_only_that_name(saved, evil, tmp_path):
    """Trusting the refused name of one attack does not let a second one through."""
    header, members = saved
    crafted = json.loads(json.dumps(header))
    where = [w for w, f in named_nodes(crafted["model"]) if f == "v"]
    _node(crafted["model"], where[0])["v"] = "os.system"
    _node(crafted["model"], where[1])["v"] = "skgenre_evil.Cls"
    path = _write(tmp_path / "two.skgenre", crafted, members)
    with pytest.raises(UntrustedModelError, match=r"\['os\.system', 'skgenre_evil\.Cls'\]"):
        load_model(path)
    with pytest.raises(UntrustedModelError, match=r"\['skgenre_evil\.Cls'\]") as error:
        load_model(path, trusted=["os.system"])
    assert "os.system" not in str(error.value).split("[", 1)[1].split("]")[0]
    assert not evil.exists()
