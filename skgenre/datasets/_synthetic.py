"""``make_movies``: a synthetic four-modality movie catalogue written to a folder."""

import hashlib
import json
import logging
import numbers
import os
import shutil
import tempfile

import numpy as np
import pandas as pd

from ..utils._progress import progress as progress_bar
from ._base import get_data_home
from ._format import (
    GENRES_COLUMN,
    METADATA_COLUMNS,
    PLOT_COLUMN,
    POSTER_COLUMN,
    SEPARATOR,
    TRAILER_COLUMN,
)
from ._load import load_movies
from ._modalities import MODALITIES, get_modality, resolve_modalities
from ._synthetic_columns import (
    _draw_labels,
    _draw_missing,
    _draw_shown,
    _keywords,
    _metadata,
    _plot,
    _runtime,
    _split,
    _title,
)
from ._synthetic_media import BackgroundWriter, draw_poster, draw_trailer, write_video
from ._synthetic_profiles import DEFAULT_GENRE_ORDER, GENRE_PROFILES

__all__ = ["make_movies"]

logger = logging.getLogger(__name__)

#: Bump when the generator's output changes, so cached catalogues are rebuilt.
GENERATOR_VERSION = 3
MARKER = ".make_movies.json"
MANIFEST = "movies.csv"
#: Keyword and numeric columns of the metadata modality, written after the credits.
KEYWORDS_COLUMN, RUNTIME_COLUMN = "keywords", "runtime"

