"""skgenre.save_model / load_model: exact round trips, and no code run on load."""

import os
import pickle
import subprocess
import sys
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
import skops.io as sio
import torch
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skgenre import MovieGenreStacker, UntrustedModelError, load_model, make_movies, save_model
from skgenre._persistence import FORMAT, _JsonData, _placeholder, _StringTable, _Stripper, _TorchObject
from skgenre.ensemble import default_estimators
from skgenre.nn import GenreMLP

pytestmark = pytest.mark.xdist_group("persistence")


@pytest.fixture(scope="module")
def movies(tmp_path_factory):
    movies = make_movies(40, n_genres=3, random_state=0, path=tmp_path_factory.mktemp("m"))
    return movies.data, pd.DataFrame(np.asarray(movies.target), columns=movies.target_names)


@pytest.fixture(scope="module")
def stacker(movies):
    """The default stacker, all four modalities, nets cut to two epochs."""
    X, Y = movies
    estimators = default_estimators(X, random_state=0)
    assert [name for name, _, _ in estimators] == ["text", "poster", "trailer", "metadata"]
    for _, estimator, _ in estimators:
        estimator.set_params(**{k: 2 for k in estimator.get_params() if k.endswith("max_epochs")})
    return MovieGenreStacker(estimators, cv=2, random_state=0).fit(X, Y)


@pytest.fixture(scope="module")
def mlp():
    rng = np.random.RandomState(0)
    X = rng.rand(60, 5).astype(np.float32)
    Y = (X[:, :3] > 0.5).astype(int)
    return GenreMLP((8,), max_epochs=3, random_state=0).fit(X, Y), X


def test_default_stacker_round_trip_is_exact(stacker, movies, tmp_path):
    X, _ = movies
    before = stacker.predict_modalities(X, fusion=True)
    path = save_model(stacker, tmp_path / "model.skops", metadata={"genres": ["a", "b"]})
    # Saving does not modify the model (its torch objects are replaced in a copy).
    net = stacker.named_estimators_["poster"][-1].net_
    assert isinstance(net.module_, torch.nn.Module)
    loaded, metadata = load_model(path, return_metadata=True)
    assert metadata == {"genres": ["a", "b"]}
    after = loaded.predict_modalities(X, fusion=True)
    assert set(after) == {"text", "poster", "trailer", "metadata", "fusion"}
    for name in before:
        np.testing.assert_array_equal(after[name], before[name], err_msg=name)
    np.testing.assert_array_equal(loaded.predict(X), stacker.predict(X))


def test_net_keeps_training_state(mlp, tmp_path):
    """The optimizer is rebuilt on the loaded parameters with its moments."""
    clf, X = mlp
    loaded = load_model(save_model(clf, tmp_path / "mlp.skops"))
    net = loaded.net_
    params = list(net.module_.parameters())
    assert [p for g in net.optimizer_.param_groups for p in g["params"]] == params
    old = clf.net_.optimizer_.state_dict()["state"][0]["exp_avg"]
    np.testing.assert_array_equal(net.optimizer_.state_dict()["state"][0]["exp_avg"], old)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    # One more training step on the loaded net moves its optimizer on from the saved state.
    Xt, yt = torch.as_tensor(X[:16]), torch.as_tensor((X[:16, :3] > 0.5).astype(np.float32))
    step = int(net.optimizer_.state_dict()["state"][0]["step"])
    net.module_.train()
    net.optimizer_.zero_grad()
    net.get_loss(net.infer(Xt), yt).backward()
    net.optimizer_.step()
    assert int(net.optimizer_.state_dict()["state"][0]["step"]) == step + 1


def test_torch_values_round_trip(tmp_path):
    shared = torch.nn.Parameter(torch.arange(4.0))
    obj = {
        "bf16": torch.tensor([1.5, -2.0], dtype=torch.bfloat16),
        "int": torch.arange(3),
        "device": torch.device("cpu"),
        "dtype": torch.float16,
        "size": torch.Size([2, 3]),
        "same": [shared, shared],
        "module": torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU()),
    }
    loaded = load_model(save_model(obj, tmp_path / "t.skops"))
    assert loaded["bf16"].dtype == torch.bfloat16 and loaded["bf16"].tolist() == [1.5, -2.0]
    assert loaded["int"].dtype == torch.int64
    assert loaded["device"] == torch.device("cpu") and loaded["dtype"] is torch.float16
    assert loaded["size"] == (2, 3)
    assert loaded["same"][0] is loaded["same"][1]  # shared stays shared
    assert isinstance(loaded["same"][0], torch.nn.Parameter)
    x = torch.rand(3, 2)
    torch.testing.assert_close(loaded["module"](x), obj["module"](x), rtol=0, atol=0)


