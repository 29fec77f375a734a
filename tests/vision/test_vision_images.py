"""Image loading and preprocessing: paths, PIL images, arrays, errors naming the file."""

import io
import pickle

import numpy as np
import pytest
import torch
from PIL import Image

from skgenre.utils import MediaReadError
from skgenre.vision import ImageLoadError, load_image, preprocess_images
from skgenre.vision._images import IMAGENET_MEAN, IMAGENET_STD, image_key, load_images_uint8


@pytest.fixture
def png(tmp_path):
    rng = np.random.default_rng(0)
    array = rng.integers(0, 256, size=(24, 16, 3), dtype=np.uint8)
    path = tmp_path / "poster.png"
    Image.fromarray(array).save(path)
    return path, array


def test_same_tensor_from_path_pil_and_array(png):
    path, array = png
    from_path = preprocess_images([path], 16)
    from_pil = preprocess_images([Image.fromarray(array)], 16)
    from_array = preprocess_images([array], 16)
    assert from_path.shape == (1, 3, 16, 16) and from_path.dtype == torch.float32
    torch.testing.assert_close(from_path, from_pil, rtol=0, atol=0)
    torch.testing.assert_close(from_path, from_array, rtol=0, atol=0)


def test_imagenet_normalisation_and_resize():
    white = np.full((40, 30, 3), 255, dtype=np.uint8)
    batch = preprocess_images([white, np.zeros((10, 10, 3), np.uint8)], 8)
    expected_white = (1 - IMAGENET_MEAN) / IMAGENET_STD
    expected_black = -IMAGENET_MEAN / IMAGENET_STD
    np.testing.assert_allclose(batch[0].mean(dim=(1, 2)).numpy(), expected_white, rtol=1e-5)
    np.testing.assert_allclose(batch[1].mean(dim=(1, 2)).numpy(), expected_black, rtol=1e-5)
    assert batch.shape == (2, 3, 8, 8)


def test_grey_rgba_and_float_arrays():
    grey = np.full((5, 5), 255, dtype=np.uint8)
    rgba = np.full((5, 5, 4), 255, dtype=np.uint8)
    floats = np.ones((5, 5, 3), dtype=np.float32)
    pixels, failed = load_images_uint8([grey, rgba, floats], 4)
    assert (pixels == 255).all() and not failed.any()


def test_jpeg_draft_decoding_keeps_size(tmp_path):
    path = tmp_path / "big.jpg"
    Image.new("RGB", (200, 300), (200, 10, 10)).save(path, quality=95)
    image = load_image(path, size=32)
    assert min(image.size) >= 32 and image.size[0] < 200  # decoded at a reduced scale
    pixels, _ = load_images_uint8([path], 32)
    assert pixels.shape == (1, 3, 32, 32)
    assert abs(int(pixels[0, 0].mean()) - 200) < 6


def _corrupt(tmp_path):
    path = tmp_path / "corrupt.jpg"
    path.write_bytes(b"this is not a jpeg")
    return path


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda tmp: [tmp / "missing.jpg"], ImageLoadError, "missing.jpg' does not exist"),
        (lambda tmp: [tmp], ImageLoadError, "is a folder, not an image file"),
        (lambda tmp: [_corrupt(tmp)], ImageLoadError, "corrupt.jpg' holds text, not an image"),
        (lambda tmp: [np.zeros((4, 4, 2), np.uint8)], ImageLoadError, r"shape \(H, W, 3\)"),
        (lambda tmp: [42], TypeError, "type int"),
        (lambda tmp: str(tmp / "a.jpg"), TypeError, "sequence"),
    ],
)
def test_errors(tmp_path, make, error, match):
    with pytest.raises(error, match=match):
        preprocess_images(make(tmp_path), 8)


def test_on_error_zero_gives_black_image_and_flag(tmp_path, png):
    path, _ = png
    pixels, failed = load_images_uint8([path, tmp_path / "missing.jpg"], 8, on_error="zero")
    assert failed.tolist() == [False, True]
    assert (pixels[1] == 0).all() and pixels[0].any()
    batch = preprocess_images([tmp_path / "missing.jpg"], 8, on_error="zero")
    np.testing.assert_allclose(batch[0, :, 0, 0].numpy(), -IMAGENET_MEAN / IMAGENET_STD,
                               rtol=1e-5)
    with pytest.raises(ValueError, match="on_error"):
        preprocess_images([path], 8, on_error="skip")


def test_image_key_tracks_file_changes(png, tmp_path):
    path, array = png
    key = image_key(path)
    assert image_key(str(path)) == key
    Image.fromarray(array[:12]).save(path)
    assert image_key(path) != key
    assert image_key(array) == image_key(array.copy()) != image_key(array[::-1])
    pil = Image.fromarray(array)
    assert image_key(pil) == image_key(Image.fromarray(array.copy()))
    assert image_key(tmp_path / "nope.jpg").startswith("missing:")


def _png_header_only(path, width, height):
    """A PNG that declares ``width x height`` grey pixels but holds a few bytes."""
    import struct
    import zlib

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))
    return path