def make_movies(
    n_movies=300,
    *,
    n_genres=6,
    genres=None,
    modalities=MODALITIES,
    missing_rate=0.1,
    signal=0.6,
    poster_size=64,
    trailer_size=64,
    trailer_frames=(12, 48),
    fps=12,
    path=None,
    data_home=None,
    random_state=0,
    return_X_y=False,
    as_frame=False,
    verbose=0,
):
    """Make a synthetic movie catalogue with plots, posters, trailers and credits.

    The catalogue is written to a folder in the format :func:`load_movies` reads:
    ``movies.csv`` (genres joined by ``|``, media paths relative to the manifest),
    ``posters/*.jpg`` and ``trailers/*.mp4`` (real H.264 video encoded with PyAV).

    How it is made: every movie gets 1 to 3 genres (some genres much more frequent
    than others, like real catalogues). Then, *independently for each modality*, each
    of the movie's genres shows in that modality with probability ``signal``, and with
    probability 0.3 one random genre (drawn independently of the movie's genres)
    shows as well. What a modality shows drives its
    content:

    - ``plot``: 40-100 words of running text built from real English words (all in
      GloVe 6B): neutral words plus a few words from each shown genre's vocabulary
      (Horror: *ghost, blood, scream, ...*), and some stray words of random genres.
    - ``poster``: a ``poster_size`` square JPEG: a dull gradient with 2-4 shapes per
      shown genre in that genre's colour and shape (Comedy: yellow circles, Horror:
      green crosses, ...), plus random distractor shapes.
    - ``trailer``: a ``trailer_size`` square MP4 of ``trailer_frames`` frames (its
      length varies between trailers) at ``fps``: per shown genre a sprite in the
      genre's colour that moves its genre's way (Action dashes across, Horror flickers,
      Sci-Fi orbits, ...), over a background whose brightness drifts.
    - ``metadata``: ``director_name``, ``actor_1_name`` .. ``actor_3_name``, ``cast``
      (``|``-joined), ``language``, ``content_rating``, ``keywords`` and ``runtime``;
      directors and actors come mostly from pools that lean to the shown genres (the
      pools are fixed, so the same people lean the same way in every catalogue),
      ratings lean by genre. ``keywords`` holds 2-8 ``|``-joined tags: one or two words
      of a genre's vocabulary (*haunted cellar*) for each genre shown *in the keywords*
      (drawn apart from the credits' genres, so keywords and credits err
      independently) and generic tags (*based on novel*); ``runtime`` (minutes)
      scatters around the shown genres' typical length (War long, Children short).

    So each modality alone is informative but imperfect (a genre that does not show in
    a modality cannot be read from it), and the modalities' errors are independent, so
    combining them helps. Finally, each modality is missing (empty cells, no file) for
    a share ``missing_rate`` of the movies, never all of a movie's modalities at once.

    Parameters
    ----------
    n_movies : int, default=300
    n_genres : int, default=6
        Use the first ``n_genres`` built-in genres: Action, Comedy, Drama, Horror,
        Romance, Sci-Fi, Thriller, Adventure, Crime, Fantasy, Children, Mystery, War,
        Musical, Western, Documentary, Film-Noir (at most 17). Ignored when ``genres``
        is given.
    genres : list of str, default=None
        Built-in genre names to use instead, in this order.
    modalities : sequence of {"text", "poster", "trailer", "metadata"}, default=all four
        Modalities to generate (the built-in modalities,
        :data:`~skgenre.datasets.MODALITIES`, or their aliases, e.g. ``"plot"`` for
        ``"text"``); the others' columns are left out of the manifest. A modality's content does not depend on which other modalities
        are generated.
    missing_rate : float or dict, default=0.1
        Share of movies lacking each modality, or a ``{modality: rate}`` dict
        (modalities left out of the dict are never missing).
    signal : float or dict, default=0.6
        Probability that a movie's genre shows in a modality (one value, or a
        ``{modality: probability}`` dict whose left-out modalities get 0.6). Higher is
        easier: 1.0 shows every genre (plus the occasional wrong one).
    poster_size : int, default=64
        Poster width and height in pixels.
    trailer_size : int, default=64
        Trailer frame width and height in pixels (even).
    trailer_frames : (int, int), default=(12, 48)
        Inclusive range of the number of frames of a trailer, drawn per trailer.
    fps : int, default=12
        Trailer frame rate.
    path : str or path-like, default=None
        Folder to write the catalogue to (created if needed). It must be empty, absent,
        or a folder written earlier by ``make_movies``: a catalogue with the same
        parameters there is reused as it is, one with other parameters is replaced.
        ``None`` uses ``<data_home>/synthetic/make_movies-<hash of the parameters>``,
        so that a second call with the same parameters reuses the files.
    data_home : str or path-like, default=None
        See :func:`get_data_home`; used only when ``path`` is None.
    random_state : int, RandomState instance or None, default=0
        Seed of the catalogue: the same integer gives the same catalogue, files
        included. ``None`` draws a new seed each call.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return ``target`` as a DataFrame (see :func:`load_movies`).
    verbose : int, default=0
        ``0`` is silent; ``> 0`` shows a progress bar over the movies.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        What :func:`load_movies` returns for the written manifest (``data`` with
        absolute media paths and the columns ``movieId``, ``title``, ``year``,
        ``split`` (train/val/test, 70/10/20, multilabel-stratified) and the modality
        columns; ``target``; ``target_names``; ``frame``; ``DESCR``; ``manifest``).

    (data, target) : tuple if ``return_X_y`` is True

    See Also
    --------
    load_movies : Load a catalogue in this format.

    Examples
    --------
    >>> import tempfile
    >>> from skgenre.datasets import make_movies
    >>> movies = make_movies(40, modalities=("plot", "metadata"), path=tempfile.mkdtemp())
    >>> movies.data.shape[0], movies.target.shape, movies.target_names[:3]
    (40, (40, 6), ['Action', 'Comedy', 'Drama'])
    >>> sorted(movies.data["split"].unique())
    ['test', 'train', 'val']
    """
    params = _check_params(
        n_movies, n_genres, genres, modalities, missing_rate, signal, poster_size,
        trailer_size, trailer_frames, fps, random_state,
    )
    key = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]
    if path is None:
        folder = os.path.join(get_data_home(data_home), "synthetic", f"make_movies-{key}")
        if not _is_complete(folder, params):
            _generate_atomically(folder, params, verbose)
    else:
        folder = os.path.abspath(os.path.expanduser(os.fspath(path)))
        if not _is_complete(folder, params):
            _prepare_folder(folder)
            _generate(folder, params, verbose)
    bunch = load_movies(
        os.path.join(folder, MANIFEST), genres=params["genres"], as_frame=as_frame
    )
    if return_X_y:
        return bunch.data, bunch.target
    bunch.DESCR = _describe(params) + "\n" + bunch.DESCR
    return bunch


# --------------------------------------------------------------------------- checks