def test_optimizer_and_scheduler_share_the_loaded_parameters(tmp_path):
    module = torch.nn.Linear(2, 2)
    optimizer = torch.optim.SGD(module.parameters(), lr=0.1, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    module(torch.ones(1, 2)).sum().backward()
    optimizer.step()
    scheduler.step()
    loaded = load_model(save_model([module, optimizer, scheduler], tmp_path / "o.skops"))
    module, optimizer, scheduler = loaded
    assert optimizer.param_groups[0]["params"][0] is module.weight
    assert scheduler.optimizer is optimizer and optimizer.param_groups[0]["lr"] == 0.05
    assert "momentum_buffer" in optimizer.state[module.weight]
    scheduler.step()
    assert optimizer.param_groups[0]["lr"] == 0.025


def _strip(obj):
    """What save_model stores for ``obj`` (inside a list that cannot be packed itself)."""
    return _Stripper()([obj, np.zeros(1)], "model")[0]


def test_optimizer_of_format_2_still_loads(tmp_path):
    """Files of format 2 hold no optimizer defaults: the optimizer is constructed."""
    module = torch.nn.Linear(2, 2)
    optimizer = torch.optim.Adam(module.parameters(), lr=0.01)
    module(torch.ones(1, 2)).sum().backward()
    optimizer.step()
    bundle = _Stripper()({"module": module, "optimizer": optimizer}, "model")
    del bundle["optimizer"].defaults
    path = tmp_path / "v2.skops"
    sio.dump(_bundle(bundle), path)
    loaded = load_model(path)
    assert loaded["optimizer"].param_groups[0]["params"][0] is loaded["module"].weight
    assert loaded["optimizer"].param_groups[0]["lr"] == 0.01
    np.testing.assert_array_equal(loaded["optimizer"].state[loaded["module"].weight]["exp_avg"],
                                  optimizer.state[module.weight]["exp_avg"])


def test_loading_a_net_does_not_import_torch_dynamo(mlp, tmp_path):
    """Rebuilding optimizers by their __setstate__ keeps torch._dynamo (2 s) out of predict."""
    path = save_model(mlp[0], tmp_path / "mlp.skops")
    code = ("import sys; from skgenre import load_model; "
            f"load_model({str(path)!r}); print('torch._dynamo' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("container", [
    {f"term {i}": i for i in range(200)},
    {f"t{i}": np.int32(i) for i in range(100)},
    [f"w{i}" for i in range(100)] + ["caf\u00e9", "\U0001f3ac", "", "a\udc80"],
    tuple(f"w{i}" for i in range(100)),
    {f"w{i}" for i in range(100)},
    frozenset(f"w{i}" for i in range(100)),
])
def test_large_string_containers_are_packed_and_round_trip(container, tmp_path):
    assert isinstance(_strip(container), _StringTable)
    loaded = load_model(save_model({"x": container, "again": container}, tmp_path / "s.skops"))
    assert type(loaded["x"]) is type(container) and loaded["x"] == container
    if isinstance(container, dict):
        assert [type(v) for v in loaded["x"].values()] == [type(v) for v in container.values()]
        assert list(loaded["x"]) == list(container)  # order kept
    assert loaded["again"] is loaded["x"]  # shared stays shared


@pytest.mark.parametrize("container", [
    {f"t{i}": i for i in range(10)},  # small: kept as it is
    {f"t{i}": float(i) for i in range(100)},  # not integer values
    {i: i for i in range(100)},  # not str keys
    {f"t{i}": True for i in range(100)},  # bool is not int here
    [f"w{i}" for i in range(99)] + [1],
])
def test_other_containers_are_not_packed(container):
    assert not isinstance(_strip(container), _StringTable)


