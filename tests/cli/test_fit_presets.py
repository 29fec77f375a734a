"""``skgenre fit --preset`` and ``--no-cache``: the stacker's preset and memory=False."""

import pytest

from skgenre import load_model
from skgenre.cli import main
from skgenre.datasets import make_movies

pytestmark = pytest.mark.xdist_group("cli")


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    folder = tmp_path_factory.mktemp("movies")
    movies = make_movies(60, n_genres=3, modalities=("plot", "metadata", "poster"),
                         random_state=0, path=folder / "catalogue")
    return movies.manifest


def test_fit_preset_fast_without_cache_writes_no_cache(manifest, tmp_path, monkeypatch):
    monkeypatch.setenv("SKGENRE_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "model.skgenre"
    assert main(["fit", "--data", str(manifest), "--out", str(out), "-q", "--preset", "fast",
                 "--no-cache", "--set", "cv=2", "--modalities", "plot,poster"]) == 0
    stacker = load_model(out)
    assert stacker.preset == "fast" and stacker.memory is False
    assert "GloVe" in repr(stacker.named_estimators_["text"])
    assert stacker.named_estimators_["poster"].named_steps["embedder"].backbone == "color"
    assert not (tmp_path / "cache").exists()


def test_no_cache_with_a_cache_dir_is_one_line_exit_2(manifest, tmp_path, capsys):
    status = main(["fit", "--data", str(manifest), "--out", str(tmp_path / "m.skgenre"),
                   "--no-cache", "--cache-dir", str(tmp_path / "c")])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(err) == 1
    assert "--no-cache and --cache-dir contradict each other" in err[0]


def test_unknown_preset_is_refused_by_the_parser(manifest, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["fit", "--data", str(manifest), "--out", str(tmp_path / "m.skgenre"),
              "--preset", "huge"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'huge'" in capsys.readouterr().err