@pytest.mark.parametrize(
    "width, height, match",
    [
        # Past twice Pillow's limit: PIL raises DecompressionBombError.
        (20000, 20000, r"bomb.png' is refused: .*decompression bomb"),
        # Between once and twice the limit: PIL only warns and would decode 100 MB.
        (10000, 10000, r"bomb.png' is refused: .*10000x10000 .*MAX_IMAGE_PIXELS"),
    ],
)
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # PIL's own, at open
def test_decompression_bomb_is_an_image_load_error(tmp_path, png, width, height, match):
    bomb = _png_header_only(tmp_path / "bomb.png", width, height)
    with pytest.raises(ImageLoadError, match=match):
        load_image(bomb)
    path, _ = png
    pixels, failed = load_images_uint8([path, bomb], 8, on_error="zero")  # on_error applies
    assert failed.tolist() == [False, True] and (pixels[1] == 0).all()


def test_decompression_bomb_warning_as_error_is_still_image_load_error(tmp_path, monkeypatch):
    import warnings

    from PIL import Image

    bomb = _png_header_only(tmp_path / "bomb.png", 10000, 10000)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with pytest.raises(ImageLoadError, match="bomb.png"):
            load_image(bomb)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)  # the user's opt-out is honoured
    with pytest.raises(ImageLoadError, match="bomb.png' is truncated"):
        load_image(bomb)  # now decoded, and the truncated data is the error


def _jpeg_bytes():
    buffer = io.BytesIO()
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)).save(buffer, "JPEG")
    return buffer.getvalue()


def _write_poster(tmp_path, name, content):
    path = tmp_path / name
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    return path


# The unreadable posters a movie table meets: (file, content, what the error says).
UNREADABLE_POSTERS = [
    ("random.jpg", np.random.default_rng(0).bytes(600),
     "is not in an image format Pillow can read"),
    ("empty.jpg", b"", r"is empty \(0 bytes\)"),
    ("page.jpg", b"<!DOCTYPE html><html><body>404 Not Found</body></html>",
     r"holds HTML or XML text \(a web page saved under this name\?\), not an image"),
    ("cut.jpg", _jpeg_bytes()[:400], "is truncated: Pillow cannot decode it"),
    ("folder.jpg", None, "is a folder, not an image file"),
    ("features.jpg", b"\x93NUMPY\x01\x00" + b"\0" * 100, "is a NumPy .npy array, not an image"),
    ("clip.jpg", b"\0\0\0\x18ftypmp42" + b"\0" * 100, "is an MP4/MOV video, not an image"),
]


@pytest.mark.parametrize("name, content, match", UNREADABLE_POSTERS,
                         ids=[row[0] for row in UNREADABLE_POSTERS])
def test_unreadable_poster_names_file_problem_and_remedy(tmp_path, name, content, match):
    path = _write_poster(tmp_path, name, content)
    with pytest.raises(ImageLoadError, match=f"{name}' {match}.*on_error='missing'") as info:
        load_image(path)
    error = info.value
    assert isinstance(error, MediaReadError) and isinstance(error, ValueError)
    assert (error.path, error.modality, error.parameter) == (str(path), "poster", "on_error")
    assert error.fix == {"on_error": "missing"}
    assert "on_error" not in error.problem and str(path) in error.problem
    again = pickle.loads(pickle.dumps(error))  # crosses joblib's process boundary intact
    assert (type(again), str(again), again.path, again.fix) == (
        ImageLoadError, str(error), error.path, error.fix)
    pixels, failed = load_images_uint8([path], 8, on_error="missing")  # as the error says
    assert failed.tolist() == [True] and not pixels.any()


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_decompression_bomb_error_gives_no_advice_a_command_line_cannot_follow(tmp_path):
    bomb = _png_header_only(tmp_path / "bomb.png", 10000, 10000)
    with pytest.raises(ImageLoadError) as info:
        load_image(bomb)
    assert "10000x10000 = 100,000,000 pixels" in info.value.problem
    assert "Raise that limit" not in str(info.value)
    assert info.value.fix == {"on_error": "missing"}


@pytest.mark.parametrize(
    "array, name",
    [
        (np.linspace(0, 65535, 256).reshape(16, 16).astype(np.uint16), "grey16.png"),
        (np.linspace(0, 1, 256).reshape(16, 16).astype(np.float32), "float01.tiff"),
        (np.linspace(0, 255, 256).reshape(16, 16).astype(np.float32), "float255.tiff"),
    ],
)
def test_high_depth_greys_keep_their_tones(tmp_path, array, name):
    """Pillow alone would clip a 16-bit PNG to white and a [0, 1] float image to black."""
    path = tmp_path / name
    Image.fromarray(array).save(path)
    pixels, _ = load_images_uint8([path], 16)
    expected = np.linspace(0, 255, 256).reshape(16, 16)
    np.testing.assert_allclose(pixels[0, 0], expected, atol=1.01)
    assert (pixels[0, 0] == pixels[0, 1]).all()  # grey: the three channels agree
    from_pil, _ = load_images_uint8([Image.open(path)], 16)
    np.testing.assert_array_equal(from_pil, pixels)