def test_net_history_is_packed_as_json_and_round_trips(mlp, tmp_path):
    X = mlp[1]
    clf = GenreMLP((4,), max_epochs=8, random_state=0).fit(X, (X[:, :3] > 0.5).astype(int))
    stripped = _Stripper()(clf, "model")
    assert isinstance(stripped.state["net_"].state["history_"], _JsonData)
    loaded = load_model(save_model(clf, tmp_path / "h.skops"))
    history, saved = loaded.net_.history_, clf.net_.history_
    assert type(history) is type(saved) and history == saved
    assert [type(v) for v in history[-1].values()] == [type(v) for v in saved[-1].values()]
    assert history[:, "train_loss"] == saved[:, "train_loss"]  # still a skorch History


@pytest.mark.parametrize("data, packed", [
    ({"a": [{"x": 1.5, "y": np.float64(2), "z": None, "b": np.bool_(True)}] * 1}, False),
    ({f"k{i}": [i, float(i), str(i), np.float32(i), np.int64(i)] for i in range(70)}, True),
    ({f"k{i}": (i,) for i in range(70)}, False),  # a tuple would come back a list
    ({f"k{i}": {"__numpy__": i} for i in range(70)}, False),  # the tag itself
    ([[i] for i in range(70)] + [np.arange(2)], False),
])
def test_plain_data_is_packed_only_when_exact(data, packed, tmp_path):
    assert isinstance(_strip(data), _JsonData) is packed
    loaded = load_model(save_model({"x": data}, tmp_path / "j.skops"))["x"]
    flat = lambda d: list(d.values()) if isinstance(d, dict) else d  # noqa: E731
    for a, b in zip(flat(loaded), flat(data)):
        assert type(a) is type(b)
        if not isinstance(b, np.ndarray):
            assert a == b and [type(v) for v in a] == [type(v) for v in b]


@pytest.mark.parametrize("attrs, error, match", [
    ({"cls": "list", "text": 3}, UntrustedModelError, "JSON data placeholder"),
    ({"cls": "list", "text": '{"a": 1}'}, UntrustedModelError, "JSON data placeholder"),
    ({"cls": "list", "text": '[{"__numpy__": ["object", 1]}]'}, UntrustedModelError,
     "numpy scalar of type 'object'"),
    ({"cls": "os._wrap_close", "text": "[]"}, UntrustedModelError, "os._wrap_close"),
])
def test_damaged_or_untrusted_json_data_is_refused(attrs, error, match, tmp_path):
    path = tmp_path / "bad.skops"
    sio.dump(_bundle({"x": _placeholder(_JsonData, **attrs)}), path)
    with pytest.raises(error, match=match):
        load_model(path)


def test_shared_list_is_not_packed():
    inner = list(range(100))
    assert not isinstance(_Stripper()({"a": inner, "b": [inner]}, "model")["b"], _JsonData)
    assert not isinstance(_Stripper()([[inner, inner]], "model")[0], _JsonData)


def test_damaged_string_table_is_refused(tmp_path):
    table = _strip([f"w{i}" for i in range(100)])
    table.ends = table.ends + 5
    path = tmp_path / "bad.skops"
    sio.dump(_bundle({"x": table}), path)
    with pytest.raises(UntrustedModelError, match="packed string table"):
        load_model(path)


def test_net_saved_on_gpu_loads_on_cpu(mlp, tmp_path):
    from skorch.exceptions import DeviceWarning

    clf, X = mlp
    if torch.cuda.is_available():  # pragma: no cover - CI has no GPU
        pytest.skip("the CPU-only path needs a machine without CUDA")
    expected = clf.predict_proba(X)
    clf.net_.device = "cuda"  # as after a GPU fit
    try:
        path = save_model(clf, tmp_path / "gpu.skops")
    finally:
        clf.net_.device = "cpu"
    with pytest.warns(DeviceWarning, match="cuda"):
        loaded = load_model(path)
    assert loaded.net_.device == "cpu"
    np.testing.assert_array_equal(loaded.predict_proba(X), expected)


