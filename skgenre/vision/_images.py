"""Image loading and preprocessing with Pillow: posters (and trailer frames) to tensors.

Every image, whatever its origin (a file path, a PIL image or an ``(H, W, 3)`` uint8
array), is converted to RGB, resized to ``size x size`` (the whole image is squeezed
into the square, nothing is cropped away: a poster's title and credits stay in view),
and normalised with the ImageNet mean and standard deviation that torchvision's
pretrained backbones expect.
"""

import hashlib
import os
from pathlib import Path

import numpy as np

from ..utils._cache import file_key
from ..utils._on_error import MediaReadError, describe_content

__all__ = [
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "ImageLoadError",
    "image_key",
    "load_image",
    "load_images_uint8",
    "normalize_uint8",
    "preprocess_images",
]

IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


class ImageLoadError(MediaReadError):
    """An image file is missing, unreadable, not an image, or a decompression bomb (more
    pixels than Pillow's ``Image.MAX_IMAGE_PIXELS``).

    The message names the file, says what is wrong and that ``on_error="missing"``
    treats such posters as missing; the attributes ``path``, ``reason``, ``modality``
    (``"poster"``), ``parameter`` (``"on_error"``) and ``fix`` (``{"on_error":
    "missing"}``) hold the same facts (see :class:`~skgenre.utils.MediaReadError`).
    Subclass of :class:`ValueError`.
    """

    modality = "poster"

    def __init__(self, path, reason, *, subject=None, on_error_applies=True):
        if subject is None and path is not None:
            subject = f"Image file {os.fspath(path)!r}"
        super().__init__(path, reason, subject=subject, on_error_applies=on_error_applies)


def _describe(item):
    if isinstance(item, (str, os.PathLike)):
        return f"{os.fspath(item)!r}"
    return f"an object of type {type(item).__name__}"


def load_image(item, size=None):
    """Read one image as an RGB PIL image.

    Parameters
    ----------
    item : str, path-like, PIL.Image.Image or ndarray of shape (H, W, 3) or (H, W)
        A file path, a PIL image, or a uint8 array (grey arrays are repeated to RGB).
    size : int, default=None
        When given, JPEG files are decoded directly at a reduced scale that is still
        at least ``size`` pixels on each side (Pillow's ``draft`` mode), which makes
        decoding several times faster for small targets. The result is not resized.

    Returns
    -------
    image : PIL.Image.Image in mode ``"RGB"``

    Raises
    ------
    ImageLoadError
        If the file does not exist or cannot be decoded, or if it declares more pixels
        than ``PIL.Image.MAX_IMAGE_PIXELS`` (about 89 million by default; a
        "decompression bomb", e.g. a 20000x20000 PNG of a few kilobytes, which would
        take gigabytes to decode); the message names the file.
    TypeError
        If ``item`` is of an unsupported type.
    """
    from PIL import Image, UnidentifiedImageError

    bombs = (Image.DecompressionBombError, Image.DecompressionBombWarning)

    if isinstance(item, (str, os.PathLike)):
        path = os.fspath(item)
        if os.path.isdir(path):
            raise ImageLoadError(path, "is a folder, not an image file",
                                 subject=f"Image path {path!r}")
        if not os.path.isfile(path):
            raise ImageLoadError(path, "does not exist (not found)")
        try:
            with Image.open(path) as image:
                _check_pixels(image, path)
                if size is not None and image.format == "JPEG":
                    image.draft("RGB", (size, size))
                image = _rgb(image)
                image.load()
        except ImageLoadError:
            raise
        except bombs as exc:  # past twice the limit (or the warning raised by a filter)
            raise ImageLoadError(path, _too_many_pixels(None, None)) from exc
        except UnidentifiedImageError as exc:
            reason = describe_content(path, "image") or (
                "is not in an image format Pillow can read (damaged, or another kind of file)")
            raise ImageLoadError(path, reason) from exc
        except (OSError, SyntaxError, ValueError) as exc:
            what = "truncated" if "truncated" in str(exc).lower() else "damaged"
            raise ImageLoadError(path, f"is {what}: Pillow cannot decode it ({exc})") from exc
        return image
    if isinstance(item, Image.Image):
        return _rgb(item)
    if isinstance(item, np.ndarray):
        array = item
        if array.ndim == 2:
            array = np.repeat(array[:, :, None], 3, axis=2)
        if array.ndim != 3 or array.shape[2] not in (3, 4):
            raise ImageLoadError(
                None, f"has shape {item.shape}; image arrays must have shape (H, W, 3) (or "
                "(H, W) / (H, W, 4))", subject="The image array")
        if array.dtype != np.uint8:
            if np.issubdtype(array.dtype, np.floating) and array.size and array.max() <= 1.0:
                array = array * 255.0
            array = np.clip(array, 0, 255).astype(np.uint8)
        return Image.fromarray(np.ascontiguousarray(array[:, :, :3]), mode="RGB")
    raise TypeError(
        f"Cannot read an image from {_describe(item)}; expected a file path, a PIL image "
        "or an (H, W, 3) uint8 array."
    )


