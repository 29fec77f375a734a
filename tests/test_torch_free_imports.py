"""Reading trailers and making a catalogue need no torch: the decoding modules, the
feature cache, the progress bar, the device helper and make_movies import without it."""

import subprocess
import sys

import pytest

pytest.importorskip("av")

# A fresh interpreter where importing torch fails, so an import of torch anywhere in
# the chain is an error, not a slow success.
BLOCK_TORCH = """
import sys

class BlockTorch:
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ImportError(f"{name} is blocked in this test")

sys.meta_path.insert(0, BlockTorch())
"""


def test_reading_trailers_does_not_import_torch(tmp_path):
    code = BLOCK_TORCH + f"""
import numpy as np
import skgenre.utils, skgenre.utils._cache, skgenre.utils._progress, skgenre.utils._device
import skgenre.video._sampling, skgenre.video._decode, skgenre.video._frames
import skgenre.video._sampler
from skgenre.video import FrameSampler, read_trailer, write_video
path = write_video({str(tmp_path / "t.mp4")!r}, np.zeros((6, 16, 16, 3), np.uint8), fps=6)
assert read_trailer(path, n_frames=3).shape == (3, 16, 16, 3)
assert FrameSampler(n_frames=2, size=8).fit_transform([path])[0].shape == (2, 8, 8, 3)
assert "torch" not in sys.modules, "torch was imported"
"""
    subprocess.run([sys.executable, "-c", code], check=True)


def test_making_a_catalogue_and_reading_the_registry_need_no_modality(tmp_path):
    code = BLOCK_TORCH + f"""
from skgenre.datasets import MODALITY_REGISTRY, get_modality, make_movies, media_columns
movies = make_movies(12, n_genres=2, path={str(tmp_path / "movies")!r}, trailer_frames=(4, 6))
assert movies.data["trailer"].str.endswith(".mp4").any()
assert get_modality("plot").columns == ("plot",) and media_columns() == ("poster", "trailer")
assert "torch" not in sys.modules, "torch was imported"
imported = [m for m in sys.modules
            if m.split(".")[:2] in (["skgenre", s] for s in ("text", "vision", "video", "metadata"))]
assert not imported, imported
"""
    subprocess.run([sys.executable, "-c", code], check=True)


def test_torch_estimators_load_on_first_use():
    import skgenre.video as video

    assert {"TrailerEmbedder", "Trailer3DCNN", "slice_trailers"} <= set(dir(video))
    assert video.TrailerEmbedder.__module__ == "skgenre.video._embedder"
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        video.Nope  # noqa: B018
