"""
Bringing pretrained VGG-16 weights
==================================

The multimodal genre studies embed posters (and trailer frames) with an ImageNet-trained
VGG-16: the 4096 activations of its ``fc7`` layer. skgenre defines VGG-16 itself, with
torchvision's parameter names, so a torchvision checkpoint such as
``vgg16-397923af.pth`` loads with ``weights=<path>`` and no torchvision install.

Usage::

    python plot_pretrained_vgg16.py /path/to/vgg16-397923af.pth

Without a path (or the ``SKGENRE_VGG16_WEIGHTS`` environment variable), this example
cannot download anything: it saves a *randomly initialised* VGG-16 state dict in
torchvision's format to a temporary file and loads that instead, to show the code path.
The features are then those of a random network, so expect modest accuracy; with real
ImageNet weights, the same code gives the study's poster model.
"""

# %%
# A checkpoint in torchvision's format
# ------------------------------------
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from skgenre.vision import VGG16

torch.set_num_threads(min(2, torch.get_num_threads()))

given = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SKGENRE_VGG16_WEIGHTS")
tmp = tempfile.TemporaryDirectory(prefix="skgenre_vgg16_")  # removed at the end
workdir = Path(tmp.name)
if given:
    weights = Path(given)
    print(f"using the pretrained weights in {weights}")
else:
    torch.manual_seed(0)
    weights = workdir / "vgg16-random.pth"
    torch.save(VGG16().state_dict(), weights)  # same keys as torchvision's vgg16()
    print(f"no weights given: saved a randomly initialised VGG-16 to {weights}")

state = torch.load(weights, map_location="cpu", weights_only=True)
print(f"{len(state)} tensors, e.g. {list(state)[:3]} ... {list(state)[-1]}")

# %%
# The poster model with these weights
# -----------------------------------
# ``make_poster_model("vgg16_mlp", weights=...)`` is the study's poster model: frozen
# VGG-16 fc7 features, standardised, then a 4096-1000-n MLP. ``input_size`` is the image
# side fed to the network: 224 is VGG-16's native size (and the study's); 32, the
# smallest its adaptive pooling accepts, keeps this example fast on a CPU. ``memory=``
# caches each poster's features on disk, so a grid search or the stacker's
# cross-validation never runs the network twice on the same image.
from skgenre.datasets import make_movies  # noqa: E402
from skgenre.metrics import average_precision  # noqa: E402
from skgenre.model_selection import multilabel_train_test_split  # noqa: E402
from skgenre.vision import make_poster_model  # noqa: E402

movies = make_movies(80, modalities=("poster",), missing_rate=0.0, random_state=0,
                     path=workdir / "movies")
posters, Y = movies.data["poster"].to_numpy(), movies.target
P_train, P_test, Y_train, Y_test = multilabel_train_test_split(
    posters, Y, stratify=Y, test_size=0.3, random_state=0
)
model = make_poster_model(
    "vgg16_mlp", weights=str(weights), input_size=32, memory=workdir / "cache",
    max_epochs=20, random_state=0,
)
start = time.perf_counter()
model.fit(P_train, Y_train)
print(f"fitted on {len(P_train)} posters in {time.perf_counter() - start:.1f} s")
proba = model.predict_proba(P_test)
prior = np.tile(Y_train.mean(axis=0), (len(Y_test), 1))
print(f"macro AP: model {average_precision(Y_test, proba):.3f}, "
      f"genre-frequency prior {average_precision(Y_test, prior):.3f}")

# %%
# A few test posters, with their true genres and the model's two most likely ones.
import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image  # noqa: E402

genres = movies.target_names
fig, axes = plt.subplots(1, 4, figsize=(10, 3.6), layout="constrained")
for ax, path, truth, p in zip(axes, P_test, Y_test, proba):
    with Image.open(path) as img:
        ax.imshow(img.convert("RGB"))
    top = np.argsort(-p)[:2]
    ax.set_title("true: " + ", ".join(g for g, y in zip(genres, truth) if y)
                 + "\nmodel: " + ", ".join(f"{genres[j]} {p[j]:.2f}" for j in top), fontsize=8)
    ax.axis("off")
plt.show()

# %%
# The checkpoint, loaded unchanged
# --------------------------------
# The embedder loaded the file with :func:`~skgenre.vision.load_backbone`, which checks
# every key and shape and raises a :class:`~skgenre.vision.WeightsError` naming the
# missing or unexpected keys for a checkpoint of another network. The same function gives
# the bare network for your own use: ``load_backbone("vgg16", weights=path)``.
backbone = model.named_steps["embedder"].backbone_
print(f"{backbone.name}: {backbone.n_features} features from {backbone.input_size}px images")
loaded = backbone.model.state_dict()
same = all(torch.equal(loaded[k], v) for k, v in state.items())
print(f"all {len(state)} tensors equal to the checkpoint's: {same}")
del state, loaded, backbone

# %%
# The same weights inside the stacker
# -----------------------------------
# Hand the poster model to :class:`~skgenre.ensemble.MovieGenreStacker` as the
# ``"poster"`` estimator, next to the other modalities::
#
#     from skgenre import MovieGenreStacker
#     stacker = MovieGenreStacker([
#         ("text", make_text_model(), "plot"),
#         ("poster", make_poster_model("vgg16_mlp", weights=weights, memory="cache"),
#          "poster"),
#     ])
#
# Trailer frames use the same backbones: see :class:`~skgenre.video.TrailerEmbedder`.

# %%
tmp.cleanup()  # the checkpoint copy and the feature cache
