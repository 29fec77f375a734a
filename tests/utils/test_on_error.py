"""The one on_error vocabulary."""

import pytest

from skgenre.utils import ON_ERROR, check_on_error


def test_vocabulary():
    assert ON_ERROR == ("raise", "missing")
    assert [check_on_error(v) for v in ON_ERROR] == list(ON_ERROR)


def test_former_spelling_warns_and_translates():
    with pytest.warns(FutureWarning, match=r"Owner: on_error='zero' is now spelled "
                                           r"on_error='missing'"):
        assert check_on_error("zero", "Owner") == "missing"


@pytest.mark.parametrize("value", ["skip", "ignore", None])
def test_unknown_values_raise(value):
    with pytest.raises(ValueError, match="on_error must be one of"):
        check_on_error(value)


# --------------------------------------------------- the advice of MediaReadError is true

READERS = ["PosterEmbedder", "PosterCNN", "TrailerEmbedder", "FrameSampler", "Trailer3DCNN"]


def _reader(name):
    """(modality, the fitted reader, the method that reads items) of a media reader."""
    import numpy as np

    from skgenre.video import FrameSampler, Trailer3DCNN, TrailerEmbedder
    from skgenre.vision import PosterCNN, PosterEmbedder

    rng = np.random.default_rng(0)
    Y = np.tile([[1, 0], [0, 1]], (3, 1))
    if name == "PosterEmbedder":
        return "poster", PosterEmbedder("color", input_size=16).fit(), "transform"
    if name == "PosterCNN":
        cnn = PosterCNN(backbone="color", input_size=16, max_epochs=1, validation_fraction=0,
                        random_state=0)
        return "poster", cnn.fit(rng.integers(0, 256, (6, 16, 16, 3), dtype=np.uint8), Y), \
            "predict_proba"
    if name == "TrailerEmbedder":
        return "trailer", TrailerEmbedder("color", input_size=16, n_frames=2).fit(), "transform"
    if name == "FrameSampler":
        return "trailer", FrameSampler(n_frames=2, size=8).fit([]), "transform"
    cnn = Trailer3DCNN(slice_length=3, n_frames=6, frame_size=8, channels=(2,) * 6,
                       hidden_layer_sizes=(4, 4),
                       max_epochs=1, validation_fraction=0, random_state=0)
    return "trailer", cnn.fit(rng.integers(0, 256, (6, 6, 8, 8, 3), dtype=np.uint8), Y), \
        "predict_proba"


@pytest.mark.parametrize("name", READERS)
def test_every_media_reader_takes_the_fix_its_error_names(tmp_path, name):
    """An unreadable file raises a MediaReadError whose ``fix`` (on_error="missing"), set
    on the very estimator that raised it, makes the same call work, with a warning."""
    import warnings

    from skgenre.utils import MediaReadError

    modality, estimator, method = _reader(name)
    bad = tmp_path / ("poster.jpg" if modality == "poster" else "trailer.mp4")
    bad.write_bytes(b"<html>404</html>")
    with pytest.raises(MediaReadError, match="on_error='missing'") as info:
        getattr(estimator, method)([str(bad)])
    assert info.value.modality == modality and info.value.path == str(bad)
    estimator.set_params(**info.value.fix)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        getattr(estimator, method)([str(bad)])
    assert any(str(bad) in str(w.message) for w in record)