def _rgb(image):
    """``image`` in mode RGB, 16-bit and float greys scaled to 0-255 first.

    Pillow's own conversion clips those modes at 255 (a 16-bit PNG turns almost all
    white, a float image in [0, 1] almost black); here 16-bit values are divided by
    257 and floats in [0, 1] multiplied by 255.
    """
    from PIL import Image

    if image.mode == "RGB":
        return image
    if image.mode.startswith("I") or image.mode == "F":
        grey = np.asarray(image, dtype=np.float64)
        finite = grey[np.isfinite(grey)]
        top = float(finite.max()) if finite.size else 0.0
        if image.mode.startswith("I;16") or (image.mode == "I" and top > 255):
            grey = grey / 257.0
        elif image.mode == "F" and top <= 1.0:
            grey = grey * 255.0
        grey = np.clip(np.nan_to_num(grey), 0, 255).round().astype(np.uint8)
        return Image.fromarray(grey, mode="L").convert("RGB")
    return image.convert("RGB")


def _check_pixels(image, path):
    """Refuse an image above Pillow's pixel limit before decoding it.

    Pillow raises past twice ``MAX_IMAGE_PIXELS`` but only warns between once and twice
    the limit, and then decodes the image; both become :class:`ImageLoadError` here.
    """
    from PIL import Image

    limit = Image.MAX_IMAGE_PIXELS
    width, height = image.size
    if limit is not None and width * height > limit:
        raise ImageLoadError(path, _too_many_pixels(image.size, limit))


def _too_many_pixels(size, limit):
    """The reason for refusing an image of ``size`` (width, height) over ``limit`` pixels."""
    from PIL import Image

    limit = Image.MAX_IMAGE_PIXELS if limit is None else limit
    count = ("more pixels" if size is None
             else f"{size[0]}x{size[1]} = {size[0] * size[1]:,} pixels, more")
    return (f"is refused: it has {count} than the {limit:,} that Pillow decodes "
            "(PIL.Image.MAX_IMAGE_PIXELS): a possible decompression bomb")


def _to_uint8(item, size):
    from PIL import Image

    image = load_image(item, size=size)
    if image.size != (size, size):
        image = image.resize((size, size), Image.Resampling.BILINEAR)
    return np.asarray(image, dtype=np.uint8)


