"""Drawing synthetic posters and trailers, and writing trailers as real video files."""

import collections
import colorsys
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache, partial

import numpy as np
from PIL import Image, ImageDraw

from ..utils._video import write_video as _write_video
from ._synthetic_profiles import GENRE_PROFILES

__all__ = ["BackgroundWriter", "draw_poster", "draw_trailer", "write_video"]

_SHAPES = ("circle", "rectangle", "triangle", "heart", "cross", "ring", "diamond", "star")
_MOTIONS = ("dash", "bounce", "flicker", "orbit", "drift", "pulse", "zoom", "sweep", "still")


def _genre_colour(profile, rng):
    """The genre's colour with a little jitter, as 0-255 RGB."""
    h = (profile["hue"] + rng.normal(0, 0.015)) % 1.0
    # min/max of Python floats: np.clip's result, at a tenth of its cost per scalar
    s = min(max(float(profile["saturation"] * rng.uniform(0.85, 1.0)), 0.0), 1.0)
    v = min(max(float(profile["value"] * rng.uniform(0.85, 1.0)), 0.0), 1.0)
    return tuple(int(round(255 * c)) for c in colorsys.hsv_to_rgb(h, s, v))


def _random_colour(rng, saturation=(0.0, 1.0), value=(0.2, 1.0)):
    h = rng.random()
    s = rng.uniform(*saturation)
    v = rng.uniform(*value)
    return tuple(int(round(255 * c)) for c in colorsys.hsv_to_rgb(h, s, v))


def _draw_shape(draw, shape, cx, cy, r, colour):
    if shape == "circle":
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)
    elif shape == "rectangle":
        draw.rectangle([cx - r, cy - 0.6 * r, cx + r, cy + 0.6 * r], fill=colour)
    elif shape == "triangle":
        draw.polygon([(cx, cy - r), (cx - r, cy + r), (cx + r, cy + r)], fill=colour)
    elif shape == "heart":
        q = r / 2
        draw.ellipse([cx - r, cy - r, cx, cy], fill=colour)
        draw.ellipse([cx, cy - r, cx + r, cy], fill=colour)
        draw.polygon([(cx - r, cy - q), (cx + r, cy - q), (cx, cy + r)], fill=colour)
    elif shape == "cross":
        w = max(1.0, r / 3)
        draw.rectangle([cx - w, cy - r, cx + w, cy + r], fill=colour)
        draw.rectangle([cx - r, cy - r / 2 - w, cx + r, cy - r / 2 + w], fill=colour)
    elif shape == "ring":
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=colour, width=max(2, int(r / 3)))
    elif shape == "diamond":
        draw.polygon([(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)], fill=colour)
    elif shape == "star":
        angles = np.pi / 2 + np.arange(10) * np.pi / 5
        radii = np.where(np.arange(10) % 2 == 0, r, r * 0.45)
        draw.polygon(
            [(cx + q * np.cos(a), cy - q * np.sin(a)) for q, a in zip(radii, angles)], fill=colour
        )
    else:  # pragma: no cover - profiles only use the shapes above
        raise ValueError(f"unknown shape {shape!r}")


def draw_poster(expressed, rng, size=64):
    """A poster whose shapes and colours lean to the ``expressed`` genres.

    Each expressed genre adds 2-4 shapes of its own kind in its own colour on a
    low-saturation gradient background; 0-2 distractor shapes of random kind and colour
    are added for every poster.

    Parameters
    ----------
    expressed : list of str
        Genre names the poster shows.
    rng : numpy.random.Generator
    size : int, default=64

    Returns
    -------
    image : PIL.Image.Image, RGB, size x size
    """
    top = np.array(_random_colour(rng, (0.0, 0.35), (0.15, 0.65)), dtype=np.float32)
    bottom = np.array(_random_colour(rng, (0.0, 0.35), (0.15, 0.65)), dtype=np.float32)
    ramp = _ramp(size)
    rows = (top * (1 - ramp) + bottom * ramp).astype(np.uint8)  # one row colour per line
    image = Image.fromarray(np.repeat(rows, size, axis=1), "RGB")
    draw = ImageDraw.Draw(image)
    items = []
    for genre in expressed:
        profile = GENRE_PROFILES[genre]
        for _ in range(int(rng.integers(2, 5))):
            items.append((profile["shape"], _genre_colour(profile, rng)))
    for _ in range(int(rng.integers(0, 3))):
        items.append((_SHAPES[rng.integers(len(_SHAPES))], _random_colour(rng)))
    order = rng.permutation(len(items))
    # The draws of rng.uniform(0.07, 0.16) then rng.uniform(r, size - r, size=2) per
    # shape, made at once: uniform(low, high) is low + (high - low) * random().
    u = rng.random((len(items), 3))
    for k, (a, b, c) in zip(order.tolist(), u.tolist()):
        shape, colour = items[k]
        r = size * (0.07 + (0.16 - 0.07) * a)
        cx, cy = r + (size - r - r) * b, r + (size - r - r) * c
        _draw_shape(draw, shape, cx, cy, r, colour)
    return image


