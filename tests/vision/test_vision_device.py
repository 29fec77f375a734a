"""A poster or trailer embedder fitted on a GPU predicts on a CPU-only machine.

No GPU exists in CI: the state after unpickling such a model (``device="cuda"`` kept as
the parameter, backbone on the CPU) is reproduced and must transform on the CPU.
"""

import pickle
import warnings

import numpy as np
import pytest
import torch

from skgenre.video import TrailerEmbedder
from skgenre.vision import PosterEmbedder


@pytest.fixture
def images():
    rng = np.random.RandomState(0)
    return [rng.randint(0, 255, (24, 24, 3), dtype=np.uint8) for _ in range(3)]


def as_if_fitted_on_gpu(embedder):
    embedder.set_params(device="cuda")
    return embedder


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_poster_embedder_from_gpu_transforms_on_cpu(images):
    embedder = PosterEmbedder("small", input_size=32, random_state=0).fit(images)
    expected = embedder.transform(images)
    gpu_fitted = as_if_fitted_on_gpu(embedder)
    with pytest.warns(UserWarning, match="does not have"):
        loaded = pickle.loads(pickle.dumps(gpu_fitted))
    np.testing.assert_allclose(loaded.transform(images), expected, rtol=1e-6)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_trailer_embedder_from_gpu_transforms_on_cpu(images):
    frames = np.empty(2, dtype=object)
    frames[0], frames[1] = np.stack(images), np.stack(images[::-1])
    embedder = TrailerEmbedder("small", input_size=32, n_frames=3, random_state=0).fit(frames)
    expected = embedder.transform(frames)
    with pytest.warns(UserWarning, match="does not have"):
        loaded = pickle.loads(pickle.dumps(as_if_fitted_on_gpu(embedder)))
    np.testing.assert_allclose(loaded.transform(frames), expected, rtol=1e-6)


def test_cpu_model_pickles_without_warning(images):
    embedder = PosterEmbedder("small", input_size=32, random_state=0).fit(images)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pickle.loads(pickle.dumps(embedder))