def load_images_uint8(images, size, *, on_error="raise"):
    """Load and resize images to a ``(n, 3, size, size)`` uint8 array.

    Parameters
    ----------
    images : sequence of str, path-like, PIL images or (H, W, 3) arrays
    size : int
        Side of the square output.
    on_error : {"raise", "missing"}, default="raise"
        ``"raise"`` raises :class:`ImageLoadError` naming the first missing or corrupt
        file; ``"missing"`` (or its former name ``"zero"``) leaves its slot black (all
        zeros) and flags it in ``failed``.

    Returns
    -------
    pixels : ndarray of shape (n, 3, size, size), dtype uint8
    failed : ndarray of shape (n,), dtype bool
        Which images could not be read (always all False with ``on_error="raise"``).
    """
    size = int(size)
    out = np.zeros((len(images), 3, size, size), dtype=np.uint8)
    failed = np.zeros(len(images), dtype=bool)
    for i, item in enumerate(images):
        try:
            out[i] = _to_uint8(item, size).transpose(2, 0, 1)
        except ImageLoadError:
            if on_error == "raise":
                raise
            failed[i] = True
    return out, failed


def normalize_uint8(pixels):
    """ImageNet-normalise a ``(n, 3, S, S)`` uint8 array or tensor to a float32 tensor.

    Parameters
    ----------
    pixels : ndarray or torch.Tensor of shape (n, 3, S, S), dtype uint8

    Returns
    -------
    tensor : torch.Tensor of shape (n, 3, S, S), dtype float32
    """
    import torch

    tensor = torch.as_tensor(pixels)
    mean = torch.as_tensor(IMAGENET_MEAN * 255.0, device=tensor.device).view(1, 3, 1, 1)
    scale = torch.as_tensor(1.0 / (IMAGENET_STD * 255.0), device=tensor.device).view(1, 3, 1, 1)
    return (tensor.to(torch.float32) - mean) * scale


def preprocess_images(images, size, *, on_error="raise"):
    """Load, resize and ImageNet-normalise images into one float32 batch tensor.

    Parameters
    ----------
    images : sequence of str, path-like, PIL images or (H, W, 3) uint8 arrays
        A single path or image is not accepted: wrap it in a list.
    size : int
        Side of the square model input (224 for VGG-16).
    on_error : {"raise", "missing"}, default="raise"
        What to do with a missing or corrupt file: raise :class:`ImageLoadError`
        naming it, or (``"missing"``, or its former name ``"zero"``) give it an
        all-black image (ImageNet-normalised zeros).

    Returns
    -------
    batch : torch.Tensor of shape (n, 3, size, size), dtype float32

    Examples
    --------
    >>> import numpy as np
    >>> from skgenre.vision import preprocess_images
    >>> image = np.zeros((40, 30, 3), dtype=np.uint8)
    >>> preprocess_images([image, image], size=32).shape
    torch.Size([2, 3, 32, 32])
    """
    if isinstance(images, (str, os.PathLike)) or not hasattr(images, "__len__"):
        raise TypeError("images must be a sequence (e.g. a list) of images or file paths.")
    if on_error not in ("raise", "missing", "zero"):
        raise ValueError(f"on_error must be 'raise' or 'missing'; got {on_error!r}.")
    pixels, _ = load_images_uint8(list(images), size, on_error=on_error)
    return normalize_uint8(pixels)


def image_key(item):
    """A string that changes whenever the image does: path, size and mtime, or a pixel hash.

    Parameters
    ----------
    item : str, path-like, PIL image or ndarray

    Returns
    -------
    key : str
    """
    if isinstance(item, (str, os.PathLike)):
        try:
            return file_key(item)
        except OSError:
            return f"missing:{Path(item).resolve()}"
    if isinstance(item, np.ndarray):
        array = np.ascontiguousarray(item)
        digest = hashlib.blake2b(array.tobytes(), digest_size=16)
        digest.update(f"{array.shape}{array.dtype}".encode())
        return f"array:{digest.hexdigest()}"
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover
        Image = None
    if Image is not None and isinstance(item, Image.Image):
        digest = hashlib.blake2b(item.tobytes(), digest_size=16)
        digest.update(f"{item.size}{item.mode}".encode())
        return f"pil:{digest.hexdigest()}"
    raise TypeError(
        f"Cannot read an image from {_describe(item)}; expected a file path, a PIL image "
        "or an (H, W, 3) uint8 array."
    )