@lru_cache(maxsize=4)
def _ramp(size):
    return np.linspace(0.0, 1.0, size, dtype=np.float32)[:, None, None]


def draw_trailer(expressed, rng, n_frames, size=64):
    """Frames of a trailer whose moving sprites lean to the ``expressed`` genres.

    Each expressed genre adds a sprite in its colour that moves in its own way (dashes
    across, bounces, flickers, orbits, drifts, pulses, zooms, sweeps or stays still)
    over a low-saturation background whose brightness drifts; half of the trailers also
    get a distractor sprite of random colour and motion.

    Returns
    -------
    frames : ndarray of shape (n_frames, size, size, 3), dtype uint8
    """
    base = np.array(_random_colour(rng, (0.0, 0.3), (0.2, 0.6)), dtype=np.float32)
    t = np.arange(n_frames, dtype=np.float32)
    drift = 1.0 + 0.15 * np.sin(2 * np.pi * t / max(n_frames, 1) * rng.uniform(0.5, 2.0))
    per_frame = np.clip(base[None, :] * drift[:, None], 0, 255).astype(np.uint8)
    frames = np.empty((n_frames, size, size, 3), dtype=np.uint8)
    frames[:] = per_frame[:, None, None, :]
    sprites = [
        (GENRE_PROFILES[g]["motion"], _genre_colour(GENRE_PROFILES[g], rng)) for g in expressed
    ]
    if rng.random() < 0.5:
        sprites.append((_MOTIONS[rng.integers(len(_MOTIONS))], _random_colour(rng)))
    for motion, colour in sprites:
        _paint_sprite(frames, motion, np.asarray(colour, np.uint8), rng)
    return frames


def _paint_sprite(frames, motion, colour, rng):
    n_frames, size = frames.shape[0], frames.shape[1]
    s = int(size * rng.uniform(0.2, 0.3))
    x0, y0 = rng.uniform(0, size - s, size=2)
    phase = rng.uniform(0, 2 * np.pi)
    for t in range(n_frames):
        side = s
        if motion == "dash":  # fast horizontal run, wrapping around
            x, y = (x0 + t * size / 7.0) % (size - s), y0
        elif motion == "bounce":
            x, y = x0, (size - s) * abs(np.sin(phase + t * np.pi / 6))
        elif motion == "flicker":  # appears at random places on random frames
            if rng.random() < 0.5:
                continue
            x, y = rng.uniform(0, size - s, size=2)
        elif motion == "orbit":
            c, rad = (size - s) / 2, (size - s) / 2.5
            x, y = c + rad * np.cos(phase + t * np.pi / 8), c + rad * np.sin(phase + t * np.pi / 8)
        elif motion == "drift":
            x, y = (x0 + t * 0.4) % (size - s), (y0 + t * 0.3) % (size - s)
        elif motion == "pulse":
            side = max(2, int(s * (0.75 + 0.45 * np.sin(phase + t * np.pi / 3))))
            x, y = x0 + (s - side) / 2, y0 + (s - side) / 2
        elif motion == "zoom":
            side = max(2, int(s * (0.3 + 1.4 * t / max(n_frames - 1, 1))))
            side = min(side, size)
            x, y = (size - side) / 2, (size - side) / 2
        elif motion == "sweep":  # a full-height bar crossing the frame
            x = (x0 + t * size / 14.0) % (size - s // 2)
            frames[t, :, int(x) : int(x) + max(2, s // 2)] = colour
            continue
        else:  # still
            x, y = x0, y0
        xi, yi = int(x), int(y)
        frames[t, yi : yi + side, xi : xi + side] = colour


# make_movies' trailers: the one write_video, with x264's fastest preset at high quality.
write_video = partial(_write_video, fps=12, preset="ultrafast", crf=18)


class BackgroundWriter:
    """Write files in threads while the caller draws the next ones.

    JPEG encoding (Pillow), video encoding (PyAV) and file writes release the GIL, so
    they overlap with drawing. At most ``max_pending`` writes wait at a time (the caller
    blocks on the oldest), which bounds the memory held by drawn, unwritten media; the
    first error is raised at the latest when the block ends.

    Examples
    --------
    >>> with BackgroundWriter() as writer:  # doctest: +SKIP
    ...     writer.submit(image.save, "poster.jpg", quality=92)
    """

    def __init__(self, n_threads=2, max_pending=64):
        self.n_threads = n_threads
        self.max_pending = max_pending

    def __enter__(self):
        self._pool = ThreadPoolExecutor(max_workers=self.n_threads)
        self._pending = collections.deque()
        return self

    def submit(self, func, *args, **kwargs):
        while len(self._pending) >= self.max_pending:
            self._pending.popleft().result()
        self._pending.append(self._pool.submit(func, *args, **kwargs))

    def __exit__(self, exc_type, exc, tb):
        try:
            while self._pending:
                future = self._pending.popleft()
                if exc_type is None:
                    future.result()
                else:
                    future.cancel()
        finally:
            self._pool.shutdown(wait=True)
        return False