def _check_params(
    n_movies, n_genres, genres, modalities, missing_rate, signal, poster_size,
    trailer_size, trailer_frames, fps, random_state,
):
    if not isinstance(n_movies, numbers.Integral) or n_movies < 1:
        raise ValueError(f"n_movies must be a positive integer; got {n_movies!r}.")
    if genres is None:
        if not isinstance(n_genres, numbers.Integral) or not 1 <= n_genres <= len(DEFAULT_GENRE_ORDER):
            raise ValueError(
                f"n_genres must be an integer in [1, {len(DEFAULT_GENRE_ORDER)}]; got {n_genres!r}."
            )
        genres = list(DEFAULT_GENRE_ORDER[:n_genres])
    else:
        genres = [str(g) for g in genres]
        unknown = [g for g in genres if g not in GENRE_PROFILES]
        if unknown or not genres or len(set(genres)) != len(genres):
            raise ValueError(
                f"genres must be distinct built-in genre names; unknown {unknown} in "
                f"{genres}. Available: {list(DEFAULT_GENRE_ORDER)}."
            )
    if isinstance(modalities, str):
        modalities = (modalities,)
    try:
        modalities = resolve_modalities(tuple(modalities))
    except ValueError as exc:
        raise ValueError(f"modalities: {exc} Got {modalities!r}.") from None
    foreign = [m for m in modalities if m not in MODALITIES]
    if foreign:
        raise ValueError(
            f"modalities: make_movies draws the built-in modalities {', '.join(MODALITIES)}; "
            f"it has no generator for {foreign}."
        )
    if "trailer" in modalities:
        try:
            import av  # noqa: F401
        except ImportError as exc:
            raise ImportError(
                "make_movies needs PyAV to write trailer videos: pip install 'skgenre[video]', "
                "or leave 'trailer' out of modalities."
            ) from exc
    missing = _per_modality(missing_rate, "missing_rate", modalities, high=1.0)
    signal = _per_modality(signal, "signal", modalities, high=1.0)
    for name, value in (("poster_size", poster_size), ("trailer_size", trailer_size), ("fps", fps)):
        if not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    if poster_size < 8:
        raise ValueError(f"poster_size must be at least 8; got {poster_size}.")
    if trailer_size < 8 or trailer_size % 2:
        raise ValueError(f"trailer_size must be an even integer >= 8; got {trailer_size}.")
    try:
        lo, hi = (int(v) for v in trailer_frames)
    except (TypeError, ValueError):
        raise ValueError(
            f"trailer_frames must be a (min, max) pair of integers; got {trailer_frames!r}."
        ) from None
    if not 1 <= lo <= hi:
        raise ValueError(f"trailer_frames must satisfy 1 <= min <= max; got {trailer_frames!r}.")
    if random_state is None or isinstance(random_state, np.random.RandomState):
        rs = random_state if random_state is not None else np.random.RandomState()
        seed = int(rs.randint(np.iinfo(np.int32).max))
    elif isinstance(random_state, numbers.Integral) and random_state >= 0:
        seed = int(random_state)
    else:
        raise ValueError(
            f"random_state must be a non-negative int, a RandomState instance or None; got "
            f"{random_state!r}."
        )
    return {
        "version": GENERATOR_VERSION,
        "n_movies": int(n_movies),
        "genres": genres,
        "modalities": list(modalities),
        "missing_rate": missing,
        "signal": signal,
        "poster_size": int(poster_size),
        "trailer_size": int(trailer_size),
        "trailer_frames": [lo, hi],
        "fps": int(fps),
        "seed": seed,
    }


def _per_modality(value, name, modalities, high):
    if isinstance(value, dict):
        try:
            value = {get_modality(k).name: v for k, v in value.items()}
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
        foreign = sorted(set(value) - set(MODALITIES))
        if foreign:
            raise ValueError(f"{name}: make_movies draws no {foreign} modality.")
        default = {"missing_rate": 0.0, "signal": 0.6}[name]
        out = {m: value.get(m, default) for m in MODALITIES}
    else:
        out = {m: value for m in MODALITIES}
    for m, v in out.items():
        if not isinstance(v, numbers.Real) or not 0.0 <= v <= high:
            raise ValueError(f"{name} must be in [0, {high}] (per modality); got {value!r}.")
    return {m: float(out[m]) for m in modalities}


# --------------------------------------------------------------------------- folders


def _is_complete(folder, params):
    marker = os.path.join(folder, MARKER)
    try:
        with open(marker) as f:
            return json.load(f) == params
    except (OSError, ValueError):
        return False


def _prepare_folder(folder):
    """Make ``folder`` ready for a new catalogue, refusing to clobber foreign files."""
    if not os.path.exists(folder):
        os.makedirs(folder)
        return
    if not os.path.isdir(folder):
        raise NotADirectoryError(f"path {folder} exists and is not a folder.")
    entries = os.listdir(folder)
    if not entries:
        return
    if MARKER not in entries:
        raise FileExistsError(
            f"path {folder} is not empty and was not written by make_movies; give an "
            "empty or new folder."
        )
    for name in (MARKER, MANIFEST):
        if os.path.exists(os.path.join(folder, name)):
            os.remove(os.path.join(folder, name))
    for name in ("posters", "trailers"):
        shutil.rmtree(os.path.join(folder, name), ignore_errors=True)


def _generate_atomically(folder, params, verbose):
    """Generate into a sibling temp folder, then rename it into place."""
    parent = os.path.dirname(folder)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".tmp-make_movies-", dir=parent)
    try:
        _generate(staging, params, verbose)
        if os.path.exists(folder):  # incomplete leftovers of an interrupted run
            if _is_complete(folder, params):
                return
            shutil.rmtree(folder, ignore_errors=True)
        try:
            os.rename(staging, folder)
        except OSError:
            if not _is_complete(folder, params):  # a concurrent run won the race: fine
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# --------------------------------------------------------------------------- generation