class _Payload:
    """Unpickling this writes a marker file: code chosen by the file's author."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_malicious_pickle_is_refused_and_never_run(tmp_path):
    marker = tmp_path / "pwned"
    with open(tmp_path / "evil.pkl", "wb") as file:
        pickle.dump(_Payload(str(marker)), file)
    joblib.dump({"format": FORMAT, "stacker": _Payload(str(marker))}, tmp_path / "evil.joblib")
    for name in ("evil.pkl", "evil.joblib"):
        with pytest.raises(UntrustedModelError, match="pickle .*allow_pickle=True"):
            load_model(tmp_path / name)
        assert not marker.exists()
    load_model(tmp_path / "evil.pkl", allow_pickle=True)  # the test can fail: the payload runs
    assert marker.exists()


def test_legacy_file_loads_with_allow_pickle(mlp, tmp_path):
    clf, X = mlp
    path = tmp_path / "legacy.joblib"
    joblib.dump({"format": FORMAT, "format_version": 1, "genre_names": ["a", "b", "c"],
                 "stacker": clf}, path)
    loaded, metadata = load_model(path, allow_pickle=True, return_metadata=True)
    assert metadata == {"format": FORMAT, "format_version": 1, "genre_names": ["a", "b", "c"]}
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def double(X):
    return 2 * X


def _bundle(model):
    return {"format": FORMAT, "format_version": 2, "versions": "{}", "metadata": "{}",
            "model": model}


def test_untrusted_function_is_named_and_can_be_trusted(tmp_path):
    model = make_pipeline(FunctionTransformer(double)).fit(np.ones((2, 1)))
    path = save_model(model, tmp_path / "f.skops")
    name = f"{double.__module__}.double"
    with pytest.raises(UntrustedModelError, match=f"{name}.*trusted="):
        load_model(path)
    loaded = load_model(path, trusted=[name])
    np.testing.assert_array_equal(loaded.transform(np.ones((1, 1))), [[2.0]])


class Doubler(torch.nn.Module):
    """A torch module of the user's own: not trusted until the user says so."""

    def forward(self, x):
        return 2 * x


def test_untrusted_module_class_is_named_and_can_be_trusted(tmp_path):
    path = save_model({"net": Doubler()}, tmp_path / "d.skops")
    name = f"{Doubler.__module__}.Doubler"
    with pytest.raises(UntrustedModelError, match=f"classes .*{name}"):
        load_model(path)
    loaded = load_model(path, trusted=[name])
    assert loaded["net"](torch.ones(1)).item() == 2.0


def _crafted_skorch_net(mlp, tmp_path):
    """A raw skorch net in a skops file: skops would call its __setstate__ (which
    unpickles)."""
    path = tmp_path / "raw_net.skops"
    sio.dump(_bundle(mlp[0].net_), path)
    return path


def _crafted_class(mlp, tmp_path):
    path = tmp_path / "os.skops"
    sio.dump(_bundle(_placeholder(_TorchObject, cls="os._wrap_close", state={})), path)
    return path


def _crafted_torch_class(mlp, tmp_path):
    path = tmp_path / "torch.skops"
    sio.dump(_bundle(_placeholder(_TorchObject, cls="torch.serialization.LoadEndianness",
                                  state={})), path)
    return path


def _foreign_skops(mlp, tmp_path):
    path = tmp_path / "foreign.skops"
    sio.dump({"hello": 1}, path)
    return path


def _garbage(mlp, tmp_path):
    path = tmp_path / "garbage.skops"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    return path


@pytest.mark.parametrize("make, error, match", [
    (_crafted_skorch_net, UntrustedModelError, r"types .*skgenre\.nn\._net\.MultilabelNet"),
    (_crafted_class, UntrustedModelError, r"classes .*os\._wrap_close"),
    (_crafted_torch_class, UntrustedModelError, r"classes .*LoadEndianness"),
    (_foreign_skops, ValueError, "not a skgenre model file"),
    (_garbage, ValueError, "not a readable skops model file"),
])
def test_load_errors(mlp, tmp_path, make, error, match):
    with pytest.raises(error, match=match):
        load_model(make(mlp, tmp_path))


@pytest.mark.parametrize("metadata, error, match", [
    ({"f": double}, TypeError, "JSON-serialisable"),
    ("genres", TypeError, "JSON-serialisable"),
])
def test_save_errors(tmp_path, metadata, error, match):
    with pytest.raises(error, match=match):
        save_model([1], tmp_path / "m.skops", metadata=metadata)
    assert os.listdir(tmp_path) == []  # nothing left behind


def test_version_mismatch_warns(mlp, tmp_path, monkeypatch):
    import skgenre._persistence as persistence

    path = save_model(mlp[0], tmp_path / "m.skops")
    monkeypatch.setattr(persistence, "_versions", lambda: {"skgenre": "9.9", "torch": "1.0"})
    with pytest.warns(UserWarning, match=r"saved with skgenre .* \(now 9\.9\)"):
        load_model(path)
    monkeypatch.undo()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_model(path)