def _generate(folder, params, verbose):
    genres = params["genres"]
    modalities = params["modalities"]
    n, k = params["n_movies"], len(genres)
    # One independent stream per part, so that e.g. the plots do not change when the
    # trailers are left out.
    streams = np.random.SeedSequence(params["seed"]).spawn(10)
    rng_labels, rng_show, rng_missing, rng_split, rng_misc = (
        np.random.default_rng(s) for s in streams[:5]
    )
    rng_modality = {m: np.random.default_rng(s) for m, s in zip(MODALITIES, streams[5:9])}

    Y = _draw_labels(n, genres, rng_labels)
    shown = {m: _draw_shown(Y, params["signal"].get(m, 0.6), rng_show) for m in MODALITIES}
    missing = _draw_missing(n, MODALITIES, modalities, params["missing_rate"], rng_missing)

    table = pd.DataFrame(
        {
            "movieId": np.arange(1, n + 1),
            "title": [_title(rng_misc) for _ in range(n)],
            "year": rng_misc.integers(1960, 2024, size=n),
            GENRES_COLUMN: [SEPARATOR.join(genres[j] for j in np.flatnonzero(row)) for row in Y],
        }
    )
    progress = progress_bar(total=n * len(modalities), verbose=verbose, desc="make_movies",
                            unit="item")

    def show(m, i):
        return [genres[j] for j in np.flatnonzero(shown[m][i])]

    if "text" in modalities:
        rng = rng_modality["text"]
        plots = []
        for i in range(n):
            text = _plot(show("text", i), genres, rng)  # always drawn: stable streams
            plots.append("" if missing["text"][i] else text)
            progress.update()
        table[PLOT_COLUMN] = plots
    if "poster" in modalities:
        rng = rng_modality["poster"]
        os.makedirs(os.path.join(folder, "posters"))
        cells = []
        with BackgroundWriter() as writer:  # JPEGs written while the next are drawn
            for i in range(n):
                image = draw_poster(show("poster", i), rng, params["poster_size"])
                if missing["poster"][i]:
                    cells.append("")
                else:
                    rel = f"posters/{i + 1:05d}.jpg"
                    writer.submit(image.save, os.path.join(folder, rel), quality=92)
                    cells.append(rel)
                progress.update()
        table[POSTER_COLUMN] = cells
    if "trailer" in modalities:
        rng = rng_modality["trailer"]
        os.makedirs(os.path.join(folder, "trailers"))
        lo, hi = params["trailer_frames"]
        cells = []
        with BackgroundWriter(max_pending=8) as writer:  # videos encoded while drawing
            for i in range(n):
                n_frames = int(rng.integers(lo, hi + 1))
                frames = draw_trailer(show("trailer", i), rng, n_frames, params["trailer_size"])
                if missing["trailer"][i]:
                    cells.append("")
                else:
                    rel = f"trailers/{i + 1:05d}.mp4"
                    writer.submit(write_video, os.path.join(folder, rel), frames,
                                  fps=params["fps"])
                    cells.append(rel)
                progress.update()
        table[TRAILER_COLUMN] = cells
    if "metadata" in modalities:
        rng = rng_modality["metadata"]
        # Keywords show genres of their own, drawn after the four modalities' (so those
        # stay as they were), from a stream of their own.
        shown_keywords = _draw_shown(Y, params["signal"]["metadata"], rng_show)
        rng_keywords = np.random.default_rng(streams[9])
        columns = list(METADATA_COLUMNS) + [KEYWORDS_COLUMN, RUNTIME_COLUMN]
        rows = []
        for i in range(n):
            row = _metadata(show("metadata", i), rng)
            row[KEYWORDS_COLUMN] = _keywords(
                [genres[j] for j in np.flatnonzero(shown_keywords[i])], rng_keywords
            )
            row[RUNTIME_COLUMN] = _runtime(show("metadata", i), rng_keywords)
            rows.append({c: "" for c in columns} if missing["metadata"][i] else row)
            progress.update()
        meta = pd.DataFrame(rows, columns=columns)
        for c in columns:
            table[c] = meta[c].to_numpy()
    progress.close()
    table["split"] = _split(Y, rng_split)
    table.to_csv(os.path.join(folder, MANIFEST), index=False)
    with open(os.path.join(folder, MARKER), "w") as f:
        json.dump(params, f, sort_keys=True)


def _describe(params):
    return (
        "Synthetic movie catalogue (skgenre.datasets.make_movies)\n"
        "======================================================\n\n"
        f"{params['n_movies']} movies, genres {', '.join(params['genres'])}; modalities "
        f"{', '.join(params['modalities'])}. Each genre shows in each modality with "
        f"probability {params['signal']}, independently; share of movies lacking each "
        f"modality {params['missing_rate']}. Seed {params['seed']}.\n"
    )
